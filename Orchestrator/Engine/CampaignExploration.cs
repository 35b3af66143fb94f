using ActiveLearning.Activities.Exploration;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Orchestrator.Campaigns;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>Turns an explore step's schedules (<c>pressure</c>, <c>temperature_schedule</c>, <c>start_min_atoms</c>) into exploration options.</summary>
internal static class CampaignExploration
{
    /// <summary><paramref name="options"/> with the step's pressure, temperature program and start filter.</summary>
    public static ExplorationOptions WithSchedules(ExploreStep explore, ExplorationOptions options) => options with
    {
        PressureLowGPa = explore.Pressure?.From ?? 0,
        PressureHighGPa = explore.Pressure?.To ?? 0,
        PressureSchedule = explore.Pressure is { Ramp: true } ? ScheduleMode.RampEachWalker : ScheduleMode.SpreadOverWalkers,
        PressureProfile = explore.Pressure is { Points.Length: > 0 } pressure ? [.. pressure.Points.Select(p => new SchedulePoint(p.Step, p.Value))] : null,
        TemperatureProgram = Program(explore.TemperatureSchedule),
        MinStartAtoms = explore.StartMinAtoms ?? 1,
    };

    private static TemperatureProgram? Program(TemperatureScheduleSpec? schedule) => schedule switch
    {
        MeltQuenchSchedule melt => new MeltQuenchProgram { MeltK = melt.Melt, HoldFs = melt.Hold, QuenchRateKPerPs = melt.QuenchRate },
        TemperaturePointsSchedule points => new TemperaturePointsProgram([.. points.Points.Select(p => new SchedulePoint(p.Step, p.Value))]),
        _ => null,
    };
}
