using System.Text;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Eam;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials;

public sealed class EmbeddedAtomTests
{
    private const string Potentials = "/usr/share/lammps/potentials/";

    private static readonly Lazy<EmbeddedAtom> Aluminium = new(() => EmbeddedAtom.FromFile(Potentials + "Al_zhou.eam.alloy", ["Al"]));
    private static readonly Lazy<EmbeddedAtom> CopperNickel = new(() => EmbeddedAtom.FromFile(Potentials + "CuNi.eam.alloy", ["Cu", "Ni"]));
    private static readonly Lazy<EmbeddedAtom> AluminiumIron = new(() => EmbeddedAtom.FromFile(Potentials + "AlFe_mm.eam.fs", ["Al", "Fe"]));

    [Fact]
    public void A_setfl_file_is_read_with_its_grid_elements_and_tables()
    {
        var file = EamFile.Read(Potentials + "CuNi.eam.alloy");

        file.Format.Should().Be(EamFileFormat.Setfl);
        file.Comments.Should().HaveCount(3);
        file.Elements.Select(e => e.Name).Should().Equal("Ni", "Cu");
        file.Elements[0].Should().Be(new EamElement("Ni", 28, 58.689, 3.52, "FCC"));
        file.DensityPoints.Should().Be(500);
        file.DistancePoints.Should().Be(500);
        file.DensitySpacing.Should().Be(0.5957203073046090E-02);
        file.DistanceSpacing.Should().Be(0.1281429334268537E-01);
        file.Cutoff.Should().Be(0.6394332378000000E+01);
        file.Embedding(1).Length.Should().Be(500);
        file.ScaledPair(0, 1).ToArray().Should().Equal(file.ScaledPair(1, 0).ToArray());
        // setfl: the density an atom receives depends on its neighbour only.
        file.Density(0, 1).ToArray().Should().Equal(file.Density(1, 1).ToArray());
    }

