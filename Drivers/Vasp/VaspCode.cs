using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Vasp;

/// <summary>
/// VASP as a labelling code: writes INCAR, KPOINTS, POSCAR and POTCAR with <see cref="VaspTemplate"/>, runs the executable in
/// the work directory (<c>vasp_std &gt; vasp.out</c>) and reads <c>vasprun.xml</c> with <see cref="VasprunParser"/>, or
/// <c>OUTCAR</c> with <see cref="OutcarParser"/> when there is no vasprun.xml.
/// </summary>
/// <remarks>The POTCAR is assembled on this machine from <see cref="VaspSettings.PotcarDirectory"/> and sent with the other
/// inputs, so its files are always checked here, wherever VASP runs.</remarks>
public sealed class VaspCode : ICodeTemplate<VaspSettings>
{
    /// <summary>VASP's standard output in the work directory.</summary>
    public const string StandardOutputFile = "vasp.out";

    /// <inheritdoc />
    public string Program => "vasp";

    /// <inheritdoc />
    public string TaskPrefix => "vasp";

    /// <inheritdoc />
    public IReadOnlyList<string> OutputFiles { get; } = ["vasprun.xml", "OUTCAR", "OSZICAR", StandardOutputFile];

    /// <inheritdoc />
    public string Arguments => $"> {StandardOutputFile}";

    /// <summary>The profile's pseudopotential directory, when set, is the POTCAR directory (assembled on this machine).</summary>
    public VaspSettings ForProfile(VaspSettings settings, CodeProfile profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        return profile.PseudoDirectory is { } directory ? settings with { PotcarDirectory = directory } : settings;
    }

    /// <inheritdoc />
    public string Describe(VaspSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder();
        foreach (var (symbol, folder) in settings.Potcars.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"potcar {symbol} {folder}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"encut {settings.Encut:R}\nkspacing {settings.KPointSpacing:R}\nkpoints {settings.KPoints}\n");
        text.Append(CultureInfo.InvariantCulture, $"ismear {settings.Ismear}\nsigma {settings.Sigma:R}\nediff {settings.Ediff:R}\nnelm {settings.Nelm}\n");
        text.Append(CultureInfo.InvariantCulture, $"algo {settings.Algo}\nprec {settings.Prec}\namix {settings.Amix:R}\n");
        text.Append(CultureInfo.InvariantCulture, $"ispin {(settings.SpinPolarized ? 2 : 1)}\nmagmom {settings.InitialMagneticMoment:R}\n");
        return text.ToString();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> FindProblems(VaspSettings settings, IReadOnlyList<Structure> structures, bool filesAreLocal)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(structures);
        var problems = StructureProblems.Distinct(structures, settings.FindProblems);
        var symbols = StructureProblems.Symbols(structures);

        if (!string.IsNullOrWhiteSpace(settings.PotcarDirectory))
        {
            foreach (var symbol in symbols)
            {
                var path = VaspTemplate.PotcarPath(settings, symbol);
                if (!File.Exists(path))
                {
                    problems.Add($"no POTCAR for {symbol}: {path} does not exist");
                }
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WriteInputs(Structure structure, VaspSettings settings) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["INCAR"] = VaspTemplate.Incar(structure, settings),
            ["KPOINTS"] = VaspTemplate.Kpoints(structure, settings),
            ["POSCAR"] = VaspTemplate.Poscar(structure),
            ["POTCAR"] = VaspTemplate.Potcar(structure, settings),
        };

    /// <inheritdoc />
    public CodeResult ParseOutputs(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var vasprun = Path.Combine(directory, "vasprun.xml");
        var outcar = Path.Combine(directory, "OUTCAR");
        try
        {
            return File.Exists(vasprun) ? VasprunParser.ParseFile(vasprun) : OutcarParser.ParseFile(outcar);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CodeResult(Program, OutputStatus.Incomplete, directory, $"no readable vasprun.xml or OUTCAR: {e.Message}", null, null, null, null, null);
        }
    }
}
