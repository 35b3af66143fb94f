using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// The main job's acceptance (issue 10): runs <c>samples/si-embedded.yaml</c> as shipped (its work directory moved to a
/// temporary folder), times it, and checks its final model against the Stillinger–Weber teacher on held-out 64-atom MD
/// frames at 300–1500 K made with seeds the campaign never used (targets: force RMSE ≤ 0.15 eV/Å, energy RMSE ≤ 10
/// meV/atom), and its survival: 10 runs of 10 ps Langevin MD at 1500 K of 64-atom diamond (target 10/10).
/// </summary>
internal static partial class SiEmbeddedAcceptance
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && Directory.Exists(args[0]))
        {
            // A finished work directory: check it without running the campaign again.
            var runs = args.Length > 1 ? int.Parse(args[1], Inv) : 10;
            var steps = args.Length > 2 ? int.Parse(args[2], Inv) : 10_000;
            var existing = await CheckAsync(args[0], runs, steps, CancellationToken.None);
            Console.WriteLine(existing.Describe());
            return existing.Passed(0.15, 10.0, 1.0) ? 0 : 1;
        }

        var sample = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(RepositoryRoot(), "samples", "si-embedded.yaml"));
        using var temp = new TempDirectory();
        var campaign = Path.Combine(temp.Path, Path.GetFileName(sample));
        CopyDirectory(Path.GetDirectoryName(sample)!, temp.Path);
        var workdir = Path.Combine(temp.Path, "run");
        File.WriteAllText(campaign, WorkdirLine().Replace(File.ReadAllText(sample), $"workdir: {workdir}"));
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        var code = await AlCli.RunAsync(["run", campaign], output, Console.Error, TimeProvider.System, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(output.ToString().Trim());
        Console.WriteLine(string.Create(Inv, $"al run {Path.GetFileName(sample)}: exit code {code}, {seconds:F0} s wall time on {Environment.ProcessorCount} processors"));
        if (code != 0)
        {
            return 1;
        }

        var result = await CheckAsync(workdir, survivalRuns: 10, survivalSteps: 10_000, CancellationToken.None);
        Console.WriteLine(result.Describe());
        return result.Passed(0.15, 10.0, 1.0) ? 0 : 1;
    }

    /// <summary>The final model's held-out errors and survival.</summary>
    public static async Task<AcceptanceResult> CheckAsync(string workdir, int survivalRuns, int survivalSteps, CancellationToken cancellationToken)
    {
        // The last iteration's model of either student kind (the same campaign with model: { kind: snap } checks alike).
        var modelPath = CampaignModels.Last(workdir);
        var datasetPath = Path.Combine(Path.GetDirectoryName(modelPath)!, "dataset.extxyz");
        var model = StudentModel.OfFile(modelPath).Load(modelPath, [14]);
        var training = StructureFiles.ReadAll(datasetPath);
        var heldOut = new ValidationSet(SiliconDataset.Frames(60, temperatures: 6, seed: 7001));
        var errors = heldOut.Evaluate(model, cancellationToken: cancellationToken).Overall;
        var active = ExploreActivity.BuildActiveSet(model, training, FeatureMode.Neighbourhood);
        var starts = new List<Structure> { Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2) };
        var survival = await SurvivalTest.RunAsync(model, active, starts, new SurvivalOptions
        {
            Runs = survivalRuns,
            Steps = survivalSteps,
            TemperatureK = 1500,
            Seed = 4242,
        }, cancellationToken: cancellationToken);
        return new AcceptanceResult(modelPath, training.Count, errors.ForceRmseEVPerAngstrom!.Value, errors.EnergyRmseMeVPerAtom!.Value, survival);
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("runs", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "ActiveLearning.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Run from inside the repository (ActiveLearning.sln not found above the benchmark).");
    }

    [GeneratedRegex(@"(?m)^workdir:.*$")]
    internal static partial Regex WorkdirLine();
}

/// <summary>What the acceptance check measured.</summary>
internal sealed record AcceptanceResult(string ModelPath, int TrainingStructures, double ForceRmse, double EnergyRmseMeV, SurvivalResult Survival)
{
    public bool Passed(double forceTarget, double energyTargetMeV, double survivalTarget) =>
        ForceRmse <= forceTarget && EnergyRmseMeV <= energyTargetMeV && Survival.Rate >= survivalTarget;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"final model {ModelPath} ({TrainingStructures} training structures): held-out force RMSE {ForceRmse:F4} eV/Å (target ≤ 0.15), energy RMSE {EnergyRmseMeV:F2} meV/atom (target ≤ 10); survival {Survival.Survived}/{Survival.Runs.Count} runs of {Survival.Runs.Select(r => r.StepsDone).DefaultIfEmpty().Max()} fs at 1500 K")
        + string.Concat(Survival.Runs.Where(r => r.StopReason != WalkerStopReason.Completed).Select(r => "\n  " + r.Message));
}