    [Fact]
    public void A_finnis_sinclair_file_has_a_density_function_per_pair_of_elements()
    {
        var file = EamFile.Read(Potentials + "AlFe_mm.eam.fs");

        file.Format.Should().Be(EamFileFormat.FinnisSinclair);
        file.Elements.Select(e => e.AtomicNumber).Should().Equal(13, 26);
        file.DistancePoints.Should().Be(10000);
        file.Density(0, 0).ToArray().Should().NotEqual(file.Density(1, 0).ToArray());
        file.Density(1, 1).ToArray().Should().NotEqual(file.Density(0, 1).ToArray());
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_rattled_fcc_aluminium()
    {
        var random = new Random(3);
        var structure = RandomStructures.Rattled(random, Crystals.FccCubic(13, 4.05, 2), 0.1);

        PotentialChecks.ForcesAreMinusEnergyGradient(Aluminium.Value, structure);
        PotentialChecks.StressIsStrainDerivative(Aluminium.Value, structure);
        PotentialChecks.ThreadsAgree(Aluminium.Value, structure);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_a_random_copper_nickel_alloy()
    {
        var random = new Random(5);
        var cell = RandomStructures.TriclinicCell(random, 7, 9, 60);
        var structure = RandomStructures.Rattled(random, RandomStructures.Spread(random, cell, (int)(cell.Volume / 16), [28, 29], 2.1), 0.05);

        PotentialChecks.ForcesAreMinusEnergyGradient(CopperNickel.Value, structure);
        PotentialChecks.StressIsStrainDerivative(CopperNickel.Value, structure);
        PotentialChecks.ThreadsAgree(CopperNickel.Value, structure);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_with_finnis_sinclair_densities()
    {
        var random = new Random(7);
        var cell = RandomStructures.TriclinicCell(random, 6, 8, 60);
        var structure = RandomStructures.Rattled(random, RandomStructures.Spread(random, cell, (int)(cell.Volume / 15), [13, 26], 2.1), 0.05);

        PotentialChecks.ForcesAreMinusEnergyGradient(AluminiumIron.Value, structure);
        PotentialChecks.StressIsStrainDerivative(AluminiumIron.Value, structure);
        PotentialChecks.ThreadsAgree(AluminiumIron.Value, structure);
    }

    [Fact]
    public void Aluminium_is_in_equilibrium_where_lammps_relaxes_it_with_its_cohesive_energy()
    {
        // LAMMPS (box/relax of the 4-atom cell, eam/alloy, Al_zhou.eam.alloy) finds a = 4.081655 Å and −3.5799987 eV/atom:
        // Zhou's cohesive energy of 3.58 eV. The header's 4.041 Å is not this potential's minimum (LAMMPS: +3.07 GPa there).
        double low = 4.0, high = 4.2;
        while (high - low > 1e-9)
        {
            var middle = 0.5 * (low + high);
            if (Pressure(middle) > 0)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        var evaluation = new Evaluation();
        Aluminium.Value.Compute(Crystals.FccPrimitive(13, low), evaluation);

        low.Should().BeApproximately(4.081655, 2e-6);
        evaluation.Energy.Should().BeApproximately(-3.5799987, 1e-7);
        evaluation.Forces[0].Length.Should().BeLessThan(1e-10);
        Pressure(4.041).Should().BeApproximately(30672.213105 * Units.Bar, 1e-6);
    }

    private static double Pressure(double latticeConstant)
    {
        var structure = Crystals.FccPrimitive(13, latticeConstant);
        var evaluation = new Evaluation();
        Aluminium.Value.Compute(structure, evaluation);
        return -evaluation.Stress(structure)!.Value.Trace / 3;
    }

    [Fact]
    public void The_element_order_and_unused_elements_of_the_file_do_not_change_the_result()
    {
        var random = new Random(11);
        var alloy = RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 7, 9, 60), 20, [28, 29], 2.2);
        var copper = RandomStructures.Rattled(random, Crystals.FccCubic(29, 3.6, 2), 0.1);
        var reversed = EmbeddedAtom.FromFile(Potentials + "CuNi.eam.alloy", ["Ni", "Cu"]);
        var copperOnly = EmbeddedAtom.FromFile(Potentials + "CuNi.eam.alloy", ["Cu"]);

        Energy(reversed, alloy).Should().BeApproximately(Energy(CopperNickel.Value, alloy), 1e-10);
        Energy(copperOnly, copper).Should().BeApproximately(Energy(CopperNickel.Value, copper), 1e-10);
        var compute = () => copperOnly.Compute(alloy, new Evaluation());
        compute.Should().Throw<PotentialException>().WithMessage("*does not describe Ni*");
    }

    [Fact]
    public void Repeated_evaluations_reuse_the_work_space_and_agree()
    {
        var random = new Random(13);
        var structure = RandomStructures.Rattled(random, Crystals.FccCubic(13, 4.05, 2), 0.1);
        var evaluation = new Evaluation(threads: 2);

        Aluminium.Value.Compute(structure, evaluation);
        var first = evaluation.Energy;
        var forces = (Vec3[])evaluation.Forces.Clone();
        Aluminium.Value.Compute(RandomStructures.Rattled(random, structure, 0.1), evaluation);
        Aluminium.Value.Compute(structure, evaluation);

        evaluation.Energy.Should().Be(first);
        evaluation.Forces.Should().Equal(forces);
        evaluation.AtomEnergies.Sum().Should().BeApproximately(first, 1e-9);
    }

    [Fact]
    public void An_element_missing_from_the_file_is_reported_at_its_element_line()
    {
        var build = () => EmbeddedAtom.FromFile(Potentials + "CuNi.eam.alloy", ["Cu", "Al"]);

        build.Should().Throw<StructureFormatException>().WithMessage(Potentials + "CuNi.eam.alloy:4: element 'Al' is not in the file, which has Ni, Cu");
    }

    [Fact]
    public void A_truncated_table_is_reported_at_the_end_of_the_file()
    {
        var lines = SmallSetfl().Split('\n');
        var truncated = string.Join('\n', lines[..^1]);

        var read = () => EamFile.Read(new StringReader(truncated), "small.eam.alloy", EamFileFormat.Setfl);

        read.Should().Throw<StructureFormatException>()
            .WithMessage($"small.eam.alloy:{lines.Length}: the file ends after 5 of the 6 values of r·φ(r) of B-B");
    }

    [Fact]
    public void A_table_that_is_too_short_runs_into_the_next_element_line_and_says_where()
    {
        var text = SmallSetfl().Replace("0.1 0.2 0.3 0.4 0.5 0.6\n", "0.1 0.2 0.3 0.4 0.5\n", StringComparison.Ordinal);

        var read = () => EamFile.Read(new StringReader(text), "small.eam.alloy", EamFileFormat.Setfl);

        read.Should().Throw<StructureFormatException>().WithMessage("small.eam.alloy:9: unexpected extra value '63.55' after the end of a table (is Nrho or Nr wrong?)");
    }

    [Fact]
    public void A_non_numeric_value_is_reported_at_its_line()
    {
        var text = SmallSetfl().Replace("-0.7", "-0.7x", StringComparison.Ordinal);

        var read = () => EamFile.Read(new StringReader(text), "small.eam.alloy", EamFileFormat.Setfl);

        read.Should().Throw<StructureFormatException>().WithMessage("small.eam.alloy:13: value 2 of the 6 values of r·φ(r) of A-A: '-0.7x' is not a finite number");
    }

    [Theory]
    [InlineData("2 A", 4, "2 elements announced but 1 names given")]
    [InlineData("6 0.1 6 0.5 2.5 9", 5, "the grid line has 5 values (Nrho drho Nr dr cutoff); found an extra '9'")]
    [InlineData("6 0.1 six 0.5 2.5", 5, "Nr: 'six' is not an integer")]
    [InlineData("6 0.1 6 -0.5 2.5", 5, "dr must be positive and finite, not -0.5")]
    [InlineData("1.0 1.1 1.2 1.3 1.4 1.5 1.6", 8, "unexpected extra value '1.6' after the end of a table (is Nrho or Nr wrong?)")]
    public void Malformed_header_lines_and_counts_name_the_line(string replacement, int line, string detail)
    {
        var lines = SmallSetfl().Split('\n');
        lines[line - 1] = replacement;

        var read = () => EamFile.Read(new StringReader(string.Join('\n', lines)), "small.eam.alloy", EamFileFormat.Setfl);

        read.Should().Throw<StructureFormatException>().WithMessage($"small.eam.alloy:{line}: {detail}").Which.Line.Should().Be(line);
    }

    [Fact]
    public void Values_after_the_last_table_are_refused()
    {
        var read = () => EamFile.Read(new StringReader(SmallSetfl() + "\n\n7.5\n"), "small.eam.alloy", EamFileFormat.Setfl);

        read.Should().Throw<StructureFormatException>().WithMessage("small.eam.alloy:31: unexpected extra value '7.5' after the last pair table*");
    }

    [Fact]
    public void Numbers_may_be_spread_over_lines_in_any_layout()
    {
        var tidy = EamFile.Read(new StringReader(SmallSetfl()), "small.eam.alloy", EamFileFormat.Setfl);
        var lines = SmallSetfl().Split('\n');
        var pairsOnOneLine = string.Join(' ', lines[11..]);
        var ragged = EamFile.Read(new StringReader(string.Join('\n', lines[..11]) + "\n" + pairsOnOneLine), "ragged.eam.alloy", EamFileFormat.Setfl);

        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                ragged.ScaledPair(i, j).ToArray().Should().Equal(tidy.ScaledPair(i, j).ToArray());
            }
        }
    }

