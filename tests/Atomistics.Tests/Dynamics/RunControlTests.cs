using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.ExtendedXyz;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Dynamics;

public sealed class RunControlTests
{
    private static readonly LennardJones CheapArgon = new([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 6.5);

    private static Structure WarmArgon()
    {
        var structure = Crystals.FccCubic(18, 5.3, 2);
        MaxwellBoltzmann.Assign(structure, 60, new Random(1));
        return structure;
    }

    [Fact]
    public void The_observer_sees_every_step_and_can_stop_the_run()
    {
        var observer = new StopAt(37);

        var summary = MolecularDynamics.Run(WarmArgon(), CheapArgon, new MdOptions { Steps = 100, TimestepFs = 2 }, observer);

        summary.StopReason.Should().Be(MdStopReason.StoppedByObserver);
        summary.StepsDone.Should().Be(37);
        observer.Steps.Should().Equal(Enumerable.Range(0, 38));
        observer.Times[^1].Should().Be(74);
    }

    [Fact]
    public void The_trajectory_gets_every_kth_frame_with_labels_and_info()
    {
        var frames = new Collector();
        var structure = WarmArgon();

        MolecularDynamics.Run(structure, CheapArgon, new MdOptions { Steps = 35, TrajectoryInterval = 10 }, trajectory: frames);

        frames.Frames.Select(f => f.Info["step"].AsInteger()).Should().Equal(0, 10, 20, 30);
        frames.Frames.Select(f => f.Info["time_fs"].AsReal()).Should().Equal(0, 10, 20, 30);
        var evaluation = new Evaluation(1);
        foreach (var frame in frames.Frames)
        {
            frame.Should().NotBeSameAs(structure);
            frame.Info["temperature"].AsReal().Should().BeApproximately(MolecularDynamics.Temperature(frame), 1e-9);
            CheapArgon.Compute(frame, evaluation);
            frame.Calculated!.Energy.Should().Be(evaluation.Energy);
            frame.Calculated.Forces.Should().Equal(evaluation.Forces);
            frame.Calculated.Stress.Should().Be(evaluation.Stress(frame));
        }

        frames.Frames[^1].Positions.Should().NotEqual(structure.Positions, "frames are copies, not the live structure");
    }

    [Fact]
    public void An_extxyz_trajectory_reads_back_with_energies_and_info()
    {
        using var directory = new TempDirectory();
        var path = directory.File("md.xyz");
        using (var text = new StreamWriter(path))
        {
            var writer = new ExtendedXyzFormat().CreateWriter(text, path, FormatOptions.Default);
            MolecularDynamics.Run(WarmArgon(), CheapArgon, new MdOptions { Steps = 20, TrajectoryInterval = 5 }, trajectory: writer);
        }

        var frames = StructureFiles.ReadAll(path);

        frames.Should().HaveCount(5);
        frames.Select(f => f.Info["step"].AsInteger()).Should().Equal(0, 5, 10, 15, 20);
        frames.Should().OnlyContain(f => f.Calculated != null && f.Calculated.Energy != null && f.Calculated.Forces != null && f.Velocities != null);
    }

    [Fact]
    public void Non_finite_forces_fail_naming_the_step_and_atom_and_no_bad_frame_is_written()
    {
        var frames = new Collector();
        var poisoned = new PoisonedPotential(CheapArgon, poisonAtCall: 6, atom: 4);

        var failure = FluentActions.Invoking(() => MolecularDynamics.Run(
            WarmArgon(), poisoned, new MdOptions { Steps = 20, TrajectoryInterval = 1 }, trajectory: frames)).Should().Throw<MolecularDynamicsException>().Which;

        failure.Step.Should().Be(5);
        failure.Message.Should().Contain("step 5").And.Contain("atom 5").And.Contain("non-finite");
        frames.Frames.Select(f => f.Info["step"].AsInteger()).Should().Equal(0, 1, 2, 3, 4);
        frames.Frames.Should().OnlyContain(f => f.Calculated!.Forces!.All(v => double.IsFinite(v.X)));
    }

    [Fact]
    public void A_nan_position_fails_before_anything_is_written()
    {
        var frames = new Collector();
        var structure = WarmArgon();
        structure.Positions[3] = new Vec3(double.NaN, 0, 0);

        var failure = FluentActions.Invoking(() => MolecularDynamics.Run(
            structure, CheapArgon, new MdOptions { Steps = 5, TrajectoryInterval = 1 }, trajectory: frames)).Should().Throw<MolecularDynamicsException>().Which;

        failure.Step.Should().Be(0);
        failure.Message.Should().Contain("atom 4");
        frames.Frames.Should().BeEmpty();
    }

    [Fact]
    public void A_nan_velocity_fails_clearly()
    {
        var structure = WarmArgon();
        structure.Velocities![7] = new Vec3(0, double.PositiveInfinity, 0);

        FluentActions.Invoking(() => MolecularDynamics.Run(structure, CheapArgon, new MdOptions { Steps = 5 }))
            .Should().Throw<MolecularDynamicsException>().WithMessage("*atom 8*velocity*");
    }

    [Fact]
    public void Cancellation_returns_the_summary_of_the_steps_done()
    {
        using var cancellation = new CancellationTokenSource();
        var observer = new CancelAt(12, cancellation);
        var structure = WarmArgon();

        var summary = MolecularDynamics.Run(structure, CheapArgon, new MdOptions { Steps = 100 }, observer, cancellationToken: cancellation.Token);

        summary.StopReason.Should().Be(MdStopReason.Cancelled);
        summary.StepsDone.Should().Be(12);
        summary.Structure.Should().BeSameAs(structure);
        structure.Calculated!.Energy.Should().Be(summary.FinalPotentialEnergy);
    }

    [Fact]
    public void Invalid_options_are_rejected_with_their_name()
    {
        var structure = WarmArgon();
        FluentActions.Invoking(() => MolecularDynamics.Run(structure, CheapArgon, new MdOptions { TimestepFs = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*TimestepFs*");
        FluentActions.Invoking(() => MolecularDynamics.Run(structure, CheapArgon, new MdOptions { Ensemble = Ensemble.NoseHoover, StartTemperatureK = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*temperature*");
        var molecule = new Structure(Cell.Empty, Pbc.None, [18, 18], [Vec3.Zero, new Vec3(3.8, 0, 0)]);
        FluentActions.Invoking(() => MolecularDynamics.Run(molecule, CheapArgon, new MdOptions { Ensemble = Ensemble.NptIsotropic, Steps = 1 }))
            .Should().Throw<ArgumentException>().WithMessage("*periodic*");
    }

    private sealed class StopAt(int last) : IMdObserver
    {
        public List<int> Steps { get; } = [];

        public List<double> Times { get; } = [];

        public bool OnStep(in MdStep step)
        {
            Steps.Add(step.Step);
            Times.Add(step.TimeFs);
            return step.Step < last;
        }
    }

    private sealed class CancelAt(int step, CancellationTokenSource source) : IMdObserver
    {
        public bool OnStep(in MdStep state)
        {
            if (state.Step == step)
            {
                source.Cancel();
            }

            return true;
        }
    }

    private sealed class Collector : IStructureWriter
    {
        public List<Structure> Frames { get; } = [];

        public void Write(Structure structure) => Frames.Add(structure);
    }

    /// <summary>A potential that, from its n-th call on, reports a NaN force on one atom (a broken model).</summary>
    private sealed class PoisonedPotential(IPotential inner, int poisonAtCall, int atom) : IPotential
    {
        private int calls;

        public string Name => "poisoned";

        public double Cutoff => inner.Cutoff;

        public IReadOnlyList<int> Species => inner.Species;

        public void Compute(Structure structure, Evaluation evaluation)
        {
            inner.Compute(structure, evaluation);
            if (++calls >= poisonAtCall)
            {
                evaluation.Forces[atom] = new Vec3(double.NaN, 0, 0);
            }
        }
    }
}
