using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Cp2k;

/// <summary>
/// CP2K as a labelling code: writes <c>cp2k.inp</c> with <see cref="Cp2kTemplate"/>, runs <c>cp2k -i cp2k.inp &gt; cp2k.out</c>
/// and reads <c>cp2k.out</c> with <see cref="Cp2kParser"/>.
/// </summary>
/// <remarks>The output goes to standard output with <c>&gt;</c> rather than <c>-o</c>, because <c>-o</c> appends to an existing
/// file: a run started again in the same work directory would leave the old run's numbers above the new ones.</remarks>
public sealed class Cp2kCode : ICodeTemplate<Cp2kSettings>
{
    /// <summary>The input file name in the work directory.</summary>
    public const string InputFile = "cp2k.inp";

    /// <summary>The output file name in the work directory.</summary>
    public const string OutputFile = "cp2k.out";

    /// <inheritdoc />
    public string Program => "cp2k";

    /// <inheritdoc />
    public string TaskPrefix => "cp2k";

    /// <inheritdoc />
    public IReadOnlyList<string> OutputFiles { get; } = [OutputFile];

    /// <inheritdoc />
    public string Arguments => $"-i {InputFile} > {OutputFile}";

    /// <summary>CP2K has no pseudopotential directory setting to replace (basis and potential files are found in its data
    /// directory); the settings are returned unchanged.</summary>
    public Cp2kSettings ForProfile(Cp2kSettings settings, CodeProfile profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        return settings;
    }

    /// <inheritdoc />
    public string Describe(Cp2kSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"method {settings.Method}\n");
        switch (settings.Method)
        {
            case Cp2kMethod.DftbNonScc:
                text.Append(CultureInfo.InvariantCulture, $"dftb_parameters {Path.GetFileName(settings.DftbParameterDirectory.TrimEnd('/'))}\n");
                break;
            case Cp2kMethod.DftGpw:
                foreach (var (symbol, basis) in settings.BasisSets.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $"basis {symbol} {basis}\n");
                }

                foreach (var (symbol, potential) in settings.Potentials.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $"potential {symbol} {potential}\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"files {settings.BasisSetFile} {settings.PotentialFile}\nfunctional {settings.Functional}\n");
                text.Append(CultureInfo.InvariantCulture, $"cutoff {settings.Cutoff:R} {settings.RelativeCutoff:R}\n");
                break;
            default:
                break;
        }

        text.Append(CultureInfo.InvariantCulture, $"kspacing {settings.KPointSpacing:R}\nkpoints {settings.KPoints}\n");
        text.Append(CultureInfo.InvariantCulture, $"eps_scf {settings.EpsScf:R}\nmax_scf {settings.MaxScf}\nmixing_alpha {settings.MixingAlpha:R}\n");
        return text.ToString();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> FindProblems(Cp2kSettings settings, IReadOnlyList<Structure> structures, bool filesAreLocal)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(structures);
        var problems = StructureProblems.Distinct(structures, settings.FindProblems);

        if (filesAreLocal && settings.Method == Cp2kMethod.DftbNonScc)
        {
            // Only the parameter list: CP2K looks files such as uff_table up in its data directory when they are not beside it.
            var path = Path.Combine(settings.DftbParameterDirectory, "nonscc_parameter");
            if (!File.Exists(path))
            {
                problems.Add($"the DFTB parameter file {path} does not exist");
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WriteInputs(Structure structure, Cp2kSettings settings)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Cp2kTemplate.WriteInput(structure, settings, writer);
        return new Dictionary<string, string>(StringComparer.Ordinal) { [InputFile] = writer.ToString() };
    }

    /// <inheritdoc />
    public CodeResult ParseOutputs(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = Path.Combine(directory, OutputFile);
        try
        {
            return Cp2kParser.ParseFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CodeResult(Program, OutputStatus.Incomplete, path, $"the output cannot be read: {e.Message}", null, null, null, null, null);
        }
    }
}
