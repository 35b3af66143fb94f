using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials;

public sealed class StillingerWeberTests
{
    private const string PotentialFolder = "/usr/share/lammps/potentials";

    private static readonly StillingerWeber Silicon = StillingerWeber.Silicon();

    // The pair minimum of φ₂ is at 2^(1/6)σ and the tetrahedral angle costs nothing, so diamond's nearest-neighbour
    // distance a√3/4 sits there at the minimum: a₀ = 4·2^(1/6)σ/√3 ≈ 5.43097 Å.
    private static readonly double MinimumLatticeConstant = 4 * Math.Pow(2, 1.0 / 6) * 2.0951 / Math.Sqrt(3);

    private static string GalliumNitrideFile => Path.Combine(PotentialFolder, "GaN.sw");

    private static string SiliconFile => Path.Combine(PotentialFolder, "Si.sw");

    /// <summary>The conventional 8-atom cubic cell of diamond, repeated <paramref name="repeat"/> times along each axis.</summary>
    internal static Structure Diamond(double a, int repeat = 1)
    {
        Vec3[] basis =
        [
            new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0),
            new(0.25, 0.25, 0.25), new(0.25, 0.75, 0.75), new(0.75, 0.25, 0.75), new(0.75, 0.75, 0.25),
        ];
        var positions = new List<Vec3>();
        for (var x = 0; x < repeat; x++)
        {
            for (var y = 0; y < repeat; y++)
            {
                for (var z = 0; z < repeat; z++)
                {
                    foreach (var site in basis)
                    {
                        positions.Add(a * (site + new Vec3(x, y, z)));
                    }
                }
            }
        }

