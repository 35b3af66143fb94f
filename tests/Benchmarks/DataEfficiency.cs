using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// Issue 10's data-efficiency benchmark: Stillinger–Weber Si as the teacher, a small MTP as the student. Rounds of
/// exploration with the MaxVol-trained student build candidate pools; from each round's pool, MaxVol select-add and a
/// seeded random draw each take the same number of frames to label, and a third model is trained on every candidate frame.
/// All three (and the random draw over several seeds) are scored by their force RMSE on held-out 300–1500 K teacher MD
/// frames that no exploration or selection saw.
/// Arguments (all optional, in order): MTP level (16), rounds (5), labels per round (4), random seeds (5), MD steps per
/// walker (1500), seed frames at 300 K (2), hottest walker temperature in K (1500),
/// exploration seed (0; round r explores with seed 1000·seed + r).
/// </summary>
internal static class DataEfficiency
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Task<int> RunAsync(string[] args)
    {
        var level = Arg(args, 0, 16);
        var rounds = Arg(args, 1, 5);
        var perRound = Arg(args, 2, 4);
        var randomSeeds = Arg(args, 3, 5);
        var steps = Arg(args, 4, 1500);
        var seedFrames = Arg(args, 5, 2);
        var hottest = Arg(args, 6, 1500);
        var explorationSeed = Arg(args, 7, 0);
        var clock = Stopwatch.StartNew();
        var teacher = StillingerWeber.Silicon();
        var template = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(level, 1, 1.9, 5.0));
        var untrained = new MomentTensorPotential(template, [14]);
        var fitOptions = new LinearFitOptions { ForceWeight = 0.1 };
        MomentTensorPotential Fit(IEnumerable<Structure> data) => (MomentTensorPotential)LinearFitter.Fit(untrained, data, fitOptions).Potential;

        // Seed data: 64-atom frames of teacher MD at 300 K only, so that exploration has to find the hotter configurations.
        var seed = SiliconDataset.Frames(seedFrames, temperatures: 1);
        var heldOut = new ValidationSet(HeldOut(teacher));
        var maxvolData = new List<Structure>(seed);
        var randomData = Enumerable.Range(0, randomSeeds).Select(_ => new List<Structure>(seed)).ToList();
        var allData = new List<Structure>(seed);
        var poolSizes = new List<int>();
        var model = Fit(maxvolData);
        Console.WriteLine(string.Create(Inv,
            $"Level-{level} MTP ({untrained.ParameterCount} parameters); seed {seed.Count} frames; held-out {heldOut.Structures.Count} frames; " +
            $"seed model force RMSE {heldOut.Evaluate(model).Overall.ForceRmseEVPerAngstrom:F4} eV/Å"));

        for (var round = 0; round < rounds; round++)
        {
            var active = ActiveSet.Build(StructureFeatures.From(model, maxvolData, FeatureMode.Neighbourhood));
            var exploration = Explorer.RunAsync(model, active, maxvolData, new ExplorationOptions
            {
                Walkers = 4,
                Steps = steps,
                TemperatureLowK = 300,
                TemperatureHighK = hottest,
                GradeInterval = 10,
                MaxCandidatesPerWalker = 100,
                Seed = (1000 * explorationSeed) + round,
            }).GetAwaiter().GetResult();
            var pool = exploration.Candidates.Select(c => c.Structure).ToList();
            var hashes = maxvolData.Select(StructureHash.Compute).ToHashSet();
            var maxvol = CandidateSelector.Select(
                new SelectionInput { Candidates = pool, Model = model, ActiveSet = active, DatasetHashes = hashes },
                new CandidateSelectionOptions { Limit = perRound });
            Label(teacher, pool);
            maxvolData.AddRange(maxvol.Selected.Select(s => pool[s.CandidateIndex]));
            allData.AddRange(pool);
            poolSizes.Add(pool.Count);
            for (var r = 0; r < randomSeeds; r++)
            {
                // Random gets exactly as many labels as MaxVol took this round, from the same pool.
                var draw = CandidateSelector.Select(
                    new SelectionInput { Candidates = pool },
                    new CandidateSelectionOptions { Method = SelectionMethod.Random, Limit = Math.Max(1, maxvol.Selected.Count), Seed = (100 * round) + r });
                randomData[r].AddRange(draw.Selected.Take(maxvol.Selected.Count).Select(s => pool[s.CandidateIndex]));
            }

            model = Fit(maxvolData);
            var walkers = string.Join(", ", exploration.Walkers.Select(w => $"{w.StartTemperatureK:F0} K {w.StopReason} @{w.StepsDone}"));
            Console.WriteLine(string.Create(Inv,
                $"round {round}: pool {pool.Count} candidates (max γ {exploration.MaxGamma:G3}; {walkers}); MaxVol took {maxvol.Selected.Count}; " +
                $"MaxVol model force RMSE {heldOut.Evaluate(model).Overall.ForceRmseEVPerAngstrom:F4} eV/Å"));
        }

        var maxvolErrors = heldOut.Evaluate(model).Overall;
        var randomErrors = randomData.Select(d => heldOut.Evaluate(Fit(d)).Overall).ToList();
        var allErrors = heldOut.Evaluate(Fit(allData)).Overall;
        var randomForces = randomErrors.Select(e => e.ForceRmseEVPerAngstrom!.Value).ToList();
        var randomMean = randomForces.Average();
        var randomSpread = Math.Sqrt(randomForces.Sum(f => (f - randomMean) * (f - randomMean)) / Math.Max(1, randomForces.Count - 1));
        var labelled = maxvolData.Count - seed.Count;
        var candidates = allData.Count - seed.Count;
        Console.WriteLine();
        Console.WriteLine($"Held-out force RMSE (eV/Å) on {heldOut.Structures.Count} teacher MD frames, 300–1500 K; {seed.Count} seed frames in every training set:");
        Console.WriteLine(string.Create(Inv, $"  MaxVol selection   : {maxvolErrors.ForceRmseEVPerAngstrom,8:F4}  ({labelled} labels = {100.0 * labelled / candidates:F1}% of the {candidates} candidates; energy RMSE {maxvolErrors.EnergyRmseMeVPerAtom:F2} meV/atom)"));
        Console.WriteLine(string.Create(Inv, $"  random selection   : {randomMean,8:F4} ± {randomSpread:F4} over {randomSeeds} seeds ({labelled} labels, same pools)"));
        Console.WriteLine(string.Create(Inv, $"  every candidate    : {allErrors.ForceRmseEVPerAngstrom,8:F4}  ({candidates} labels; energy RMSE {allErrors.EnergyRmseMeVPerAtom:F2} meV/atom)"));
        Console.WriteLine(string.Create(Inv, $"  MaxVol / every     : {maxvolErrors.ForceRmseEVPerAngstrom / allErrors.ForceRmseEVPerAngstrom:F3} (target ≤ 1.10); MaxVol / random: {maxvolErrors.ForceRmseEVPerAngstrom / randomMean:F3} (target < 1)"));
        Console.WriteLine(string.Create(Inv, $"  wall time {clock.Elapsed.TotalSeconds:F0} s"));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            level,
            rounds,
            perRound,
            steps,
            pools = poolSizes,
            labels = labelled,
            candidates,
            maxvol = maxvolErrors.ForceRmseEVPerAngstrom,
            random = randomForces,
            every = allErrors.ForceRmseEVPerAngstrom,
        }));
        return Task.FromResult(0);
    }

    /// <summary>Held-out frames: teacher Langevin MD of 64-atom diamond Si at six temperatures 300–1500 K, seeds the selection never used.</summary>
    private static List<Structure> HeldOut(IPotential teacher)
    {
        var frames = new List<Structure>();
        for (var t = 0; t < 6; t++)
        {
            var temperature = 300 + (240.0 * t);
            var structure = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2);
            MolecularDynamics.Run(structure, teacher, new MdOptions
            {
                Ensemble = Ensemble.Langevin,
                StartTemperatureK = temperature,
                Steps = 1500,
                Seed = 9000 + t,
            }, new EveryNth(frames, 500, 100));
        }

        Label(teacher, frames);
        return frames;
    }

    private static void Label(IPotential teacher, IEnumerable<Structure> structures)
    {
        var evaluation = new Evaluation(0);
        foreach (var structure in structures)
        {
            teacher.Compute(structure, evaluation);
            structure.Reference = evaluation.ToLabels(structure);
        }
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], Inv) : fallback;

    private sealed class EveryNth(List<Structure> frames, int after, int every) : IMdObserver
    {
        public bool OnStep(in MdStep step)
        {
            if (step.Step > after && step.Step % every == 0)
            {
                var frame = step.Structure.Clone();
                frame.Velocities = null;
                frame.Calculated = null;
                frames.Add(frame);
            }

            return true;
        }
    }
}
