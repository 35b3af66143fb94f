using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>The validate step's <c>survival:</c> block.</summary>
public static partial class CampaignParser
{
    private sealed partial class Reader
    {
        private SurvivalSpec? ReadSurvival(YamlNode node, string what)
        {
            if (Open(node, what, "runs", "steps", "temperature", "timestep", "grade_break") is not { } map)
            {
                return null;
            }

            var defaults = new SurvivalSpec();
            return new SurvivalSpec
            {
                Runs = map.Optional("runs", n => Int(n, what + ".runs", 1, 10_000)) ?? defaults.Runs,
                Steps = map.Optional("steps", n => Int(n, what + ".steps", 1, int.MaxValue)) ?? defaults.Steps,
                Temperature = map.Optional("temperature", n => Double(n, what + ".temperature", 0, 100_000, lowExclusive: true)) ?? defaults.Temperature,
                Timestep = map.Optional("timestep", n => Double(n, what + ".timestep", 0, 100, lowExclusive: true)) ?? defaults.Timestep,
                GradeBreak = map.Optional("grade_break", n => Double(n, what + ".grade_break", 1, double.MaxValue, lowExclusive: true)) ?? defaults.GradeBreak,
            };
        }
    }
}
