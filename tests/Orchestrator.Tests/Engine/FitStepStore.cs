using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>A store prepared for a fit step alone: labelled frames in iteration 0 and the fit step's context.</summary>
internal static class FitStepStore
{
    /// <summary>Adds the frames (their <see cref="Structure.Reference"/> as the teacher's labels) in iteration 0's first two steps.</summary>
    public static void StoreLabelled(CampaignStore store, IReadOnlyList<Structure> frames)
    {
        store.BeginIteration(0);
        var generate = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        store.ForStep(generate, 0).Complete(new StepOutcome
        {
            Summary = "frames",
            NewStructures = [.. frames.Select(f => new NewStructure(Plain(f), new StructureOrigin { Source = "test" }, "teacher MD frame"))],
        });
        var label = store.StartStepRun(0, 1, "initial[1]", "label", "h");
        var step = store.ForStep(label, 0);
        for (var i = 0; i < frames.Count; i++)
        {
            step.RecordLabel(i + 1, new LabelOutcome(i, frames[i].Reference, new LabelProvenance("teacher:sw", null, "0123456789abcdef", null, null, 1, []), null));
        }

        step.Complete(new StepOutcome { Summary = "labelled" });
    }

    /// <summary>The context of a fit step run as iteration 0's third step; <paramref name="log"/> default: silent.</summary>
    public static ActivityContext Context(CampaignStore store, IActivityLog? log = null)
    {
        var fit = store.StartStepRun(0, 2, "initial[2]", "fit", "h");
        return new ActivityContext(store.ForStep(fit, 0), new IterationArtifacts(store.Workdir, 0), TimeProvider.System, new Progress<ActivityProgress>(), log ?? new SilentLog(), "initial[2]");
    }

    private static Structure Plain(Structure frame)
    {
        var copy = frame.Clone();
        copy.Reference = null;
        return copy;
    }

    private sealed class SilentLog : IActivityLog
    {
        public void Information(string messageTemplate, params object?[] values)
        {
        }

        public void Warning(string messageTemplate, params object?[] values)
        {
        }
    }
}
