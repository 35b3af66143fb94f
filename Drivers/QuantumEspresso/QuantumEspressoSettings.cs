using ActiveLearning.Atomistics;

namespace ActiveLearning.Drivers.QuantumEspresso;

/// <summary>A Monkhorst–Pack k-point grid: divisions along each reciprocal vector and whether each is shifted by half a step.</summary>
/// <param name="N1">Divisions along b₁ (≥ 1).</param>
/// <param name="N2">Divisions along b₂ (≥ 1).</param>
/// <param name="N3">Divisions along b₃ (≥ 1).</param>
/// <param name="Shifted">Whether the grid is offset by half a division along every direction (pw.x's <c>1 1 1</c>).</param>
public readonly record struct KPointGrid(int N1, int N2, int N3, bool Shifted = false)
{
    /// <summary>
    /// The grid for a k-point spacing: <c>n_i = max(1, ⌈|b_i| / spacing⌉)</c> with <c>b_i</c> the reciprocal vectors
    /// including the 2π factor (1/Å), i.e. <c>|b_i| = 2π / d_i</c> for the plane spacing <c>d_i</c> of the cell. This is ASE's
    /// and VASP's <c>KSPACING</c> convention. Non-periodic directions get one k-point.
    /// </summary>
    /// <param name="cell">The cell (Å).</param>
    /// <param name="pbc">Periodic directions.</param>
    /// <param name="spacing">Largest allowed distance between k-points in 1/Å (2π included), e.g. 0.2–0.3 for converged metals.</param>
    /// <exception cref="ArgumentOutOfRangeException">The spacing is not a positive finite number.</exception>
    /// <exception cref="InvalidOperationException">The cell is degenerate.</exception>
    public static KPointGrid FromSpacing(Cell cell, Pbc pbc, double spacing)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (!(spacing > 0) || !double.IsFinite(spacing))
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "The k-point spacing must be a positive number of 1/Å.");
        }

        var reciprocal = cell.Reciprocal;
        Span<int> n = stackalloc int[3];
        for (var axis = 0; axis < 3; axis++)
        {
            var length = 2 * Math.PI * reciprocal.Row(axis).Length;
            // A tiny tolerance keeps a ratio like 4.0000000001 from a rounding error at 4 divisions.
            n[axis] = pbc[axis] ? Math.Max(1, (int)Math.Ceiling((length / spacing) - 1e-9)) : 1;
        }

        return new KPointGrid(n[0], n[1], n[2]);
    }

    /// <summary>Adds to <paramref name="problems"/> what is wrong with a k-point spacing (1/Å) and an explicit grid as settings
    /// give them: a spacing that is not a positive finite number, divisions below 1. Whether both or neither may be set is each
    /// code's own rule.</summary>
    public static void AddSettingProblems(List<string> problems, double? spacing, KPointGrid? grid)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (spacing is { } value && !(value > 0 && double.IsFinite(value)))
        {
            problems.Add(FormattableString.Invariant($"the k-point spacing must be positive (got {value} 1/Å)"));
        }

        if (grid is { } divisions && (divisions.N1 < 1 || divisions.N2 < 1 || divisions.N3 < 1))
        {
            problems.Add($"k-point divisions must be at least 1 (got {divisions.N1} {divisions.N2} {divisions.N3})");
        }
    }

    /// <summary>The grid settings ask for on a structure: <paramref name="explicitGrid"/> when set, else the grid for
    /// <paramref name="spacing"/> (1/Å, 2π included; see <see cref="FromSpacing"/>), else <see langword="null"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The spacing is used and is not a positive finite number.</exception>
    public static KPointGrid? ExplicitOrFromSpacing(KPointGrid? explicitGrid, double? spacing, Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return explicitGrid ?? (spacing is { } value ? FromSpacing(structure.Cell, structure.Pbc, value) : null);
    }
}

