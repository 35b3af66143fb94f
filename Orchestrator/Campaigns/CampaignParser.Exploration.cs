using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>The explore step's schedules: <c>pressure</c>, <c>temperature_schedule</c> and <c>start_min_atoms</c>.</summary>
public static partial class CampaignParser
{
    /// <summary>What <c>ReadExploreSchedules</c> read; <see cref="PointsGiven"/> says a list of points stands for <c>temperature</c>.</summary>
    private sealed record ExploreSchedules(
        PressureSchedule? Pressure, TemperatureScheduleSpec? Temperature, int? StartMinAtoms, bool PointsGiven);

    private sealed partial class Reader
    {
        private const double PressureLimitGPa = 1000;

        private ExploreSchedules ReadExploreSchedules(Fields map, string what, string? ensemble)
        {
            var pressure = map.Optional("pressure", n => ReadPressure(n, what + ".pressure"));
            if (map.KeyNode("pressure") is { } pressureKey && ensemble is not null && ensemble != "npt")
            {
                Error(pressureKey, $"{what}: 'pressure' applies to ensemble npt only (this step is {ensemble}); expected ensemble: npt or no pressure");
            }

            var scheduleNode = map.Node("temperature_schedule");
            var schedule = scheduleNode is null ? null : ReadTemperatureSchedule(scheduleNode, what + ".temperature_schedule");
            var pointsGiven = scheduleNode is YamlSequenceNode;
            if (pointsGiven && map.KeyNode("temperature") is { } temperatureKey)
            {
                Error(temperatureKey, $"{what}: 'temperature' does not apply with a list of (step, K) points in temperature_schedule; expected one of them");
            }

            var minAtoms = map.Optional("start_min_atoms", n => Int(n, what + ".start_min_atoms", 1, 10_000_000));
            return new ExploreSchedules(pressure, schedule, minAtoms, pointsGiven);
        }

        /// <summary>Checks the schedules against the step's temperature, steps and time step, once those are read.</summary>
        private void CheckExploreSchedules(Fields map, string what, ExploreStep step)
        {
            CheckPressurePoints(map, what, step);
            switch (step.TemperatureSchedule)
            {
                case MeltQuenchSchedule melt:
                    var node = map.Node("temperature_schedule")!;
                    if (melt.Melt <= step.Temperature.Hi)
                    {
                        Error(node, Invariant($"{what}.temperature_schedule: melt {melt.Melt} K is not above the walkers' highest temperature {step.Temperature.Hi} K; expected melt > temperature"));
                        break;
                    }

                    // The coldest walker quenches longest.
                    var holdSteps = (int)Math.Round(melt.Hold / step.Timestep);
                    var quenchSteps = (int)Math.Round((melt.Melt - step.Temperature.Lo) / melt.QuenchRate * 1000 / step.Timestep);
                    if (holdSteps + quenchSteps > step.Steps)
                    {
                        Error(map.Node("steps") ?? node, Invariant(
                            $"{what}.steps: the melt–quench to {step.Temperature.Lo} K needs {holdSteps + quenchSteps} steps of {step.Timestep} fs (hold {melt.Hold} fs, then {melt.Melt - step.Temperature.Lo} K at {melt.QuenchRate} K/ps) but steps is {step.Steps}; expected steps ≥ {holdSteps + quenchSteps}, a shorter hold or a faster quench_rate"));
                    }

                    break;
                case TemperaturePointsSchedule points when points.Points.Length > 0 && points.Points[^1].Step > step.Steps:
                    Error(map.Node("temperature_schedule")!, Invariant(
                        $"{what}.temperature_schedule: the last point is at step {points.Points[^1].Step}, beyond steps {step.Steps}; expected points within the run"));
                    break;
            }
        }

        private void CheckPressurePoints(Fields map, string what, ExploreStep step)
        {
            if (step.Pressure is { Points: [.., var last] } && last.Step > step.Steps)
            {
                Error(map.Node("pressure")!, Invariant(
                    $"{what}.pressure: the last point is at step {last.Step}, beyond steps {step.Steps}; expected points within the run"));
            }
        }

