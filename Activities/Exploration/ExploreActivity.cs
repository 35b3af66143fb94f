using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// The <c>explore</c> step: runs <see cref="Explorer"/> with the current model from the training set and writes what it
/// found into the iteration's folder: <c>candidates.extxyz</c> (every frame with γ &gt; γ_select, with info keys walker,
/// step, temperature_K and gamma) and <c>walkers.json</c> (one summary per walker); each walker is checkpointed as it
/// finishes (see <see cref="RunAsync"/>). The select step of the same iteration reads the candidates; nothing enters the
/// data set here.
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
    /// <remarks>
    /// Every walker that finishes is committed at once: its candidates to <c>walker-NNN.candidates.extxyz</c> (atomically) and
    /// its summary and the γ of its candidates as a checkpoint in the store. A run of the same step after a stop or a crash
    /// reads the checkpoints made with the same settings, model and start pool and runs only the other walkers; since each
    /// walker's start structure, seed and schedule depend on its index alone, the result is the one an uninterrupted run gives.
    /// </remarks>
    /// <param name="context">The engine's ports.</param>
    /// <param name="model">The model in use (the last kept fit).</param>
    /// <param name="training">The training set: it defines the active set and is the start pool of the walkers.</param>
    /// <param name="options">Walkers, schedule, thresholds and seed.</param>
    /// <param name="cancellationToken">Stops the walkers; the finished ones stay committed, the step is not completed.</param>
    /// <returns>The exploration's result.</returns>
    /// <exception cref="ArgumentException">Invalid options or an empty training set.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<ExplorationResult> RunAsync(
        ActivityContext context, ILinearPotential model, IReadOnlyList<Structure> training, ExplorationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        var active = BuildActiveSet(model, training, options.GradeMode);
        var settingsHash = SettingsHash(model, training, options);
        var done = new Dictionary<int, WalkerOutcome>();
        foreach (var checkpoint in context.Store.KeepWalkerCheckpoints(settingsHash))
        {
            if (checkpoint.Walker < options.Walkers && Restore(context, checkpoint) is { } restored)
            {
                done[checkpoint.Walker] = restored;
            }
        }

        var pending = Enumerable.Range(0, options.Walkers).Where(w => !done.ContainsKey(w)).ToList();
        if (done.Count > 0)
        {
            context.Log.Information("{Step}: {Done} of {Walkers} walkers finished before the interruption; running the other {Pending}",
                context.StepName, done.Count, options.Walkers, pending.Count);
        }

        var stepsDone = new long[options.Walkers];
        foreach (var w in done.Keys)
        {
            stepsDone[w] = options.Steps;
        }

        var total = (int)Math.Min(int.MaxValue, (long)options.Walkers * options.Steps);
        var gate = new Lock();
        var progress = new SynchronousProgress<ExplorationProgress>(p =>
        {
            var steps = p.Finished ? options.Steps : p.Step;
            if (Interlocked.Exchange(ref stepsDone[p.Walker], steps) != steps)
            {
                long sum = 0;
                for (var w = 0; w < stepsDone.Length; w++)
                {
                    sum += Interlocked.Read(ref stepsDone[w]);
                }

                context.Progress.Report(new ActivityProgress((int)Math.Min(sum, total), total, "MD steps"));
            }
        });
        var fresh = pending.Count == 0 ? [] : await Task.Run(
            () => WalkerBatch.Run(model, active, training, options, pending, outcome =>
            {
                lock (gate)
                {
                    Commit(context, settingsHash, outcome, cancellationToken);
                }
            }, progress, cancellationToken),
            cancellationToken);

        var summaries = new List<WalkerSummary>(options.Walkers);
        var candidates = new List<ExplorationCandidate>();
        for (var w = 0; w < options.Walkers; w++)
        {
            var outcome = done.TryGetValue(w, out var old) ? old : fresh[w];
            summaries.Add(outcome.Summary);
            candidates.AddRange(outcome.Candidates);
        }

        var result = new ExplorationResult(candidates, summaries);
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

    /// <summary>The file a walker's candidates are checkpointed to, e.g. <c>walker-003.candidates.extxyz</c>.</summary>
    public static string WalkerCandidatesFile(int walker) => string.Create(CultureInfo.InvariantCulture, $"walker-{walker:000}.candidates.extxyz");

    // What a walker's result depends on besides its index: every option (parallelism aside), the model's parameters and the
    // start pool. A checkpoint made under another hash (an edited campaign) is not reused.
    private static string SettingsHash(ILinearPotential model, IReadOnlyList<Structure> pool, ExplorationOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(options with { MaxParallelWalkers = null }, JsonOptions)));
        var parameters = model.Parameters;
        var bytes = new byte[sizeof(double)];
        for (var i = 0; i < parameters.Count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes, parameters[i]);
            hash.AppendData(bytes);
        }

        foreach (var structure in pool)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(StructureHash.Compute(structure)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Commit(ActivityContext context, string settingsHash, WalkerOutcome outcome, CancellationToken cancellationToken)
    {
        var summary = outcome.Summary;
        string? path = null;
        if (outcome.Candidates.Count > 0)
        {
            var file = WalkerCandidatesFile(summary.Walker);
            context.Artifacts.WriteStructures(file, outcome.Candidates.Select(c => c.Structure), cancellationToken);
            path = context.Artifacts.RelativePathOf(file);
        }

        context.Store.RecordWalker(new WalkerCheckpoint(
            summary.Walker, settingsHash, summary.StopReason.ToString(), summary.StepsDone, summary.MaxGamma, path,
            JsonSerializer.Serialize(summary, JsonOptions),
            [.. outcome.Candidates.Select(c => new CandidateGrade(c.Step, c.TargetTemperatureK, c.TemperatureK, c.Gamma))]));
    }

    private static WalkerOutcome? Restore(ActivityContext context, WalkerCheckpoint checkpoint)
    {
        var summary = JsonSerializer.Deserialize<WalkerSummary>(checkpoint.SummaryJson, JsonOptions)
            ?? throw new InvalidOperationException($"walker {checkpoint.Walker}: the checkpoint's summary is empty.");
        if (checkpoint.CandidatesPath is null)
        {
            return new WalkerOutcome(summary, []);
        }

        var path = context.Artifacts.PathOf(Path.GetFileName(checkpoint.CandidatesPath));
        if (!File.Exists(path))
        {
            context.Log.Warning("{Step}: walker {Walker}'s checkpointed candidates {Path} are missing; the walker runs again", context.StepName, checkpoint.Walker, path);
            return null;
        }

        var structures = StructureFiles.Read(path, StructureFiles.ResolveFormat(path, null)).ToList();
        if (structures.Count != checkpoint.Grades.Count)
        {
            context.Log.Warning("{Step}: walker {Walker}'s checkpoint lists {Grades} candidates but {Path} holds {Count}; the walker runs again",
                context.StepName, checkpoint.Walker, checkpoint.Grades.Count, path, structures.Count);
            return null;
        }

        var candidates = new List<ExplorationCandidate>(structures.Count);
        for (var i = 0; i < structures.Count; i++)
        {
            var grade = checkpoint.Grades[i];
            candidates.Add(new ExplorationCandidate(structures[i], checkpoint.Walker, summary.StartIndex, grade.MdStep, grade.TargetTemperatureK, grade.TemperatureK, grade.Gamma));
        }

        return new WalkerOutcome(summary, candidates);
    }

    // Reports on the reporting thread, in order (Progress<T> would post to the thread pool and reorder the reports).
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
