using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// Issue 4's benchmarks with the generator's level-16 basis (92 basis functions): (1) fitting it to N = 1,000 labelled
/// 64-atom Si configurations (target under 60 s); (2) MD of 512-atom diamond Si at 1000 K (Nosé–Hoover, 1 fs) with the
/// fitted MTP on one thread and on all cores, beside LAMMPS' Stillinger–Weber on the same cell for scale (target ≥ 10,000
/// atom-steps/s on one core).
/// </summary>
internal static class MtpMdSpeed
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configurations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;

        var clock = Stopwatch.StartNew();
        var data = SiliconDataset.Frames(configurations);
        var generation = clock.Elapsed.TotalSeconds;
        var template = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(16, 1, 1.9, 5.0));
        var initial = new MomentTensorPotential(template, [14]);
        clock.Restart();
        var fit = LinearFitter.Fit(initial, data);
        var fitting = clock.Elapsed.TotalSeconds;
        var potential = (MomentTensorPotential)fit.Potential;
        var errors = ErrorReport.Compute(potential, data.Take(100), threads: 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Level-16 MTP ({template.ScalarMomentsCount} basis functions, {template.AlphaMomentsCount} moments) fitted to {data.Count} " +
            $"SW-labelled 64-atom Si configurations in {fitting:F1} s on {Environment.ProcessorCount} threads (target < 60 s; data made in {generation:F1} s);" +
            $" force RMSE on the first 100: {errors.Overall.ForceRmseEVPerAngstrom:F3} eV/Å"));

        var start = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 4, 4, 4);
        MaxwellBoltzmann.Assign(start, 1000, new Random(2));
        var serial = AtomStepsPerSecond(start, potential, steps, threads: 1);
        var parallel = AtomStepsPerSecond(start, potential, steps, threads: Environment.ProcessorCount);
        var lammps = await SiliconMdVersusLammps.LammpsAtomStepsPerSecondAsync(start, 2000);
        Console.WriteLine($"MD, {start.Count} Si atoms, NVT 1000 K, 1 fs:");
        Console.WriteLine($"  MTP-16, 1 thread   : {serial,12:N0} atom-steps/s  (target ≥ 10,000)");
        Console.WriteLine($"  MTP-16, {Environment.ProcessorCount} threads  : {parallel,12:N0} atom-steps/s");
        Console.WriteLine($"  LAMMPS SW (serial) : {lammps,12:N0} atom-steps/s  (for scale: SW is ~2 orders of magnitude cheaper than MTP-16)");
        Console.WriteLine(JsonSerializer.Serialize(new { configurations = data.Count, fittingSeconds = fitting, serial, parallel, lammpsSw = lammps }));
        return 0;
    }

    private static double AtomStepsPerSecond(Structure start, MomentTensorPotential potential, int steps, int threads)
    {
        var options = new MdOptions { Ensemble = Ensemble.NoseHoover, StartTemperatureK = 1000, Steps = steps, TimestepFs = 1, Threads = threads };
        MolecularDynamics.Run(start.Clone(), potential, options with { Steps = 20 });
        var clock = Stopwatch.StartNew();
        MolecularDynamics.Run(start.Clone(), potential, options);
        return start.Count * (double)steps / clock.Elapsed.TotalSeconds;
    }
}
