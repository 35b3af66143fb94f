using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials;

public sealed class LennardJonesTests
{
    private static readonly LennardJones Argon = new([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 8.5);

    private static readonly LennardJones Mixture = new(
        [new LennardJonesPair(18, 18, 0.0104, 3.4), new LennardJonesPair(36, 36, 0.014, 3.65), new LennardJonesPair(18, 36, 0.012, 3.5)],
        cutoff: 7.0,
        shifted: true);

    [Fact]
    public void A_dimer_has_the_textbook_energy_and_force()
    {
        var r = 3.8;
        var dimer = new Structure(Cell.Empty, Pbc.None, [18, 18], [Vec3.Zero, new Vec3(r, 0, 0)]);

        var result = new Evaluation(threads: 1);
        Argon.Compute(dimer, result);

        var s6 = Math.Pow(3.4 / r, 6);
        result.Energy.Should().BeApproximately(4 * 0.0104 * ((s6 * s6) - s6), 1e-15);
        result.AtomEnergies.Should().Equal(result.Energy / 2, result.Energy / 2);
        var force = 4 * 0.0104 * ((12 * s6 * s6) - (6 * s6)) / r;
        result.Forces[1].X.Should().BeApproximately(force, 1e-14);
        result.Forces[0].X.Should().BeApproximately(-force, 1e-14);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_a_triclinic_mixture()
    {
        var random = new Random(4);
        var structure = RandomStructures.Rattled(random, RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6, 9, 60), 8, [18, 36], 2.8), 0.05);

        PotentialChecks.ForcesAreMinusEnergyGradient(Mixture, structure);
        PotentialChecks.StressIsStrainDerivative(Mixture, structure);
        PotentialChecks.ThreadsAgree(Mixture, structure);
    }

    [Fact]
    public void Repeated_evaluations_reuse_the_work_space_and_agree()
    {
        var random = new Random(8);
        var structure = RandomStructures.Spread(random, Cell.Orthorhombic(12, 12, 12), 40, [18], 3.0);
        var evaluation = new Evaluation(threads: 2);

        Argon.Compute(structure, evaluation);
        var first = evaluation.Energy;
        var neighbours = evaluation.Neighbours;
        structure.Positions[0] += new Vec3(0.01, 0, 0);
        Argon.Compute(structure, evaluation);
        structure.Positions[0] -= new Vec3(0.01, 0, 0);
        Argon.Compute(structure, evaluation);

        evaluation.Neighbours.Should().BeSameAs(neighbours);
        evaluation.Energy.Should().BeApproximately(first, 1e-14);
    }

    [Fact]
    public void An_element_the_potential_does_not_know_is_named()
    {
        var structure = new Structure(Cell.Empty, Pbc.None, [18, 14], [Vec3.Zero, new Vec3(3, 0, 0)]);

        var compute = () => Argon.Compute(structure, new Evaluation());

        compute.Should().Throw<PotentialException>().WithMessage("*does not describe Si (atom 2)*Ar*");
    }

    [Fact]
    public void Overlapping_atoms_are_refused()
    {
        var structure = new Structure(Cell.Orthorhombic(10, 10, 10), Pbc.All, [18, 18], [Vec3.Zero, new Vec3(1e-9, 0, 0)]);

        var compute = () => Argon.Compute(structure, new Evaluation());

        compute.Should().Throw<PotentialException>().WithMessage("Atoms 1 and 2 overlap*");
    }

    [Fact]
    public void Non_finite_positions_are_refused()
    {
        var structure = new Structure(Cell.Orthorhombic(10, 10, 10), Pbc.All, [18, 18], [Vec3.Zero, new Vec3(double.NaN, 0, 0)]);

        var compute = () => Argon.Compute(structure, new Evaluation());

        compute.Should().Throw<PotentialException>().WithMessage("Atom 2 has a non-finite position*");
    }
}
