using System.Runtime.ExceptionServices;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// The explore activity: several MD walkers with the current model run in parallel; every
/// <see cref="ExplorationOptions.GradeInterval"/> steps each walker checks its geometry and computes the extrapolation
/// grade γ of its frame against the active set, keeps frames with γ &gt; γ_select as candidates, and stops at γ &gt; γ_break,
/// when two atoms overlap or an atom flies away, or when the MD fails.
/// </summary>
/// <remarks>
/// <para>
/// Start structures: the pool's indices are shuffled by a Fisher–Yates shuffle driven by <c>new Random(seed)</c>, and walker
/// w starts from pool entry <c>permutation[w mod N]</c> (see <see cref="StartIndices"/>), so walkers start from distinct
/// structures while there are enough. Each walker starts without velocities (Maxwell–Boltzmann at its start temperature,
/// seeded per walker) and without labels.
/// </para>
/// <para>
/// Stop rules, checked in this order on every graded frame: an atom with no other atom within
/// <see cref="ExplorationOptions.MaxNeighbourDistance"/> (default: the model's cutoff) has flown away; a pair closer than
/// <see cref="ExplorationOptions.MinSeparation"/> overlaps; γ &gt; γ_break breaks (the breaking frame is still kept as a
/// candidate, being the most informative one); an MD or model failure (non-finite values, a pair closer than the potentials'
/// 0.1 Å guard) fails the walker. A walker that runs all its steps has <see cref="WalkerStopReason.Completed"/>.
/// </para>
/// <para>
/// Deterministic: given the seed, the result is the same bit for bit whatever the number of parallel walkers (each walker
/// runs its MD on one thread with its own seed, and results are ordered by walker). Cancellation stops every walker at
/// its next step and throws <see cref="OperationCanceledException"/>.
/// </para>
/// </remarks>
public static class Explorer
{
    /// <summary>Runs the walkers.</summary>
    /// <param name="model">The current model (energies, forces and the rows for γ).</param>
    /// <param name="activeSet">The model's active set (columns = the model's parameter count), built in the same <see cref="ExplorationOptions.GradeMode"/>.</param>
    /// <param name="startPool">Structures to start from (e.g. the labelled dataset); not changed.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="progress">Receives each walker's progress after every graded frame and at its end, from the walkers' threads.</param>
    /// <param name="cancellationToken">Stops the walkers.</param>
    /// <returns>The candidates and one summary per walker.</returns>
    /// <exception cref="ArgumentException">Invalid options, an empty pool, an active set of another width, or an MD setting the start structure cannot run (e.g. NPT of a non-periodic structure).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<ExplorationResult> RunAsync(
        ILinearPotential model, ActiveSet activeSet, IReadOnlyList<Structure> startPool, ExplorationOptions? options = null,
        IProgress<ExplorationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(activeSet);
        ArgumentNullException.ThrowIfNull(startPool);
        options ??= new ExplorationOptions();
        options.Validate();
        if (startPool.Count == 0)
        {
            throw new ArgumentException("The start pool holds no structures to start walkers from.", nameof(startPool));
        }

        if (activeSet.Columns != model.ParameterCount)
        {
            throw new ArgumentException(
                $"The active set has {activeSet.Columns} columns but the model has {model.ParameterCount} parameters.", nameof(activeSet));
        }

        return Task.Run(() => Run(model, activeSet, startPool, options, collect: true, progress, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Which pool entry each walker starts from: a Fisher–Yates shuffle of 0 … <paramref name="poolCount"/> − 1 with
    /// <c>new Random(seed)</c>, walker w taking entry <c>w mod poolCount</c> of the shuffled order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The pool is empty or the walker count negative.</exception>
    public static int[] StartIndices(int poolCount, int walkers, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolCount);
        ArgumentOutOfRangeException.ThrowIfNegative(walkers);
        var order = new int[poolCount];
        for (var i = 0; i < poolCount; i++)
        {
            order[i] = i;
        }

        var random = new Random(seed);
        for (var i = poolCount - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var starts = new int[walkers];
        for (var w = 0; w < walkers; w++)
        {
            starts[w] = order[w % poolCount];
        }

        return starts;
    }

    // Walkers draw from the pool entries with at least MinStartAtoms atoms; indices stay those of the whole pool.
    internal static int[] EligibleStartIndices(IReadOnlyList<Structure> startPool, ExplorationOptions options)
    {
        if (options.MinStartAtoms <= 1)
        {
            return StartIndices(startPool.Count, options.Walkers, options.Seed);
        }

        var eligible = Enumerable.Range(0, startPool.Count).Where(i => startPool[i].Count >= options.MinStartAtoms).ToArray();
        if (eligible.Length == 0)
        {
            throw new ArgumentException(
                $"No structure of the start pool has at least {options.MinStartAtoms} atoms (MinStartAtoms); the largest has {startPool.Max(s => s.Count)}.", nameof(startPool));
        }

        return [.. StartIndices(eligible.Length, options.Walkers, options.Seed).Select(i => eligible[i])];
    }

    /// <summary>Runs the walkers on the calling thread pool; shared by exploration and the survival test.</summary>
    internal static ExplorationResult Run(
        ILinearPotential model, ActiveSet activeSet, IReadOnlyList<Structure> startPool, ExplorationOptions options, bool collect,
        IProgress<ExplorationProgress>? progress, CancellationToken cancellationToken)
    {
        var starts = EligibleStartIndices(startPool, options);
        if (options.Ensemble is Ensemble.NptIsotropic or Ensemble.NptAnisotropic)
        {
            foreach (var start in starts)
            {
                var pbc = startPool[start].Pbc;
                if (!(pbc.A && pbc.B && pbc.C))
                {
                    throw new ArgumentException($"{options.Ensemble} needs structures periodic in 3-D; start structure {start} ({startPool[start]}) is not.", nameof(startPool));
                }
            }
        }

        var walkers = new Walker[options.Walkers];
        var summaries = new WalkerSummary[options.Walkers];
        for (var w = 0; w < walkers.Length; w++)
        {
            walkers[w] = new Walker(model, activeSet, options, w, starts[w], collect, progress);
        }

        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxParallelWalkers ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        try
        {
            Parallel.For(0, walkers.Length, parallel, w => summaries[w] = walkers[w].Run(startPool[starts[w]], cancellationToken));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Walkers catch MD and model failures themselves; what escapes is a setting the MD rejects: report it as itself.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        cancellationToken.ThrowIfCancellationRequested();

        var candidates = new List<ExplorationCandidate>();
        foreach (var walker in walkers)
        {
            candidates.AddRange(walker.Candidates);
        }

        return new ExplorationResult(candidates, summaries);
    }
}
