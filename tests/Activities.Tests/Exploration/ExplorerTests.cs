using ActiveLearning.Activities.Exploration;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Exploration;

/// <summary>The explore activity with a real level-10 MTP student of Stillinger–Weber silicon.</summary>
public sealed class ExplorerTests
{
    private static readonly ExplorationOptions Short = new()
    {
        Walkers = 2,
        Steps = 100,
        TemperatureLowK = 300,
        TemperatureHighK = 300,
        GradeInterval = 10,
        MaxParallelWalkers = 1,
    };

    [Fact]
    public async Task A_walker_started_with_overlapping_atoms_stops_at_step_0_because_they_overlap()
    {
        var start = SiliconModel.Diamond();
        start.Positions[1] = start.Positions[0] + new Vec3(0.7, 0, 0);

        var result = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [start], Short with { Walkers = 1 });

        var walker = result.Walkers.Should().ContainSingle().Subject;
        walker.StopReason.Should().Be(WalkerStopReason.Overlap);
        walker.StepsDone.Should().Be(0);
        walker.Message.Should().Contain("atoms 0 and 1").And.Contain("0.700 Å");
        result.Candidates.Should().BeEmpty();
    }

    [Fact]
    public async Task An_atom_with_no_neighbour_within_the_cutoff_has_flown_away()
    {
        // A compact 8-atom cluster of diamond Si in vacuum and one atom 9 Å from all of them.
        var diamond = Zincblende.Conventional(5.431, 14, 14);
        Vec3[] positions = [.. diamond.Positions, new Vec3(15, 15, 15)];
        var start = new Structure(Cell.Empty, Pbc.None, [.. Enumerable.Repeat(14, 9)], positions);

        var result = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [start], Short with { Walkers = 1, GammaBreak = double.PositiveInfinity });

        var walker = result.Walkers.Single();
        walker.StopReason.Should().Be(WalkerStopReason.FlewApart);
        walker.Message.Should().Contain("atom 8 has no neighbour within 5 Å");
    }

    [Fact]
    public async Task A_walker_in_territory_the_model_never_saw_breaks_and_keeps_the_breaking_frame_while_one_in_known_territory_completes()
    {
        // Diamond compressed by 9%: every neighbourhood is far from the 300–1500 K training frames.
        var compressed = Zincblende.Repeated(Zincblende.Conventional(4.95, 14, 14), 2, 2, 2);
        var known = SiliconModel.Training[0];

        var broken = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [compressed], Short with { Walkers = 1 });
        var fine = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [known], Short with { Walkers = 1, GammaSelect = 5 });

        var walker = broken.Walkers.Single();
        walker.StopReason.Should().Be(WalkerStopReason.GammaBreak);
        walker.MaxGamma.Should().BeGreaterThan(10);
        var candidate = broken.Candidates.Should().ContainSingle().Subject;
        candidate.Gamma.Should().Be(walker.MaxGamma);
        candidate.Structure.Info["gamma"].AsReal().Should().Be(candidate.Gamma);
        candidate.Structure.Info["walker"].AsReal().Should().Be(0);
        candidate.Structure.Info["step"].AsReal().Should().Be(candidate.Step);
        candidate.Structure.Reference.Should().BeNull();
        candidate.Structure.Velocities.Should().BeNull();

        fine.Walkers.Single().StopReason.Should().Be(WalkerStopReason.Completed);
        fine.Walkers.Single().StepsDone.Should().Be(100);
        fine.Walkers.Single().GradedFrames.Should().Be(11, "steps 0, 10, …, 100 are graded");
        fine.Walkers.Single().MaxGamma.Should().BeLessThan(5);
    }

    [Fact]
    public async Task Candidates_are_the_frames_above_gamma_select_in_walker_and_step_order_and_the_same_whatever_the_parallelism()
    {
        var options = new ExplorationOptions
        {
            Walkers = 3,
            Steps = 150,
            TemperatureLowK = 600,
            TemperatureHighK = 2500,
            GradeInterval = 5,
            GammaSelect = 1.05,
            GammaBreak = 50,
            Seed = 11,
        };
        var pool = SiliconModel.Training.Take(6).ToList();

        var serial = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, pool, options with { MaxParallelWalkers = 1 });
        var parallel = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, pool, options with { MaxParallelWalkers = 3 });

        serial.Candidates.Should().NotBeEmpty("2500 K takes Si far beyond its 300–1500 K training frames");
        serial.Candidates.Should().OnlyContain(c => c.Gamma > 1.05);
        serial.Candidates.Select(c => (c.Walker, c.Step)).Should().BeInAscendingOrder();
        serial.Walkers.Sum(w => w.CandidatesKept).Should().Be(serial.Candidates.Count);
        parallel.Candidates.Select(c => (c.Walker, c.Step, c.Gamma)).Should().Equal(serial.Candidates.Select(c => (c.Walker, c.Step, c.Gamma)));
        for (var i = 0; i < serial.Candidates.Count; i++)
        {
            parallel.Candidates[i].Structure.Positions.Should().Equal(serial.Candidates[i].Structure.Positions);
        }

        serial.Walkers.Select(w => w.StartIndex).Should().Equal(Explorer.StartIndices(pool.Count, 3, 11));
        serial.Walkers.Select(w => w.StartTemperatureK).Should().Equal(600, 1550, 2500);
    }

    [Fact]
    public async Task A_walker_keeps_at_most_its_cap_of_candidates_and_counts_the_rest()
    {
        var options = new ExplorationOptions
        {
            Walkers = 1,
            Steps = 150,
            TemperatureLowK = 2500,
            TemperatureHighK = 2500,
            GradeInterval = 5,
            GammaSelect = 1.0,
            GammaBreak = 1e6,
            MaxCandidatesPerWalker = 2,
        };

        var result = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [SiliconModel.Training[20]], options);

        var walker = result.Walkers.Single();
        result.Candidates.Should().HaveCount(2);
        walker.CandidatesKept.Should().Be(2);
        walker.CandidatesDropped.Should().BeGreaterThan(0);
        (walker.CandidatesKept + walker.CandidatesDropped).Should().BeLessThanOrEqualTo(walker.GradedFrames);
        result.Candidates.Select(c => c.Step).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Start_structures_are_a_seeded_shuffle_of_the_pool_distinct_while_there_are_enough()
    {
        var first = Explorer.StartIndices(10, 10, seed: 3);
        first.Should().BeEquivalentTo(Enumerable.Range(0, 10), "ten walkers on ten structures start from each once");
        Explorer.StartIndices(10, 10, seed: 3).Should().Equal(first);
        Explorer.StartIndices(10, 10, seed: 4).Should().NotEqual(first);
        Explorer.StartIndices(3, 7, seed: 3).Should().OnlyContain(i => i >= 0 && i < 3).And.HaveCount(7);
    }

    [Fact]
    public void Temperature_and_pressure_schedules_spread_over_walkers_or_ramp_each_one()
    {
        var spread = new ExplorationOptions { Walkers = 4, TemperatureLowK = 300, TemperatureHighK = 1500, PressureLowGPa = 0, PressureHighGPa = 3, Ensemble = Ensemble.NptIsotropic };
        Enumerable.Range(0, 4).Select(w => spread.WalkerMd(w).TemperatureAt(0)).Should().Equal(300, 700, 1100, 1500);
        Enumerable.Range(0, 4).Select(w => spread.WalkerMd(w).PressureGPaAt(spread.Steps)).Should().Equal(0, 1, 2, 3);
        Enumerable.Range(0, 4).Select(w => spread.WalkerMd(w).Seed).Should().OnlyHaveUniqueItems();

        var ramp = spread with { TemperatureSchedule = ScheduleMode.RampEachWalker };
        ramp.WalkerMd(2).TemperatureAt(0).Should().Be(300);
        ramp.WalkerMd(2).TemperatureAt(ramp.Steps).Should().Be(1500);
    }

    [Fact]
    public async Task Cancelling_stops_the_walkers_and_throws_OperationCanceledException()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelOnFirstReport(cancellation);
        var run = Explorer.RunAsync(
            SiliconModel.Model, SiliconModel.ActiveSet, SiliconModel.Training, Short with { Steps = 100_000 }, progress, cancellation.Token);

        await run.Invoking(async r => await r).Should().ThrowAsync<OperationCanceledException>();
        progress.Reports.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Npt_walkers_follow_their_pressure_and_a_structure_that_is_not_periodic_is_rejected()
    {
        var options = Short with
        {
            Walkers = 2,
            Steps = 300,
            Ensemble = Ensemble.NptIsotropic,
            PressureLowGPa = -2,
            PressureHighGPa = 4,
            BarostatDampingFs = 100,
            GammaBreak = 1000,
        };

        var result = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [SiliconModel.Training[0]], options);

        result.Walkers.Should().OnlyContain(w => w.StopReason == WalkerStopReason.Completed);
        result.Walkers.Select(w => w.StartPressureGPa).Should().Equal(-2, 4);
        result.Walkers[0].MeanVolume.Should().BeGreaterThan(result.Walkers[1].MeanVolume, "the walker under tension expands, the compressed one shrinks");

        var cluster = new Structure(Cell.Empty, Pbc.None, [14, 14], [new Vec3(0, 0, 0), new Vec3(2.3, 0, 0)]);
        var act = () => Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [cluster], options);
        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*periodic in 3-D*");
    }

    [Fact]
    public void Inconsistent_thresholds_are_rejected_naming_the_setting()
    {
        var act = () => new ExplorationOptions { GammaSelect = 5, GammaBreak = 3 }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*GammaBreak = 3 must exceed GammaSelect*");
    }

    private sealed class CancelOnFirstReport(CancellationTokenSource source) : IProgress<ExplorationProgress>
    {
        private int reports;

        public int Reports => reports;

        public void Report(ExplorationProgress value)
        {
            Interlocked.Increment(ref reports);
            source.Cancel();
        }
    }
}
