using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.QuantumEspresso;

/// <summary>Reads pw.x's standard output (Quantum ESPRESSO 6.x SCF runs with <c>tprnfor</c> and <c>tstress</c>).</summary>
/// <remarks>
/// Conversions: Ry → eV with <see cref="Units.Rydberg"/>, Ry/bohr → eV/Å, and the stress from the Ry/bohr³ columns (more digits
/// than the kbar ones) → eV/Å³ with the sign flipped, because pw.x prints positive stress for a compressed cell and ASE negative.
/// The parser never throws for a bad output: it classifies it (<see cref="CodeResult.Status"/>), so a truncated or
/// garbled file can never turn into a label.
/// </remarks>
public static class QuantumEspressoParser
{
    private const double ForceUnit = Units.Rydberg / Units.Bohr;
    private const double StressUnit = Units.Rydberg / (Units.Bohr * Units.Bohr * Units.Bohr);

    /// <summary>Parses a pw.x output file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CodeResult ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses pw.x's standard output.</summary>
    /// <param name="reader">The text; read to the end, not disposed.</param>
    /// <param name="sourceName">Name used in messages, normally the file path.</param>
    public static CodeResult Parse(TextReader reader, string sourceName) => new ParseState(sourceName).Parse(reader);

    private sealed class ParseState(string sourceName)
        : OutputScan("pw.x", sourceName, "!    total energy", "JOB DONE.", energyIsFreeEnergy: true)
    {
        protected override void Run(TextReader reader)
        {
            while (Next(reader) is { } line)
            {
                var trimmed = line.AsSpan().Trim();
                if (trimmed.StartsWith("Program PWSCF v.", StringComparison.Ordinal))
                {
                    var rest = trimmed["Program PWSCF v.".Length..];
                    var space = rest.IndexOf(' ');
                    Version = (space < 0 ? rest : rest[..space]).ToString();
                }
                else if (trimmed.StartsWith("number of atoms/cell", StringComparison.Ordinal))
                {
                    Atoms = Integer(AfterEquals(trimmed).ToString(), "number of atoms");
                }
                else if (line.StartsWith('!') && trimmed.Contains("total energy", StringComparison.Ordinal))
                {
                    // A new SCF result: forces and stress printed before it belong to an earlier step.
                    Energy = ParseRydberg(AfterEquals(trimmed)) * Units.Rydberg;
                    Forces = null;
                    Stress = null;
                }
                else if (trimmed.StartsWith("convergence has been achieved in", StringComparison.Ordinal))
                {
                    var words = trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    Iterations = Integer(words[^2], "SCF iterations");
                }
                else if (trimmed.StartsWith("convergence NOT achieved", StringComparison.Ordinal))
                {
                    NotConverged = trimmed.ToString();
                }
                else if (trimmed.StartsWith("Forces acting on atoms", StringComparison.Ordinal))
                {
                    Forces = ReadForces(reader);
                }
                else if (trimmed.StartsWith("total   stress", StringComparison.Ordinal))
                {
                    Stress = ReadStress(reader);
                }
                else if (trimmed.StartsWith("Error in routine", StringComparison.Ordinal))
                {
                    var message = Next(reader)?.Trim();
                    Failure = string.IsNullOrEmpty(message) ? trimmed.ToString() : $"{trimmed} {message}";
                }
                else if (trimmed.SequenceEqual("JOB DONE."))
                {
                    Finished = true;
                }
            }
        }

        private Vec3[] ReadForces(TextReader reader)
        {
            if (Atoms < 1)
            {
                throw Error("forces before the number of atoms");
            }

            var result = new Vec3[Atoms];
            var seen = 0;
            while (seen < Atoms)
            {
                var line = Next(reader) ?? throw Error($"the force block ends after {seen} of {Atoms} atoms");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length == 0)
                {
                    if (seen == 0)
                    {
                        continue;
                    }

                    throw Error($"the force block ends after {seen} of {Atoms} atoms");
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

        private static ReadOnlySpan<char> AfterEquals(ReadOnlySpan<char> line)
        {
            var equals = line.IndexOf('=');
            return equals < 0 ? [] : line[(equals + 1)..].Trim();
        }
    }
}
