using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Relaxation;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Relaxation;

public sealed class FireTests
{
    /// <summary>The 0 K lattice constant of LJ argon cut at 8.5 Å, by golden-section search on the energy alone.</summary>
    private static double EquilibriumLatticeConstant()
    {
        var evaluation = new Evaluation(1);
        double Energy(double a)
        {
            Crystals.Argon.Compute(Crystals.FccCubic(18, a, 1), evaluation);
            return evaluation.Energy;
        }

        double low = 5.1, high = 5.35;
        var ratio = (Math.Sqrt(5) - 1) / 2;
        while (high - low > 1e-9)
        {
            var left = high - (ratio * (high - low));
            var right = low + (ratio * (high - low));
            if (Energy(left) < Energy(right))
            {
                high = right;
            }
            else
            {
                low = left;
            }
        }

        return (low + high) / 2;
    }

    private static readonly Lazy<double> LatticeConstant = new(EquilibriumLatticeConstant);

    [Fact]
    public void The_reference_lattice_constant_is_where_lj_argon_should_be()
    {
        LatticeConstant.Value.Should().BeInRange(5.24, 5.30);
    }

    [Fact]
    public void Positions_relax_to_the_perfect_lattice()
    {
        var perfect = Crystals.FccCubic(18, LatticeConstant.Value, 3);
        var structure = RandomStructures.Rattled(new Random(3), perfect, 0.1);
        var evaluation = new Evaluation(1);
        Crystals.Argon.Compute(perfect, evaluation);

        var result = Fire.Relax(structure, Crystals.Argon, new FireOptions { MaxForce = 1e-3 });

        result.Converged.Should().BeTrue();
        result.MaxForce.Should().BeLessThan(1e-3);
        result.Steps.Should().BeGreaterThan(5);
        // Residual forces below 1e-3 eV/Å against a stiffness of about 0.2 eV/Å² per atom bound the errors.
        result.Energy.Should().BeApproximately(evaluation.Energy, 5e-4);
        structure.Cell.Should().Be(perfect.Cell, "the cell stays unless asked");
        structure.Calculated!.Energy.Should().Be(result.Energy);
        var drift = structure.Positions[0] - perfect.Positions[0];
        for (var i = 0; i < structure.Count; i++)
        {
            (structure.Positions[i] - perfect.Positions[i] - drift).Length.Should().BeLessThan(0.01, $"atom {i + 1}");
        }
    }

    [Fact]
    public void A_strained_cell_relaxes_back_to_the_equilibrium_lattice_constant()
    {
        var a0 = LatticeConstant.Value;
        var structure = Crystals.FccCubic(18, a0, 2);
        var strain = new Mat3(1.03, 0.01, 0, 0.01, 0.98, 0, 0, 0, 1.02);
        for (var i = 0; i < structure.Count; i++)
        {
            structure.Positions[i] = strain * structure.Positions[i];
        }

        structure.Cell = structure.Cell.Deform(strain);

        var result = Fire.Relax(structure, Crystals.Argon, new FireOptions
        {
            RelaxCell = true, MaxForce = 1e-5, MaxStressGPa = 1e-5, MaxSteps = 3000,
        });

        result.Converged.Should().BeTrue();
        result.MaxStressDeviationGPa.Should().BeLessThan(1e-5);
        var lengths = structure.Cell.Lengths;
        foreach (var length in new[] { lengths.X, lengths.Y, lengths.Z })
        {
            (length / 2).Should().BeApproximately(a0, 1e-4);
        }

        var angles = structure.Cell.AnglesDegrees;
        angles.X.Should().BeApproximately(90, 1e-3);
        angles.Y.Should().BeApproximately(90, 1e-3);
        angles.Z.Should().BeApproximately(90, 1e-3);
    }

    [Fact]
    public void A_target_pressure_compresses_the_cell_to_that_stress()
    {
        var structure = Crystals.FccCubic(18, LatticeConstant.Value, 2);
        var before = structure.Cell.Volume;

        var result = Fire.Relax(structure, Crystals.Argon, new FireOptions
        {
            RelaxCell = true, TargetPressureGPa = 1, MaxForce = 1e-4, MaxStressGPa = 1e-4, MaxSteps = 3000,
        });

        result.Converged.Should().BeTrue();
        structure.Cell.Volume.Should().BeLessThan(0.95 * before);
        var stress = result.Stress!.Value;
        var expected = -1 * Units.GPa;
        foreach (var (value, target) in new[] { (stress.XX, expected), (stress.YY, expected), (stress.ZZ, expected), (stress.XY, 0.0), (stress.XZ, 0.0), (stress.YZ, 0.0) })
        {
            value.Should().BeApproximately(target, 1e-4 * Units.GPa);
        }
    }

    [Fact]
    public void A_relaxation_that_runs_out_of_steps_reports_it_and_cancellation_throws()
    {
        var structure = RandomStructures.Rattled(new Random(5), Crystals.FccCubic(18, 5.26, 3), 0.1);

        var result = Fire.Relax(structure, Crystals.Argon, new FireOptions { MaxForce = 1e-6, MaxSteps = 3 });

        result.Converged.Should().BeFalse();
        result.Steps.Should().Be(3);
        result.MaxForce.Should().BeGreaterThan(1e-6);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        FluentActions.Invoking(() => Fire.Relax(structure, Crystals.Argon, new FireOptions(), cancellation.Token))
            .Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Cell_relaxation_needs_a_periodic_structure_and_options_are_checked()
    {
        var molecule = new Structure(Cell.Empty, Pbc.None, [18, 18], [Vec3.Zero, new Vec3(3.6, 0, 0)]);

        FluentActions.Invoking(() => Fire.Relax(molecule, Crystals.Argon, new FireOptions { RelaxCell = true }))
            .Should().Throw<ArgumentException>().WithMessage("*periodic*");
        FluentActions.Invoking(() => Fire.Relax(molecule, Crystals.Argon, new FireOptions { MaxForce = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*MaxForce*");

        var result = Fire.Relax(molecule, Crystals.Argon, new FireOptions { MaxForce = 1e-7 });
        result.Converged.Should().BeTrue();
        (molecule.Positions[1] - molecule.Positions[0]).Length.Should().BeApproximately(Math.Pow(2, 1.0 / 6) * 3.4, 1e-5);
    }
}
