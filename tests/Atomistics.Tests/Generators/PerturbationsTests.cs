using ActiveLearning.Atomistics.Generators;
using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Generators;

public sealed class PerturbationsTests
{
    private static Structure Parent()
    {
        var random = new Random(42);
        var s = RandomStructures.Periodic(random, 64, [14, 6]);
        s.Info["label"] = "parent";
        return s;
    }

    [Theory]
    [InlineData(RattleDistribution.Gaussian, 0.1, 0.1)]
    [InlineData(RattleDistribution.Uniform, 0.3, 0.3 / 1.7320508075688772)]
    public void Rattle_displacements_have_zero_mean_and_the_requested_spread(RattleDistribution distribution, double amplitude, double expectedStd)
    {
        var parent = Parent();
        var big = new Structure(parent.Cell, parent.Pbc, new int[20_000], new Vec3[20_000]);
        var rattled = Perturbations.Rattle(big, amplitude, new Random(1), distribution, parent: "p7");
        var components = rattled.Positions.SelectMany(p => new[] { p.X, p.Y, p.Z }).ToArray();
        var mean = components.Average();
        var std = Math.Sqrt(components.Select(x => (x - mean) * (x - mean)).Average());
        mean.Should().BeApproximately(0, 4 * expectedStd / Math.Sqrt(components.Length));
        std.Should().BeApproximately(expectedStd, 0.01 * expectedStd);
        if (distribution == RattleDistribution.Uniform)
        {
            components.Should().OnlyContain(x => Math.Abs(x) <= amplitude);
        }

        rattled.Info["generator"].AsString().Should().Be("rattle");
        rattled.Info["parent"].AsString().Should().Be("p7");
        rattled.Info["parameters"].AsString().Should().Contain(distribution.ToString().ToLowerInvariant());
    }

    [Fact]
    public void Rattle_is_deterministic_for_a_random_state_and_leaves_the_parent_alone()
    {
        var parent = Parent();
        var before = (Vec3[])parent.Positions.Clone();
        var a = Perturbations.Rattle(parent, 0.1, new Random(9));
        var b = Perturbations.Rattle(parent, 0.1, new Random(9));
        var c = Perturbations.Rattle(parent, 0.1, new Random(10));
        a.Positions.Should().Equal(b.Positions);
        c.Positions.Should().NotEqual(a.Positions);
        parent.Positions.Should().Equal(before);
        a.Reference.Should().BeNull("labels of the parent do not describe the rattled structure");
        a.Calculated.Should().BeNull();
        a.Info["label"].AsString().Should().Be("parent");
    }

    [Fact]
    public void Strain_maps_the_cell_and_keeps_fractional_coordinates()
    {
        var parent = Parent();
        var epsilon = new Mat3(0.02, 0.005, -0.01, 0.005, -0.015, 0.003, -0.01, 0.003, 0.01);
        var strained = Perturbations.Strain(parent, epsilon, parent: "x");
        var f = Mat3.Identity + epsilon;
        for (var axis = 0; axis < 3; axis++)
        {
            var expected = f * parent.Cell[axis];
            (strained.Cell[axis] - expected).MaxAbs.Should().BeLessThan(1e-12);
        }

        for (var i = 0; i < parent.Count; i++)
        {
            (strained.Cell.ToFractional(strained.Positions[i]) - parent.Cell.ToFractional(parent.Positions[i])).MaxAbs.Should().BeLessThan(1e-12);
        }

        strained.Cell.Volume.Should().BeApproximately(parent.Cell.Volume * f.Determinant, 1e-9);
        strained.Info["generator"].AsString().Should().Be("strain");
        strained.Info["parameters"].AsString().Should().StartWith("strain=0.02 0.005 -0.01");
    }

