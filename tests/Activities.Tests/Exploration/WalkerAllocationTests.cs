using ActiveLearning.Activities.Exploration;

namespace ActiveLearning.Activities.Tests.Exploration;

/// <summary>Graded frames reuse the walker's buffers: grading allocates (almost) nothing beyond the MD itself.</summary>
public sealed class WalkerAllocationTests
{
    [Fact]
    public async Task Grading_a_hundred_more_frames_allocates_almost_nothing_on_the_walkers_thread()
    {
        // The same 1,000 MD steps (200 → 1200) graded every 10 steps and every 100 steps: the difference is what 90 graded
        // frames (neighbour list, model rows, γ) allocate beyond the MD itself. A fresh neighbour list or row buffer per
        // graded frame would add > 1 MB.
        var often = await AllocatedBetweenSteps200And1200(gradeInterval: 10);
        var rarely = await AllocatedBetweenSteps200And1200(gradeInterval: 100);

        (often - rarely).Should().BeLessThan(90 * 128, "a graded frame may cost at most a few small objects");
    }

    private static async Task<long> AllocatedBetweenSteps200And1200(int gradeInterval)
    {
        var options = new ExplorationOptions
        {
            Walkers = 1,
            Steps = 1300,
            TemperatureLowK = 600,
            TemperatureHighK = 600,
            GradeInterval = gradeInterval,
            GammaBreak = 1e6,
            MaxParallelWalkers = 1,
        };
        var probe = new AllocationProbe((options.Steps / gradeInterval) + 2);

        var result = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [SiliconModel.Training[0]], options, probe);

        result.Walkers.Single().StopReason.Should().Be(WalkerStopReason.Completed);
        return probe.At(1200) - probe.At(200);
    }

    /// <summary>Reads the walker thread's allocation counter at every graded frame (reports come from that thread).</summary>
    private sealed class AllocationProbe(int capacity) : IProgress<ExplorationProgress>
    {
        private readonly int[] steps = new int[capacity];
        private readonly long[] bytes = new long[capacity];
        private int count;

        public void Report(ExplorationProgress value)
        {
            if (!value.Finished && count < steps.Length)
            {
                steps[count] = value.Step;
                bytes[count] = GC.GetAllocatedBytesForCurrentThread();
                count++;
            }
        }

        public long At(int step) => bytes[Array.IndexOf(steps, step, 0, count)];
    }
}
