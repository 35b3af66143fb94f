using System.Globalization;
using ActiveLearning.Selection.Variance;

namespace ActiveLearning.Selection.Diversity;

/// <summary>Options of <see cref="FarthestPointSampling.Select"/>.</summary>
public sealed class FarthestPointOptions
{
    /// <summary>Rows already chosen (e.g. the training set's descriptors): candidates are kept far from them too. Default none.</summary>
    public IReadOnlyList<double[]>? Existing { get; init; }

    /// <summary>Names of the candidate rows for error messages (same count as the candidates).</summary>
    public IReadOnlyList<string>? CandidateIds { get; init; }

    /// <summary>Names of the existing rows for error messages (same count as <see cref="Existing"/>).</summary>
    public IReadOnlyList<string>? ExistingIds { get; init; }

    /// <summary>
    /// The candidate picked first; null (default) for the documented deterministic start: the candidate farthest from the
    /// existing set when there is one, else the candidate farthest from the candidates' mean.
    /// </summary>
    public int? StartRow { get; init; }

    /// <summary>Threads for the distance updates; −1 (default) for all. The result does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>The rows chosen by farthest-point sampling, in the order they were picked.</summary>
/// <param name="Indices">Indices into the candidate list.</param>
/// <param name="Distances">
/// For each pick, its Euclidean distance to the nearest row chosen before it or in the existing set (+∞ for the first pick
/// when there is no existing set): a non-increasing sequence after the first pick, useful as a stopping criterion.
/// </param>
public sealed record FarthestPointSelection(IReadOnlyList<int> Indices, IReadOnlyList<double> Distances);

/// <summary>
/// Farthest-point sampling on descriptor rows: greedily picks the candidate whose distance to its nearest already chosen
/// (or existing) row is largest, keeping a running minimum-distance array so that k picks from N rows of m features cost
/// O(N·k·m) time and O(N) extra memory. Ties go to the lowest index, so the result is deterministic.
/// </summary>
public static class FarthestPointSampling
{
    // Below this many distance evaluations per pick, threading costs more than it saves.
    private const int ParallelThreshold = 1 << 16;

    /// <summary>Picks up to <paramref name="count"/> candidates (all of them when there are fewer).</summary>
    /// <param name="candidates">N rows of m features each.</param>
    /// <param name="count">k &gt; 0.</param>
    /// <param name="options">Existing set, ids, start row.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is not positive or the start row is out of range.</exception>
    /// <exception cref="ArgumentException">There are no candidates, a row has a different number of features from the first candidate, or holds a non-finite value (named by its id).</exception>
    public static FarthestPointSelection Select(IReadOnlyList<double[]> candidates, int count, FarthestPointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options ??= new FarthestPointOptions();
        if (candidates.Count == 0)
        {
            throw new ArgumentException("There are no candidate rows to choose from.", nameof(candidates));
        }

        var existing = options.Existing ?? [];
        RowNames.CheckIds(options.CandidateIds, candidates.Count, nameof(options));
        RowNames.CheckIds(options.ExistingIds, existing.Count, nameof(options));
        var features = candidates[0]?.Length ?? 0;
        if (features == 0)
        {
            throw new ArgumentException($"{RowNames.Capitalise(RowNames.Of(options.CandidateIds, 0, "candidate row"))} has no features.", nameof(candidates));
        }

        CheckRows(candidates, features, options.CandidateIds, "candidate row");
        CheckRows(existing, features, options.ExistingIds, "existing row");
        if (options.StartRow is int start && (start < 0 || start >= candidates.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(options), start, string.Create(CultureInfo.InvariantCulture, $"The start row must be in [0, {candidates.Count})."));
        }

        var n = candidates.Count;
        var picks = Math.Min(count, n);
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        foreach (var row in existing)
        {
            Update(candidates, nearest, row, parallel);
        }

        var indices = new List<int>(picks);
        var distances = new List<double>(picks);
        for (var pick = 0; pick < picks; pick++)
        {
            int chosen;
            if (pick == 0 && options.StartRow is int given)
            {
                chosen = given;
            }
            else if (pick == 0 && existing.Count == 0)
            {
                chosen = FarthestFromMean(candidates, features);
            }
            else
            {
                chosen = ArgMax(nearest);
            }

            indices.Add(chosen);
            distances.Add(Math.Sqrt(nearest[chosen]));

            // Marked below any distance so that it is never picked again, even among duplicates at distance 0.
            nearest[chosen] = -1;
            if (pick + 1 < picks)
            {
                Update(candidates, nearest, candidates[chosen], parallel);
            }
        }

        return new FarthestPointSelection(indices, distances);
    }

    private static void Update(IReadOnlyList<double[]> candidates, double[] nearest, double[] row, ParallelOptions parallel)
    {
        var n = candidates.Count;
        if ((long)n * row.Length < ParallelThreshold || parallel.MaxDegreeOfParallelism == 1)
        {
            UpdateRange(candidates, nearest, row, 0, n);
            return;
        }

        const int chunk = 1024;
        Parallel.For(0, (n + chunk - 1) / chunk, parallel, c => UpdateRange(candidates, nearest, row, c * chunk, Math.Min(n, (c + 1) * chunk)));
    }

    private static void UpdateRange(IReadOnlyList<double[]> candidates, double[] nearest, double[] row, int first, int end)
    {
        for (var i = first; i < end; i++)
        {
            if (nearest[i] < 0)
            {
                continue;
            }

            var squared = DenseKernels.SquaredDistance(candidates[i], row);
            if (squared < nearest[i])
            {
                nearest[i] = squared;
            }
        }
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static int FarthestFromMean(IReadOnlyList<double[]> candidates, int features)
    {
        var mean = new double[features];
        foreach (var row in candidates)
        {
            DenseKernels.AddScaled(mean, row, 1);
        }

        // Dividing the sum (rather than adding pre-scaled rows) keeps symmetric point sets' mean exact, so ties stay ties.
        for (var j = 0; j < features; j++)
        {
            mean[j] /= candidates.Count;
        }

        var best = 0;
        var bestDistance = -1.0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var distance = DenseKernels.SquaredDistance(candidates[i], mean);
            if (distance > bestDistance)
            {
                best = i;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static void CheckRows(IReadOnlyList<double[]> rows, int features, IReadOnlyList<string>? ids, string noun)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var name = RowNames.Of(ids, r, noun);
            if (row is null || row.Length != features)
            {
                throw new ArgumentException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{RowNames.Capitalise(name)} has {row?.Length ?? 0} features; {features} expected (as candidate row 0)."));
            }

            var bad = RowNames.FirstNonFinite(row);
            if (bad >= 0)
            {
                throw new ArgumentException(string.Create(
                    CultureInfo.InvariantCulture, $"{RowNames.Capitalise(name)} has a non-finite value ({row[bad]}) in feature {bad}."));
            }
        }
    }
}
