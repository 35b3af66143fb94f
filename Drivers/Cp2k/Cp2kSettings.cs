using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.QuantumEspresso;

namespace ActiveLearning.Drivers.Cp2k;

/// <summary>The electronic-structure method CP2K's Quickstep runs.</summary>
public enum Cp2kMethod
{
    /// <summary>Non-self-consistent DFTB (<c>METHOD DFTB</c>, <c>SELF_CONSISTENT F</c>) with the Slater–Koster tables in
    /// <see cref="Cp2kSettings.DftbParameterDirectory"/>; the cheapest real electronic-structure labeller (Si8: ~1 s).</summary>
    DftbNonScc,

    /// <summary>GFN1-xTB (<c>METHOD xTB</c>) with Ewald summation for periodic cells (<c>DO_EWALD T</c>).</summary>
    Gfn1Xtb,

    /// <summary>Kohn–Sham DFT with Gaussians and plane waves (<c>METHOD GPW</c>), basis set and pseudopotential per element.</summary>
    DftGpw,
}

/// <summary>
/// Everything CP2K needs besides the structure for a single point with forces and analytical stress
/// (<c>RUN_TYPE ENERGY_FORCE</c>, <c>STRESS_TENSOR ANALYTICAL</c> and the force and stress prints are always on).
/// </summary>
/// <remarks>
/// K-points: at most one of <see cref="KPointSpacing"/> and <see cref="KPoints"/>; with neither, CP2K runs at Γ only. CP2K's
/// <c>MONKHORST-PACK</c> scheme is the original symmetric Monkhorst–Pack grid (even divisions do not contain Γ), so a
/// <see cref="KPointGrid.Shifted"/> grid is refused rather than silently written as something else. With k-points the SCF
/// guess is <c>ATOMIC</c> (CP2K aborts with <c>CORE</c>). Call <see cref="Validate"/> before submitting.
/// </remarks>
public sealed record Cp2kSettings
{
    /// <summary>The method; default <see cref="Cp2kMethod.DftbNonScc"/>.</summary>
    public Cp2kMethod Method { get; init; } = Cp2kMethod.DftbNonScc;

    /// <summary>Directory of the non-SCC DFTB parameters (holds <c>nonscc_parameter</c> and <c>uff_table</c>); default Debian's
    /// <c>/usr/share/cp2k/DFTB/nonscc</c>.</summary>
    public string DftbParameterDirectory { get; init; } = "/usr/share/cp2k/DFTB/nonscc";

    /// <summary>GPW only: basis set name per chemical symbol, e.g. <c>Si → DZVP-MOLOPT-SR-GTH</c>.</summary>
    public IReadOnlyDictionary<string, string> BasisSets { get; init; } = new Dictionary<string, string>();

    /// <summary>GPW only: pseudopotential name per chemical symbol, e.g. <c>Si → GTH-PBE-q4</c>.</summary>
    public IReadOnlyDictionary<string, string> Potentials { get; init; } = new Dictionary<string, string>();

    /// <summary>GPW only: basis set file (found in CP2K's data directory unless a path); default <c>BASIS_MOLOPT</c>.</summary>
    public string BasisSetFile { get; init; } = "BASIS_MOLOPT";

    /// <summary>GPW only: pseudopotential file; default <c>GTH_POTENTIALS</c>.</summary>
    public string PotentialFile { get; init; } = "GTH_POTENTIALS";

    /// <summary>GPW only: exchange–correlation functional (<c>&amp;XC_FUNCTIONAL</c> section name); default <c>PBE</c>.</summary>
    public string Functional { get; init; } = "PBE";

    /// <summary>GPW only: plane-wave cutoff of the finest grid in Ry (<c>&amp;MGRID CUTOFF</c>); default 300.</summary>
    public double Cutoff { get; init; } = 300;

    /// <summary>GPW only: <c>&amp;MGRID REL_CUTOFF</c> in Ry; default 40.</summary>
    public double RelativeCutoff { get; init; } = 40;

    /// <summary>K-point spacing in 1/Å (2π included) turned into a grid by <see cref="KPointGrid.FromSpacing"/>; or <see langword="null"/>.</summary>
    public double? KPointSpacing { get; init; }

    /// <summary>An explicit (unshifted) Monkhorst–Pack grid; or <see langword="null"/>.</summary>
    public KPointGrid? KPoints { get; init; }

    /// <summary>SCF convergence threshold (<c>EPS_SCF</c>, CP2K's density-matrix criterion); default 1e-6.</summary>
    public double EpsScf { get; init; } = 1e-6;

