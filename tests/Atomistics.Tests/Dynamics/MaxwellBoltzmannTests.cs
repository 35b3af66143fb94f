using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Dynamics;

public sealed class MaxwellBoltzmannTests
{
    [Fact]
    public void Velocities_have_exactly_the_temperature_and_no_momentum()
    {
        var structure = Crystals.FccCubic(18, 5.26, 3);
        // A heavier atom among them: the momentum, not the velocity, must sum to zero.
        structure.AtomicNumbers[5] = 36;

        MaxwellBoltzmann.Assign(structure, 123.4, new Random(1));

        MolecularDynamics.Temperature(structure).Should().BeApproximately(123.4, 1e-10);
        MolecularDynamics.Momentum(structure).Length.Should().BeLessThan(1e-12);
    }

    [Fact]
    public void The_same_seed_gives_the_same_velocities_and_another_seed_others()
    {
        var a = Crystals.FccCubic(18, 5.26, 2);
        var b = Crystals.FccCubic(18, 5.26, 2);
        var c = Crystals.FccCubic(18, 5.26, 2);

        MaxwellBoltzmann.Assign(a, 300, new Random(42));
        MaxwellBoltzmann.Assign(b, 300, new Random(42));
        MaxwellBoltzmann.Assign(c, 300, new Random(43));

        b.Velocities.Should().Equal(a.Velocities);
        c.Velocities.Should().NotEqual(a.Velocities);
    }

    [Fact]
    public void The_velocity_distribution_is_gaussian_with_variance_kt_over_m()
    {
        var structure = Crystals.FccCubic(18, 5.26, 8);

        MaxwellBoltzmann.Assign(structure, 100, new Random(7));

        var components = structure.Velocities!.SelectMany(v => new[] { v.X, v.Y, v.Z }).ToArray();
        var variance = components.Select(x => x * x).Average();
        var expected = Units.Boltzmann * 100 / (Elements.Mass(18) * Units.AmuAngstromSquaredPerFemtosecondSquared);
        variance.Should().BeApproximately(expected, 1e-3 * expected);
        // Kurtosis 3 for a Gaussian (a uniform distribution would give 1.8).
        (components.Select(x => x * x * x * x).Average() / (variance * variance)).Should().BeApproximately(3, 0.15);
    }

    [Fact]
    public void Zero_kelvin_gives_zero_velocities_and_negative_is_rejected()
    {
        var structure = Crystals.FccCubic(18, 5.26, 1);

        MaxwellBoltzmann.Assign(structure, 0, new Random(1));

        structure.Velocities.Should().OnlyContain(v => v == Vec3.Zero);
        FluentActions.Invoking(() => MaxwellBoltzmann.Assign(structure, -1, new Random(1))).Should().Throw<ArgumentException>();
    }
}
