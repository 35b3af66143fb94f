using System.Security.Cryptography;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// Per-walker checkpoints of the explore step with the real store: an explore step stopped after some walkers finished
/// resumes with only the others, and ends with exactly the candidates and walker summaries of an uninterrupted run.
/// </summary>
public sealed class ExploreCheckpointTests : IDisposable
{
    private const int Walkers = 4;
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task An_explore_step_stopped_after_k_walkers_resumes_with_the_others_and_ends_as_an_uninterrupted_run(int finishedBeforeStop)
    {
        var (model, training) = Model();
        var options = Options();
        var reference = await Explore(folder.File("reference"), model, training, options);

        var workdir = folder.File("stopped");
        using var store = Store(workdir, training);
        var run = store.StartStepRun(1, 0, "loop.steps[0]", "explore", "h");
        using var stop = new CancellationTokenSource();
        var first = new RecordingStore(store.ForStep(run, 1), after => { if (after == finishedBeforeStop) { stop.Cancel(); } });
        var stopped = () => ExploreActivity.RunAsync(Context(store, first, 1), model, training, options, stop.Token);
        await stopped.Should().ThrowAsync<OperationCanceledException>();
        store.InterruptStepRun(run, 1);
        first.Recorded.Should().HaveCount(finishedBeforeStop, "walkers run one at a time and the stop came right after the k-th was committed");
        store.FindStepRun(1, 0)!.State.Should().Be("interrupted");
        File.Exists(Path.Combine(workdir, "iterations", "001", ExploreActivity.CandidatesFile)).Should().BeFalse("the step did not complete");

        var again = store.StartStepRun(1, 0, "loop.steps[0]", "explore", "h");
        again.Should().Be(run, "the same step run continues, with its checkpoints");
        var second = new RecordingStore(store.ForStep(again, 1), _ => { });
        var resumed = await ExploreActivity.RunAsync(Context(store, second, 1), model, training, options, CancellationToken.None);

        second.Recorded.Should().BeEquivalentTo(Enumerable.Range(0, Walkers).Except(first.Recorded), "only the walkers without a checkpoint ran");
        resumed.Candidates.Select(c => StructureHash.Compute(c.Structure)).Should().Equal(reference.Result.Candidates.Select(c => StructureHash.Compute(c.Structure)));
        resumed.Candidates.Select(c => (c.Walker, c.Step, c.Gamma, c.TemperatureK)).Should().Equal(reference.Result.Candidates.Select(c => (c.Walker, c.Step, c.Gamma, c.TemperatureK)));
        resumed.Walkers.Should().Equal(reference.Result.Walkers, "every walker's summary, bit for bit");
        reference.Result.Candidates.Should().NotBeEmpty("the comparison must cover candidates");
        Sha256(Path.Combine(workdir, "iterations", "001", ExploreActivity.CandidatesFile)).Should().Be(reference.CandidatesHash);
        Sha256(Path.Combine(workdir, "iterations", "001", ExploreActivity.WalkersFile)).Should().Be(reference.WalkersHash);
        store.FindStepRun(1, 0)!.State.Should().Be("finished");
    }

    [Fact]
    public async Task The_checkpointed_explore_step_finds_what_the_explorer_finds_in_one_go()
    {
        var (model, training) = Model();
        var options = Options() with { MaxParallelWalkers = 2 };
        var step = await Explore(folder.File("step"), model, training, options);

        var direct = await Explorer.RunAsync(model, ExploreActivity.BuildActiveSet(model, training, options.GradeMode), training, options);

        step.Result.Walkers.Should().Equal(direct.Walkers);
        step.Result.Candidates.Select(c => (StructureHash.Compute(c.Structure), c.Walker, c.Step, c.Gamma))
            .Should().Equal(direct.Candidates.Select(c => (StructureHash.Compute(c.Structure), c.Walker, c.Step, c.Gamma)));
    }

    [Fact]
    public async Task Checkpoints_made_with_other_settings_are_discarded_and_every_walker_runs_again()
    {
        var (model, training) = Model();
        var workdir = folder.File("edited");
        using var store = Store(workdir, training);
        var run = store.StartStepRun(1, 0, "loop.steps[0]", "explore", "h");
        using var stop = new CancellationTokenSource();
        var first = new RecordingStore(store.ForStep(run, 1), after => { if (after == 2) { stop.Cancel(); } });
        var stopped = () => ExploreActivity.RunAsync(Context(store, first, 1), model, training, Options(), stop.Token);
        await stopped.Should().ThrowAsync<OperationCanceledException>();
        store.InterruptStepRun(run, 1);

        store.StartStepRun(1, 0, "loop.steps[0]", "explore", "h2");
        var second = new RecordingStore(store.ForStep(run, 1), _ => { });
        var edited = Options() with { GammaSelect = 1.2 };
        var result = await ExploreActivity.RunAsync(Context(store, second, 1), model, training, edited, CancellationToken.None);

        second.Recorded.Should().BeEquivalentTo(Enumerable.Range(0, Walkers));
        result.Candidates.Should().OnlyContain(c => c.Gamma > 1.2);
    }

