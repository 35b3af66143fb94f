using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Generators.NonDiagonal;
using ActiveLearning.Atomistics.Phonons;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Phonons;

/// <summary>
/// Finite-displacement phonons of Lennard-Jones argon (fcc, one atom) and of a two-species rock-salt LJ crystal: the
/// acoustic sum rule, degeneracies the cubic symmetry demands, independence of the supercell at commensurate q (diagonal
/// and non-diagonal), and the commensurate q-point sets.
/// </summary>
public sealed class ForceConstantsTests
{
    private const double ArgonLattice = 5.26;
    private static readonly Vec3 Gamma = new(0, 0, 0);
    private static readonly Vec3 X = new(0.5, 0, 0.5);
    private static readonly Vec3 L = new(0.5, 0.5, 0.5);

    private static int[,] Diagonal(int n) => new int[,] { { n, 0, 0 }, { 0, n, 0 }, { 0, 0, n } };

    [Fact]
    public void Gamma_has_three_zero_acoustic_modes()
    {
        var constants = ForceConstants.Compute(Crystals.Argon, Crystals.FccPrimitive(18, ArgonLattice), Diagonal(3));

        var gamma = constants.FrequenciesTHz(Gamma);

        gamma.Should().HaveCount(3);
        gamma.Should().OnlyContain(f => Math.Abs(f) < 1e-3, "a uniform translation costs no energy");
    }

    [Fact]
    public void Two_atom_cell_has_three_zero_and_three_optical_modes_at_gamma()
    {
        var constants = ForceConstants.Compute(SaltPotential(), Salt(), Diagonal(2));

        var gamma = constants.FrequenciesTHz(Gamma);

        gamma.Should().HaveCount(6);
        gamma[..3].Should().OnlyContain(f => Math.Abs(f) < 1e-3);
        gamma[3..].Should().OnlyContain(f => f > 0.5, "the two species vibrate against each other");
        gamma[4].Should().BeApproximately(gamma[3], 1e-6, "cubic symmetry makes the optical mode threefold");
        gamma[5].Should().BeApproximately(gamma[3], 1e-6);
    }

    [Fact]
    public void Commensurate_frequencies_do_not_depend_on_the_supercell()
    {
        var primitive = Crystals.FccPrimitive(18, ArgonLattice);
        var small = ForceConstants.Compute(Crystals.Argon, primitive, Diagonal(2));
        var large = ForceConstants.Compute(Crystals.Argon, primitive, Diagonal(4));

        foreach (var q in new[] { X, L, new Vec3(0.5, 0, 0) })
        {
            small.FrequenciesTHz(q).Should().Equal(large.FrequenciesTHz(q), (a, b) => Math.Abs(a - b) < 1e-4, $"q = {q} is commensurate with both");
        }

        var quarter = new Vec3(0.25, 0, 0.25);
        var third = ForceConstants.Compute(Crystals.Argon, primitive, Diagonal(3));
        third.FrequenciesTHz(quarter).Should().NotEqual(large.FrequenciesTHz(quarter), "a q the 3×3×3 cell cannot hold is interpolated, not exact");
    }

    [Fact]
    public void A_non_diagonal_supercell_of_two_cells_gives_the_X_point_of_a_4x4x4_supercell()
    {
        var primitive = Crystals.FccPrimitive(18, ArgonLattice);
        var plan = NonDiagonalSupercells.Plan(primitive.Cell, 2, 2, 2, useSymmetry: false);
        var forX = plan.Supercells.First(s => s.Commensurate.Any(q => Same(q.Fractional(2, 2, 2), X)));
        forX.Size.Should().Be(2, "X has order 2");

        var ndsc = ForceConstants.Compute(Crystals.Argon, primitive, forX.Matrix);
        var reference = ForceConstants.Compute(Crystals.Argon, primitive, Diagonal(4));

        var frequencies = ndsc.FrequenciesTHz(X);
        frequencies.Should().Equal(reference.FrequenciesTHz(X), (a, b) => Math.Abs(a - b) < 1e-4);
        frequencies[1].Should().BeApproximately(frequencies[0], 1e-6, "the transverse modes at X are degenerate");
        frequencies[2].Should().BeGreaterThan(frequencies[0] + 0.1, "the longitudinal mode is stiffer");
    }

    [Fact]
    public void Dynamical_matrix_is_hermitian_and_frequencies_are_even_in_q()
    {
        var constants = ForceConstants.Compute(SaltPotential(), Salt(), Diagonal(3));
        var q = new Vec3(0.13, 0.29, -0.07);

        var d = constants.DynamicalMatrix(q);
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                (d[i, j] - System.Numerics.Complex.Conjugate(d[j, i])).Magnitude.Should().BeLessThan(1e-12);
            }
        }

        constants.FrequenciesTHz(q).Should().Equal(constants.FrequenciesTHz(-q), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Commensurate_q_points_count_each_pair_once()
    {
        var diagonal = ForceConstants.CommensurateQPoints(Diagonal(2));
        diagonal.Should().HaveCount(8, "every point of the 2×2×2 grid is its own negative");
        diagonal[0].Should().Be(Gamma);

        var four = ForceConstants.CommensurateQPoints(Diagonal(4));
        four.Should().HaveCount(36, "64 points, 8 of them their own negative: 8 + 56/2");

        var skew = new int[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 1, 1, 2 } };
        var points = ForceConstants.CommensurateQPoints(skew);
        points.Should().HaveCount(2);
        points.Should().OnlyContain(q => IsInteger((skew[2, 0] * q.X) + (skew[2, 1] * q.Y) + (skew[2, 2] * q.Z)) && IsInteger(q.X) && IsInteger(q.Y));
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        var primitive = Crystals.FccPrimitive(18, ArgonLattice);
        var zero = () => ForceConstants.Compute(Crystals.Argon, primitive, Diagonal(2), displacement: 0);
        zero.Should().Throw<ArgumentException>().WithMessage("*positive*");
        var singular = () => ForceConstants.Compute(Crystals.Argon, primitive, new int[,] { { 1, 0, 0 }, { 1, 0, 0 }, { 0, 0, 1 } });
        singular.Should().Throw<ArgumentException>().WithMessage("*singular*");
    }

    private static bool IsInteger(double x) => Math.Abs(x - Math.Round(x)) < 1e-12;

    private static bool Same(Vec3 a, Vec3 b) =>
        IsInteger(a.X - b.X) && IsInteger(a.Y - b.Y) && IsInteger(a.Z - b.Z);

    // Rock salt of two LJ species (Na-like 11 and Cl-like 17 with argon-like parameters): two atoms per primitive cell.
    private static Structure Salt()
    {
        var h = 5.6 / 2;
        var cell = new Cell(new Vec3(0, h, h), new Vec3(h, 0, h), new Vec3(h, h, 0));
        return new Structure(cell, Pbc.All, [11, 17], [Vec3.Zero, new Vec3(h, h, h)]);
    }

    private static Atomistics.Potentials.LennardJones SaltPotential() => new(
        [
            new Atomistics.Potentials.LennardJonesPair(11, 11, 0.005, 3.6),
            new Atomistics.Potentials.LennardJonesPair(17, 17, 0.005, 3.6),
            new Atomistics.Potentials.LennardJonesPair(11, 17, 0.02, 2.5),
        ],
        cutoff: 7.0);
}