        var side = a * repeat;
        return new Structure(Cell.Orthorhombic(side, side, side), Pbc.All, [.. positions.Select(_ => 14)], [.. positions]);
    }

    /// <summary>The 2-atom primitive cell of diamond (fcc vectors, sides a/√2, shorter than twice the cutoff).</summary>
    internal static Structure PrimitiveDiamond(double a) => new(
        new Cell(new Vec3(0, a / 2, a / 2), new Vec3(a / 2, 0, a / 2), new Vec3(a / 2, a / 2, 0)),
        Pbc.All,
        [14, 14],
        [Vec3.Zero, new Vec3(a / 4, a / 4, a / 4)]);

    [Fact]
    public void Diamond_silicon_has_the_cohesive_energy_of_two_bonds_of_minus_epsilon_per_atom()
    {
        foreach (var crystal in new[] { Diamond(5.431), PrimitiveDiamond(5.431) })
        {
            var evaluation = new Evaluation(threads: 1);
            Silicon.Compute(crystal, evaluation);

            (evaluation.Energy / crystal.Count).Should().BeApproximately(-4.3366, 1e-6, crystal.Formula);
            evaluation.AtomEnergies.Should().AllSatisfy(e => e.Should().BeApproximately(-4.3366, 1e-6));
            evaluation.Forces.Should().AllSatisfy(f => f.Length.Should().BeLessThan(1e-12));
        }
    }

    [Fact]
    public void Diamond_is_stress_free_at_the_lattice_constant_of_the_energy_minimum_and_resists_strain_either_way()
    {
        var evaluation = new Evaluation(threads: 1);
        Stress(MinimumLatticeConstant).Should().BeLessThan(1e-10);

        MinimumLatticeConstant.Should().BeApproximately(5.431, 1e-4);
        Silicon.Compute(Diamond(0.99 * MinimumLatticeConstant), evaluation);
        evaluation.Stress(Diamond(0.99 * MinimumLatticeConstant))!.Value.Trace.Should().BeNegative("compressed");
        Silicon.Compute(Diamond(1.01 * MinimumLatticeConstant), evaluation);
        evaluation.Stress(Diamond(1.01 * MinimumLatticeConstant))!.Value.Trace.Should().BePositive("stretched");

        double Stress(double a)
        {
            var crystal = Diamond(a);
            Silicon.Compute(crystal, evaluation);
            var stress = evaluation.Stress(crystal)!.Value;
            var largest = 0.0;
            for (var row = 0; row < 3; row++)
            {
                for (var column = 0; column < 3; column++)
                {
                    largest = Math.Max(largest, Math.Abs(stress[row, column]));
                }
            }

            return largest;
        }
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_rattled_diamond()
    {
        var random = new Random(3);
        var crystal = RandomStructures.Rattled(random, Diamond(5.431), 0.1);

        PotentialChecks.ForcesAreMinusEnergyGradient(Silicon, crystal);
        PotentialChecks.StressIsStrainDerivative(Silicon, crystal);
        PotentialChecks.ForcesAreMinusEnergyGradient(Silicon, RandomStructures.Rattled(random, PrimitiveDiamond(5.431), 0.1));
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_a_random_triclinic_cell()
    {
        var random = new Random(11);
        var structure = RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6, 8, 60), 14, [14], 2.0);

        PotentialChecks.ForcesAreMinusEnergyGradient(Silicon, structure);
        PotentialChecks.StressIsStrainDerivative(Silicon, structure);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_for_gallium_nitride()
    {
        var potential = StillingerWeber.FromFile(GalliumNitrideFile, ["Ga", "N"]);
        var random = new Random(5);
        var structure = RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6, 8, 60), 24, [31, 7], 1.7);

        potential.Species.Should().Equal(31, 7);
        potential.Cutoff.Should().BeApproximately(1.6 * 2.1, 1e-12);
        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
        PotentialChecks.ThreadsAgree(potential, RandomStructures.Spread(random, Cell.Orthorhombic(11, 11, 11), 100, [31, 7], 1.7));
    }

    [Fact]
    public void An_angle_whose_two_orders_have_different_parameters_averages_them_and_stays_consistent()
    {
        // (Si, Si, C) and (Si, C, Si) differ: the result must not depend on which neighbour comes first.
        var text = """
            Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.333333333333 7.049556277 0.6022245584 4.0 0.0 0.0
            C  C  C  2.0 1.6 1.8 20.0 1.2 -0.333333333333 7.0 0.6 4.0 0.0 0.0
            Si C  C  2.1 1.8 1.8 20.0 1.2 -0.333333333333 7.0 0.6 4.0 0.0 0.0
            C  Si Si 2.1 1.8 1.8 20.0 1.2 -0.333333333333 7.0 0.6 4.0 0.0 0.0
            Si Si C  2.1 0 0 25.0 0 -0.2 0 0 0 0 0
            Si C  Si 2.1 0 0 15.0 0 -0.4 0 0 0 0 0
            C  Si C  2.0 0 0 20.0 0 -0.333333333333 0 0 0 0 0
            C  C  Si 2.0 0 0 20.0 0 -0.333333333333 0 0 0 0 0
            """;
        var potential = new StillingerWeber([14, 6], StillingerWeberFile.Read(new StringReader(text), "SiC.sw", [14, 6]), "sw:SiC");
        var random = new Random(9);
        var structure = RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6, 8, 60), 16, [14, 6], 1.7);
        var reversed = new Structure(structure.Cell, structure.Pbc, [.. structure.AtomicNumbers.Reverse()], [.. structure.Positions.Reverse()]);

        var forward = new Evaluation(threads: 1);
        var backward = new Evaluation(threads: 1);
        potential.Compute(structure, forward);
        potential.Compute(reversed, backward);

        backward.Energy.Should().BeApproximately(forward.Energy, 1e-12);
        for (var i = 0; i < structure.Count; i++)
        {
            backward.AtomEnergies[structure.Count - 1 - i].Should().BeApproximately(forward.AtomEnergies[i], 1e-12);
        }

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Threads_agree_on_a_rattled_supercell()
    {
        var crystal = RandomStructures.Rattled(new Random(2), Diamond(5.431, repeat: 3), 0.1);

        PotentialChecks.ThreadsAgree(Silicon, crystal);
    }

    [Fact]
    public void Per_atom_energies_give_pairs_half_and_triplets_a_third_to_each_atom()
    {
        // An open trimer Si–Si–Si bent at 90°: both bonds within the cutoff, the end atoms 3.2 Å apart (also within).
        var r = 2.3;
        var trimer = new Structure(Cell.Empty, Pbc.None, [14, 14, 14], [new Vec3(r, 0, 0), Vec3.Zero, new Vec3(0, r, 0)]);
        var evaluation = new Evaluation(threads: 1);
        Silicon.Compute(trimer, evaluation);

        var pairOnly = new Evaluation(threads: 1);
        Silicon.Compute(new Structure(Cell.Empty, Pbc.None, [14, 14], [Vec3.Zero, new Vec3(r, 0, 0)]), pairOnly);
        var far = new Evaluation(threads: 1);
        Silicon.Compute(new Structure(Cell.Empty, Pbc.None, [14, 14], [Vec3.Zero, new Vec3(r * Math.Sqrt(2), 0, 0)]), far);
        double pair = pairOnly.Energy, diagonal = far.Energy;
        var sigma = 2.0951;
        var screening = Math.Exp(1.2 * sigma / (r - (1.8 * sigma)));
        var offset = 0 - (-0.333333333333);
        var centre = 21.0 * 2.1683 * offset * offset * screening * screening;
        // The end atoms are each other's neighbours too: the angles at them are 45°.
        var screeningDiagonal = Math.Exp(1.2 * sigma / ((r * Math.Sqrt(2)) - (1.8 * sigma)));
        var endOffset = Math.Sqrt(0.5) - (-0.333333333333);
        var end = 21.0 * 2.1683 * endOffset * endOffset * screening * screeningDiagonal;

        evaluation.Energy.Should().BeApproximately((2 * pair) + diagonal + centre + (2 * end), 1e-12);
        evaluation.AtomEnergies[1].Should().BeApproximately(pair + ((centre + (2 * end)) / 3), 1e-12);
        evaluation.AtomEnergies[0].Should().BeApproximately((pair / 2) + (diagonal / 2) + ((centre + (2 * end)) / 3), 1e-12);
    }

    [Fact]
    public void The_built_in_silicon_equals_lammps_si_sw()
    {
        var fromFile = StillingerWeber.FromFile(SiliconFile, ["Si"]);
        var crystal = RandomStructures.Rattled(new Random(7), Diamond(5.431, repeat: 2), 0.15);
        var builtIn = new Evaluation(threads: 1);
        var read = new Evaluation(threads: 1);

        Silicon.Compute(crystal, builtIn);
        fromFile.Compute(crystal, read);

        fromFile.Parameters.Should().Equal(Silicon.Parameters);
        fromFile.Cutoff.Should().Be(Silicon.Cutoff);
        fromFile.Name.Should().Be("sw:Si.sw (Si)");
        read.Energy.Should().BeApproximately(builtIn.Energy, 1e-12);
        for (var i = 0; i < crystal.Count; i++)
        {
            (read.Forces[i] - builtIn.Forces[i]).Length.Should().BeLessThan(1e-12);
            read.AtomEnergies[i].Should().BeApproximately(builtIn.AtomEnergies[i], 1e-12);
        }
    }

    [Fact]
    public void Elements_are_chosen_by_symbol_or_number_and_other_entries_are_ignored()
    {
        var nitrogen = StillingerWeber.FromFile(GalliumNitrideFile, ["N"]);
        var byNumber = StillingerWeber.FromFile(GalliumNitrideFile, [7, 31]);

        nitrogen.Species.Should().Equal(7);
        nitrogen.Parameters.Should().ContainSingle().Which.Should().Be(
            new StillingerWeberParameters(7, 7, 7, 1.2, 1.3, 1.8, 32.5, 1.2, -0.333333333333, 7.917, 0.72, 4.0, 0.0));
        nitrogen.Cutoff.Should().BeApproximately(1.8 * 1.3, 1e-15);
        byNumber.Species.Should().Equal(7, 31);
        byNumber.Parameters[1].Should().Be(
            new StillingerWeberParameters(7, 7, 31, 1.6136914, 0, 0, 32.5, 0, -0.333333333333, 0, 0, 0, 0));
        var unknown = () => StillingerWeber.FromFile(GalliumNitrideFile, ["Qq"]);
        unknown.Should().Throw<ArgumentException>().WithMessage("*'Qq' is not a chemical element*");
    }

    [Fact]
    public void An_entry_split_over_lines_with_comments_reads_like_one_line()
    {
        var split = StillingerWeberFile.Read(
            new StringReader("# silicon\n\nSi Si Si 2.1683  2.0951  1.80  21.0  1.20  -0.333333333333 # angular\n   7.049556277\n0.6022245584  4.0  0.0 0.0\n"),
            "split.sw",
            [14]);

        split.Should().Equal(Silicon.Parameters);
    }

    [Theory]
    [InlineData("Si Si Xx 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.0", "bad.sw:2: 'Xx' is not a chemical element symbol")]
    [InlineData("Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0", "bad.sw:2: the file ends inside an entry: it has 13 of the 14 words*")]
    [InlineData("Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0\nSi Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.0", "bad.sw:2: an entry has 14 words*this one has 27 by line 3")]
    [InlineData("Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33\n 7.05 0.6O 4.0 0.0 0.0", "bad.sw:3: B: '0.6O' is not a finite number")]
    [InlineData("Si Si Si 2.1683 -2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.0", "bad.sw:2: sigma must not be negative*")]
    [InlineData("Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.01", "bad.sw:2: tol is 0.01; only tol = 0*")]
    [InlineData("Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.0\nSi Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.0", "bad.sw:3: a second entry for Si Si Si (the first is at line 2)")]
    [InlineData("C C C 2.1683 2.0951 1.80 21.0 1.20 -0.33 7.05 0.60 4.0 0.0 0.0", "bad.sw: no entry for Si Si Si, which the elements Si need")]
    public void Malformed_files_fail_naming_file_and_line(string entries, string message)
    {
        var read = () => StillingerWeberFile.Read(new StringReader("# a test file\n" + entries + "\n"), "bad.sw", [14]);

        read.Should().Throw<StructureFormatException>().WithMessage(message);
    }

    [Fact]
    public void A_missing_triplet_of_a_mixture_is_named()
    {
        var text = string.Join('\n', File.ReadLines(GalliumNitrideFile).Where(line => !line.StartsWith("N  Ga N", StringComparison.Ordinal)));

        var read = () => StillingerWeberFile.Read(new StringReader(text), "GaN.sw", [31, 7]);

        read.Should().Throw<StructureFormatException>().WithMessage("GaN.sw: no entry for N Ga N, which the elements Ga, N need");
    }

    [Fact]
    public void An_element_the_potential_does_not_describe_is_refused()
    {
        var structure = new Structure(Cell.Orthorhombic(10, 10, 10), Pbc.All, [14, 6], [Vec3.Zero, new Vec3(2, 0, 0)]);

        var compute = () => Silicon.Compute(structure, new Evaluation());

        compute.Should().Throw<PotentialException>().WithMessage("*does not describe C (atom 2)*Si*");
    }

    [Fact]
    public void Incomplete_parameters_are_refused()
    {
        var only = new StillingerWeberParameters(14, 14, 14, 2.1683, 2.0951, 1.80, 21.0, 1.20, -1.0 / 3, 7.05, 0.60, 4.0, 0.0);

        var missing = () => new StillingerWeber([14, 6], [only], "sw");
        var twice = () => new StillingerWeber([14], [only, only], "sw");
        var negative = () => new StillingerWeber([14], [only with { Lambda = -1 }], "sw");

        missing.Should().Throw<ArgumentException>().WithMessage("No entry for Si Si C*");
        twice.Should().Throw<ArgumentException>().WithMessage("*given twice*");
        negative.Should().Throw<ArgumentException>().WithMessage("*negative*");
    }
}
