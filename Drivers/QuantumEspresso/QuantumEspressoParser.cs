using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Drivers.QuantumEspresso;

/// <summary>How a pw.x run ended, as read from its standard output.</summary>
public enum QuantumEspressoStatus
{
    /// <summary>The SCF converged and energy, forces and stress were all printed; the run finished (<c>JOB DONE.</c>).</summary>
    Converged,

    /// <summary>pw.x printed <c>convergence NOT achieved</c> (it then exits with code 2 and prints no energy or forces).</summary>
    NotConverged,

    /// <summary>pw.x stopped with an error (<c>Error in routine ...</c>; exit code 1 and a <c>CRASH</c> file).</summary>
    Crashed,

    /// <summary>The output stops early: no <c>JOB DONE.</c>, or energy, forces or stress missing (killed, out of time, truncated).</summary>
    Incomplete,

    /// <summary>A block that should hold numbers does not (a garbled or corrupted file).</summary>
    Malformed,
}

/// <summary>What a pw.x output says, in the product's units.</summary>
/// <param name="Status">How the run ended; only <see cref="QuantumEspressoStatus.Converged"/> results carry trustworthy labels.</param>
/// <param name="SourceName">The output's name (file path) for messages.</param>
/// <param name="Detail">Why the run is not converged, or <see langword="null"/>: pw.x's error message, the missing part, or
/// <c>file:line: ...</c> for a malformed block.</param>
/// <param name="Energy">The last <c>!    total energy</c> in eV (with smearing this is pw.x's free energy F = E − TS, as ASE reads it).</param>
/// <param name="Forces">The last force block in eV/Å, in input atom order.</param>
/// <param name="Stress">The last stress in eV/Å³ with ASE's sign (compressed cell → negative diagonal).</param>
/// <param name="ScfIterations">Iterations of the last converged SCF, if printed.</param>
/// <param name="Version">pw.x's version (e.g. <c>6.7MaX</c>), if printed.</param>
public sealed record QuantumEspressoResult(
    QuantumEspressoStatus Status,
    string SourceName,
    string? Detail,
    double? Energy,
    Vec3[]? Forces,
    Mat3? Stress,
    int? ScfIterations,
    string? Version)
{
    /// <summary>Whether the output holds a complete, converged label.</summary>
    public bool IsConverged => Status == QuantumEspressoStatus.Converged;

    /// <summary>The labels of a converged run: energy and free energy (eV, the same value, as ASE reports them), forces, stress.</summary>
    /// <exception cref="QuantumEspressoOutputException">The run is not <see cref="QuantumEspressoStatus.Converged"/>.</exception>
    public LabelSet ToLabels() => IsConverged
        ? new LabelSet(Energy, Forces, Stress, FreeEnergy: Energy)
        : throw new QuantumEspressoOutputException(Status, SourceName, Detail ?? Status.ToString());
}

/// <summary>A pw.x output holds no usable label; <see cref="Status"/> says why (error handlers branch on it).</summary>
public sealed class QuantumEspressoOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuantumEspressoOutputException(QuantumEspressoStatus status, string sourceName, string detail)
        : base($"{sourceName}: pw.x run {Describe(status)}: {detail}")
    {
        Status = status;
        SourceName = sourceName;
    }

    /// <summary>How the run ended.</summary>
    public QuantumEspressoStatus Status { get; }

    /// <summary>The output's name.</summary>
    public string SourceName { get; }

    private static string Describe(QuantumEspressoStatus status) => status switch
    {
        QuantumEspressoStatus.NotConverged => "did not converge",
        QuantumEspressoStatus.Crashed => "crashed",
        QuantumEspressoStatus.Incomplete => "is incomplete",
        QuantumEspressoStatus.Malformed => "output is malformed",
        _ => "converged",
    };
}

/// <summary>Reads pw.x's standard output (Quantum ESPRESSO 6.x SCF runs with <c>tprnfor</c> and <c>tstress</c>).</summary>
/// <remarks>
/// Conversions: Ry → eV with <see cref="Units.Rydberg"/>, Ry/bohr → eV/Å, and the stress from the Ry/bohr³ columns (more digits
/// than the kbar ones) → eV/Å³ with the sign flipped, because pw.x prints positive stress for a compressed cell and ASE negative.
/// The parser never throws for a bad output: it classifies it (<see cref="QuantumEspressoResult.Status"/>), so a truncated or
/// garbled file can never turn into a label.
/// </remarks>
public static class QuantumEspressoParser
{
    private const double ForceUnit = Units.Rydberg / Units.Bohr;
    private const double StressUnit = Units.Rydberg / (Units.Bohr * Units.Bohr * Units.Bohr);

