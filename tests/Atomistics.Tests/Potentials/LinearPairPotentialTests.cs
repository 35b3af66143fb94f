using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Tests.Fitting;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials;

public sealed class LinearPairPotentialTests
{
    [Fact]
    public void A_dimer_has_the_two_constants_plus_the_Chebyshev_pair_energy()
    {
        var potential = FitData.SiliconCarbon(new Random(1), basisSize: 5);
        var dimer = new Structure(Cell.Empty, Pbc.None, [FitData.Silicon, FitData.Carbon], [Vec3.Zero, new Vec3(0.3, 1.6, 2.0)]);
        var distance = dimer.Positions[1].Length;
        var x = ((2 * distance) - 1.5 - 4.5) / 3.0;
        var phi = 0.0;
        for (var k = 0; k < 5; k++)
        {
            phi += potential.Parameters[potential.PairIndex(FitData.Carbon, FitData.Silicon, k)] * Math.Cos(k * Math.Acos(x)) * Math.Pow(4.5 - distance, 2);
        }

        var evaluation = new Evaluation(threads: 1);
        potential.Compute(dimer, evaluation);

        var expected = potential.Parameters[potential.ConstantIndex(FitData.Silicon)] + potential.Parameters[potential.ConstantIndex(FitData.Carbon)] + phi;
        evaluation.Energy.Should().BeApproximately(expected, 1e-12);
        evaluation.AtomEnergies[0].Should().BeApproximately(potential.Parameters[0] + (0.5 * phi), 1e-12);
    }

    [Fact]
    public void Nothing_acts_beyond_the_cutoff()
    {
        var potential = FitData.SiliconCarbon(new Random(2));
        var dimer = new Structure(Cell.Empty, Pbc.None, [FitData.Silicon, FitData.Silicon], [Vec3.Zero, new Vec3(4.5001, 0, 0)]);
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(dimer, evaluation);

        evaluation.Energy.Should().Be(2 * potential.Parameters[0]);
        evaluation.Forces[0].Should().Be(Vec3.Zero);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Rows_times_parameters_give_energy_per_atom_energies_forces_and_virial(int seed)
    {
        var random = new Random(seed);
        var potential = FitData.SiliconCarbon(random);
        var structure = FitData.RandomSiliconCarbon(random, atoms: 10);
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        var rows = new LinearRows();
        potential.ComputeRows(structure, rows);
        var c = potential.Parameters.ToArray();

        rows.HasForces.Should().BeTrue();
        Dot(rows.Energy, c).Should().BeApproximately(evaluation.Energy, 1e-10);
        for (var i = 0; i < structure.Count; i++)
        {
            Dot(rows.AtomEnergy(i), c).Should().BeApproximately(evaluation.AtomEnergies[i], 1e-11);
            for (var axis = 0; axis < 3; axis++)
            {
                Dot(rows.Force(i, axis), c).Should().BeApproximately(evaluation.Forces[i][axis], 1e-11);
            }
        }

        var virial = evaluation.Virial;
        double[] voigt = [virial.XX, virial.YY, virial.ZZ, virial.YZ, virial.XZ, virial.XY];
        for (var v = 0; v < 6; v++)
        {
            Dot(rows.VirialRow(v), c).Should().BeApproximately(voigt[v], 1e-10);
        }

        var energyOnly = new LinearRows();
        potential.ComputeRows(structure, energyOnly, withForces: false);
        energyOnly.HasForces.Should().BeFalse();
        energyOnly.Energy.Should().Equal(rows.Energy);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_and_threads_agree()
    {
        var random = new Random(5);
        var potential = FitData.SiliconCarbon(random);
        var structure = FitData.RandomSiliconCarbon(random, atoms: 8);

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
        var large = RandomStructures.Spread(random, Cell.Orthorhombic(16, 16, 16), 96, [FitData.Silicon, FitData.Carbon], 2.0);
        PotentialChecks.ThreadsAgree(potential, large);
    }

    [Fact]
    public void Parameter_layout_and_misuse()
    {
        var potential = new LinearPairPotential([FitData.Silicon, FitData.Carbon], 1.5, 4.5, 4);

        potential.ParameterCount.Should().Be(2 + (3 * 4));
        potential.Parameters.Should().OnlyContain(p => p == 0);
        potential.PairIndex(FitData.Silicon, FitData.Silicon, 0).Should().Be(2);
        potential.PairIndex(FitData.Carbon, FitData.Silicon, 1).Should().Be(potential.PairIndex(FitData.Silicon, FitData.Carbon, 1)).And.Be(7);
        potential.PairIndex(FitData.Carbon, FitData.Carbon, 3).Should().Be(13);
        potential.Invoking(p => p.WithParameters(new double[3])).Should().Throw<ArgumentException>().WithMessage("*14*");
        potential.Invoking(p => p.PairIndex(8, 14, 0)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new LinearPairPotential([14], 5, 4, 4)).Should().Throw<ArgumentException>();
        var oxygen = new Structure(Cell.Empty, Pbc.None, [8], [Vec3.Zero]);
        potential.Invoking(p => p.ComputeRows(oxygen, new LinearRows())).Should().Throw<PotentialException>().WithMessage("*O*");
    }

    private static double Dot(ReadOnlySpan<double> row, double[] c)
    {
        var sum = 0.0;
        for (var p = 0; p < c.Length; p++)
        {
            sum += row[p] * c[p];
        }

        return sum;
    }
}
