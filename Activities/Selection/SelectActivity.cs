using System.Globalization;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Selection;

/// <summary>
/// The <c>select</c> step: reads the candidates the explore step of the same iteration wrote
/// (<see cref="ExploreActivity.CandidatesFile"/>), drops those already in the store (same content hash) or in the
/// validation set, picks at most the limit with <see cref="CandidateSelector"/>, and adds the picked ones to the data set
/// with their origin (walker, temperature, MD step) and why they were picked (method, rank, γ) for the audit.
/// </summary>
public static class SelectActivity
{
    /// <summary>Selects and completes the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="model">The model in use (MaxVol rows, farthest-point descriptors).</param>
    /// <param name="activeSet">Its active set on the training set, as exploration built it; needed by MaxVol.</param>
    /// <param name="excludedHashes">Hashes to keep out besides the store's (the validation set's); may be empty.</param>
    /// <param name="options">Method, limit and seed.</param>
    /// <param name="cancellationToken">Checked during selection; nothing is committed when cancelled.</param>
    /// <returns>The selection.</returns>
    /// <exception cref="InvalidOperationException">The iteration has no candidates file: no explore step ran before this one.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static CandidateSelectionResult Run(
        ActivityContext context, ILinearPotential model, ActiveSet? activeSet, IReadOnlySet<string> excludedHashes, CandidateSelectionOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(excludedHashes);
        ArgumentNullException.ThrowIfNull(options);
        var path = context.Artifacts.PathOf(ExploreActivity.CandidatesFile);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{context.StepName}: {context.Artifacts.RelativePathOf(ExploreActivity.CandidatesFile)} does not exist; put an explore step before the select step.");
        }

        var candidates = new FileInfo(path).Length == 0 ? [] : StructureFiles.ReadAll(path);
        var known = new HashSet<string>(context.Store.StructureHashes(), StringComparer.Ordinal);
        known.UnionWith(excludedHashes);
        var result = candidates.Count == 0
            ? new CandidateSelectionResult([], 0, 0, 0, activeSet, "no candidates")
            : CandidateSelector.Select(
                new SelectionInput { Candidates = candidates, DatasetHashes = known, Model = model, ActiveSet = activeSet }, options, cancellationToken);
        var added = new List<NewStructure>(result.Selected.Count);
        foreach (var selected in result.Selected)
        {
            var structure = candidates[selected.CandidateIndex];
            var info = structure.Info;
            var origin = new StructureOrigin
            {
                Source = "explore",
                Parameters = string.Create(CultureInfo.InvariantCulture,
                    $"method={selected.Method.ToString().ToLowerInvariant()} rank={selected.Rank} candidate={selected.CandidateIndex}"),
                Parent = ExploreActivity.CandidatesFile,
                Walker = info.TryGetValue("walker", out var walker) ? (int)walker.AsInteger() : null,
                TemperatureK = info.TryGetValue("temperature_K", out var temperature) ? temperature.AsReal() : null,
                MdStep = info.TryGetValue("step", out var step) ? step.AsInteger() : null,
            };
            double? gamma = info.TryGetValue("gamma", out var g) ? g.AsReal() : selected.Gamma;
            added.Add(new NewStructure(Plain(structure), origin, selected.Reason, gamma));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"selected {result.Selected.Count} of {result.Candidates} candidates by {options.Method} (limit {options.Limit}; {result.DuplicatesDropped} already known, {result.Eligible} eligible)");
        context.Store.Complete(new StepOutcome { Summary = summary, NewStructures = added });
        context.Log.Information("{Step}: {Summary}", context.StepName, summary);
        return result;
    }

    // The stored geometry carries no exploration info: the origin columns hold it.
    private static Structure Plain(Structure structure)
    {
        var copy = structure.Clone();
        copy.Info.Clear();
        copy.Reference = null;
        return copy;
    }
}
