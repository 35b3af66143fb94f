using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Dynamics;

public sealed class ThermostatTests
{
    // A short cutoff keeps these long runs cheap; the thermostats do not care about the potential's range.
    private static readonly LennardJones CheapArgon = new([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 6.5);

    [Theory]
    [InlineData(Ensemble.Langevin)]
    [InlineData(Ensemble.NoseHoover)]
    public void The_thermostat_holds_the_target_temperature(Ensemble ensemble)
    {
        // 256 atoms from a perfect lattice with velocities at 25 K, 2 ps to equilibrate, then 10 ps averaged.
        var structure = Crystals.FccCubic(18, 5.3, 4);
        MaxwellBoltzmann.Assign(structure, 25, new Random(1));
        var temperatures = new TemperatureRecorder();

        MolecularDynamics.Run(structure, CheapArgon, new MdOptions
        {
            Ensemble = ensemble,
            TimestepFs = 5,
            Steps = 2400,
            StartTemperatureK = 50,
            Seed = 3,
        }, temperatures);

        var last10ps = temperatures.Values.Skip(400).ToArray();
        last10ps.Average().Should().BeApproximately(50, 1.0, $"{ensemble} keeps the mean temperature within 2%");
        // Fluctuations of a canonical kinetic temperature: relative variance 2/N_f. A Berendsen-like rescaling would kill them.
        var mean = last10ps.Average();
        var relativeSpread = Math.Sqrt(last10ps.Select(t => (t - mean) * (t - mean)).Average()) / mean;
        relativeSpread.Should().BeInRange(0.6 * Math.Sqrt(2.0 / 765), 1.5 * Math.Sqrt(2.0 / 765));
    }

    [Fact]
    public void Nose_hoover_chain_conserves_its_extended_energy()
    {
        var structure = Crystals.FccCubic(18, 5.3, 3);
        MaxwellBoltzmann.Assign(structure, 40, new Random(8));
        var shifted = new LennardJones([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 6.5, shifted: true);

        var summary = MolecularDynamics.Run(structure, shifted, new MdOptions
        {
            Ensemble = Ensemble.NoseHoover, TimestepFs = 2, Steps = 2000, StartTemperatureK = 60, ThermostatDampingFs = 50,
        });

        summary.MeanTemperatureK.Should().BeGreaterThan(45, "the thermostat heated the crystal");
        Math.Abs(summary.ConservedEnergyDriftPerAtom).Should().BeLessThan(2e-5);
    }

    [Fact]
    public void A_temperature_ramp_follows_the_linear_schedule()
    {
        var structure = Crystals.FccCubic(18, 5.3, 4);
        MaxwellBoltzmann.Assign(structure, 20, new Random(4));
        var temperatures = new TemperatureRecorder();
        var options = new MdOptions
        {
            Ensemble = Ensemble.Langevin,
            TimestepFs = 5,
            Steps = 2000,
            StartTemperatureK = 20,
            EndTemperatureK = 80,
            ThermostatDampingFs = 50,
            Seed = 9,
        };

        MolecularDynamics.Run(structure, CheapArgon, options, temperatures);

        options.TemperatureAt(1000).Should().Be(50);
        // Windows of 1 ps against the schedule at their centre; the thermostat lags by about its damping time.
        for (var start = 200; start < 2000; start += 200)
        {
            var window = temperatures.Values.Skip(start).Take(200).Average();
            var target = options.TemperatureAt(start + 100 - 10);
            window.Should().BeApproximately(target, 0.06 * target, $"window starting at step {start}");
        }
    }

    [Fact]
    public void A_seeded_single_thread_langevin_run_is_reproducible_bit_for_bit()
    {
        Structure Run(int seed)
        {
            var structure = Crystals.FccCubic(18, 5.3, 2);
            MolecularDynamics.Run(structure, CheapArgon, new MdOptions
            {
                Ensemble = Ensemble.Langevin, Steps = 200, TimestepFs = 5, StartTemperatureK = 50, Seed = seed, Threads = 1,
            });
            return structure;
        }

        var first = Run(11);
        var second = Run(11);
        var other = Run(12);

        second.Positions.Should().Equal(first.Positions);
        second.Velocities.Should().Equal(first.Velocities);
        other.Positions.Should().NotEqual(first.Positions);
    }

    private sealed class TemperatureRecorder : IMdObserver
    {
        public List<double> Values { get; } = [];

        public bool OnStep(in MdStep step)
        {
            Values.Add(step.TemperatureK);
            return true;
        }
    }
}
