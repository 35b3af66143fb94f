using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.QuantumEspresso;

/// <summary>
/// pw.x as a labelling code: writes <c>pw.in</c> with <see cref="QuantumEspressoTemplate"/>, runs <c>pw.x -in pw.in &gt; pw.out</c>
/// and reads <c>pw.out</c> with <see cref="QuantumEspressoParser"/>.
/// </summary>
public sealed class QuantumEspressoCode : ICodeTemplate<QuantumEspressoSettings>
{
    /// <summary>The input file name in the work directory.</summary>
    public const string InputFile = "pw.in";

    /// <summary>The output file name in the work directory (pw.x's standard output).</summary>
    public const string OutputFile = "pw.out";

    /// <inheritdoc />
    public string Program => "pw.x";

    /// <inheritdoc />
    public string TaskPrefix => "qe";

    /// <inheritdoc />
    public IReadOnlyList<string> OutputFiles { get; } = [OutputFile];

    /// <inheritdoc />
    public string Arguments => $"-in {InputFile} > {OutputFile}";

    /// <inheritdoc />
    public QuantumEspressoSettings ForProfile(QuantumEspressoSettings settings, CodeProfile profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        return profile.PseudoDirectory is { } directory ? settings with { PseudoDirectory = directory } : settings;
    }

    /// <inheritdoc />
    public string Describe(QuantumEspressoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder();
        foreach (var (symbol, file) in settings.Pseudopotentials.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"pseudo {symbol} {file}\n");
        }

        foreach (var (symbol, m) in settings.StartingMagnetization.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"starting_magnetization {symbol} {m:R}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"ecutwfc {settings.EcutWfc:R}\necutrho {settings.EcutRho:R}\n");
        text.Append(CultureInfo.InvariantCulture, $"kspacing {settings.KPointSpacing:R}\nkpoints {settings.KPoints}\n");
        text.Append(CultureInfo.InvariantCulture, $"occupations {settings.Occupations}\nsmearing {settings.Smearing}\ndegauss {settings.Degauss:R}\n");
        text.Append(CultureInfo.InvariantCulture, $"nspin {(settings.SpinPolarized ? 2 : 1)}\nstarting_magnetization_default {settings.DefaultStartingMagnetization:R}\n");
        text.Append(CultureInfo.InvariantCulture, $"conv_thr {settings.ConvThr:R}\nmixing_beta {settings.MixingBeta:R}\nmixing_mode {settings.MixingMode}\n");
        text.Append(CultureInfo.InvariantCulture, $"electron_maxstep {settings.ElectronMaxStep}\n");
        return text.ToString();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> FindProblems(QuantumEspressoSettings settings, IReadOnlyList<Structure> structures, bool filesAreLocal)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(structures);
        var problems = StructureProblems.Distinct(structures, settings.FindProblems);
        var symbols = StructureProblems.Symbols(structures);

        if (filesAreLocal && !string.IsNullOrWhiteSpace(settings.PseudoDirectory))
        {
            foreach (var symbol in symbols)
            {
                if (settings.Pseudopotentials.TryGetValue(symbol, out var file) && !File.Exists(Path.Combine(settings.PseudoDirectory, file)))
                {
                    problems.Add($"the pseudopotential of {symbol}, {Path.Combine(settings.PseudoDirectory, file)}, does not exist");
                }
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WriteInputs(Structure structure, QuantumEspressoSettings settings)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        QuantumEspressoTemplate.WriteInput(structure, settings, writer);
        return new Dictionary<string, string>(StringComparer.Ordinal) { [InputFile] = writer.ToString() };
    }

    /// <inheritdoc />
    public CodeResult ParseOutputs(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = Path.Combine(directory, OutputFile);
        try
        {
            return QuantumEspressoParser.ParseFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CodeResult(Program, OutputStatus.Incomplete, path, $"the output cannot be read: {e.Message}", null, null, null, null, null);
        }
    }
}
