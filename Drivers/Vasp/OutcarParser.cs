using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Vasp;

/// <summary>Reads VASP's OUTCAR: the last ionic step's energies, forces and stress.</summary>
/// <remarks>
/// <para>Energy is VASP's <c>energy(sigma->0)</c> and free energy its <c>free  energy   TOTEN</c>, both from the
/// <c>FREE ENERGIE OF THE ION-ELECTRON SYSTEM</c> block (the per-iteration lines above it are not results). Forces are the
/// <c>TOTAL-FORCE (eV/Angst)</c> columns. Stress is the <c>in kB</c> line (XX YY ZZ XY YZ ZX, positive for a compressed
/// cell) converted with 1 kB = 0.1 GPa and negated into ASE's sign.</para>
/// <para>VASP does not say when the electronic loop gave up: like custodian and pymatgen, a last ionic step that used all
/// <c>NELM</c> electronic steps is <see cref="OutputStatus.NotConverged"/>. A run without the closing
/// <c>General timing and accounting</c> section is <see cref="OutputStatus.Incomplete"/>.</para>
/// </remarks>
public static class OutcarParser
{
    private const double KiloBar = 0.1 * Units.GPa;

    /// <summary>Parses an OUTCAR file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CodeResult ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses OUTCAR text.</summary>
    /// <param name="reader">The text; read to the end, not disposed.</param>
    /// <param name="sourceName">Name used in messages, normally the file path.</param>
    public static CodeResult Parse(TextReader reader, string sourceName) => new ParseState(sourceName).Parse(reader);

    private sealed class ParseState(string sourceName)
        : OutputScan("vasp", sourceName, "energy(sigma->0)", "General timing and accounting", energyIsFreeEnergy: false)
    {
        protected override void Run(TextReader reader)
        {
            int? nelm = null;
            var ionicStep = 0;
            var electronicSteps = 0;
            var inEnergyBlock = false;
            while (Next(reader) is { } line)
            {
                var trimmed = line.Trim();
                if (Version is null && trimmed.StartsWith("vasp.", StringComparison.Ordinal))
                {
                    Version = trimmed.Split(' ', 2)[0]["vasp.".Length..];
                }
                else if (trimmed.Contains("NIONS =", StringComparison.Ordinal))
                {
                    Atoms = Integer(After(trimmed, "NIONS ="), "number of ions");
                }
                else if (trimmed.StartsWith("NELM ", StringComparison.Ordinal) && trimmed.Contains('=', StringComparison.Ordinal))
                {
                    var value = After(trimmed, "=");
                    var semicolon = value.IndexOf(';', StringComparison.Ordinal);
                    nelm = Integer((semicolon < 0 ? value : value[..semicolon]).Trim(), "NELM");
                }
                else if (trimmed.Contains(" Iteration ", StringComparison.Ordinal) && trimmed.StartsWith("----", StringComparison.Ordinal))
                {
                    var (ionic, electronic) = ReadIteration(trimmed);
                    if (ionic != ionicStep)
                    {
                        // A new ionic step: what the previous one printed is not the final result.
                        ionicStep = ionic;
                        Energy = null;
                        FreeEnergy = null;
                        Forces = null;
                        Stress = null;
                    }

                    electronicSteps = electronic;
                    Iterations = electronic;
                }
                else if (trimmed.StartsWith("in kB", StringComparison.Ordinal))
                {
                    Stress = ReadStress(trimmed);
                }
                else if (trimmed.StartsWith("POSITION", StringComparison.Ordinal) && trimmed.Contains("TOTAL-FORCE", StringComparison.Ordinal))
                {
                    Forces = ReadForces(reader);
                }
                else if (trimmed.StartsWith("FREE ENERGIE OF THE ION-ELECTRON SYSTEM", StringComparison.Ordinal))
                {
                    inEnergyBlock = true;
                }
                else if (inEnergyBlock && trimmed.StartsWith("free  energy   TOTEN", StringComparison.Ordinal))
                {
                    FreeEnergy = Real(After(trimmed, "=").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], "free energy TOTEN");
                }
                else if (inEnergyBlock && trimmed.StartsWith("energy  without entropy", StringComparison.Ordinal))
                {
                    Energy = Real(After(trimmed, "energy(sigma->0) ="), "energy(sigma->0)");
                    inEnergyBlock = false;
                }
                else if (trimmed.StartsWith("General timing and accounting", StringComparison.Ordinal))
                {
                    Finished = true;
                }
            }

            if (nelm is { } limit && electronicSteps >= limit)
            {
                NotConverged = $"the last ionic step used all NELM = {limit} electronic steps";
            }
        }

        private (int Ionic, int Electronic) ReadIteration(string line)
        {
            var text = After(line, "Iteration");
            var close = text.IndexOf(')', StringComparison.Ordinal);
            var parts = (close < 0 ? text : text[..close]).Split('(');
            if (parts.Length != 2)
            {
                throw Error($"expected 'Iteration N(M)', found '{line}'");
            }

            return (Integer(parts[0].Trim(), "ionic step"), Integer(parts[1].Trim(), "electronic step"));
        }

        private Mat3 ReadStress(string line)
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length != 8)
            {
                throw Error($"expected 'in kB' and six stresses XX YY ZZ XY YZ ZX, found '{line}'");
            }

            var xx = Real(tokens[2], "stress");
            var yy = Real(tokens[3], "stress");
            var zz = Real(tokens[4], "stress");
            var xy = Real(tokens[5], "stress");
            var yz = Real(tokens[6], "stress");
            var zx = Real(tokens[7], "stress");
            return -KiloBar * new Mat3(xx, xy, zx, xy, yy, yz, zx, yz, zz);
        }

        private Vec3[] ReadForces(TextReader reader)
        {
            if (Atoms < 1)
            {
                throw Error("forces before the number of ions");
            }

            var dashes = Next(reader);
            if (dashes is null || !dashes.Trim().StartsWith("---", StringComparison.Ordinal))
            {
                throw Error("expected a line of dashes under the POSITION / TOTAL-FORCE header");
            }

            var result = new Vec3[Atoms];
            for (var i = 0; i < Atoms; i++)
            {
                var line = Next(reader) ?? throw Error($"the force block ends after {i} of {Atoms} atoms");
                var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length != 6)
                {
                    throw Error($"expected 'x y z fx fy fz' for atom {i + 1} of {Atoms}, found '{line.Trim()}'");
                }

                result[i] = new Vec3(Real(tokens[3], "force"), Real(tokens[4], "force"), Real(tokens[5], "force"));
            }

            var closing = Next(reader);
            if (closing is null || !closing.Trim().StartsWith("---", StringComparison.Ordinal))
            {
                throw Error($"expected a line of dashes after the {Atoms} force rows, found '{closing?.Trim()}'");
            }

            return result;
        }

        private static string After(string line, string marker)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            return at < 0 ? string.Empty : line[(at + marker.Length)..].Trim();
        }
    }
}
