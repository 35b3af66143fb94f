using System.Globalization;
using System.Text.Json;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// The <c>explore</c> step: runs <see cref="Explorer"/> with the current model from the training set and writes what it
/// found into the iteration's folder: <c>candidates.extxyz</c> (every frame with γ &gt; γ_select, with info keys walker,
/// step, temperature_K and gamma) and <c>walkers.json</c> (one summary per walker). The select step of the same iteration
/// reads the candidates; nothing enters the data set here.
/// </summary>
public static class ExploreActivity
{
    /// <summary>The candidates file the step writes and the select step reads.</summary>
    public const string CandidatesFile = "candidates.extxyz";

    /// <summary>The walker summaries file.</summary>
    public const string WalkersFile = "walkers.json";

    /// <summary>Builds the active set of the model on the training set (<see cref="ActiveSet.Build"/>, in <paramref name="mode"/>).</summary>
    /// <exception cref="ArgumentException">The training set is empty.</exception>
    public static ActiveSet BuildActiveSet(ILinearPotential model, IReadOnlyList<Structure> training, FeatureMode mode)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.Count == 0)
        {
            throw new ArgumentException("The active set needs at least one training structure.", nameof(training));
        }

        return ActiveSet.Build(StructureFeatures.From(model, training, mode));
    }

    /// <summary>Explores, writes the candidates and walker summaries, and completes the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="model">The model in use (the last kept fit).</param>
    /// <param name="training">The training set: it defines the active set and is the start pool of the walkers.</param>
    /// <param name="options">Walkers, schedule, thresholds and seed.</param>
    /// <param name="cancellationToken">Stops the walkers; nothing is committed.</param>
    /// <returns>The exploration's result.</returns>
    /// <exception cref="ArgumentException">Invalid options or an empty training set.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<ExplorationResult> RunAsync(
        ActivityContext context, ILinearPotential model, IReadOnlyList<Structure> training, ExplorationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var active = BuildActiveSet(model, training, options.GradeMode);
        var walkersDone = 0;
        var progress = new Progress<ExplorationProgress>(p =>
        {
            if (p.Finished)
            {
                context.Progress.Report(new ActivityProgress(Interlocked.Increment(ref walkersDone), options.Walkers, "walkers"));
            }
        });
        var result = await Explorer.RunAsync(model, active, training, options, progress, cancellationToken);
        context.Artifacts.WriteStructures(CandidatesFile, result.Candidates.Select(c => c.Structure), cancellationToken);
        context.Artifacts.WriteText(WalkersFile, writer => writer.Write(JsonSerializer.Serialize(result.Walkers, JsonOptions)));
        cancellationToken.ThrowIfCancellationRequested();
        var walkers = string.Join("; ", result.Walkers.Select(w => string.Create(CultureInfo.InvariantCulture,
            $"walker {w.Walker} {w.StartTemperatureK:F0} K {w.StopReason} after {w.StepsDone} steps, max γ {w.MaxGamma:F2}, {w.CandidatesKept} candidates")));
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{result.Candidates.Count} candidates above γ {options.GammaSelect:G} from {options.Walkers} walkers ({result.Completed} ran all {options.Steps} steps; max γ {result.MaxGamma:F2})");
        context.Store.Complete(new StepOutcome { Summary = summary });
        context.Log.Information("{Step}: {Summary}; {Walkers}", context.StepName, summary, walkers);
        return result;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
