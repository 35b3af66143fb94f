using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// NVE MD of 512-atom diamond Si with an MTP whose tables have the size of MLIP-2's level-16 template (4 radial functions of
/// 8 polynomials, 130 basic moments, 969 products, 350 moments, 92 basis functions, cutoff 5 Å), in atom-steps per second.
/// The products are composed here at random (two levels deep, so values stay moderate) plus a repulsive pair term: the cost is that of level 16, the
/// physics is not. Target: ≥ 10,000 atom-steps/s on one core.
/// </summary>
internal static class MtpMdSpeed
{
    public static Task<int> RunAsync(string[] args)
    {
        var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var model = LevelSixteenSized(new Random(1));
        var potential = new MomentTensorPotential(model, [14]);
        var start = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 4, 4, 4);
        MaxwellBoltzmann.Assign(start, 300, new Random(2));
        Console.WriteLine(
            $"MTP (level-16-sized: {model.AlphaIndexBasic.Length} basic, {model.AlphaIndexTimes.Length} products, " +
            $"{model.AlphaMomentsCount} moments, {model.ScalarMomentsCount} basis functions), {start.Count} Si atoms, NVE, 1 fs, {steps} steps");
        var serial = AtomStepsPerSecond(start, potential, steps, threads: 1);
        var parallel = AtomStepsPerSecond(start, potential, steps, threads: Environment.ProcessorCount);
        Console.WriteLine($"  1 thread   : {serial,12:N0} atom-steps/s  (target ≥ 10,000)");
        Console.WriteLine($"  {Environment.ProcessorCount} threads  : {parallel,12:N0} atom-steps/s");
        Console.WriteLine(JsonSerializer.Serialize(new { atoms = start.Count, steps, serial, parallel }));
        return Task.FromResult(0);
    }

    private static double AtomStepsPerSecond(Structure start, MomentTensorPotential potential, int steps, int threads)
    {
        var options = new MdOptions { Steps = steps, TimestepFs = 1, Threads = threads };
        MolecularDynamics.Run(start.Clone(), potential, options with { Steps = 20 });
        var structure = start.Clone();
        var clock = Stopwatch.StartNew();
        MolecularDynamics.Run(structure, potential, options);
        return start.Count * (double)steps / clock.Elapsed.TotalSeconds;
    }

    private static MtpModel LevelSixteenSized(Random random)
    {
        const int functions = 4;
        const int size = 8;
        int[] maxDegree = [6, 4, 2, 0];
        var basic = new List<int[]>();
        for (var mu = 0; mu < functions; mu++)
        {
            for (var degree = 0; degree <= maxDegree[mu]; degree++)
            {
                for (var a = degree; a >= 0; a--)
                {
                    for (var b = degree - a; b >= 0; b--)
                    {
                        basic.Add([mu, a, b, degree - a - b]);
                    }
                }
            }
        }

        // 110 first-level products of basic moments (5 terms each), then 110 second-level products of a basic moment and a
        // first-level one (3 or 4 terms each): 969 entries, 350 moments.
        var times = new List<int[]>();
        var firstLevel = basic.Count;
        for (var target = firstLevel; target < firstLevel + 110; target++)
        {
            for (var term = 0; term < 5; term++)
            {
                times.Add([random.Next(basic.Count - 1), random.Next(basic.Count - 1), 1 + random.Next(3), target]);
            }
        }

        var secondLevel = firstLevel + 110;
        for (var target = secondLevel; target < secondLevel + 110; target++)
        {
            var terms = target - secondLevel < 89 ? 4 : 3;
            for (var term = 0; term < terms; term++)
            {
                times.Add([random.Next(basic.Count - 1), firstLevel + random.Next(110), 1, target]);
            }
        }

        var mapping = new List<int> { 0, 84, 119, 129 };
        mapping.AddRange(Enumerable.Range(secondLevel, 88));
        var radial = Enumerable.Range(0, functions * size).Select(_ => 0.01 * ((2 * random.NextDouble()) - 1)).ToArray();
        var theta = mapping.Select(_ => 1e-5 * ((2 * random.NextDouble()) - 1)).ToArray();

        // The last basic moment (μ = 3, used by no product) is Σ_j (R − r)² with a positive weight: a repulsion that keeps the
        // random rest from collapsing the crystal.
        Array.Clear(radial, 3 * size, size);
        radial[3 * size] = 1;
        theta[3] = 0.2;
        return new MtpModel
        {
            PotentialName = "level-16-sized benchmark",
            SpeciesCount = 1,
            MinDist = 1.9,
            MaxDist = 5.0,
            RadialBasisSize = size,
            RadialFuncsCount = functions,
            RadialCoeffs = radial,
            AlphaMomentsCount = secondLevel + 110,
            AlphaIndexBasic = [.. basic],
            AlphaIndexTimes = [.. times],
            AlphaMomentMapping = [.. mapping],
            SpeciesCoeffs = [-4.3],
            MomentCoeffs = theta,
        };
    }
}
