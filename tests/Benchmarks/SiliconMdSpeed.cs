using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// The measurement the silicon MD speed benchmarks share: 512-atom diamond Si (a = 5.431 Å) at 1000 K, NVT (Nosé–Hoover), 1 fs,
/// timed as atom-steps per second of the integration loop, ours against serial LAMMPS with the same model.
/// </summary>
internal static class SiliconMdSpeed
{
    /// <summary>The 4×4×4 conventional diamond cells with Maxwell–Boltzmann velocities for 1000 K (seed 1).</summary>
    public static Structure Start()
    {
        var start = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 4, 4, 4);
        MaxwellBoltzmann.Assign(start, 1000, new Random(1));
        return start;
    }

    /// <summary>Our atom-steps per second over <paramref name="steps"/> steps on <paramref name="threads"/> threads, after a
    /// warm-up of <paramref name="warmUpSteps"/> steps so that JIT compilation is not timed.</summary>
    public static double Ours(Structure start, Func<IPotential> loadPotential, int steps, int threads, int warmUpSteps)
    {
        var potential = loadPotential();
        var options = new MdOptions { Ensemble = Ensemble.NoseHoover, StartTemperatureK = 1000, Steps = steps, TimestepFs = 1, Threads = threads };
        MolecularDynamics.Run(start.Clone(), potential, options with { Steps = warmUpSteps });
        var structure = start.Clone();
        var clock = Stopwatch.StartNew();
        MolecularDynamics.Run(structure, potential, options);
        return start.Count * (double)steps / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Serial LAMMPS's atom-steps per second from its "Loop time" line (start-up excluded).</summary>
    /// <param name="start">The structure and its velocities' temperature source (LAMMPS draws its own velocities).</param>
    /// <param name="steps">The number of steps.</param>
    /// <param name="unitsLine">The line that sets metal units, e.g. <c>units metal</c> or a <c>kim init</c>.</param>
    /// <param name="interactionLines">The lines that set the model after the data is read.</param>
    public static async Task<double> LammpsAsync(Structure start, int steps, string unitsLine, string interactionLines)
    {
        using var directory = new TempDirectory();
        StructureFiles.Write(directory.File("in.data"), [start], new LammpsDataFormat());
        var input = string.Create(CultureInfo.InvariantCulture, $"""
            {unitsLine}
            atom_style atomic
            boundary p p p
            read_data in.data
            mass 1 28.085
            {interactionLines}
            velocity all create 1000 12345 mom yes rot no dist gaussian
            timestep 0.001
            fix integrate all nvt temp 1000 1000 0.1
            thermo 1000
            run {steps}
            """);
        await File.WriteAllTextAsync(directory.File("in.lmp"), input);
        Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "1");
        await Lammps.RunAsync(directory.Path, "in.lmp", TimeSpan.FromMinutes(10));
        // "Loop time of 3.1 on 1 procs for 2000 steps with 512 atoms": the integration loop, without start-up.
        var loop = File.ReadLines(directory.File("log.lammps")).Last(l => l.StartsWith("Loop time of ", StringComparison.Ordinal));
        var seconds = double.Parse(loop.Split(' ')[3], CultureInfo.InvariantCulture);
        return start.Count * (double)steps / seconds;
    }

    /// <summary>Prints the three rates, the ratios against LAMMPS and one JSON line.</summary>
    public static void Report(Structure start, int steps, string lammpsName, double lammps, double oursSerial, double oursParallel, double target)
    {
        Console.WriteLine($"  {lammpsName,-24}: {lammps,12:N0} atom-steps/s");
        Console.WriteLine($"  ours, 1 thread          : {oursSerial,12:N0} atom-steps/s   ratio {oursSerial / lammps:F2}  (target ≥ {target:F1})");
        Console.WriteLine($"  ours, {Environment.ProcessorCount} threads         : {oursParallel,12:N0} atom-steps/s   ratio {oursParallel / lammps:F2}");
        Console.WriteLine(JsonSerializer.Serialize(new { atoms = start.Count, steps, lammps, oursSerial, oursParallel, ratio = oursSerial / lammps }));
    }
}
