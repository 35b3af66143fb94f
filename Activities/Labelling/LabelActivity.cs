using ActiveLearning.Activities.Ports;
using ActiveLearning.Drivers.Labelling;

namespace ActiveLearning.Activities.Labelling;

/// <summary>
/// The <c>label</c> step: asks a labeller for every structure of the data set that has no label of its method and
/// settings yet. Each outcome is committed as it arrives, so an interrupted step resumes with the structures still
/// unlabelled; a failed label is recorded with its reason and the campaign goes on.
/// </summary>
public static class LabelActivity
{
    /// <summary>Labels what is unlabelled, writes the iteration's labelled structures to <paramref name="artifactName"/> and completes the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="labeller">The labeller (a teacher potential, a DFT code through a scheduler).</param>
    /// <param name="artifactName">File name in the iteration's folder, e.g. <c>labelled.extxyz</c>.</param>
    /// <param name="cancellationToken">Stops between outcomes; recorded outcomes stay.</param>
    /// <returns>Labels and failures of this run of the step (a resumed step counts only its own).</returns>
    /// <exception cref="OperationCanceledException">Cancelled; the outcomes recorded so far stay committed.</exception>
    public static async Task<(int Labelled, int Failed)> RunAsync(
        ActivityContext context, ILabeller labeller, string artifactName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(labeller);
        var store = context.Store;
        var pending = store.StructuresWithoutLabel(labeller.Method, labeller.SettingsHash);
        int labelled = 0, failed = 0;
        if (pending.Count > 0)
        {
            var ids = new long[pending.Count];
            var structures = new Atomistics.Structure[pending.Count];
            for (var i = 0; i < pending.Count; i++)
            {
                ids[i] = pending[i].Id;
                structures[i] = pending[i].Structure;
            }

            store.RecordLabelRequests(ids, labeller.Method);
            context.Log.Information("{Step}: {Count} structures to label with {Method}", context.StepName, pending.Count, labeller.Method);
            await foreach (var outcome in labeller.LabelAsync(structures, cancellationToken).ConfigureAwait(false))
            {
                store.RecordLabel(ids[outcome.Index], outcome);
                if (outcome.Succeeded)
                {
                    labelled++;
                }
                else
                {
                    failed++;
                    context.Log.Warning("{Step}: structure {Id} could not be labelled: {Reason}", context.StepName, ids[outcome.Index], outcome.FailureReason);
                }

                context.Progress.Report(new ActivityProgress(labelled + failed, pending.Count, "labels"));
            }
        }

        var (all, _) = store.LabelledStructures();
        var thisIteration = all.Where(s => s.Iteration == store.Iteration).Select(s => s.Structure);
        context.Artifacts.WriteStructures(artifactName, thisIteration, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        store.Complete(new StepOutcome
        {
            Summary = $"{labelled} labelled, {failed} failed ({labeller.Method})",
        });
        return (labelled, failed);
    }
}