    [Fact]
    public void Random_strains_are_symmetric_and_bounded()
    {
        var random = new Random(3);
        var largest = 0.0;
        for (var k = 0; k < 2000; k++)
        {
            var e = Perturbations.RandomSymmetricStrain(random, 0.01);
            e.Should().Be(e.Transpose());
            foreach (var x in e.ToRowMajorArray())
            {
                Math.Abs(x).Should().BeLessThanOrEqualTo(0.01);
                largest = Math.Max(largest, Math.Abs(x));
            }
        }

        largest.Should().BeGreaterThan(0.0099, "the components span U(−a, a)");
        var strained = Perturbations.RandomStrain(Parent(), 0.01, new Random(5));
        strained.Cell.Should().NotBe(Parent().Cell);
        ((Action)(() => Perturbations.Strain(Parent(), -1.0 * Mat3.Identity))).Should().Throw<ArgumentException>().WithMessage("*det*");
    }

    [Fact]
    public void Scaling_series_scales_volumes_by_the_cube_of_each_factor()
    {
        var parent = Parent();
        double[] factors = [0.96, 0.98, 1.0, 1.02, 1.04];
        var series = Perturbations.ScalingSeries(parent, factors, parent: "eos");
        series.Should().HaveCount(5);
        for (var k = 0; k < factors.Length; k++)
        {
            series[k].Cell.Volume.Should().BeApproximately(parent.Cell.Volume * Math.Pow(factors[k], 3), 1e-9);
            (series[k].Cell.ToFractional(series[k].Positions[3]) - parent.Cell.ToFractional(parent.Positions[3])).MaxAbs.Should().BeLessThan(1e-12);
            series[k].Info["parameters"].AsString().Should().Be(FormattableString.Invariant($"linear_factor={factors[k]:R}"));
            series[k].Info["parent"].AsString().Should().Be("eos");
        }

        ((Action)(() => Perturbations.ScalingSeries(parent, [1.0, 0]))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Dimers_have_the_requested_distances_in_a_box_or_in_vacuum()
    {
        double[] distances = [1.5, 2.0, 3.5];
        var free = Perturbations.Dimers("Si", "C", distances);
        var boxed = Perturbations.Dimers("Si", "Si", distances, box: 12);
        for (var k = 0; k < distances.Length; k++)
        {
            free[k].Pbc.Should().Be(Pbc.None);
            free[k].AtomicNumbers.Should().Equal(14, 6);
            (free[k].Positions[1] - free[k].Positions[0]).Length.Should().BeApproximately(distances[k], 1e-12);
            boxed[k].Pbc.Should().Be(Pbc.All);
            var list = NeighbourList.Build(boxed[k], boxed[k].Cell.Lengths.X / 2);
            list.DistancesOf(0).ToArray().Should().ContainSingle().Which.Should().BeApproximately(distances[k], 1e-12);
            boxed[k].Info["generator"].AsString().Should().Be("dimer");
            boxed[k].Info["dimer_distance"].AsReal().Should().Be(distances[k]);
        }

        ((Action)(() => Perturbations.Dimers("Si", "Si", [7.0], box: 12))).Should().Throw<ArgumentException>().WithMessage("*too small*");
        ((Action)(() => Perturbations.Dimers("Si", "Qq", [2.0]))).Should().Throw<ArgumentException>().WithMessage("*not an element*");
    }

    [Fact]
    public void Isolated_atoms_sit_alone()
    {
        var atoms = Perturbations.IsolatedAtoms(["Si", "O"], box: 15);
        atoms.Should().HaveCount(2);
        atoms[1].AtomicNumbers.Should().Equal(8);
        atoms[1].Cell.Volume.Should().BeApproximately(15 * 15 * 15, 1e-9);
        atoms[1].Info["generator"].AsString().Should().Be("isolated_atom");
        NeighbourList.Build(atoms[0], 7).PairCount.Should().Be(0);
        Perturbations.IsolatedAtoms(["Si"])[0].Pbc.Should().Be(Pbc.None);
    }
}
