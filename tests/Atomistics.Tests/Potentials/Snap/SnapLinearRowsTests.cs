using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.Atomistics.Tests.Fitting;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Snap;

public sealed class SnapLinearRowsTests
{
    [Theory]
    [InlineData("Si_Zuo_JPCA2020")]
    [InlineData("Mo_Zuo_JPCA2020.quadratic")]
    public void Rows_times_parameters_give_energy_site_energies_forces_and_virial(string name)
    {
        // The file's element stands in for Si, and a perturbed copy with another radius and weight for Ge.
        var single = SnapFile.Read($"/usr/share/lammps/potentials/{name}.snapcoeff", [name.StartsWith("Mo", StringComparison.Ordinal) ? 42 : 14]);
        var model = new SnapModel(single.Parameters, [single.Elements[0] with { AtomicNumber = 14 }, single.Elements[0] with { AtomicNumber = 32, Radius = 0.55, Weight = 0.7, Coefficients = [.. single.Elements[0].Coefficients.Select((c, n) => c * (1 + (0.01 * (n % 7))))] }]);
        var potential = new SnapPotential(model, name);
        var random = new Random(name.Length);
        var cell = RandomStructures.TriclinicCell(random, 5.5, 7, 60);
        var structure = RandomStructures.Spread(random, cell, 10, [14, 32], 2.2);
        RowsReproduceCompute(potential, structure);
    }

    [Fact]
    public void Rows_times_parameters_reproduce_the_zuo_model_on_rattled_diamond_silicon()
    {
        var potential = (SnapPotential)PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var structure = RandomStructures.Rattled(new Random(3), StillingerWeberTests.Diamond(5.431, 2), 0.15);

        potential.ParameterCount.Should().Be(1 + 55);
        RowsReproduceCompute(potential, structure);
    }

    [Fact]
    public void A_linear_snap_fitted_to_the_zuo_models_labels_recovers_its_coefficients()
    {
        var truth = (SnapPotential)PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var random = new Random(17);
        var data = new List<Structure>();
        for (var s = 0; s < 8; s++)
        {
            var cell = Zincblende.Strained(random, StillingerWeberTests.Diamond(5.431), 0.03);
            data.Add(FitData.Label(RandomStructures.Rattled(random, cell, 0.2), truth));
        }

        var start = truth.WithParameters(new double[truth.ParameterCount]);

        var fit = LinearFitter.Fit(start, data, new LinearFitOptions { Regularisation = 0, Threads = 1 });

        fit.Solution.Rank.Should().Be(truth.ParameterCount);
        var expected = truth.Parameters;
        var actual = fit.Potential.Parameters;
        for (var p = 0; p < expected.Count; p++)
        {
            actual[p].Should().BeApproximately(expected[p], 1e-5 * Math.Max(1, Math.Abs(expected[p])), $"coefficient {p}");
        }

        // And as a potential: a cell it was not fitted to gets the model's forces.
        var unseen = RandomStructures.Rattled(random, StillingerWeberTests.Diamond(5.431), 0.25);
        var want = new Evaluation(threads: 1);
        var got = new Evaluation(threads: 1);
        truth.Compute(unseen, want);
        fit.Potential.Compute(unseen, got);
        got.Energy.Should().BeApproximately(want.Energy, 1e-6);
        for (var i = 0; i < unseen.Count; i++)
        {
            (got.Forces[i] - want.Forces[i]).Length.Should().BeLessThan(1e-6);
        }

        // Written out and read back, the fitted model is the same potential.
        using var directory = new TempDirectory();
        var path = directory.File("fitted.snapcoeff");
        SnapFile.Write(path, ((SnapPotential)fit.Potential).Model);
        var reread = SnapPotential.FromFile(path, [14]);
        reread.Parameters.Should().Equal(fit.Potential.Parameters);
    }

    private static void RowsReproduceCompute(SnapPotential potential, Structure structure)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        var rows = new LinearRows();

        potential.ComputeRows(structure, rows);

        var theta = potential.Parameters.ToArray();
        theta.Should().HaveCount(potential.ParameterCount);
        Dot(rows.Energy, theta).Should().BeApproximately(evaluation.Energy, 1e-9 * Math.Abs(evaluation.Energy));
        for (var i = 0; i < structure.Count; i++)
        {
            Dot(rows.AtomEnergy(i), theta).Should().BeApproximately(evaluation.AtomEnergies[i], 1e-9);
            for (var axis = 0; axis < 3; axis++)
            {
                Dot(rows.Force(i, axis), theta).Should().BeApproximately(evaluation.Forces[i][axis], 1e-8);
            }
        }

        var virial = evaluation.Virial;
        double[] voigt = [virial.XX, virial.YY, virial.ZZ, virial.YZ, virial.XZ, virial.XY];
        for (var v = 0; v < 6; v++)
        {
            Dot(rows.VirialRow(v), theta).Should().BeApproximately(voigt[v], 1e-8);
        }

        // The forces are not all zero, so the comparison above can fail.
        evaluation.Forces.Max(f => f.Length).Should().BeGreaterThan(1e-3);
    }

    [Fact]
    public void With_parameters_gives_a_copy_with_other_coefficients()
    {
        var potential = (SnapPotential)PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var doubled = potential.Parameters.Select(p => 2 * p).ToArray();
        var structure = RandomStructures.Rattled(new Random(2), StillingerWeberTests.Diamond(5.431), 0.1);
        var one = new Evaluation(threads: 1);
        var two = new Evaluation(threads: 1);

        potential.Compute(structure, one);
        potential.WithParameters(doubled).Compute(structure, two);

        two.Energy.Should().BeApproximately(2 * one.Energy, 1e-9);
        var act = () => potential.WithParameters(doubled.AsSpan(1));
        act.Should().Throw<ArgumentException>().WithMessage("*56 parameters, not 55*");
    }

    private static double Dot(ReadOnlySpan<double> row, double[] theta)
    {
        var sum = 0.0;
        for (var p = 0; p < theta.Length; p++)
        {
            sum += row[p] * theta[p];
        }

        return sum;
    }
}