    private static double Energy(IPotential potential, Structure structure)
    {
        var evaluation = new Evaluation();
        potential.Compute(structure, evaluation);
        return evaluation.Energy;
    }

    // Two elements, A (not a symbol: its atomic number comes from the file) and B (boron by name), six points per table.
    private static string SmallSetfl()
    {
        var text = new StringBuilder();
        text.Append("comment 1\ncomment 2\ncomment 3\n");
        text.Append("2 A B\n");
        text.Append("6 0.1 6 0.5 2.5\n");
        text.Append("13 26.98 4.05 FCC\n");
        text.Append("0.0 -0.1 -0.2 -0.3 -0.4 -0.5\n");
        text.Append("0.1 0.2 0.3 0.4 0.5 0.6\n");
        text.Append("29 63.55 3.61 FCC\n");
        text.Append("0.0 -0.2 -0.4 -0.6 -0.8 -1.0\n");
        text.Append("0.6 0.5 0.4 0.3 0.2 0.1\n");
        foreach (var pair in new[] { "1.0 -0.7 -0.5 -0.3 -0.1 0.0", "2.0 -0.6 -0.4 -0.2 -0.1 0.0", "3.0 -0.5 -0.3 -0.2 -0.1 0.0" })
        {
            text.Append(pair.Replace(" ", "\n", StringComparison.Ordinal)).Append('\n');
        }

        // Without a final newline, so that appending text continues the last line.
        return text.ToString(0, text.Length - 1);
    }
}
