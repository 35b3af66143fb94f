using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;

namespace ActiveLearning.Activities.Generation;

/// <summary>
/// The <c>generate</c> step: proposes structures made by a generator for the data set. The structures are written to
/// the iteration's folder and added to the store with their origin in one commit; duplicates of structures already there
/// (same content hash) are recorded as rejected.
/// </summary>
public static class GenerateActivity
{
    /// <summary>Writes the candidates to <paramref name="artifactName"/> (extended XYZ) and commits them with the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="candidates">The generated structures in a deterministic order (the generator's, for the campaign seed).</param>
    /// <param name="artifactName">File name in the iteration's folder, e.g. <c>generated-0.extxyz</c>.</param>
    /// <param name="cancellationToken">Checked before anything is committed.</param>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was committed.</exception>
    public static void Run(ActivityContext context, IReadOnlyList<NewStructure> candidates, string artifactName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(candidates);
        context.Artifacts.WriteStructures(artifactName, Annotated(candidates), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        context.Store.Complete(new StepOutcome
        {
            Summary = $"{candidates.Count} structures generated",
            NewStructures = candidates,
        });
        context.Log.Information("{Step}: {Count} structures generated, written to {File}", context.StepName, candidates.Count, context.Artifacts.RelativePathOf(artifactName));
    }

    private static IEnumerable<Structure> Annotated(IReadOnlyList<NewStructure> candidates)
    {
        foreach (var candidate in candidates)
        {
            var copy = candidate.Structure.Clone();
            copy.Info["al_source"] = candidate.Origin.Source;
            yield return copy;
        }
    }
}
