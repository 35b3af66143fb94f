using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Drivers.Cp2k;

/// <summary>How a CP2K run ended, as read from its output file.</summary>
public enum Cp2kStatus
{
    /// <summary>The SCF converged, energy, forces and stress were printed and the run finished (<c>PROGRAM ENDED AT</c>).</summary>
    Converged,

    /// <summary>CP2K warned <c>SCF run NOT converged</c>. It still prints energy, forces and stress and exits with 0, so only
    /// this status keeps such numbers from becoming a label.</summary>
    NotConverged,

    /// <summary>CP2K stopped with an <c>[ABORT]</c> box (exit code 1).</summary>
    Crashed,

    /// <summary>The output stops early: no <c>PROGRAM ENDED AT</c>, or energy, forces or stress missing (killed, out of time, truncated).</summary>
    Incomplete,

    /// <summary>A line that should hold numbers does not (a garbled or corrupted file).</summary>
    Malformed,
}

/// <summary>What a CP2K output says, in the product's units.</summary>
/// <param name="Status">How the run ended; only <see cref="Cp2kStatus.Converged"/> results carry trustworthy labels.</param>
/// <param name="SourceName">The output's name (file path) for messages.</param>
/// <param name="Detail">Why the run is not converged, or <see langword="null"/>: CP2K's abort message, the missing part, or
/// <c>file:line: ...</c> for a malformed line.</param>
/// <param name="Energy">The last <c>ENERGY| Total FORCE_EVAL ( QS ) energy</c> in eV.</param>
/// <param name="Forces">The last <c>ATOMIC FORCES</c> table in eV/Å, in input atom order.</param>
/// <param name="Stress">The last analytical stress in eV/Å³ with ASE's sign (compressed cell → negative diagonal).</param>
/// <param name="ScfIterations">Steps of the last converged SCF, if printed.</param>
/// <param name="Version">CP2K's version (e.g. <c>2023.1</c>), if printed.</param>
public sealed record Cp2kResult(
    Cp2kStatus Status,
    string SourceName,
    string? Detail,
    double? Energy,
    Vec3[]? Forces,
    Mat3? Stress,
    int? ScfIterations,
    string? Version)
{
    /// <summary>Whether the output holds a complete, converged label.</summary>
    public bool IsConverged => Status == Cp2kStatus.Converged;

    /// <summary>The labels of a converged run: energy (eV), forces (eV/Å), stress (eV/Å³, ASE sign).</summary>
    /// <exception cref="Cp2kOutputException">The run is not <see cref="Cp2kStatus.Converged"/>.</exception>
    public LabelSet ToLabels() => IsConverged
        ? new LabelSet(Energy, Forces, Stress)
        : throw new Cp2kOutputException(Status, SourceName, Detail ?? Status.ToString());
}

/// <summary>A CP2K output holds no usable label; <see cref="Status"/> says why (error handlers branch on it).</summary>
public sealed class Cp2kOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public Cp2kOutputException(Cp2kStatus status, string sourceName, string detail)
        : base($"{sourceName}: cp2k run {Describe(status)}: {detail}")
    {
        Status = status;
        SourceName = sourceName;
    }

    /// <summary>How the run ended.</summary>
    public Cp2kStatus Status { get; }

    /// <summary>The output's name.</summary>
    public string SourceName { get; }

    private static string Describe(Cp2kStatus status) => status switch
    {
        Cp2kStatus.NotConverged => "did not converge",
        Cp2kStatus.Crashed => "crashed",
        Cp2kStatus.Incomplete => "is incomplete",
        Cp2kStatus.Malformed => "output is malformed",
        _ => "converged",
    };
}

