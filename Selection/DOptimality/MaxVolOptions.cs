namespace ActiveLearning.Selection.DOptimality;

/// <summary>Settings of a MaxVol run (<see cref="ActiveSet.Build"/>, <see cref="ActiveSet.Update"/>, <see cref="ActiveSet.SelectAdd"/>).</summary>
public sealed record MaxVolOptions
{
    /// <summary>
    /// δ: a swap is made only while some |C_ij| exceeds 1 + δ, so after convergence every row of the pool has γ ≤ 1 + δ.
    /// Default 1e-3 (small enough that the volume is within 0.1 % per swap of a local maximum, large enough that rounding
    /// cannot make the loop cycle). Must be ≥ 0.
    /// </summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>
    /// ε of the regularisation rows (see <see cref="ActiveSet"/>): column j is anchored by the row ε·s_j·e_j, with s_j the
    /// largest |value| in column j of the training rows (the largest |value| of all rows for a zero column, 1 for all-zero
    /// data). Default 1e-6; must be in (0, 1). A candidate component outside the span of the data gets a grade ≈ |x_j| / (ε s_j).
    /// </summary>
    public double Regularisation { get; init; } = 1e-6;

    /// <summary>Upper bound on swaps; null means 100·m + 1000. Reaching it ends the run with <see cref="ActiveSet.Converged"/> false.</summary>
    public int? MaxSwaps { get; init; }

    /// <summary>Worker threads for the products and rank-1 updates; -1 (default) uses all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Diagnostic hook called after every swap (costs an m-element copy per swap; leave null in production).</summary>
    public Action<MaxVolSwap>? OnSwap { get; init; }

    internal void Validate()
    {
        if (!(Tolerance >= 0) || !double.IsFinite(Tolerance))
        {
            throw new ArgumentException($"MaxVol tolerance must be finite and >= 0, got {Tolerance}");
        }

        if (!(Regularisation > 0 && Regularisation < 1))
        {
            throw new ArgumentException($"MaxVol regularisation must be in (0, 1), got {Regularisation}");
        }

        if (MaxSwaps is < 0)
        {
            throw new ArgumentException($"MaxVol swap limit must be >= 0, got {MaxSwaps}");
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 or positive, got {MaxDegreeOfParallelism}");
        }
    }
}

/// <summary>
/// One MaxVol swap, reported to <see cref="MaxVolOptions.OnSwap"/>. Pool indices: for <see cref="ActiveSet.Build"/> the
/// training rows are 0..N−1 and the regularisation row of column j is N + j; for <see cref="ActiveSet.Update"/> and
/// <see cref="ActiveSet.SelectAdd"/> the previous active rows are 0..m−1 (by position) and the new rows follow from m.
/// </summary>
/// <param name="Iteration">1 for the first swap.</param>
/// <param name="PoolRow">Pool index of the row that entered.</param>
/// <param name="Position">Position (row of A) it replaced.</param>
/// <param name="Factor">|C_ij| of the swap: the factor by which |det A| grew.</param>
/// <param name="LogAbsDeterminant">log|det A| after the swap, accumulated from the factors.</param>
/// <param name="ActiveRows">Pool indices of the active rows by position after the swap (a copy).</param>
public readonly record struct MaxVolSwap(int Iteration, int PoolRow, int Position, double Factor, double LogAbsDeterminant, IReadOnlyList<int> ActiveRows);
