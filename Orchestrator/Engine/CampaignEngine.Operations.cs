using ActiveLearning.Orchestrator.Logging;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>What the engine does around every step run: its heartbeat and its progress display.</summary>
public sealed partial class CampaignEngine
{
    private IStepProgressDisplay? defaultProgress;

    /// <summary>Where running steps show their progress; default: log lines at most every two seconds (<see cref="LogLineProgressDisplay"/>).</summary>
    public IStepProgressDisplay? ProgressDisplay { get; init; }

    /// <summary>How often a running step's heartbeat is written (<see cref="StepHeartbeat"/>); default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = StepHeartbeat.DefaultInterval;

    private IStepProgress BeginProgress(string step) => (ProgressDisplay ?? (defaultProgress ??= new LogLineProgressDisplay(log, time))).Begin(step);
}