/// <summary>Reads a CP2K output file (CP2K 2023.x <c>ENERGY_FORCE</c> runs with the force and stress prints on).</summary>
/// <remarks>
/// Conversions: Hartree → eV with <see cref="Units.Hartree"/>, Hartree/bohr → eV/Å, GPa → eV/Å³ with <see cref="Units.GPa"/>.
/// CP2K prints the stress with the pressure sign (a compressed cell has a positive diagonal; checked on the captured runs:
/// expanding the Si8 cell lowers the energy at the rate the printed +7 GPa trace says), the opposite of ASE, so the sign is
/// flipped. CP2K does not stop on a non-converged SCF: it prints a warning and then all the numbers; the warning makes the
/// result <see cref="Cp2kStatus.NotConverged"/>. The parser never throws for a bad output: it classifies it, so a truncated or
/// garbled file can never turn into a label.
/// </remarks>
public static class Cp2kParser
{
    private const double ForceUnit = Units.Hartree / Units.Bohr;
    private const string EnergyPrefix = "ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:";
    private const string StressHeader = "STRESS| Analytical stress tensor [GPa]";

    /// <summary>Parses a CP2K output file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Cp2kResult ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses a CP2K output.</summary>
    /// <param name="reader">The text; read to the end, not disposed.</param>
    /// <param name="sourceName">Name used in messages, normally the file path.</param>
    public static Cp2kResult Parse(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var state = new ParseState(sourceName);
        try
        {
            state.Run(reader);
        }
        catch (StructureFormatException e)
        {
            return state.Result(Cp2kStatus.Malformed, e.Message);
        }

        return state.Classify();
    }

    private sealed class ParseState(string sourceName)
    {
        private long lineNumber;
        private int atoms = -1;
        private double? energy;
        private Vec3[]? forces;
        private Mat3? stress;
        private int? iterations;
        private string? version;
        private string? notConverged;
        private string? abort;
        private bool ended;

        public void Run(TextReader reader)
        {
            while (Next(reader) is { } line)
            {
                var trimmed = line.AsSpan().Trim();
                if (trimmed.StartsWith("CP2K| version string:", StringComparison.Ordinal))
                {
                    var words = trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    version = words[^1];
                }
                else if (trimmed.StartsWith("- Atoms:", StringComparison.Ordinal))
                {
                    atoms = Integer(trimmed["- Atoms:".Length..].Trim().ToString(), "number of atoms");
                }
                else if (trimmed.StartsWith("*** SCF run converged in", StringComparison.Ordinal))
                {
                    var words = trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    iterations = words.Length == 8 ? Integer(words[5], "SCF steps") : throw Error($"unexpected SCF line '{trimmed}'");
                }
                else if (trimmed.Contains("SCF run NOT converged", StringComparison.Ordinal))
                {
                    notConverged ??= trimmed.ToString().Trim('*', ' ');
                }
                else if (trimmed.StartsWith(EnergyPrefix, StringComparison.Ordinal))
                {
                    // A new force evaluation: forces and stress printed before it belong to an earlier one.
                    energy = Real(trimmed[EnergyPrefix.Length..].Trim().ToString(), "energy") * Units.Hartree;
                    forces = null;
                    stress = null;
                }
                else if (trimmed.SequenceEqual("ATOMIC FORCES in [a.u.]"))
                {
                    forces = ReadForces(reader);
                }
                else if (trimmed.SequenceEqual(StressHeader))
                {
                    stress = ReadStress(reader);
                }
                else if (trimmed.StartsWith("* [ABORT]", StringComparison.Ordinal))
                {
                    abort = ReadAbort(reader);
                }
                else if (trimmed.Contains("PROGRAM ENDED AT", StringComparison.Ordinal))
                {
                    ended = true;
                }
            }
        }

        public Cp2kResult Classify()
        {
            if (abort is not null)
            {
                return Result(Cp2kStatus.Crashed, abort);
            }

            if (notConverged is not null)
            {
                return Result(Cp2kStatus.NotConverged, notConverged);
            }

            var missing = new List<string>();
            if (energy is null)
            {
                missing.Add("no 'ENERGY| Total FORCE_EVAL' line");
            }

            if (forces is null)
            {
                missing.Add("no forces");
            }

            if (stress is null)
            {
                missing.Add("no stress");
            }

            if (!ended)
            {
                missing.Add("no 'PROGRAM ENDED AT'");
            }

            return missing.Count == 0
                ? Result(Cp2kStatus.Converged, null)
                : Result(Cp2kStatus.Incomplete, string.Join(", ", missing) + $" (output ends at line {lineNumber})");
        }

