using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

public sealed class MomentTensorPotentialTests
{
    private static Structure RandomCell(Random random, int atoms, int[] species, double minSeparation = 2.0) =>
        RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6.5, 8, 60), atoms, species, minSeparation);

    private static Evaluation Evaluate(IPotential potential, Structure structure, int threads = 1)
    {
        var evaluation = new Evaluation(threads);
        potential.Compute(structure, evaluation);
        return evaluation;
    }

    // The Chebyshev radial basis written out for three polynomials: f(r) = s·(R − r)²·(c₀ + c₁ξ + c₂(2ξ² − 1)).
    private static double RadialByHand(double r, double[] c, double minDist, double maxDist, double scaling)
    {
        var xi = ((2 * r) - minDist - maxDist) / (maxDist - minDist);
        return scaling * (maxDist - r) * (maxDist - r) * (c[0] + (c[1] * xi) + (c[2] * ((2 * xi * xi) - 1)));
    }

    private static MtpModel Dimer(int[][] basic, int[][] times, int[] mapping, int moments, double[] theta) => new()
    {
        SpeciesCount = 1,
        Scaling = 0.5,
        HasScaling = true,
        MinDist = 1.5,
        MaxDist = 4.5,
        RadialBasisSize = 3,
        RadialFuncsCount = 1,
        RadialCoeffs = [0.3, -0.7, 0.4],
        AlphaMomentsCount = moments,
        AlphaIndexBasic = basic,
        AlphaIndexTimes = times,
        AlphaMomentMapping = mapping,
        SpeciesCoeffs = [-1.25],
        MomentCoeffs = theta,
    };

    private static Structure Molecule(params Vec3[] positions) =>
        new(Cell.Orthorhombic(30, 30, 30), Pbc.None, [.. positions.Select(_ => 14)], positions);

    [Fact]
    public void A_dimer_has_the_energy_of_the_radial_function_written_out_by_hand()
    {
        // B₀ = f(r), B₁ = |Σ f·r̂|² = f², B₂ = Σ f·x̂² = f·(x/r)²: site energy ξ + θ·B for each of the two atoms.
        var model = Dimer(
            basic: [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 2, 0, 0]],
            times: [[1, 1, 1, 5], [2, 2, 1, 5], [3, 3, 1, 5]],
            mapping: [0, 5, 4],
            moments: 6,
            theta: [0.8, -0.3, 1.7]);
        var potential = new MomentTensorPotential(model, [14]);
        var separation = new Vec3(1.1, -2.0, 1.3);
        var r = separation.Length;
        var f = RadialByHand(r, [0.3, -0.7, 0.4], 1.5, 4.5, 0.5);
        var site = -1.25 + (0.8 * f) + (-0.3 * f * f) + (1.7 * f * (separation.X / r) * (separation.X / r));

        var evaluation = Evaluate(potential, Molecule(Vec3.Zero, separation));

        evaluation.Energy.Should().BeApproximately(2 * site, 1e-12);
        evaluation.AtomEnergies.Should().AllSatisfy(e => e.Should().BeApproximately(site, 1e-12));
        PotentialChecks.ForcesAreMinusEnergyGradient(potential, Molecule(Vec3.Zero, separation));

        // Beyond max_dist the atoms do not see each other.
        Evaluate(potential, Molecule(Vec3.Zero, new Vec3(4.6, 0, 0))).Energy.Should().Be(2 * -1.25);
    }

    [Fact]
    public void Radial_coefficients_belong_to_the_ordered_pair_centre_then_neighbour()
    {
        // Two species, only the pair (centre 1, neighbour 0) has a non-zero radial function: only the type-1 atom feels it.
        var model = MtpTemplates.Small(new Random(1), 2);
        Array.Clear(model.RadialCoeffs!);
        var size = model.RadialBasisSize;
        var functions = model.RadialFuncsCount;
        model.RadialCoeffs![((1 * 2) + 0) * functions * size] = 1.0;
        model.SpeciesCoeffs = [0, 0];
        model.MomentCoeffs = [1, 0, 0, 0, 0];
        var potential = new MomentTensorPotential(model, [14, 8]);
        var structure = new Structure(Cell.Orthorhombic(30, 30, 30), Pbc.None, [14, 8], [Vec3.Zero, new Vec3(2.5, 0, 0)]);

        var evaluation = Evaluate(potential, structure);

        evaluation.AtomEnergies[0].Should().Be(0);
        evaluation.AtomEnergies[1].Should().BeApproximately(RadialByHand(2.5, [1, 0, 0], 1.8, 5.0, 1.0), 1e-12);
    }

    [Theory]
    [InlineData(1, false, 3)]
    [InlineData(2, false, 4)]
    [InlineData(1, true, 5)]
    [InlineData(2, true, 6)]
    public void Forces_and_stress_are_derivatives_of_the_energy(int species, bool rich, int seed)
    {
        var random = new Random(seed);
        var model = rich ? MtpTemplates.Rich(random, species) : MtpTemplates.Small(random, species);
        var potential = new MomentTensorPotential(model, species == 1 ? [14] : [14, 8]);
        var structure = RandomCell(random, 12, species == 1 ? [14] : [14, 8]);

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Energy_is_invariant_and_forces_covariant_under_rotation_and_translation()
    {
        var random = new Random(7);
        var potential = new MomentTensorPotential(MtpTemplates.Rich(random, 2), [14, 8]);
        var structure = RandomCell(random, 14, [14, 8]);
        var before = Evaluate(potential, structure);
        var rotation = RandomStructures.RandomRotation(random);
        var shift = new Vec3(0.37, -1.9, 4.2);
        var moved = new Structure(
            new Cell(structure.Cell.Matrix * rotation.Transpose()),
            Pbc.All,
            structure.AtomicNumbers.ToArray(),
            [.. structure.Positions.Select(p => (rotation * p) + shift)]);

        var after = Evaluate(potential, moved);

        after.Energy.Should().BeApproximately(before.Energy, 1e-10 * Math.Abs(before.Energy));
        for (var i = 0; i < structure.Count; i++)
        {
            after.AtomEnergies[i].Should().BeApproximately(before.AtomEnergies[i], 1e-9);
            (after.Forces[i] - (rotation * before.Forces[i])).Length.Should().BeLessThan(1e-9);
        }

        // A rotation changes the per-atom energies of a template that is not invariant: the test would notice a wrong table.
        before.Energy.Should().NotBe(0);
    }

    [Fact]
    public void Permuting_atoms_of_one_species_permutes_forces_and_site_energies()
    {
        var random = new Random(8);
        var potential = new MomentTensorPotential(MtpTemplates.Rich(random, 2), [14, 8]);
        var structure = RandomCell(random, 12, [14, 8]);
        var order = Enumerable.Range(0, structure.Count).OrderBy(_ => random.Next()).ToArray();
        var permuted = new Structure(
            structure.Cell, Pbc.All, [.. order.Select(i => structure.AtomicNumbers[i])], [.. order.Select(i => structure.Positions[i])]);

        var before = Evaluate(potential, structure);
        var after = Evaluate(potential, permuted);

        after.Energy.Should().BeApproximately(before.Energy, 1e-10 * Math.Abs(before.Energy));
        for (var k = 0; k < order.Length; k++)
        {
            after.AtomEnergies[k].Should().BeApproximately(before.AtomEnergies[order[k]], 1e-10);
            (after.Forces[k] - before.Forces[order[k]]).Length.Should().BeLessThan(1e-10);
        }
    }

    [Fact]
    public void A_supercell_has_the_same_site_energies_and_forces_as_the_cell()
    {
        var random = new Random(9);
        var potential = new MomentTensorPotential(MtpTemplates.Rich(random, 2), [14, 8]);
        var cell = RandomCell(random, 10, [14, 8]);
        var supercell = Zincblende.Repeated(cell, 2, 1, 2);

        var small = Evaluate(potential, cell);
        var large = Evaluate(potential, supercell);

        large.Energy.Should().BeApproximately(4 * small.Energy, 1e-10 * Math.Abs(large.Energy));
        for (var i = 0; i < supercell.Count; i++)
        {
            large.AtomEnergies[i].Should().BeApproximately(small.AtomEnergies[i % cell.Count], 1e-10);
            (large.Forces[i] - small.Forces[i % cell.Count]).Length.Should().BeLessThan(1e-9);
        }

        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                large.Stress(supercell)!.Value[a, b].Should().BeApproximately(small.Stress(cell)!.Value[a, b], 1e-10);
            }
        }
    }

    [Fact]
    public void One_thread_and_four_agree()
    {
        var random = new Random(10);
        var potential = new MomentTensorPotential(MtpTemplates.Rich(random, 2), [14, 8]);
        var structure = RandomStructures.Spread(random, Cell.Orthorhombic(13, 13, 13), 160, [14, 8], 2.0);

        PotentialChecks.ThreadsAgree(potential, structure);
        // The work arrays are reused: a second evaluation in the same workspace gives the same numbers.
        var evaluation = new Evaluation(threads: 4);
        potential.Compute(structure, evaluation);
        var first = evaluation.Energy;
        potential.Compute(RandomStructures.Rattled(random, structure, 0.05), evaluation);
        potential.Compute(structure, evaluation);
        evaluation.Energy.Should().Be(first);
    }

    [Theory]
    [InlineData(1, false, 11)]
    [InlineData(2, true, 12)]
    [InlineData(2, false, 13)]
    public void Rows_times_parameters_reproduce_energy_site_energies_forces_and_virial(int species, bool rich, int seed)
    {
        var random = new Random(seed);
        var model = rich ? MtpTemplates.Rich(random, species) : MtpTemplates.Small(random, species);
        var potential = new MomentTensorPotential(model, species == 1 ? [14] : [14, 8]);
        var structure = RandomCell(random, 13, species == 1 ? [14] : [14, 8]);
        var rows = new LinearRows();

        potential.ComputeRows(structure, rows);
        var evaluation = Evaluate(potential, structure);

        var parameters = potential.Parameters.ToArray();
        parameters.Should().HaveCount(species + model.ScalarMomentsCount);
        rows.ParameterCount.Should().Be(parameters.Length);
        rows.HasForces.Should().BeTrue();
        Close(Dot(rows.Energy, parameters), evaluation.Energy, "energy");
        for (var i = 0; i < structure.Count; i++)
        {
            Close(Dot(rows.AtomEnergy(i), parameters), evaluation.AtomEnergies[i], $"energy of atom {i}");
            for (var axis = 0; axis < 3; axis++)
            {
                Close(Dot(rows.Force(i, axis), parameters), evaluation.Forces[i][axis], $"force {i},{axis}");
                rows.Force(i, axis)[..species].ToArray().Should().AllSatisfy(v => v.Should().Be(0));
            }
        }

        var w = evaluation.Virial;
        double[] voigt = [w.XX, w.YY, w.ZZ, w.YZ, w.XZ, w.XY];
        double[] transposed = [w.XX, w.YY, w.ZZ, w.ZY, w.ZX, w.YX];
        for (var v = 0; v < 6; v++)
        {
            Close(Dot(rows.VirialRow(v), parameters), voigt[v], $"virial {v}");
            Close(Dot(rows.VirialRow(v), parameters), transposed[v], $"virial {v} (transposed)");
        }

        // The ξ slots count the atoms of each type.
        for (var t = 0; t < species; t++)
        {
            rows.Energy[t].Should().Be(structure.AtomicNumbers.ToArray().Count(z => z == potential.Species[t]));
        }

        static void Close(double actual, double expected, string what) =>
            actual.Should().BeApproximately(expected, 1e-10 * Math.Max(1, Math.Abs(expected)), what);
    }

    [Fact]
    public void Rows_without_forces_have_only_energies()
    {
        var random = new Random(14);
        var potential = new MomentTensorPotential(MtpTemplates.Small(random, 1), [14]);
        var structure = RandomCell(random, 8, [14]);
        var rows = new LinearRows();

        potential.ComputeRows(structure, rows, withForces: false);

        rows.HasForces.Should().BeFalse();
        Dot(rows.Energy, [.. potential.Parameters]).Should().BeApproximately(Evaluate(potential, structure).Energy, 1e-9);
    }

    [Fact]
    public void With_parameters_changes_only_the_linear_coefficients()
    {
        var random = new Random(15);
        var potential = new MomentTensorPotential(MtpTemplates.Rich(random, 2), [14, 8]);
        var structure = RandomCell(random, 12, [14, 8]);
        var rows = new LinearRows();
        potential.ComputeRows(structure, rows);
        var other = Enumerable.Range(0, potential.ParameterCount).Select(_ => random.NextDouble() - 0.5).ToArray();

        var changed = potential.WithParameters(other);

        changed.Parameters.Should().Equal(other);
        potential.Parameters.Should().NotEqual(other);
        changed.Cutoff.Should().Be(potential.Cutoff);
        var evaluation = Evaluate(changed, structure);
        evaluation.Energy.Should().BeApproximately(Dot(rows.Energy, other), 1e-10 * Math.Max(1, Math.Abs(evaluation.Energy)));
        evaluation.Forces[3].X.Should().BeApproximately(Dot(rows.Force(3, 0), other), 1e-10 * Math.Max(1, Math.Abs(evaluation.Forces[3].X)));
        FluentActions.Invoking(() => potential.WithParameters(other.AsSpan(1))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Atoms_closer_than_min_dist_give_finite_consistent_results()
    {
        // min_dist 2.2 Å, atoms 1.0 Å apart: the Chebyshev formula is used outside its interval.
        var random = new Random(16);
        var potential = new MomentTensorPotential(MtpTemplates.Rich(random, 1, minDist: 2.2), [14]);
        var structure = Molecule(Vec3.Zero, new Vec3(1.0, 0.1, 0), new Vec3(0.2, 2.4, 0.3), new Vec3(-1.6, 0.5, 1.9));

        var evaluation = Evaluate(potential, structure);

        double.IsFinite(evaluation.Energy).Should().BeTrue();
        evaluation.Forces.Should().AllSatisfy(f => double.IsFinite(f.Length).Should().BeTrue());
        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        var rows = new LinearRows();
        potential.ComputeRows(structure, rows);
        Dot(rows.Energy, [.. potential.Parameters]).Should().BeApproximately(evaluation.Energy, 1e-9 * Math.Max(1, Math.Abs(evaluation.Energy)));
    }

    [Fact]
    public void Elements_the_potential_does_not_describe_and_overlapping_atoms_are_rejected()
    {
        var potential = new MomentTensorPotential(MtpTemplates.Small(new Random(17), 1), [14]);
        var carbon = new Structure(Cell.Orthorhombic(30, 30, 30), Pbc.None, [14, 6], [Vec3.Zero, new Vec3(2, 0, 0)]);
        var overlapping = Molecule(Vec3.Zero, new Vec3(0.05, 0, 0));

        FluentActions.Invoking(() => Evaluate(potential, carbon)).Should().Throw<PotentialException>().WithMessage("*C*atom 2*");
        FluentActions.Invoking(() => potential.ComputeRows(carbon, new LinearRows())).Should().Throw<PotentialException>();
        FluentActions.Invoking(() => Evaluate(potential, overlapping)).Should().Throw<PotentialException>().WithMessage("*overlap*");
        var nan = Molecule(Vec3.Zero, new Vec3(double.NaN, 0, 0));
        FluentActions.Invoking(() => Evaluate(potential, nan)).Should().Throw<PotentialException>();
    }

    [Fact]
    public void The_constructor_rejects_untrained_mismatched_and_out_of_order_models()
    {
        var model = MtpTemplates.Small(new Random(18), 2);

        FluentActions.Invoking(() => new MomentTensorPotential(MtpTemplates.Untrained(model), [14, 8]))
            .Should().Throw<ArgumentException>().WithMessage("*untrained*");
        FluentActions.Invoking(() => new MomentTensorPotential(model, [14]))
            .Should().Throw<ArgumentException>().WithMessage("*2 species*");
        var early = model.Clone();
        // Moment 7 = M₀·moment 5 is moved before the product that makes moment 5.
        early.AlphaIndexTimes = [[0, 5, 1, 7], [0, 0, 1, 5], [1, 1, 1, 6], [2, 2, 1, 6], [3, 3, 1, 6]];
        FluentActions.Invoking(() => new MomentTensorPotential(early, [14, 8]))
            .Should().Throw<ArgumentException>().WithMessage("*not complete*");
        var broken = model.Clone();
        broken.AlphaMomentMapping = [0, 99];
        FluentActions.Invoking(() => new MomentTensorPotential(broken, [14, 8])).Should().Throw<ArgumentException>();

        var potential = new MomentTensorPotential(model, [14, 8]);
        potential.Cutoff.Should().Be(5.0);
        potential.Species.Should().Equal(14, 8);
        potential.Name.Should().Be("mtp(Si, O)");
        potential.ParameterCount.Should().Be(7);
        potential.Parameters.Should().Equal([.. model.SpeciesCoeffs!, .. model.MomentCoeffs!]);
    }

    private static double Dot(ReadOnlySpan<double> row, ReadOnlySpan<double> parameters)
    {
        var sum = 0.0;
        for (var p = 0; p < row.Length; p++)
        {
            sum += row[p] * parameters[p];
        }

        return sum;
    }
}
