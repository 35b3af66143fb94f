using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Relaxation;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Dynamics;

/// <summary>The physics acceptance with Stillinger–Weber silicon (built-in parameters, no files).</summary>
public sealed class SiliconAcceptanceTests(ITestOutputHelper output)
{
    // a₀ = 4·2^(1/6)·σ/√3 for Stillinger–Weber silicon: the nearest-neighbour distance sits at the pair minimum.
    private static readonly double SwLatticeConstant = 4 * Math.Pow(2, 1.0 / 6) * 2.0951 / Math.Sqrt(3);

    private static Structure Diamond(int repeats) =>
        Zincblende.Repeated(Zincblende.Conventional(SwLatticeConstant, 14, 14), repeats, repeats, repeats);

    [Fact]
    public void Nve_at_1000_K_conserves_energy_over_20000_steps()
    {
        var structure = Diamond(2);
        MaxwellBoltzmann.Assign(structure, 2000, new Random(1));

        var summary = MolecularDynamics.Run(structure, StillingerWeber.Silicon(), new MdOptions
        {
            Ensemble = Ensemble.Nve,
            TimestepFs = 1,
            Steps = 20_000,
            Seed = 1,
        });

        output.WriteLine(FormattableString.Invariant($"mean T {summary.MeanTemperatureK:F1} K, drift {summary.ConservedEnergyDriftPerAtom:E2} eV/atom"));
        // Equipartition halves the initial 2000 K: the run samples about 1000 K.
        summary.MeanTemperatureK.Should().BeInRange(850, 1150);
        Math.Abs(summary.ConservedEnergyDriftPerAtom).Should().BeLessThan(1e-4);
        MolecularDynamics.Momentum(structure).Length.Should().BeLessThan(1e-9);
    }

    [Theory]
    [InlineData(Ensemble.Langevin)]
    [InlineData(Ensemble.NoseHoover)]
    public void Thermostats_hold_1000_K_within_two_per_cent_over_10_ps(Ensemble ensemble)
    {
        var structure = Diamond(3);
        var mean = new MeanTemperatureAfter(2000);

        MolecularDynamics.Run(structure, StillingerWeber.Silicon(), new MdOptions
        {
            Ensemble = ensemble,
            TimestepFs = 1,
            Steps = 12_000,
            StartTemperatureK = 1000,
            ThermostatDampingFs = 100,
            Seed = 7,
        }, mean);

        output.WriteLine(FormattableString.Invariant($"{ensemble}: mean T over the last 10 ps {mean.Mean:F1} K"));
        mean.Mean.Should().BeApproximately(1000, 20);
    }

    [Fact]
    public void Fire_relaxes_a_rattled_strained_diamond_cell_back_to_the_sw_lattice_constant()
    {
        var random = new Random(3);
        var structure = RandomStructures.Rattled(random, Zincblende.Strained(random, Zincblende.Conventional(SwLatticeConstant, 14, 14), 0.02), 0.05);

        var result = Fire.Relax(structure, StillingerWeber.Silicon(), new FireOptions
        {
            RelaxCell = true,
            MaxForce = 1e-5,
            MaxStressGPa = 1e-5,
            MaxSteps = 5000,
        });

        result.Converged.Should().BeTrue();
        var lengths = structure.Cell.Lengths;
        output.WriteLine(FormattableString.Invariant($"{result.Steps} steps; cell lengths {lengths}; angles {structure.Cell.AnglesDegrees}"));
        foreach (var length in new[] { lengths.X, lengths.Y, lengths.Z, Math.Cbrt(structure.Cell.Volume) })
        {
            length.Should().BeApproximately(SwLatticeConstant, 1e-4);
        }

        SwLatticeConstant.Should().BeApproximately(5.431, 5e-4);
    }

    private sealed class MeanTemperatureAfter(int firstStep) : IMdObserver
    {
        private double sum;
        private int count;

        public double Mean => sum / count;

        public bool OnStep(in MdStep step)
        {
            if (step.Step >= firstStep)
            {
                sum += step.TemperatureK;
                count++;
            }

            return true;
        }
    }
}
