using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Selection;

/// <summary>How <see cref="CandidateSelector"/> chooses what to label (the campaign's <c>select.method</c>).</summary>
public enum SelectionMethod
{
    /// <summary>
    /// MaxVol select-add against the model's active set: the candidates that enlarge |det A| most (default). A candidate
    /// counts with all its rows (every neighbourhood in neighbourhood mode), since labelling it adds them all.
    /// </summary>
    MaxVol,

    /// <summary>DP-GEN's trust window on a committee's force deviation: candidates with lower &lt; ε_F &lt; upper, most uncertain first.</summary>
    Committee,

    /// <summary>A seeded uniform draw (the baseline every other method must beat).</summary>
    Random,

    /// <summary>Farthest-point sampling on standardised per-atom descriptors, away from the dataset and from each other.</summary>
    FarthestPoint,
}

/// <summary>Settings of <see cref="CandidateSelector"/>; names follow the campaign file's <c>select:</c> step (method, limit).</summary>
public sealed record CandidateSelectionOptions
{
    /// <summary>The method; default <see cref="SelectionMethod.MaxVol"/>.</summary>
    public SelectionMethod Method { get; init; } = SelectionMethod.MaxVol;

    /// <summary>Most structures selected per round (≥ 1); default 20.</summary>
    public int Limit { get; init; } = 20;

    /// <summary>Seed of the random draw; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// MaxVol only: candidates are eligible only with γ above this; default <see langword="null"/>: any candidate that
    /// enlarges the active set's volume (γ &gt; 1 + δ).
    /// </summary>
    public double? MinimumGrade { get; init; }

    /// <summary>MaxVol and γ: rows per atom or per structure; default <see cref="FeatureMode.Neighbourhood"/>.</summary>
    public FeatureMode GradeMode { get; init; } = FeatureMode.Neighbourhood;

    /// <summary>MaxVol settings (tolerance δ, threads); default MaxVol defaults.</summary>
    public MaxVolOptions MaxVol { get; init; } = new();

    /// <summary>Committee only: the lower trust level of ε_F, eV/Å (≥ 0); default 0.05.</summary>
    public double TrustLower { get; init; } = 0.05;

    /// <summary>Committee only: the upper trust level of ε_F, eV/Å (&gt; lower); default 0.15. At or above it a frame is taken as broken.</summary>
    public double TrustUpper { get; init; } = 0.15;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        Require(Enum.IsDefined(Method), nameof(Method), Method, "is not a selection method");
        Require(Limit >= 1, nameof(Limit), Limit, "must be at least 1");
        Require(MinimumGrade is null || (double.IsFinite(MinimumGrade.Value) && MinimumGrade >= 0), nameof(MinimumGrade), MinimumGrade, "must be finite and ≥ 0");
        Require(Enum.IsDefined(GradeMode), nameof(GradeMode), GradeMode, "is not a feature mode");
        Require(double.IsFinite(TrustLower) && TrustLower >= 0, nameof(TrustLower), TrustLower, "must be finite and ≥ 0");
        Require(!double.IsNaN(TrustUpper) && TrustUpper > TrustLower, nameof(TrustUpper), TrustUpper, "must exceed TrustLower");
        ArgumentNullException.ThrowIfNull(MaxVol);
    }

    private static void Require(bool condition, string name, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Selection option {name} = {value} {rule}."), name);
        }
    }
}

/// <summary>What a selection works on.</summary>
/// <remarks>Which members a method needs: MaxVol needs <see cref="Model"/> and <see cref="ActiveSet"/>; Committee needs
/// <see cref="Committee"/>; FarthestPoint needs <see cref="Model"/> (its rows are the descriptors) and uses
/// <see cref="Dataset"/> when given; Random needs neither.</remarks>
public sealed record SelectionInput
{
    /// <summary>The candidates (e.g. exploration frames); not changed.</summary>
    public required IReadOnlyList<Structure> Candidates { get; init; }

    /// <summary>
    /// <see cref="StructureHash"/> of every structure already in the dataset (labelled or queued, all rounds, and the
    /// validation set): candidates with one of these hashes are dropped before selection. Default none.
    /// </summary>
    public IReadOnlySet<string> DatasetHashes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The current linear model (MaxVol, FarthestPoint, and γ in the reasons when <see cref="ActiveSet"/> is given).</summary>
    public ILinearPotential? Model { get; init; }

    /// <summary>The model's active set, built in <see cref="CandidateSelectionOptions.GradeMode"/> (MaxVol).</summary>
    public ActiveSet? ActiveSet { get; init; }

    /// <summary>K ≥ 2 models whose force disagreement measures uncertainty (Committee).</summary>
    public IReadOnlyList<IPotential>? Committee { get; init; }

    /// <summary>The dataset's structures, which farthest-point sampling keeps away from; default none.</summary>
    public IReadOnlyList<Structure>? Dataset { get; init; }
}

/// <summary>One selected structure and why it was chosen.</summary>
/// <param name="Structure">
/// A copy of the candidate with info keys <c>selection_method</c>, <c>selection_rank</c>, <c>selection_reason</c>,
/// <c>candidate_index</c> and, when known, <c>gamma</c>.
/// </param>
/// <param name="CandidateIndex">Position in <see cref="SelectionInput.Candidates"/>.</param>
/// <param name="Rank">Order of selection, 0-based (the most valuable first).</param>
/// <param name="Method">The method that chose it.</param>
/// <param name="Gamma">Its γ against the active set (MaxVol), or the candidate's <c>gamma</c> info from exploration; null when unknown.</param>
/// <param name="Score">
/// The method's own measure: MaxVol, the |det A| growth factor of swapping its rows in; Committee, ε_F in eV/Å; FarthestPoint, the
/// standardised descriptor distance to the nearest structure chosen before it or in the dataset; Random, null.
/// </param>
/// <param name="Reason">A sentence saying why it was chosen.</param>
public sealed record SelectedStructure(
    Structure Structure, int CandidateIndex, int Rank, SelectionMethod Method, double? Gamma, double? Score, string Reason);

/// <summary>The outcome of a selection.</summary>
/// <param name="Selected">The selected structures, by rank.</param>
/// <param name="Candidates">Candidates given.</param>
/// <param name="DuplicatesDropped">Candidates dropped before selection because the dataset or an earlier candidate had the same hash.</param>
/// <param name="Eligible">Candidates the method considered worth labelling (MaxVol: γ above the minimum; Committee: inside the window; otherwise all unique ones).</param>
/// <param name="ActiveSet">MaxVol: the active set with the selected rows swapped in; otherwise null.</param>
/// <param name="Summary">A sentence for logs.</param>
public sealed record CandidateSelectionResult(
    IReadOnlyList<SelectedStructure> Selected, int Candidates, int DuplicatesDropped, int Eligible, ActiveSet? ActiveSet, string Summary);
