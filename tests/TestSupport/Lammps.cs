using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;

namespace ActiveLearning.TestSupport;

/// <summary>What LAMMPS computed for one structure, in its standard orientation.</summary>
/// <param name="Structure">The structure as LAMMPS saw it (rotated into the standard orientation).</param>
/// <param name="Energy">Potential energy in eV.</param>
/// <param name="AtomEnergies">Per-atom energies in eV.</param>
/// <param name="Forces">Forces in eV/Å.</param>
/// <param name="Stress">Stress in eV/Å³ with ASE's sign (LAMMPS' pressure tensor negated).</param>
public sealed record LammpsResult(Structure Structure, double Energy, double[] AtomEnergies, Vec3[] Forces, Mat3 Stress);

/// <summary>
/// LAMMPS (Debian's <c>lmp</c>) as a referee. A missing <c>lmp</c> fails the test: the referee is never skipped silently.
/// </summary>
public static class Lammps
{
    /// <summary>The LAMMPS executable.</summary>
    public const string Program = "lmp";

    /// <summary>Runs an input file in <paramref name="directory"/>; fails with the log on a non-zero exit.</summary>
    /// <param name="directory">The working directory.</param>
    /// <param name="inputFile">The input file, relative to <paramref name="directory"/>.</param>
    /// <param name="timeout">The time limit; default 2 minutes.</param>
    /// <param name="environment">Further environment variables (e.g. <c>KIM_API_PORTABLE_MODELS_DIR</c>), or none.</param>
    public static async Task RunAsync(string directory, string inputFile, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, Program)));
        if (!onPath)
        {
            throw new InvalidOperationException($"'{Program}' is missing: run ./test.sh, which installs Debian's lammps.");
        }

        // Debian's lmp is linked against Open MPI, whose singleton start creates $TMPDIR/ompi.HOST.UID; two runs starting
        // at once race on that mkdir and one dies with "File exists". A private TMPDIR per run removes the race.
        var privateTemp = Path.Combine(directory, "mpi-tmp");
        Directory.CreateDirectory(privateTemp);
        var result = await ExternalProcess.RunAsync(
            Program,
            ["-in", inputFile, "-log", "log.lammps", "-screen", "none"],
            timeout: timeout ?? TimeSpan.FromMinutes(2),
            workingDirectory: directory,
            environment: new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["TMPDIR"] = privateTemp });
        if (result.ExitCode != 0)
        {
            var log = Path.Combine(directory, "log.lammps");
            throw new InvalidOperationException(
                $"LAMMPS failed with exit code {result.ExitCode}:\n{result.StandardError}\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty)}");
        }
    }

    /// <summary>
    /// Evaluates a 3-D periodic structure with a LAMMPS pair style (metal units, <c>run 0</c>) and reads back energy,
    /// per-atom energies, forces and stress at full precision.
    /// </summary>
    /// <param name="structure">The structure; it is rotated into LAMMPS' standard orientation (returned in the result).</param>
    /// <param name="elements">Atomic numbers in LAMMPS type order (type 1 first).</param>
    /// <param name="pairCommands">The <c>pair_style</c> and <c>pair_coeff</c> lines.</param>
    public static Task<LammpsResult> EvaluateAsync(Structure structure, int[] elements, params string[] pairCommands) =>
        EvaluateCoreAsync(structure, elements, "units metal", pairCommands);

    /// <summary>
    /// Evaluates <paramref name="structure"/> with an OpenKIM model through LAMMPS' <c>kim init MODEL metal</c> and
    /// <c>kim interactions</c> (needs Debian's <c>openkim-models</c>; run ./test.sh to install it).
    /// </summary>
    /// <param name="structure">The structure; rotated into LAMMPS' standard orientation as for <see cref="EvaluateAsync(Structure, int[], string[])"/>.</param>
    /// <param name="elements">Atomic numbers in LAMMPS type order.</param>
    /// <param name="model">The KIM model name, e.g. <c>SNAP_ZuoChenLi_2019_Si__MO_869330304805_000</c>.</param>
    /// <param name="portableModels">A folder of further portable models (KIM's <c>KIM_API_PORTABLE_MODELS_DIR</c>, e.g. from
    /// <see cref="KimSnapModel.BuildAsync"/>), or none for the installed ones only.</param>
    public static Task<LammpsResult> EvaluateWithKimAsync(Structure structure, int[] elements, string model, string? portableModels = null) =>
        EvaluateCoreAsync(
            structure, elements, $"kim init {model} metal", [$"kim interactions {string.Join(' ', elements.Select(Elements.Symbol))}"],
            portableModels is null ? null : new Dictionary<string, string> { ["KIM_API_PORTABLE_MODELS_DIR"] = portableModels });

    private static async Task<LammpsResult> EvaluateCoreAsync(
        Structure structure, int[] elements, string unitsCommand, string[] pairCommands, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var directory = new TempDirectory();
        var rotated = LammpsBox.ToStandardOrientation(structure);
        StructureFiles.Write(directory.File("in.data"), [rotated], new LammpsDataFormat(), new FormatOptions { SpeciesMap = elements });
        var input = $"""
            {unitsCommand}
            atom_style atomic
            boundary p p p
            box tilt large
            read_data in.data
            {string.Join('\n', pairCommands)}
            compute atom_pe all pe/atom
            thermo_style custom step pe pxx pyy pzz pyz pxz pxy
            dump forces all custom 1 out.dump id fx fy fz c_atom_pe
            dump_modify forces sort id format float %.17g
            run 0
            print "RESULT $(pe:%.17g) $(pxx:%.17g) $(pyy:%.17g) $(pzz:%.17g) $(pyz:%.17g) $(pxz:%.17g) $(pxy:%.17g)"
            """;
        await File.WriteAllTextAsync(directory.File("in.lmp"), input);
        await RunAsync(directory.Path, "in.lmp", environment: environment);

        var resultLine = File.ReadLines(directory.File("log.lammps")).Last(line => line.StartsWith("RESULT ", StringComparison.Ordinal));
        var values = resultLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // LAMMPS reports pressure (bar, positive when compressed); ASE's stress is its negative. LAMMPS converts eV/Å³ to
        // bar with its own rounded constant (nktv2p = 1.6021765e6 in metal units), so undo exactly that.
        var stress = (-1 / 1.6021765e6) * Mat3.FromVoigt(values[1], values[2], values[3], values[4], values[5], values[6]);

        var forces = new Vec3[rotated.Count];
        var atomEnergies = new double[rotated.Count];
        var atomLines = File.ReadLines(directory.File("out.dump")).SkipWhile(l => !l.StartsWith("ITEM: ATOMS", StringComparison.Ordinal)).Skip(1);
        foreach (var line in atomLines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var atom = (int)f[0] - 1;
            forces[atom] = new Vec3(f[1], f[2], f[3]);
            atomEnergies[atom] = f[4];
        }

        return new LammpsResult(rotated, values[0], atomEnergies, forces, stress);
    }
}
