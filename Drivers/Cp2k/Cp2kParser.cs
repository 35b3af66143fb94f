using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Cp2k;

/// <summary>Reads a CP2K output file (CP2K 2023.x <c>ENERGY_FORCE</c> runs with the force and stress prints on).</summary>
/// <remarks>
/// Conversions: Hartree → eV with <see cref="Units.Hartree"/>, Hartree/bohr → eV/Å, GPa → eV/Å³ with <see cref="Units.GPa"/>.
/// CP2K prints the stress with the pressure sign (a compressed cell has a positive diagonal; checked on the captured runs:
/// expanding the Si8 cell lowers the energy at the rate the printed +7 GPa trace says), the opposite of ASE, so the sign is
/// flipped. CP2K does not stop on a non-converged SCF: it prints a warning and then all the numbers; the warning makes the
/// result <see cref="OutputStatus.NotConverged"/>. The parser never throws for a bad output: it classifies it, so a truncated or
/// garbled file can never turn into a label.
/// </remarks>
public static class Cp2kParser
{
    private const double ForceUnit = Units.Hartree / Units.Bohr;
    private const string EnergyPrefix = "ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:";
    private const string StressHeader = "STRESS| Analytical stress tensor [GPa]";

    /// <summary>Parses a CP2K output file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CodeResult ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses a CP2K output.</summary>
    /// <param name="reader">The text; read to the end, not disposed.</param>
    /// <param name="sourceName">Name used in messages, normally the file path.</param>
    public static CodeResult Parse(TextReader reader, string sourceName) => new ParseState(sourceName).Parse(reader);

    private sealed class ParseState(string sourceName)
        : OutputScan("cp2k", sourceName, "ENERGY| Total FORCE_EVAL", "PROGRAM ENDED AT", energyIsFreeEnergy: false)
    {
        protected override void Run(TextReader reader)
        {
            while (Next(reader) is { } line)
            {
                var trimmed = line.AsSpan().Trim();
                if (trimmed.StartsWith("CP2K| version string:", StringComparison.Ordinal))
                {
                    var words = trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    Version = words[^1];
                }
                else if (trimmed.StartsWith("- Atoms:", StringComparison.Ordinal))
                {
                    Atoms = Integer(trimmed["- Atoms:".Length..].Trim().ToString(), "number of atoms");
                }
                else if (trimmed.StartsWith("*** SCF run converged in", StringComparison.Ordinal))
                {
                    var words = trimmed.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    Iterations = words.Length == 8 ? Integer(words[5], "SCF steps") : throw Error($"unexpected SCF line '{trimmed}'");
                }
                else if (trimmed.Contains("SCF run NOT converged", StringComparison.Ordinal))
                {
                    NotConverged ??= trimmed.ToString().Trim('*', ' ');
                }
                else if (trimmed.StartsWith(EnergyPrefix, StringComparison.Ordinal))
                {
                    // A new force evaluation: forces and stress printed before it belong to an earlier one.
                    Energy = Real(trimmed[EnergyPrefix.Length..].Trim().ToString(), "energy") * Units.Hartree;
                    Forces = null;
                    Stress = null;
                }
                else if (trimmed.SequenceEqual("ATOMIC FORCES in [a.u.]"))
                {
                    Forces = ReadForces(reader);
                }
                else if (trimmed.SequenceEqual(StressHeader))
                {
                    Stress = ReadStress(reader);
                }
                else if (trimmed.StartsWith("* [ABORT]", StringComparison.Ordinal))
                {
                    Failure = ReadAbort(reader);
                }
                else if (trimmed.Contains("PROGRAM ENDED AT", StringComparison.Ordinal))
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
            while (true)
            {
                var line = Next(reader) ?? throw Error($"the force table ends after {seen} of {Atoms} atoms");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length == 0 || tokens[0] == "#")
                {
                    if (seen == 0)
                    {
                        continue;
                    }

                    throw Error($"the force table ends after {seen} of {Atoms} atoms");
                }

                if (line.TrimStart().StartsWith("SUM OF ATOMIC FORCES", StringComparison.Ordinal))
                {
                    return seen == Atoms ? result : throw Error($"the force table ends after {seen} of {Atoms} atoms");
                }

                // atom kind element fx fy fz
                if (tokens.Length != 6)
                {
                    throw Error($"expected 'atom kind element fx fy fz', found '{line.Trim()}'");
                }

                var index = Integer(tokens[0], "atom number");
                if (index != seen + 1 || seen >= Atoms)
                {
                    throw Error($"expected the force on atom {seen + 1} of {Atoms}, found atom {index}");
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

    }
}
