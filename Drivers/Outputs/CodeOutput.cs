using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Drivers.Outputs;

/// <summary>How an electronic-structure run ended, as read from its output.</summary>
public enum OutputStatus
{
    /// <summary>The SCF converged, energy, forces and stress were all printed and the program reached its end marker.</summary>
    Converged,

    /// <summary>The program reported that the SCF did not converge (whatever numbers it printed are not labels).</summary>
    NotConverged,

    /// <summary>The program stopped with an error message.</summary>
    Crashed,

    /// <summary>The output stops early: no end marker, or energy, forces or stress missing (killed, out of time, truncated).</summary>
    Incomplete,

    /// <summary>A block that should hold numbers does not (a garbled or corrupted file).</summary>
    Malformed,
}

/// <summary>What an electronic-structure output says, in the product's units.</summary>
/// <param name="Program">The program whose output this is (e.g. <c>pw.x</c>, <c>cp2k</c>), for messages.</param>
/// <param name="Status">How the run ended; only <see cref="OutputStatus.Converged"/> results carry trustworthy labels.</param>
/// <param name="SourceName">The output's name (file path) for messages.</param>
/// <param name="Detail">Why the run is not converged, or <see langword="null"/>: the program's error message, the missing part,
/// or <c>file:line: ...</c> for a malformed block.</param>
/// <param name="Energy">The last total energy in eV.</param>
/// <param name="Forces">The last forces in eV/Å, in input atom order.</param>
/// <param name="Stress">The last stress in eV/Å³ with ASE's sign (compressed cell → negative diagonal).</param>
/// <param name="ScfIterations">Iterations of the last converged SCF, if printed.</param>
/// <param name="Version">The program's version, if printed.</param>
/// <param name="EnergyIsFreeEnergy">Whether the energy is also the free energy (pw.x's printed energy is F = E − TS with smearing).</param>
/// <param name="FreeEnergy">The free energy F = E − TS in eV when the program prints it apart from <paramref name="Energy"/>
/// (VASP's TOTEN beside its σ→0 energy), else <see langword="null"/>.</param>
public sealed record CodeResult(
    string Program,
    OutputStatus Status,
    string SourceName,
    string? Detail,
    double? Energy,
    Vec3[]? Forces,
    Mat3? Stress,
    int? ScfIterations,
    string? Version,
    bool EnergyIsFreeEnergy = false,
    double? FreeEnergy = null)
{
    /// <summary>Whether the output holds a complete, converged label.</summary>
    public bool IsConverged => Status == OutputStatus.Converged;

    /// <summary>The labels of a converged run: energy (and free energy where it is the same value), forces, stress.</summary>
    /// <exception cref="CodeOutputException">The run is not <see cref="OutputStatus.Converged"/>.</exception>
    public LabelSet ToLabels() => IsConverged
        ? new LabelSet(Energy, Forces, Stress, FreeEnergy: FreeEnergy ?? (EnergyIsFreeEnergy ? Energy : null))
        : throw new CodeOutputException(Program, Status, SourceName, Detail ?? Status.ToString());
}

/// <summary>An output holds no usable label; <see cref="Status"/> says why (error handlers branch on it).</summary>
public sealed class CodeOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CodeOutputException(string program, OutputStatus status, string sourceName, string detail)
        : base($"{sourceName}: {program} run {Describe(status)}: {detail}")
    {
        Status = status;
        SourceName = sourceName;
    }

    /// <summary>How the run ended.</summary>
    public OutputStatus Status { get; }

    /// <summary>The output's name.</summary>
    public string SourceName { get; }

    private static string Describe(OutputStatus status) => status switch
    {
        OutputStatus.NotConverged => "did not converge",
        OutputStatus.Crashed => "crashed",
        OutputStatus.Incomplete => "is incomplete",
        OutputStatus.Malformed => "output is malformed",
        _ => "converged",
    };
}

/// <summary>
/// The reading state shared by the output parsers: line counting for file:line errors, number parsing, the values found
/// so far and the classification of the run from what was (and was not) found.
/// </summary>
internal abstract class OutputScan(string program, string sourceName, string energyMarker, string endMarker, bool energyIsFreeEnergy)
{
    private long lineNumber;

    protected int Atoms { get; set; } = -1;

    protected double? Energy { get; set; }

    protected double? FreeEnergy { get; set; }

    protected Vec3[]? Forces { get; set; }

    protected Mat3? Stress { get; set; }

    protected int? Iterations { get; set; }

    protected string? Version { get; set; }

    protected string? NotConverged { get; set; }

    protected string? Failure { get; set; }

    protected bool Finished { get; set; }

    /// <summary>Reads the whole output, recording what it finds; throws <see cref="StructureFormatException"/> on a malformed block.</summary>
    protected abstract void Run(TextReader reader);

    /// <summary>Reads and classifies the output; never throws for a bad output.</summary>
    public CodeResult Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            Run(reader);
        }
        catch (StructureFormatException e)
        {
            return Result(OutputStatus.Malformed, e.Message);
        }

        return Classify();
    }

    private CodeResult Classify()
    {
        if (Failure is not null)
        {
            return Result(OutputStatus.Crashed, Failure);
        }

        if (NotConverged is not null)
        {
            return Result(OutputStatus.NotConverged, NotConverged);
        }

        var missing = new List<string>();
        if (Energy is null)
        {
            missing.Add($"no '{energyMarker}' line");
        }

        if (Forces is null)
        {
            missing.Add("no forces");
        }

        if (Stress is null)
        {
            missing.Add("no stress");
        }

        if (!Finished)
        {
            missing.Add($"no '{endMarker}'");
        }

        return missing.Count == 0
            ? Result(OutputStatus.Converged, null)
            : Result(OutputStatus.Incomplete, string.Join(", ", missing) + $" (output ends at line {lineNumber})");
    }

    private CodeResult Result(OutputStatus status, string? detail) =>
        new(program, status, sourceName, detail, Energy, Forces, Stress, Iterations, Version, energyIsFreeEnergy, FreeEnergy);

    protected string? Next(TextReader reader)
    {
        var line = reader.ReadLine();
        if (line is not null)
        {
            lineNumber++;
        }

        return line;
    }

    protected StructureFormatException Error(string detail) => new(sourceName, lineNumber, detail);

    protected double Real(string token, string what)
    {
        if (!NumberText.TryParseReal(token, out var value) || !double.IsFinite(value))
        {
            throw Error($"{what}: '{token}' is not a finite number");
        }

        return value;
    }

    protected int Integer(string token, string what) =>
        int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"{what}: '{token}' is not an integer");
}
