namespace ActiveLearning.Selection.DOptimality;

/// <summary>Settings of <see cref="ActiveSet.SelectAdd"/>.</summary>
public sealed record SelectAddOptions
{
    /// <summary>Most candidates to select (k ≥ 1). Default 1.</summary>
    public int MaxCount { get; init; } = 1;

    /// <summary>
    /// Only candidates whose grade against the current active set exceeds this are eligible; null (default) means
    /// 1 + <see cref="MaxVolOptions.Tolerance"/>, i.e. every candidate that can enlarge the volume.
    /// </summary>
    public double? MinimumGrade { get; init; }

    /// <summary>When true, at most one row per <see cref="RowId.Frame"/> is selected (default false).</summary>
    public bool OnePerFrame { get; init; }

    /// <summary>MaxVol settings (tolerance, threads, swap hook).</summary>
    public MaxVolOptions MaxVol { get; init; } = new();
}

/// <summary>Result of <see cref="ActiveSet.SelectAdd"/>.</summary>
/// <param name="Selected">Candidate indices in the order they entered (each step the largest volume gain).</param>
/// <param name="SelectedIds">Their ids.</param>
/// <param name="Factors">|det A| growth factor of each step (all &gt; 1 + δ).</param>
/// <param name="Grades">Grade of every candidate against the active set before selection.</param>
/// <param name="ActiveSet">The active set with the selected rows swapped in.</param>
public sealed record SelectionResult(
    IReadOnlyList<int> Selected,
    IReadOnlyList<RowId> SelectedIds,
    IReadOnlyList<double> Factors,
    IReadOnlyList<double> Grades,
    ActiveSet ActiveSet);