        public Cp2kResult Result(Cp2kStatus status, string? detail) =>
            new(status, sourceName, detail, energy, forces, stress, iterations, version);

        private string? Next(TextReader reader)
        {
            var line = reader.ReadLine();
            if (line is not null)
            {
                lineNumber++;
            }

            return line;
        }

        private StructureFormatException Error(string detail) => new(sourceName, lineNumber, detail);

        private Vec3[] ReadForces(TextReader reader)
        {
            if (atoms < 1)
            {
                throw Error("forces before the number of atoms");
            }

            var result = new Vec3[atoms];
            var seen = 0;
            while (true)
            {
                var line = Next(reader) ?? throw Error($"the force table ends after {seen} of {atoms} atoms");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length == 0 || tokens[0] == "#")
                {
                    if (seen == 0)
                    {
                        continue;
                    }

                    throw Error($"the force table ends after {seen} of {atoms} atoms");
                }

                if (line.TrimStart().StartsWith("SUM OF ATOMIC FORCES", StringComparison.Ordinal))
                {
                    return seen == atoms ? result : throw Error($"the force table ends after {seen} of {atoms} atoms");
                }

                // atom kind element fx fy fz
                if (tokens.Length != 6)
                {
                    throw Error($"expected 'atom kind element fx fy fz', found '{line.Trim()}'");
                }

                var index = Integer(tokens[0], "atom number");
                if (index != seen + 1 || seen >= atoms)
                {
                    throw Error($"expected the force on atom {seen + 1} of {atoms}, found atom {index}");
                }

                result[seen++] = new Vec3(Real(tokens[3], "force"), Real(tokens[4], "force"), Real(tokens[5], "force")) * ForceUnit;
            }
        }

        private Mat3 ReadStress(TextReader reader)
        {
            var header = Next(reader);
            if (header is null || !header.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("STRESS|xyz", StringComparison.Ordinal))
            {
                throw Error($"expected the 'STRESS| x y z' header, found '{header?.Trim()}'");
            }

            Span<double> values = stackalloc double[9];
            ReadOnlySpan<string> axes = ["x", "y", "z"];
            for (var row = 0; row < 3; row++)
            {
                var line = Next(reader) ?? throw Error($"the stress table ends after {row} of 3 rows");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length != 5 || tokens[0] != "STRESS|" || tokens[1] != axes[row])
                {
                    throw Error($"expected 'STRESS| {axes[row]}' and three stresses in GPa, found '{line.Trim()}'");
                }

                for (var column = 0; column < 3; column++)
                {
                    values[(3 * row) + column] = -Real(tokens[2 + column], "stress") * Units.GPa;
                }
            }

            return Mat3.FromRowMajor(values);
        }

        private string ReadAbort(TextReader reader)
        {
            // The message sits right of the drawing (columns 0-11 hold " * " and the 9-character picture), ending with the
            // source location, until the box's closing row of stars.
            var message = new List<string>();
            while (Next(reader) is { } line && !line.TrimStart().StartsWith("*****", StringComparison.Ordinal))
            {
                var part = line.Length > 12 ? line[12..].TrimEnd().TrimEnd('*').Trim() : string.Empty;
                if (part.Length > 0)
                {
                    message.Add(part);
                }
            }

            return message.Count == 0 ? "[ABORT]" : string.Join(' ', message);
        }

        private double Real(string token, string what)
        {
            if (!NumberText.TryParseReal(token, out var value) || !double.IsFinite(value))
            {
                throw Error($"{what}: '{token}' is not a finite number");
            }

            return value;
        }

        private int Integer(string token, string what) =>
            int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error($"{what}: '{token}' is not an integer");
    }
}
