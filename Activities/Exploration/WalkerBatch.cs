using System.Runtime.ExceptionServices;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>A finished walker: its summary and the candidates it kept (ordered by step).</summary>
/// <param name="Summary">What it did.</param>
/// <param name="Candidates">Its candidates.</param>
internal sealed record WalkerOutcome(WalkerSummary Summary, IReadOnlyList<ExplorationCandidate> Candidates);

/// <summary>
/// Runs a chosen subset of an exploration's walkers, each exactly as <see cref="Explorer"/> would run it (same start
/// structure, seed and schedule, which depend on the walker's index and the options only), and hands every walker that
/// finishes to a callback on the walker's thread, so that it can be committed before the others end.
/// </summary>
internal static class WalkerBatch
{
    /// <summary>Runs the walkers in <paramref name="walkerIndices"/>; returns their outcomes by index.</summary>
    /// <param name="model">The current model.</param>
    /// <param name="activeSet">Its active set.</param>
    /// <param name="startPool">The start pool (the whole pool: start indices are drawn from its size).</param>
    /// <param name="options">The exploration's options (all walkers).</param>
    /// <param name="walkerIndices">The walkers to run.</param>
    /// <param name="finished">Called once per walker that ran to its end (not for cancelled ones), from the walker's thread; may be called concurrently.</param>
    /// <param name="progress">Per-frame progress.</param>
    /// <param name="cancellationToken">Stops the walkers; those already finished have been handed to <paramref name="finished"/>.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static Dictionary<int, WalkerOutcome> Run(
        ILinearPotential model, ActiveSet activeSet, IReadOnlyList<Structure> startPool, ExplorationOptions options, IReadOnlyList<int> walkerIndices,
        Action<WalkerOutcome> finished, IProgress<ExplorationProgress>? progress, CancellationToken cancellationToken)
    {
        var starts = Explorer.EligibleStartIndices(startPool, options);
        if (options.Ensemble is Ensemble.NptIsotropic or Ensemble.NptAnisotropic)
        {
            foreach (var w in walkerIndices)
            {
                var pbc = startPool[starts[w]].Pbc;
                if (!(pbc.A && pbc.B && pbc.C))
                {
                    throw new ArgumentException($"{options.Ensemble} needs structures periodic in 3-D; start structure {starts[w]} ({startPool[starts[w]]}) is not.", nameof(startPool));
                }
            }
        }

        var outcomes = new WalkerOutcome?[walkerIndices.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxParallelWalkers ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        try
        {
            Parallel.For(0, walkerIndices.Count, parallel, i =>
            {
                var w = walkerIndices[i];
                var walker = new Walker(model, activeSet, options, w, starts[w], collect: true, progress);
                var summary = walker.Run(startPool[starts[w]], cancellationToken);
                if (summary.StopReason == WalkerStopReason.Cancelled)
                {
                    return;
                }

                var outcome = new WalkerOutcome(summary, walker.Candidates);
                finished(outcome);
                outcomes[i] = outcome;
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = new Dictionary<int, WalkerOutcome>();
        for (var i = 0; i < walkerIndices.Count; i++)
        {
            result[walkerIndices[i]] = outcomes[i] ?? throw new InvalidOperationException($"Walker {walkerIndices[i]} ended without a result.");
        }

        return result;
    }
}
