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
/// Issue 10's data-efficiency benchmark. Teacher Stillinger–Weber Si, student an MTP. Small periodic cells (8 and 16
/// atoms) at several densities, because a label is one reference calculation and the budget is counted in structures.
/// Each round the MaxVol-trained student explores by MD from those cells over 300 K … the hottest temperature, its
/// γ-graded frames form the round's candidate pool, and from that pool MaxVol select-add and a seeded random draw
/// (several seeds) each take the same small number of frames; a third model gets every candidate frame. All are scored
/// by their force RMSE on fixed held-out teacher MD (every cell × density × 300–1500 K) that no round saw.
/// Arguments: key=value pairs, see <see cref="Settings"/>.
/// </summary>
internal static class DataEfficiency
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Task<int> RunAsync(string[] args)
    {
        var settings = Settings.Parse(args);
        var clock = Stopwatch.StartNew();
        var teacher = StillingerWeber.Silicon();
        var template = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(settings.Level, 1, 1.9, 5.0));
        var untrained = new MomentTensorPotential(template, [14]);
        var fitOptions = new LinearFitOptions { ForceWeight = 0.1 };
        MomentTensorPotential Fit(IEnumerable<Structure> data) => (MomentTensorPotential)LinearFitter.Fit(untrained, data, fitOptions).Potential;

        var starts = StartCells(settings);
        var seed = new List<Structure>();
        for (var s = 0; s < settings.SeedFrames; s++)
        {
            seed.AddRange(TeacherMd(teacher, Zincblende.Conventional(5.431, 14, 14), 300, 600, 599, 1, 7000 + s));
        }

        var heldOut = new ValidationSet(HeldOut(teacher, starts));
        var maxvolData = new List<Structure>(seed);
        var randomData = Enumerable.Range(0, settings.RandomSeeds).Select(_ => new List<Structure>(seed)).ToList();
        var allData = new List<Structure>(seed);
        var poolSizes = new List<int>();
        var curve = new List<object>();
        var model = Fit(maxvolData);
        Console.WriteLine(string.Create(Inv,
            $"Level-{settings.Level} MTP ({untrained.ParameterCount} parameters); {seed.Count} seed frame(s); {starts.Count} start cells; " +
            $"held-out {heldOut.Structures.Count} frames; selection in {settings.Mode} mode; seed model force RMSE {Rmse(heldOut, model):F4} eV/Å"));

        for (var round = 0; round < settings.Rounds; round++)
        {
            var explorationActive = ActiveSet.Build(StructureFeatures.From(model, maxvolData, FeatureMode.Neighbourhood));
            var exploration = Explorer.RunAsync(model, explorationActive, starts, new ExplorationOptions
            {
                Walkers = settings.Walkers,
                Steps = settings.Steps,
                TemperatureLowK = 300,
                TemperatureHighK = settings.HottestK,
                GradeInterval = settings.GradeInterval,
                GammaSelect = settings.GammaSelect,
                GammaBreak = settings.GammaBreak,
                MaxCandidatesPerWalker = settings.MaxCandidatesPerWalker,
                Seed = (1000 * settings.ExplorationSeed) + round,
            }).GetAwaiter().GetResult();
            var pool = exploration.Candidates.Select(c => c.Structure).ToList();
            Label(teacher, pool);
            allData.AddRange(pool);
            poolSizes.Add(pool.Count);
            if (pool.Count == 0)
            {
                Console.WriteLine(string.Create(Inv, $"round {round}: empty pool"));
                continue;
            }

            var selectionActive = settings.Mode == FeatureMode.Neighbourhood
                ? explorationActive
                : ActiveSet.Build(StructureFeatures.From(model, maxvolData, settings.Mode));
            var maxvol = settings.RowByRow ? RowByRowSelect(model, selectionActive, pool, settings) : CandidateSelector.Select(
                new SelectionInput
                {
                    Candidates = pool,
                    Model = model,
                    ActiveSet = selectionActive,
                    DatasetHashes = maxvolData.Select(StructureHash.Compute).ToHashSet(),
                },
                new CandidateSelectionOptions { Limit = settings.PerRound, GradeMode = settings.Mode });
            maxvolData.AddRange(maxvol.Selected.Select(s => pool[s.CandidateIndex]));
            var taken = maxvol.Selected.Count;
            // The learning curve is scored at 1, 2, 4, 8, 12, 16, … labels per round and at the end (scoring costs six fits).
            var scored = round + 1 is 1 or 2 or 4 || (round + 1) % 4 == 0 || round == settings.Rounds - 1;
            var randomForces = new double[settings.RandomSeeds];
            for (var r = 0; r < settings.RandomSeeds; r++)
            {
                // Random gets exactly as many labels as MaxVol took this round, from the same pool.
                if (taken > 0)
                {
                    var draw = CandidateSelector.Select(
                        new SelectionInput { Candidates = pool, DatasetHashes = randomData[r].Select(StructureHash.Compute).ToHashSet() },
                        new CandidateSelectionOptions { Method = SelectionMethod.Random, Limit = taken, Seed = (7919 * settings.ExplorationSeed) + (100 * round) + r });
                    randomData[r].AddRange(draw.Selected.Select(s => pool[s.CandidateIndex]));
                }

                randomForces[r] = scored ? Rmse(heldOut, Fit(randomData[r])) : double.NaN;
            }

            model = Fit(maxvolData);
            var maxvolForce = scored ? Rmse(heldOut, model) : double.NaN;
            var (mean, spread) = MeanSpread(randomForces);
            var temperatures = string.Join(' ', exploration.Walkers.Select(w => string.Create(Inv, $"{w.StartTemperatureK:F0}{Short(w.StopReason)}{w.StepsDone}")));
            var picked = string.Join(' ', maxvol.Selected.Select(s => Describe(pool[s.CandidateIndex], exploration.Candidates[s.CandidateIndex])));
            var score = scored ? string.Create(Inv, $": MaxVol {maxvolForce:F4}, random {mean:F4} ± {spread:F4} eV/Å") : string.Empty;
            Console.WriteLine(string.Create(Inv,
                $"round {round,2}: pool {pool.Count,4} (max γ {exploration.MaxGamma:G3}; {temperatures}); MaxVol took {taken} [{picked}]; " +
                $"labels {maxvolData.Count - seed.Count,3}{score}"));
            if (scored)
            {
                curve.Add(new { round, labels = maxvolData.Count - seed.Count, maxvol = maxvolForce, random = randomForces });
            }
        }

        var maxvolFinal = Rmse(heldOut, model);
        var randomFinal = randomData.Select(d => Rmse(heldOut, Fit(d))).ToArray();
        var every = Rmse(heldOut, Fit(allData));
        var (randomMean, randomSpread) = MeanSpread(randomFinal);
        var labelled = maxvolData.Count - seed.Count;
        var candidates = allData.Count - seed.Count;
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"Held-out force RMSE (eV/Å) on {heldOut.Structures.Count} teacher MD frames (8/16-atom cells, {settings.LatticeConstants.Count} densities, 300–1500 K); {seed.Count} seed frame(s) in every training set:"));
        Console.WriteLine(string.Create(Inv, $"  MaxVol selection   : {maxvolFinal,8:F4}  ({labelled} labels = {100.0 * labelled / Math.Max(1, candidates):F1}% of the {candidates} candidates)"));
        Console.WriteLine(string.Create(Inv, $"  random selection   : {randomMean,8:F4} ± {randomSpread:F4} over {settings.RandomSeeds} seeds ({labelled} labels, same pools)"));
        Console.WriteLine(string.Create(Inv, $"  every candidate    : {every,8:F4}  ({candidates} labels)"));
        Console.WriteLine(string.Create(Inv,
            $"  MaxVol / every     : {maxvolFinal / every:F3} (target ≤ 1.10 at ≤ 20% labelled); MaxVol / random: {maxvolFinal / randomMean:F3} (target < 1); " +
            $"random − MaxVol = {(randomMean - maxvolFinal) / Math.Max(1e-12, randomSpread):F1} random spreads (target > 1)"));
        Console.WriteLine(string.Create(Inv, $"  wall time {clock.Elapsed.TotalSeconds:F0} s, CPU time {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0} s"));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            settings = settings.ToString(),
            pools = poolSizes,
            labels = labelled,
            candidates,
            maxvol = maxvolFinal,
            random = randomFinal,
            every,
            curve,
        }));
        return Task.FromResult(0);
    }

    /// <summary>The select-add of CandidateSelector before whole frames: each frame counted by its one largest row (kept to compare).</summary>
    private static CandidateSelectionResult RowByRowSelect(MomentTensorPotential model, ActiveSet active, List<Structure> pool, Settings settings)
    {
        var rows = StructureFeatures.From(model, pool, settings.Mode);
        var result = active.SelectAdd(rows, new SelectAddOptions { MaxCount = settings.PerRound, OnePerFrame = true });
        var selected = result.SelectedIds.Select((id, k) => new SelectedStructure(pool[id.Frame], id.Frame, k, SelectionMethod.MaxVol, null, result.Factors[k], "row by row")).ToList();
        return new CandidateSelectionResult(selected, pool.Count, 0, selected.Count, result.ActiveSet, "row by row");
    }

    /// <summary>Start cells of exploration and of the held-out MD: every cell size at every lattice constant, perfect diamond.</summary>
    private static List<Structure> StartCells(Settings settings)
    {
        var cells = new List<Structure>();
        foreach (var repeats in settings.CellRepeats)
        {
            foreach (var a in settings.LatticeConstants)
            {
                cells.Add(Zincblende.Repeated(Zincblende.Conventional(a, 14, 14), 1, 1, repeats));
            }
        }

        return cells;
    }

    /// <summary>
    /// Held-out frames: teacher Langevin MD from every start cell at 300, 700, 1100 and 1500 K, frames every 100 fs after
    /// 500 fs, with seeds that neither the seed data nor exploration use; fixed whatever the selection settings.
    /// </summary>
    private static List<Structure> HeldOut(IPotential teacher, List<Structure> starts)
    {
        var frames = new List<Structure>();
        for (var c = 0; c < starts.Count; c++)
        {
            for (var t = 0; t < 4; t++)
            {
                frames.AddRange(TeacherMd(teacher, starts[c], 300 + (400 * t), 1500, 500, 100, 9000 + (10 * c) + t));
            }
        }

        return frames;
    }

    /// <summary>Labelled frames of teacher Langevin MD from <paramref name="start"/>: every <paramref name="every"/> steps after <paramref name="after"/>.</summary>
    private static List<Structure> TeacherMd(IPotential teacher, Structure start, double temperatureK, int steps, int after, int every, int seed)
    {
        var frames = new List<Structure>();
        MolecularDynamics.Run(start.Clone(), teacher, new MdOptions
        {
            Ensemble = Ensemble.Langevin,
            StartTemperatureK = temperatureK,
            Steps = steps,
            Seed = seed,
        }, new EveryNth(frames, after, every));
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

    private static double Rmse(ValidationSet heldOut, IPotential model) => heldOut.Evaluate(model).Overall.ForceRmseEVPerAngstrom!.Value;

    private static (double Mean, double Spread) MeanSpread(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var squares = 0.0;
        foreach (var value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return (mean, Math.Sqrt(squares / Math.Max(1, values.Count - 1)));
    }

    private static string Short(WalkerStopReason reason) => reason switch
    {
        WalkerStopReason.Completed => "✓",
        WalkerStopReason.GammaBreak => "γ",
        _ => "✗",
    };

    private static string Describe(Structure structure, ExplorationCandidate candidate) =>
        string.Create(Inv, $"{structure.Count}at {structure.Cell.Volume / structure.Count:F1}Å³ {candidate.TargetTemperatureK:F0}K γ{candidate.Gamma:G3}");

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

    /// <summary>The benchmark's settings, each given as key=value on the command line.</summary>
    private sealed record Settings
    {
        public int Level { get; init; } = 20;

        public int Rounds { get; init; } = 16;

        public int PerRound { get; init; } = 1;

        public int RandomSeeds { get; init; } = 5;

        public int Steps { get; init; } = 500;

        public int Walkers { get; init; } = 6;

        public int SeedFrames { get; init; } = 1;

        public int HottestK { get; init; } = 1500;

        public int ExplorationSeed { get; init; }

        public int GradeInterval { get; init; } = 10;

        public double GammaSelect { get; init; } = 2;

        public double GammaBreak { get; init; } = double.MaxValue;

        public int MaxCandidatesPerWalker { get; init; } = 100;

        public FeatureMode Mode { get; init; } = FeatureMode.Neighbourhood;

        public bool RowByRow { get; init; }

        public IReadOnlyList<int> CellRepeats { get; init; } = [1, 2];

        public IReadOnlyList<double> LatticeConstants { get; init; } = [5.33, 5.431, 5.53];

        public static Settings Parse(string[] args)
        {
            var settings = new Settings();
            foreach (var arg in args)
            {
                var (key, value) = arg.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"expected key=value, got '{arg}'");
                settings = key switch
                {
                    "level" => settings with { Level = int.Parse(value, Inv) },
                    "rounds" => settings with { Rounds = int.Parse(value, Inv) },
                    "per-round" => settings with { PerRound = int.Parse(value, Inv) },
                    "random-seeds" => settings with { RandomSeeds = int.Parse(value, Inv) },
                    "steps" => settings with { Steps = int.Parse(value, Inv) },
                    "walkers" => settings with { Walkers = int.Parse(value, Inv) },
                    "seed-frames" => settings with { SeedFrames = int.Parse(value, Inv) },
                    "hottest" => settings with { HottestK = int.Parse(value, Inv) },
                    "exploration-seed" => settings with { ExplorationSeed = int.Parse(value, Inv) },
                    "grade-interval" => settings with { GradeInterval = int.Parse(value, Inv) },
                    "gamma-select" => settings with { GammaSelect = double.Parse(value, Inv) },
                    "gamma-break" => settings with { GammaBreak = double.Parse(value, Inv) },
                    "max-per-walker" => settings with { MaxCandidatesPerWalker = int.Parse(value, Inv) },
                    "maxvol" => settings with { RowByRow = value == "rows" ? true : value == "frames" ? false : throw new ArgumentException("maxvol=frames|rows") },
                    "mode" => settings with { Mode = Enum.Parse<FeatureMode>(value, ignoreCase: true) },
                    "cells" => settings with { CellRepeats = value.Split(',').Select(x => int.Parse(x, Inv)).ToArray() },
                    "lattice" => settings with { LatticeConstants = value.Split(',').Select(x => double.Parse(x, Inv)).ToArray() },
                    _ => throw new ArgumentException($"unknown setting '{key}'"),
                };
            }

            return settings;
        }

        public override string ToString() => string.Create(Inv,
            $"level={Level} rounds={Rounds} per-round={PerRound} random-seeds={RandomSeeds} steps={Steps} walkers={Walkers} seed-frames={SeedFrames} " +
            $"hottest={HottestK} exploration-seed={ExplorationSeed} grade-interval={GradeInterval} gamma-select={GammaSelect} gamma-break={GammaBreak} " +
            $"max-per-walker={MaxCandidatesPerWalker} maxvol={(RowByRow ? "rows" : "frames")} mode={Mode} cells={string.Join(',', CellRepeats)} lattice={string.Join(',', LatticeConstants)}");
    }
}