/// <summary>
/// Everything pw.x needs besides the structure for a single-point SCF calculation with forces and stress
/// (<c>tprnfor</c> and <c>tstress</c> are always on).
/// </summary>
/// <remarks>
/// Energies are in Rydberg, as pw.x takes them. Exactly one of <see cref="KPointSpacing"/> and <see cref="KPoints"/> must be set;
/// call <see cref="Validate"/> before submitting.
/// </remarks>
public sealed record QuantumEspressoSettings
{
    /// <summary>Pseudopotential file name (relative to <see cref="PseudoDirectory"/>) per chemical symbol, e.g. <c>Si → Si.pbe-rrkj.UPF</c>.</summary>
    public required IReadOnlyDictionary<string, string> Pseudopotentials { get; init; }

    /// <summary>Directory holding the pseudopotential files (pw.x's <c>pseudo_dir</c>).</summary>
    public required string PseudoDirectory { get; init; }

    /// <summary>Kinetic energy cutoff for wavefunctions in Ry (<c>ecutwfc</c>).</summary>
    public required double EcutWfc { get; init; }

    /// <summary>Cutoff for the charge density in Ry (<c>ecutrho</c>); <see langword="null"/> leaves pw.x's default of 4 × <see cref="EcutWfc"/>.</summary>
    public double? EcutRho { get; init; }

    /// <summary>K-point spacing in 1/Å (2π included) turned into a grid by <see cref="KPointGrid.FromSpacing"/>; or <see langword="null"/>.</summary>
    public double? KPointSpacing { get; init; }

    /// <summary>An explicit Monkhorst–Pack grid; or <see langword="null"/> to use <see cref="KPointSpacing"/>.</summary>
    public KPointGrid? KPoints { get; init; }

    /// <summary>pw.x's <c>occupations</c>: <c>smearing</c> (default, safe for metals) or <c>fixed</c> (insulators).</summary>
    public string Occupations { get; init; } = "smearing";

    /// <summary>pw.x's <c>smearing</c> kind when <see cref="Occupations"/> is <c>smearing</c>: <c>gaussian</c>, <c>mv</c> (default), <c>mp</c> or <c>fd</c>.</summary>
    public string Smearing { get; init; } = "mv";

    /// <summary>Smearing width in Ry (<c>degauss</c>); default 0.01.</summary>
    public double Degauss { get; init; } = 0.01;

    /// <summary>Whether the calculation is spin-polarised (<c>nspin = 2</c>); default false.</summary>
    public bool SpinPolarized { get; init; }

    /// <summary>
    /// Starting magnetisation (−1…1) per chemical symbol when <see cref="SpinPolarized"/>; symbols not listed start at
    /// <see cref="DefaultStartingMagnetization"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double> StartingMagnetization { get; init; } = new Dictionary<string, double>();

    /// <summary>Starting magnetisation of species not listed in <see cref="StartingMagnetization"/>; default 0.5 (pw.x refuses all zeros with nspin = 2).</summary>
    public double DefaultStartingMagnetization { get; init; } = 0.5;

    /// <summary>SCF convergence threshold in Ry (<c>conv_thr</c>); default 1e-8.</summary>
    public double ConvThr { get; init; } = 1e-8;

    /// <summary>Charge-density mixing factor (<c>mixing_beta</c>); default 0.7 (pw.x's default).</summary>
    public double MixingBeta { get; init; } = 0.7;

    /// <summary>pw.x's <c>mixing_mode</c>: <c>plain</c> (default), <c>TF</c> or <c>local-TF</c>.</summary>
    public string MixingMode { get; init; } = "plain";

    /// <summary>Maximum number of SCF iterations (<c>electron_maxstep</c>); default 100 (pw.x's default).</summary>
    public int ElectronMaxStep { get; init; } = 100;

    /// <summary>pw.x's <c>prefix</c> for files in <see cref="OutputDirectory"/>; default <c>pwscf</c>.</summary>
    public string Prefix { get; init; } = "pwscf";

    /// <summary>pw.x's <c>outdir</c> for wavefunctions and the XML copy of the results, relative to the run directory; default <c>./out</c>.</summary>
    public string OutputDirectory { get; init; } = "./out";