    private static ExplorationOptions Options() => new()
    {
        Walkers = Walkers,
        TemperatureLowK = 600,
        TemperatureHighK = 1200,
        Steps = 200,
        GammaSelect = 1.05,
        GammaBreak = 50,
        Seed = 7,
        MaxParallelWalkers = 1,
    };

    private static (MomentTensorPotential Model, List<Structure> Training) Model()
    {
        var training = SiliconDataset.Frames(6, temperatures: 2, seed: 40);
        var template = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(8, 1, 2.0, 4.5, 6)), [14]);
        var model = (MomentTensorPotential)LinearFitter.Fit(template, training, new LinearFitOptions { ForceWeight = 0.1, Threads = 1 }).Potential;
        return (model, training);
    }

    private async Task<(ExplorationResult Result, string CandidatesHash, string WalkersHash)> Explore(
        string workdir, MomentTensorPotential model, List<Structure> training, ExplorationOptions options)
    {
        using var store = Store(workdir, training);
        var run = store.StartStepRun(1, 0, "loop.steps[0]", "explore", "h");
        var result = await ExploreActivity.RunAsync(Context(store, store.ForStep(run, 1), 1), model, training, options, CancellationToken.None);
        return (result, Sha256(Path.Combine(workdir, "iterations", "001", ExploreActivity.CandidatesFile)),
            Sha256(Path.Combine(workdir, "iterations", "001", ExploreActivity.WalkersFile)));
    }

    private static CampaignStore Store(string workdir, List<Structure> training)
    {
        var store = CampaignStore.OpenOrCreate(workdir, "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        store.BeginIteration(0);
        var generate = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        store.ForStep(generate, 0).Complete(new StepOutcome
        {
            Summary = "frames",
            NewStructures = [.. training.Select(f => new NewStructure(f.Clone(), new StructureOrigin { Source = "test" }, "teacher MD frame"))],
        });
        var label = store.StartStepRun(0, 1, "initial[1]", "label", "h");
        var step = store.ForStep(label, 0);
        for (var i = 0; i < training.Count; i++)
        {
            step.RecordLabel(i + 1, new LabelOutcome(i, training[i].Reference, new LabelProvenance("teacher:sw", null, "0123456789abcdef", null, null, 1, []), null));
        }

        step.Complete(new StepOutcome { Summary = "labelled" });
        store.FinishIteration(0);
        store.BeginIteration(1);
        return store;
    }

    private static ActivityContext Context(CampaignStore store, IActivityStore scoped, int iteration) =>
        new(scoped, new IterationArtifacts(store.Workdir, iteration), TimeProvider.System, new Progress<ActivityProgress>(), new QuietLog(), "loop.steps[0]");

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    // The step's store, noting which walkers were committed and calling back after each.
    private sealed class RecordingStore(IActivityStore inner, Action<int> afterRecord) : IActivityStore
    {
        public List<int> Recorded { get; } = [];

        public int Iteration => inner.Iteration;

        public IReadOnlyList<StoredStructure> StructuresWithoutLabel(string method, string settingsHash) => inner.StructuresWithoutLabel(method, settingsHash);

        public (IReadOnlyList<StoredStructure> Structures, string DatasetHash) LabelledStructures() => inner.LabelledStructures();

        public IReadOnlySet<string> StructureHashes() => inner.StructureHashes();

        public void RecordLabelRequests(IReadOnlyList<long> structureIds, string method) => inner.RecordLabelRequests(structureIds, method);

        public void RecordLabel(long structureId, LabelOutcome outcome) => inner.RecordLabel(structureId, outcome);

        public IReadOnlyList<WalkerCheckpoint> KeepWalkerCheckpoints(string settingsHash) => inner.KeepWalkerCheckpoints(settingsHash);

        public void RecordWalker(WalkerCheckpoint checkpoint)
        {
            inner.RecordWalker(checkpoint);
            Recorded.Add(checkpoint.Walker);
            afterRecord(Recorded.Count);
        }

        public void Complete(StepOutcome outcome) => inner.Complete(outcome);
    }

    private sealed class QuietLog : IActivityLog
    {
        public void Information(string messageTemplate, params object?[] values)
        {
        }

        public void Warning(string messageTemplate, params object?[] values)
        {
        }
    }
}
