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

    /// <summary>
    /// When true, the unit of selection is a frame (all rows sharing a <see cref="RowId.Frame"/>, e.g. the atoms of one
    /// structure in neighbourhood mode), because labelling a frame adds all of its rows: each step takes the frame whose
    /// rows together grow |det A| most when swapped in greedily (largest |C_ij| first, C updated after each), and swaps
    /// all of them in. <see cref="SelectionResult.Selected"/> then lists each frame by its first row to enter and
    /// <see cref="SelectionResult.Factors"/> holds each frame's total growth factor. A frame is eligible when one of its
    /// rows grades above <see cref="MinimumGrade"/>. Implies <see cref="OnePerFrame"/>. Default false. Costs about
    /// (rows per frame)² × m per open frame and step.
    /// </summary>
    public bool WholeFrames { get; init; }

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