    private static readonly string[] KnownOccupations = ["smearing", "fixed"];
    private static readonly string[] KnownSmearings = ["gaussian", "gauss", "methfessel-paxton", "m-p", "mp", "marzari-vanderbilt", "cold", "m-v", "mv", "fermi-dirac", "f-d", "fd"];
    private static readonly string[] KnownMixingModes = ["plain", "TF", "local-TF"];

    /// <summary>Checks the settings against a structure before anything is submitted.</summary>
    /// <exception cref="ArgumentException">A species has no pseudopotential, a value is out of range, or the k-points are
    /// given both or neither ways. The message lists every problem found.</exception>
    public void Validate(Structure structure)
    {
        var problems = FindProblems(structure);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Quantum ESPRESSO settings: " + string.Join("; ", problems) + ".");
        }
    }

    /// <summary>Every problem of the settings for <paramref name="structure"/>, one sentence each; empty when they can run.</summary>
    public IReadOnlyList<string> FindProblems(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var problems = new List<string>();
        foreach (var z in structure.AtomicNumbers)
        {
            var symbol = Elements.Symbol(z);
            if (!Pseudopotentials.ContainsKey(symbol) && !problems.Contains($"no pseudopotential for {symbol}"))
            {
                problems.Add($"no pseudopotential for {symbol}");
            }
        }

        if (string.IsNullOrWhiteSpace(PseudoDirectory))
        {
            problems.Add("no pseudopotential directory");
        }

        if (!(EcutWfc > 0))
        {
            problems.Add(FormattableString.Invariant($"ecutwfc must be positive (got {EcutWfc} Ry)"));
        }

        if (EcutRho is { } rho && !(rho >= EcutWfc))
        {
            problems.Add(FormattableString.Invariant($"ecutrho ({rho} Ry) must be at least ecutwfc ({EcutWfc} Ry)"));
        }

        if ((KPointSpacing is null) == (KPoints is null))
        {
            problems.Add("give exactly one of a k-point spacing and an explicit k-point grid");
        }

        KPointGrid.AddSettingProblems(problems, KPointSpacing, KPoints);

        if (Array.IndexOf(KnownOccupations, Occupations) < 0)
        {
            problems.Add($"unknown occupations '{Occupations}' (smearing or fixed)");
        }

        if (Occupations == "smearing" && Array.IndexOf(KnownSmearings, Smearing) < 0)
        {
            problems.Add($"unknown smearing '{Smearing}'");
        }

        if (Occupations == "smearing" && !(Degauss > 0))
        {
            problems.Add(FormattableString.Invariant($"degauss must be positive with smearing (got {Degauss} Ry)"));
        }

        if (!(ConvThr > 0))
        {
            problems.Add(FormattableString.Invariant($"conv_thr must be positive (got {ConvThr} Ry)"));
        }

        if (!(MixingBeta > 0 && MixingBeta <= 1))
        {
            problems.Add(FormattableString.Invariant($"mixing_beta must be in (0, 1] (got {MixingBeta})"));
        }

        if (Array.IndexOf(KnownMixingModes, MixingMode) < 0)
        {
            problems.Add($"unknown mixing_mode '{MixingMode}' (plain, TF or local-TF)");
        }

        if (ElectronMaxStep < 1)
        {
            problems.Add($"electron_maxstep must be at least 1 (got {ElectronMaxStep})");
        }

        if (!structure.Pbc.A || !structure.Pbc.B || !structure.Pbc.C || structure.Cell.IsDegenerate)
        {
            problems.Add("pw.x needs a cell periodic along all three directions (put molecules in a box)");
        }

        return problems;
    }

    /// <summary>The k-point grid for a structure: the explicit one, or the one from the spacing.</summary>
    /// <exception cref="InvalidOperationException">Neither is set.</exception>
    public KPointGrid GridFor(Structure structure) =>
        KPointGrid.ExplicitOrFromSpacing(KPoints, KPointSpacing, structure)
        ?? throw new InvalidOperationException("Neither a k-point spacing nor a k-point grid is set.");
}
