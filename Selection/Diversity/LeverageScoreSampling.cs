using System.Globalization;
using ActiveLearning.Selection.Variance;

namespace ActiveLearning.Selection.Diversity;

/// <summary>
/// Row selection by statistical leverage, the deterministic flavour of CUR row sampling: the leverage of row i of Φ is
/// h_i = φ_iᵀ(ΦᵀΦ + λI)⁻¹φ_i ∈ [0, 1], the share of the data's span that only row i covers (Σ h_i ≈ rank Φ). Rows with the
/// largest leverage are the least replaceable. Unlike <see cref="FarthestPointSampling"/> the scores are computed once,
/// so two near-identical outliers can both be chosen; use farthest-point sampling to diversify within a batch.
/// </summary>
public static class LeverageScoreSampling
{
    /// <summary>The leverage h_i of every candidate row with respect to all of them.</summary>
    /// <param name="candidates">N ≥ 1 rows of m features.</param>
    /// <param name="regularisation">λ ≥ 0 added to ΦᵀΦ's diagonal (raised automatically when ΦᵀΦ is singular, e.g. N &lt; m).</param>
    /// <param name="ids">Optional names of the rows for error messages.</param>
    /// <exception cref="ArgumentException">No candidates, rows of different lengths, or a non-finite value (named by its id).</exception>
    public static double[] Scores(IReadOnlyList<double[]> candidates, double regularisation = 0, IReadOnlyList<string>? ids = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("There are no candidate rows to choose from.", nameof(candidates));
        }

        RowNames.CheckIds(ids, candidates.Count, nameof(ids));
        var m = candidates[0]?.Length ?? 0;
        if (m == 0)
        {
            throw new ArgumentException($"{RowNames.Capitalise(RowNames.Of(ids, 0))} has no features.", nameof(candidates));
        }

        var regression = new BayesianLinearRegression(m);
        var flat = new double[checked(candidates.Count * m)];
        for (var r = 0; r < candidates.Count; r++)
        {
            var row = candidates[r] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {r} is null."), nameof(candidates));
            regression.AddRow(row, weight: 1, id: ids?[r]);
            row.CopyTo(flat, r * m);
        }

        var posterior = regression.Fit(regularisation, noiseVariance: 1);
        var scores = new double[candidates.Count];
        posterior.Variances(flat, scores, ids);
        return scores;
    }

    /// <summary>The <paramref name="count"/> candidates of largest leverage (all of them when fewer), largest first; ties go to the lower index.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="ArgumentException">As <see cref="Scores"/>.</exception>
    public static IReadOnlyList<int> Select(IReadOnlyList<double[]> candidates, int count, double regularisation = 0, IReadOnlyList<string>? ids = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var scores = Scores(candidates, regularisation, ids);
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // A stable comparison (index as the tie-break) keeps the selection deterministic.
        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        return order[..Math.Min(count, order.Length)];
    }
}
