using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Dynamics;

public sealed class NveTests
{
    private static Structure WarmArgon(int seed)
    {
        var structure = Crystals.FccCubic(18, 5.26, 3);
        MaxwellBoltzmann.Assign(structure, 60, new Random(seed));
        return structure;
    }

    [Fact]
    public void Velocity_verlet_conserves_energy_and_momentum_over_5000_steps()
    {
        var structure = WarmArgon(1);
        var energies = new EnergyRecorder();

        // Shifted so that pairs crossing the cutoff do not make the energy jump: this tests the integrator, not the cut.
        var potential = new LennardJones([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 8.5, shifted: true);

        var summary = MolecularDynamics.Run(structure, potential, new MdOptions { Steps = 5000, TimestepFs = 1 }, energies);

        summary.StopReason.Should().Be(MdStopReason.Completed);
        summary.StepsDone.Should().Be(5000);
        var perAtom = (energies.Total[^1] - energies.Total[0]) / structure.Count;
        Math.Abs(perAtom).Should().BeLessThan(1e-4, "velocity Verlet conserves energy");
        // The summary's drift is the rise of the least-squares line through the total energy of every state.
        var steps = Enumerable.Range(0, energies.Total.Count).Select(i => (double)i).ToArray();
        var meanStep = steps.Average();
        var meanEnergy = energies.Total.Average();
        var slope = steps.Zip(energies.Total, (t, e) => (t - meanStep) * (e - meanEnergy)).Sum() / steps.Sum(t => (t - meanStep) * (t - meanStep));
        summary.ConservedEnergyDriftPerAtom.Should().BeApproximately(slope * (steps.Length - 1) / structure.Count, 1e-12);
        // Not a trivially frozen system: it exchanged kinetic and potential energy.
        energies.KineticRange.Should().BeGreaterThan(0.01);
        MolecularDynamics.Momentum(structure).Length.Should().BeLessThan(1e-9);
        structure.Calculated!.Energy.Should().Be(summary.FinalPotentialEnergy);
    }

    [Fact]
    public void Reversing_the_velocities_retraces_the_trajectory()
    {
        var structure = WarmArgon(2);
        var start = (Vec3[])structure.Positions.Clone();
        var options = new MdOptions { Steps = 300, TimestepFs = 2 };

        MolecularDynamics.Run(structure, Crystals.Argon, options);
        var moved = 0.0;
        for (var i = 0; i < start.Length; i++)
        {
            moved = Math.Max(moved, (structure.Positions[i] - start[i]).Length);
            structure.Velocities![i] = -structure.Velocities[i];
        }

        MolecularDynamics.Run(structure, Crystals.Argon, options);

        moved.Should().BeGreaterThan(0.1);
        for (var i = 0; i < start.Length; i++)
        {
            (structure.Positions[i] - start[i]).Length.Should().BeLessThan(1e-6, $"atom {i + 1}");
        }
    }

    [Fact]
    public void A_structure_without_velocities_starts_at_the_start_temperature_from_the_seed()
    {
        var first = Crystals.FccCubic(18, 5.26, 2);
        var second = Crystals.FccCubic(18, 5.26, 2);
        var options = new MdOptions { Steps = 0, StartTemperatureK = 40, Seed = 5 };

        var summary = MolecularDynamics.Run(first, Crystals.Argon, options);
        MolecularDynamics.Run(second, Crystals.Argon, options);

        summary.MeanTemperatureK.Should().BeApproximately(40, 1e-9);
        second.Velocities.Should().Equal(first.Velocities);
    }

    private sealed class EnergyRecorder : IMdObserver
    {
        private double minKinetic = double.MaxValue;
        private double maxKinetic;

        public List<double> Total { get; } = [];

        public double KineticRange => maxKinetic - minKinetic;

        public bool OnStep(in MdStep step)
        {
            Total.Add(step.PotentialEnergy + step.KineticEnergy);
            minKinetic = Math.Min(minKinetic, step.KineticEnergy);
            maxKinetic = Math.Max(maxKinetic, step.KineticEnergy);
            return true;
        }
    }
}
