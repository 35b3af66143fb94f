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
/// atom-steps/s on one core); (3) issue 11's speed-up of this MTP-16 student over the Zuo SNAP teacher, one thread each, best
/// of three alternating runs in the same process.
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
        var loadBefore = LoadAverage();

        // Issue 11's ratio: the student (this MTP-16) against the teacher (Zuo et al.'s linear SNAP for Si), one thread each,
        // the same cell, steps and thermostat, alternating and keeping each one's best, because the shared machine's load
        // drifts.
        var teacher = PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        double serial = 0, snap = 0;
        for (var round = 0; round < Rounds; round++)
        {
            serial = Math.Max(serial, AtomStepsPerSecond(start, potential, steps, threads: 1));
            snap = Math.Max(snap, AtomStepsPerSecond(start, teacher, steps, threads: 1));
        }

        var parallel = AtomStepsPerSecond(start, potential, steps, threads: Environment.ProcessorCount);
        var lammps = await SiliconMdVersusLammps.LammpsAtomStepsPerSecondAsync(start, 2000);
        var loadAfter = LoadAverage();
        Console.WriteLine($"MD, {start.Count} Si atoms, NVT 1000 K, 1 fs, {steps} steps (best of {Rounds} alternating runs for 1 thread):");
        Console.WriteLine($"  MTP-16, 1 thread   : {serial,12:N0} atom-steps/s  (target ≥ 10,000)");
        Console.WriteLine($"  Zuo SNAP, 1 thread : {snap,12:N0} atom-steps/s  (the teacher of samples/si-indirect.yaml)");
        Console.WriteLine($"  MTP-16 / SNAP      : {serial / snap,12:F2}×  (issue 11: student speed-up over its teacher)");
        Console.WriteLine($"  MTP-16, {Environment.ProcessorCount} threads  : {parallel,12:N0} atom-steps/s");
        Console.WriteLine($"  LAMMPS SW (serial) : {lammps,12:N0} atom-steps/s  (for scale: SW is ~2 orders of magnitude cheaper than MTP-16)");
        Console.WriteLine($"  load average (1 min) before / after: {loadBefore} / {loadAfter} on {Environment.ProcessorCount} cores");
        Console.WriteLine(JsonSerializer.Serialize(new { configurations = data.Count, fittingSeconds = fitting, serial, snapSerial = snap, speedUp = serial / snap, parallel, lammpsSw = lammps }));
        return 0;
    }

    private const int Rounds = 3;

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double AtomStepsPerSecond(Structure start, IPotential potential, int steps, int threads)
    {
        var options = new MdOptions { Ensemble = Ensemble.NoseHoover, StartTemperatureK = 1000, Steps = steps, TimestepFs = 1, Threads = threads };
        MolecularDynamics.Run(start.Clone(), potential, options with { Steps = 20 });
        var clock = Stopwatch.StartNew();
        MolecularDynamics.Run(start.Clone(), potential, options);
        return start.Count * (double)steps / clock.Elapsed.TotalSeconds;
    }
}