        private PressureSchedule? ReadPressure(YamlNode node, string what)
        {
            double? Value(YamlNode n) => Double(n, what, -PressureLimitGPa, PressureLimitGPa);
            switch (node)
            {
                case YamlScalarNode:
                    return Value(node) is { } single ? new PressureSchedule(single, single, Ramp: false) : null;
                case YamlSequenceNode list when list.Children.Count > 0 && list.Children.All(c => c is YamlSequenceNode):
                    {
                        if (ReadPoints(list, what, "GPa", -PressureLimitGPa, PressureLimitGPa, lowExclusive: false) is not { } points)
                        {
                            return null;
                        }

                        return new PressureSchedule(points.Min(p => p.Value), points.Max(p => p.Value), Ramp: false) { Points = points };
                    }

                case YamlSequenceNode { Children.Count: 2 } pair:
                    {
                        var (lo, hi) = (Value(pair.Children[0]), Value(pair.Children[1]));
                        if (lo is null || hi is null)
                        {
                            return null;
                        }

                        if (hi < lo)
                        {
                            Error(pair.Children[1], Invariant($"{what}: {hi} is below {lo}; expected [lo, hi] with lo ≤ hi"));
                            return null;
                        }

                        return new PressureSchedule(lo.Value, hi.Value, Ramp: false);
                    }

                case YamlMappingNode:
                    {
                        if (Open(node, what, "from", "to") is not { } map)
                        {
                            return null;
                        }

                        var from = map.Required("from", Value);
                        var to = map.Required("to", Value);
                        if (from is null || to is null)
                        {
                            return null;
                        }

                        if (to < from)
                        {
                            Error(map.Node("to")!, Invariant($"{what}.to: {to} is below from {from}; expected a compression ramp, from ≤ to"));
                            return null;
                        }

                        return new PressureSchedule(from.Value, to.Value, Ramp: true);
                    }

                default:
                    Error(node, $"{what}: found {Describe(node)}; expected a pressure in GPa, [lo, hi] spread over the walkers, {{ from: P0, to: P1 }} ramped over each walker's run, or [[step, GPa], …] points");
                    return null;
            }
        }

        private TemperatureScheduleSpec? ReadTemperatureSchedule(YamlNode node, string what)
        {
            const string Expected = "melt-quench, { kind: melt-quench, melt: K, hold: fs, quench_rate: K/ps } or a list of [step, K] points";
            switch (node)
            {
                case YamlScalarNode:
                    return Choice(node, what, "melt-quench") is null ? null : new MeltQuenchSchedule();
                case YamlMappingNode:
                    {
                        if (Open(node, what, "kind", "melt", "hold", "quench_rate") is not { } map)
                        {
                            return null;
                        }

                        var kind = map.Required("kind", n => Choice(n, what + ".kind", "melt-quench"));
                        var defaults = new MeltQuenchSchedule();
                        var schedule = new MeltQuenchSchedule
                        {
                            Melt = map.Optional("melt", n => Double(n, what + ".melt", 0, 100_000, lowExclusive: true)) ?? defaults.Melt,
                            Hold = map.Optional("hold", n => Double(n, what + ".hold", 0, 1e9)) ?? defaults.Hold,
                            QuenchRate = map.Optional("quench_rate", n => Double(n, what + ".quench_rate", 0, 1e9, lowExclusive: true)) ?? defaults.QuenchRate,
                        };
                        return kind is null ? null : schedule;
                    }

                case YamlSequenceNode list:
                    return ReadPoints(list, what, "K", 0, 100_000, lowExclusive: true) is { } points ? new TemperaturePointsSchedule(points) : null;
                default:
                    Error(node, $"{what}: found {Describe(node)}; expected {Expected}");
                    return null;
            }
        }

        /// <summary>[[step, value], …]: the first at step 0, steps increasing, values in range.</summary>
        private ImmutableArray<StepValue>? ReadPoints(YamlSequenceNode list, string what, string unit, double min, double max, bool lowExclusive)
        {
            if (list.Children.Count == 0)
            {
                Error(list, $"{what}: the list is empty; expected [step, {unit}] points, the first at step 0");
                return null;
            }

            if (list.Children.All(c => c is YamlScalarNode))
            {
                // [0, 300] for [[0, 300]]: one error for the list, not one per number.
                Error(list, $"{what}: found a list of numbers; expected a list of [step, {unit}] points, e.g. [[0, 300], [1000, 2500]]");
                return null;
            }

            var points = ImmutableArray.CreateBuilder<StepValue>();
            var valid = true;
            for (var i = 0; i < list.Children.Count; i++)
            {
                var where = Invariant($"{what}[{i}]");
                if (list.Children[i] is not YamlSequenceNode { Children.Count: 2 } pair)
                {
                    Error(list.Children[i], $"{where}: found {Describe(list.Children[i])}; expected [step, {unit}]");
                    valid = false;
                    continue;
                }

                var step = Int(pair.Children[0], where + ".step", 0, int.MaxValue);
                var value = Double(pair.Children[1], where + ".value", min, max, lowExclusive);
                if (step is null || value is null)
                {
                    valid = false;
                    continue;
                }

                if (i == 0 && step != 0)
                {
                    Error(pair.Children[0], $"{where}: the first point is at step {step}; expected the first point at step 0");
                    valid = false;
                }
                else if (points.Count > 0 && step <= points[^1].Step)
                {
                    Error(pair.Children[0], Invariant($"{where}: step {step} does not come after step {points[^1].Step}; expected increasing steps"));
                    valid = false;
                }

                points.Add(new StepValue(step.Value, value.Value));
            }

            return valid ? points.ToImmutable() : null;
        }
    }
}
