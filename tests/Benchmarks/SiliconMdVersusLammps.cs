using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// 512-atom diamond Si with Stillinger–Weber, NVT (Nosé–Hoover) at 1000 K, 1 fs, 2000 steps: our MD on one thread (and on
/// all cores) against serial LAMMPS in the same run, in atom-steps per second of the integration loop. Target (issue 3):
/// ours ≥ 0.5× LAMMPS on one core.
/// </summary>
internal static class SiliconMdVersusLammps
{
    public static async Task<int> RunAsync(string[] args)
    {
        var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var start = SiliconMdSpeed.Start();
        Console.WriteLine($"Stillinger-Weber Si, {start.Count} atoms, NVT 1000 K, 1 fs, {steps} steps");

        var lammps = await LammpsAtomStepsPerSecondAsync(start, steps);
        var oursSerial = Ours(start, steps, threads: 1);
        var oursParallel = Ours(start, steps, threads: Environment.ProcessorCount);

        SiliconMdSpeed.Report(start, steps, "LAMMPS (serial)", lammps, oursSerial, oursParallel, target: 0.5);
        return 0;
    }

    /// <summary>Serial LAMMPS with <c>pair_style sw</c> and its Si.sw on <paramref name="start"/>, in atom-steps per second.</summary>
    internal static Task<double> LammpsAtomStepsPerSecondAsync(Structure start, int steps) =>
        SiliconMdSpeed.LammpsAsync(start, steps, "units metal", "pair_style sw\npair_coeff * * /usr/share/lammps/potentials/Si.sw Si");

    private static double Ours(Structure start, int steps, int threads) =>
        SiliconMdSpeed.Ours(start, StillingerWeber.Silicon, steps, threads, warmUpSteps: 50);
}