    /// <summary>Parses a pw.x output file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static QuantumEspressoResult ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses pw.x's standard output.</summary>
    /// <param name="reader">The text; read to the end, not disposed.</param>
    /// <param name="sourceName">Name used in messages, normally the file path.</param>
    public static QuantumEspressoResult Parse(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var state = new ParseState(sourceName);
        try
        {
            state.Run(reader);
        }
        catch (StructureFormatException e)
        {
            return state.Result(QuantumEspressoStatus.Malformed, e.Message);
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
        private string? error;
        private bool jobDone;

        public void Run(TextReader reader)
        {
            while (Next(reader) is { } line)
            {
                var trimmed = line.AsSpan().Trim();
                if (trimmed.StartsWith("Program PWSCF v.", StringComparison.Ordinal))
                {
                    var rest = trimmed["Program PWSCF v.".Length..];
                    var space = rest.IndexOf(' ');
                    version = (space < 0 ? rest : rest[..space]).ToString();
                }
                else if (trimmed.StartsWith("number of atoms/cell", StringComparison.Ordinal))
                {
                    atoms = Integer(AfterEquals(trimmed).ToString(), "number of atoms");
                }
                else if (line.StartsWith('!') && trimmed.Contains("total energy", StringComparison.Ordinal))
                {
                    // A new SCF result: forces and stress printed before it belong to an earlier step.
                    energy = ParseRydberg(AfterEquals(trimmed)) * Units.Rydberg;
                    forces = null;
                    stress = null;
                }
                else if (trimmed.StartsWith("convergence has been achieved in", StringComparison.Ordinal))
                {
                    var words = trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    iterations = Integer(words[^2], "SCF iterations");
                }
                else if (trimmed.StartsWith("convergence NOT achieved", StringComparison.Ordinal))
                {
                    notConverged = trimmed.ToString();
                }
                else if (trimmed.StartsWith("Forces acting on atoms", StringComparison.Ordinal))
                {
                    forces = ReadForces(reader);
                }
                else if (trimmed.StartsWith("total   stress", StringComparison.Ordinal))
                {
                    stress = ReadStress(reader);
                }
                else if (trimmed.StartsWith("Error in routine", StringComparison.Ordinal))
                {
                    var message = Next(reader)?.Trim();
                    error = string.IsNullOrEmpty(message) ? trimmed.ToString() : $"{trimmed} {message}";
                }
                else if (trimmed.SequenceEqual("JOB DONE."))
                {
                    jobDone = true;
                }
            }
        }

        public QuantumEspressoResult Classify()
        {
            if (error is not null)
            {
                return Result(QuantumEspressoStatus.Crashed, error);
            }

            if (notConverged is not null)
            {
                return Result(QuantumEspressoStatus.NotConverged, notConverged);
            }

            var missing = new List<string>();
            if (energy is null)
            {
                missing.Add("no '!    total energy' line");
            }

            if (forces is null)
            {
                missing.Add("no forces");
            }

            if (stress is null)
            {
                missing.Add("no stress");
            }

            if (!jobDone)
            {
                missing.Add("no 'JOB DONE.'");
            }

            return missing.Count == 0
                ? Result(QuantumEspressoStatus.Converged, null)
                : Result(QuantumEspressoStatus.Incomplete, string.Join(", ", missing) + $" (output ends at line {lineNumber})");
        }

        public QuantumEspressoResult Result(QuantumEspressoStatus status, string? detail) =>
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
            while (seen < atoms)
            {
                var line = Next(reader) ?? throw Error($"the force block ends after {seen} of {atoms} atoms");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length == 0)
                {
                    if (seen == 0)
                    {
                        continue;
                    }

                    throw Error($"the force block ends after {seen} of {atoms} atoms");
                }

                // atom N type T force = fx fy fz
                if (tokens.Length != 9 || tokens[0] != "atom" || tokens[2] != "type" || tokens[4] != "force" || tokens[5] != "=")
                {
                    throw Error($"expected 'atom N type T force = fx fy fz', found '{line.Trim()}'");
                }

                var index = Integer(tokens[1], "atom number");
                if (index != seen + 1)
                {
                    throw Error($"expected the force on atom {seen + 1}, found atom {index}");
                }

                result[seen++] = new Vec3(Real(tokens[6], "force"), Real(tokens[7], "force"), Real(tokens[8], "force")) * ForceUnit;
            }

            return result;
        }

        private Mat3 ReadStress(TextReader reader)
        {
            Span<double> values = stackalloc double[9];
            for (var row = 0; row < 3; row++)
            {
                var line = Next(reader) ?? throw Error($"the stress block ends after {row} of 3 rows");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length != 6)
                {
                    throw Error($"expected 3 stresses in Ry/bohr^3 and 3 in kbar, found '{line.Trim()}'");
                }

                for (var column = 0; column < 3; column++)
                {
                    values[(3 * row) + column] = -Real(tokens[column], "stress") * StressUnit;
                }
            }

            return Mat3.FromRowMajor(values);
        }

        private double ParseRydberg(ReadOnlySpan<char> text)
        {
            var tokens = text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length != 2 || tokens[1] != "Ry")
            {
                throw Error($"expected '<energy> Ry', found '{text}'");
            }

            return Real(tokens[0], "total energy");
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

        private static ReadOnlySpan<char> AfterEquals(ReadOnlySpan<char> line)
        {
            var equals = line.IndexOf('=');
            return equals < 0 ? [] : line[(equals + 1)..].Trim();
        }
    }
}