    /// <summary>Maximum SCF iterations (<c>MAX_SCF</c>); default 100.</summary>
    public int MaxScf { get; init; } = 100;

    /// <summary>Broyden/Pulay mixing parameter (<c>&amp;MIXING ALPHA</c>); <see langword="null"/> keeps CP2K's default.</summary>
    public double? MixingAlpha { get; init; }

    /// <summary>CP2K's <c>PROJECT</c> name (prefix of files it writes in the run directory); default <c>cp2k</c>.</summary>
    public string Project { get; init; } = "cp2k";

    /// <summary>Checks the settings against a structure before anything is submitted.</summary>
    /// <exception cref="ArgumentException">A species has no basis set or potential (GPW), a value is out of range, or the
    /// k-points are given both ways or shifted. The message lists every problem found.</exception>
    public void Validate(Structure structure)
    {
        var problems = FindProblems(structure);
        if (problems.Count > 0)
        {
            throw new ArgumentException("CP2K settings: " + string.Join("; ", problems) + ".");
        }
    }

    /// <summary>Every problem of the settings for <paramref name="structure"/>, one sentence each; empty when they can run.</summary>
    public IReadOnlyList<string> FindProblems(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var problems = new List<string>();
        if (!Enum.IsDefined(Method))
        {
            problems.Add($"unknown method {(int)Method}");
        }

        if (Method == Cp2kMethod.DftGpw)
        {
            foreach (var z in structure.AtomicNumbers)
            {
                var symbol = Elements.Symbol(z);
                AddOnce(problems, BasisSets.ContainsKey(symbol) ? null : $"no basis set for {symbol}");
                AddOnce(problems, Potentials.ContainsKey(symbol) ? null : $"no potential for {symbol}");
            }

            if (!(Cutoff > 0) || !(RelativeCutoff > 0))
            {
                problems.Add(FormattableString.Invariant($"cutoffs must be positive (got {Cutoff} and {RelativeCutoff} Ry)"));
            }

            CheckWord(problems, "functional", Functional);
            CheckWord(problems, "basis set file", BasisSetFile);
            CheckWord(problems, "potential file", PotentialFile);
            foreach (var name in BasisSets.Values.Concat(Potentials.Values))
            {
                CheckWord(problems, "basis set or potential name", name);
            }
        }

        if (Method == Cp2kMethod.DftbNonScc)
        {
            CheckWord(problems, "DFTB parameter directory", DftbParameterDirectory);
        }

        if (KPointSpacing is not null && KPoints is not null)
        {
            problems.Add("give at most one of a k-point spacing and an explicit k-point grid");
        }

        KPointGrid.AddSettingProblems(problems, KPointSpacing, KPoints);

        if (KPoints is { Shifted: true })
        {
            problems.Add("CP2K's MONKHORST-PACK grid cannot be shifted");
        }

        if (!(EpsScf > 0))
        {
            problems.Add(FormattableString.Invariant($"EPS_SCF must be positive (got {EpsScf})"));
        }

        if (MaxScf < 1)
        {
            problems.Add($"MAX_SCF must be at least 1 (got {MaxScf})");
        }

        if (MixingAlpha is { } alpha && !(alpha > 0 && alpha <= 1))
        {
            problems.Add(FormattableString.Invariant($"the mixing alpha must be in (0, 1] (got {alpha})"));
        }

        CheckWord(problems, "project name", Project);
        if (!structure.Pbc.A || !structure.Pbc.B || !structure.Pbc.C || structure.Cell.IsDegenerate)
        {
            problems.Add("the CP2K template needs a cell periodic along all three directions (put molecules in a box)");
        }

        return problems;
    }

    /// <summary>The k-point grid for a structure: the explicit one, the one from the spacing, or <see langword="null"/> for Γ only.</summary>
    public KPointGrid? GridFor(Structure structure) => KPointGrid.ExplicitOrFromSpacing(KPoints, KPointSpacing, structure);

    private static void AddOnce(List<string> problems, string? problem)
    {
        if (problem is not null && !problems.Contains(problem))
        {
            problems.Add(problem);
        }
    }

    private static void CheckWord(List<string> problems, string what, string value)
    {
        // CP2K's input parser splits keyword values at blanks and treats '!' and '#' as comments.
        if (string.IsNullOrWhiteSpace(value) || value.AsSpan().IndexOfAny(" \t\r\n!#") >= 0)
        {
            problems.Add($"the {what} '{value}' must be one word without '!' or '#'");
        }
    }
}
