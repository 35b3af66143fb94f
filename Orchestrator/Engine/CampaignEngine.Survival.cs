using System.Globalization;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>The validate step's survival test and the <c>stop_when: { survival }</c> rule.</summary>
public sealed partial class CampaignEngine
{
    // What the survival rule needs that the parser cannot see from one key: a validate step in the loop that runs survival.
    private static IEnumerable<string> SurvivalProblems(Campaign campaign, string file)
    {
        if (campaign.Loop.StopWhen.Survival is not null && !campaign.Loop.Steps.Any(s => s is ValidateStep { Survival: not null }))
        {
            yield return $"{file}: loop.stop_when: survival needs a validate step with survival: {{ … }} in loop.steps";
        }
    }

    // Survival runs start from the training set, drawn as the explorer draws its walkers' starts, with γ against the
    // training set's active set; the seed is the step's, so a rerun of the step repeats the runs exactly.
    private (ActiveSet ActiveSet, IReadOnlyList<Structure> Starts, SurvivalOptions Options)? Survival(
        ValidateStep validate, ILinearPotential model, int iteration, int index)
    {
        if (validate.Survival is not { } spec)
        {
            return null;
        }

        var training = TrainingSet();
        var options = new SurvivalOptions
        {
            Runs = spec.Runs,
            Steps = spec.Steps,
            TemperatureK = spec.Temperature,
            TimestepFs = spec.Timestep,
            GammaBreak = spec.GradeBreak,
            Seed = StepSeeds.For(campaign.Seed, iteration, index),
        };
        return (ExploreActivity.BuildActiveSet(model, training, options.GradeMode), training, options);
    }

    private string? SurvivalStopReason(int nextIteration)
    {
        if (campaign.Loop.StopWhen.Survival is not { } target || store.LastValidation() is not { } validation
            || validation.Iteration != nextIteration - 1 || validation.Survival is not { } survived || survived < target)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"survival: {survived * 100:F0}% of the survival runs finished, at least the target {target * 100:F0}%");
    }
}
