using ActiveLearning.Activities.Exploration;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Activities.Tests.Exploration;

/// <summary>A walker whose dynamics give out (an exception from a force call) ends as failed; the exploration goes on.</summary>
public sealed class WalkerFailureTests
{
    [Fact]
    public async Task A_walker_whose_dynamics_throw_ends_as_failed_and_the_other_walker_completes()
    {
        var model = new ThrowingOnce(SiliconModel.Model, failingCall: 25);
        var options = new ExplorationOptions
        {
            Walkers = 2,
            Steps = 60,
            TemperatureLowK = 300,
            TemperatureHighK = 300,
            GradeInterval = 10,
            MaxParallelWalkers = 1,
        };

        var result = await Explorer.RunAsync(model, SiliconModel.ActiveSet, [SiliconModel.Diamond()], options);

        result.Walkers.Should().HaveCount(2);
        result.Walkers.Should().ContainSingle(w => w.StopReason == WalkerStopReason.Failed)
            .Which.Message.Should().Contain("the cell spans no volume");
        result.Walkers.Should().ContainSingle(w => w.StopReason == WalkerStopReason.Completed).Which.StepsDone.Should().Be(60);
    }

    // The student, except that one force call (counted over all walkers) fails the way a blown-up NPT cell does.
    private sealed class ThrowingOnce(ILinearPotential inner, int failingCall) : ILinearPotential
    {
        private int calls;

        public string Name => inner.Name;

        public double Cutoff => inner.Cutoff;

        public IReadOnlyList<int> Species => inner.Species;

        public int ParameterCount => inner.ParameterCount;

        public IReadOnlyList<double> Parameters => inner.Parameters;

        public ILinearPotential WithParameters(ReadOnlySpan<double> parameters) => inner.WithParameters(parameters);

        public void ComputeRows(Structure structure, LinearRows rows, bool withForces = true) => inner.ComputeRows(structure, rows, withForces);

        public void Compute(Structure structure, Evaluation evaluation)
        {
            if (Interlocked.Increment(ref calls) == failingCall)
            {
                throw new ArgumentException("the cell spans no volume");
            }

            inner.Compute(structure, evaluation);
        }
    }
}
