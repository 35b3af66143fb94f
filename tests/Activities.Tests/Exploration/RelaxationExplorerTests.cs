using ActiveLearning.Activities.Exploration;
using ActiveLearning.Atomistics;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Exploration;

/// <summary>Exploration by FIRE relaxation with a real level-10 MTP student of Stillinger–Weber silicon.</summary>
public sealed class RelaxationExplorerTests
{
    [Fact]
    public async Task Relaxed_structures_are_graded_known_ones_pass_unknown_ones_are_kept_and_an_overlapping_start_is_not_relaxed()
    {
        var rattled = RandomStructures.Rattled(new Random(2), SiliconModel.Diamond(), 0.05);
        // Fixed-cell relaxation keeps the 9% compression: neighbourhoods the training frames never had.
        var compressed = Zincblende.Repeated(Zincblende.Conventional(4.95, 14, 14), 2, 2, 2);
        var overlapping = SiliconModel.Diamond();
        overlapping.Positions[5] = overlapping.Positions[4] + new Vec3(0, 0.5, 0);

        var result = await RelaxationExplorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [rattled, compressed, overlapping]);

        result.Walkers[0].StopReason.Should().Be(WalkerStopReason.Completed);
        result.Walkers[0].Message.Should().Contain("converged");
        result.Walkers[0].MaxGamma.Should().BeLessThan(2);
        result.Walkers[1].StopReason.Should().Be(WalkerStopReason.GammaBreak);
        result.Walkers[2].StopReason.Should().Be(WalkerStopReason.Overlap);
        result.Walkers[2].StepsDone.Should().Be(0);
        result.Walkers[2].Message.Should().Contain("atoms 4 and 5").And.Contain("FIRE step 0");
        var candidate = result.Candidates.Should().ContainSingle().Subject;
        candidate.Walker.Should().Be(1);
        candidate.Gamma.Should().BeGreaterThan(10);
        candidate.Structure.Info["config_type"].ToString().Should().Be("explore_relax");
        rattled.Positions.Should().Equal(RandomStructures.Rattled(new Random(2), SiliconModel.Diamond(), 0.05).Positions, "the input is not changed");
    }
}
