using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.QuantumEspresso;

namespace ActiveLearning.Drivers.Vasp;

/// <summary>
/// Everything VASP needs besides the structure for a single point with forces and stress (<c>NSW = 0</c>, <c>IBRION = -1</c>,
/// <c>ISIF = 2</c>); the POTCAR is assembled from a user's POTCAR directory (VASP's potentials are licensed, never shipped).
/// </summary>
/// <remarks>Energies in eV, as VASP takes them. Exactly one of <see cref="KPointSpacing"/> and <see cref="KPoints"/> must be set.
/// Call <see cref="FindProblems"/> before submitting.</remarks>
public sealed record VaspSettings
{
    /// <summary>The directory holding one folder per potential, each with a <c>POTCAR</c> file (e.g. <c>DIR/Si/POTCAR</c>,
    /// <c>DIR/Fe_pv/POTCAR</c>); required.</summary>
    public required string PotcarDirectory { get; init; }

    /// <summary>The potential folder per chemical symbol, e.g. <c>Fe → Fe_pv</c>; symbols not listed use the folder named like
    /// the symbol. Default none.</summary>
    public IReadOnlyDictionary<string, string> Potcars { get; init; } = new Dictionary<string, string>();

    /// <summary>Plane-wave cutoff in eV (<c>ENCUT</c>); required, positive.</summary>
    public required double Encut { get; init; }

    /// <summary>K-point spacing in 1/Å (2π included) turned into a Γ-centred grid by <see cref="KPointGrid.FromSpacing"/>; or <see langword="null"/>.</summary>
    public double? KPointSpacing { get; init; }

    /// <summary>An explicit grid (<see cref="KPointGrid.Shifted"/> writes Monkhorst–Pack, unshifted Γ-centred); or <see langword="null"/>.</summary>
    public KPointGrid? KPoints { get; init; }

    /// <summary>Smearing method (<c>ISMEAR</c>): −5…2; default 0 (Gaussian).</summary>
    public int Ismear { get; init; }

    /// <summary>Smearing width in eV (<c>SIGMA</c>); default 0.05.</summary>
    public double Sigma { get; init; } = 0.05;

    /// <summary>Electronic convergence in eV (<c>EDIFF</c>); default 1e-6.</summary>
    public double Ediff { get; init; } = 1e-6;

    /// <summary>Maximum electronic steps (<c>NELM</c>); default 100. A run that used all of them did not converge.</summary>
    public int Nelm { get; init; } = 100;

    /// <summary>Electronic minimiser (<c>ALGO</c>): <c>Normal</c> (default), <c>Fast</c>, <c>VeryFast</c>, <c>All</c> or <c>Damped</c>.</summary>
    public string Algo { get; init; } = "Normal";

    /// <summary>Precision (<c>PREC</c>): <c>Normal</c> or <c>Accurate</c> (default, for forces).</summary>
    public string Prec { get; init; } = "Accurate";

    /// <summary>Density mixing parameter (<c>AMIX</c>); <see langword="null"/> (default) keeps VASP's.</summary>
    public double? Amix { get; init; }

    /// <summary>Whether the calculation is spin-polarised (<c>ISPIN = 2</c>, <c>MAGMOM</c> from <see cref="InitialMagneticMoment"/>); default false.</summary>
    public bool SpinPolarized { get; init; }

    /// <summary>Initial magnetic moment per atom in μB when <see cref="SpinPolarized"/>; default 1.</summary>
    public double InitialMagneticMoment { get; init; } = 1;

    private static readonly string[] KnownAlgos = ["Normal", "Fast", "VeryFast", "All", "Damped"];
    private static readonly string[] KnownPrecisions = ["Normal", "Accurate"];

    /// <summary>The POTCAR folder of a chemical symbol.</summary>
    public string PotcarFolder(string symbol) => Potcars.TryGetValue(symbol, out var folder) ? folder : symbol;

    /// <summary>Every problem of the settings for <paramref name="structure"/> (empty when they can run); no files are read.</summary>
    public IReadOnlyList<string> FindProblems(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(PotcarDirectory))
        {
            problems.Add("no POTCAR directory");
        }

        if (!(Encut > 0))
        {
            problems.Add(FormattableString.Invariant($"ENCUT must be positive (got {Encut} eV)"));
        }

        if ((KPointSpacing is null) == (KPoints is null))
        {
            problems.Add("give exactly one of a k-point spacing and an explicit k-point grid");
        }

        KPointGrid.AddSettingProblems(problems, KPointSpacing, KPoints);

        if (Ismear is < -5 or > 2)
        {
            problems.Add($"ISMEAR must be between -5 and 2 (got {Ismear})");
        }

        if (!(Sigma > 0))
        {
            problems.Add(FormattableString.Invariant($"SIGMA must be positive (got {Sigma} eV)"));
        }

        if (!(Ediff > 0))
        {
            problems.Add(FormattableString.Invariant($"EDIFF must be positive (got {Ediff} eV)"));
        }

        if (Nelm < 1)
        {
            problems.Add($"NELM must be at least 1 (got {Nelm})");
        }

        if (Array.IndexOf(KnownAlgos, Algo) < 0)
        {
            problems.Add($"unknown ALGO '{Algo}' ({string.Join(", ", KnownAlgos)})");
        }

        if (Array.IndexOf(KnownPrecisions, Prec) < 0)
        {
            problems.Add($"unknown PREC '{Prec}' (Normal or Accurate)");
        }

        if (Amix is { } amix && !(amix > 0 && amix <= 1))
        {
            problems.Add(FormattableString.Invariant($"AMIX must be in (0, 1] (got {amix})"));
        }

        if (!structure.Pbc.A || !structure.Pbc.B || !structure.Pbc.C || structure.Cell.IsDegenerate)
        {
            problems.Add("VASP needs a cell periodic along all three directions (put molecules in a box)");
        }

        return problems;
    }

    /// <summary>The k-point grid for a structure: the explicit one, or the one from the spacing.</summary>
    /// <exception cref="InvalidOperationException">Neither is set.</exception>
    public KPointGrid GridFor(Structure structure) =>
        KPointGrid.ExplicitOrFromSpacing(KPoints, KPointSpacing, structure)
        ?? throw new InvalidOperationException("Neither a k-point spacing nor a k-point grid is set.");
}
