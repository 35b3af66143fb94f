using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials;

public sealed class TersoffTests
{
    private const string PotentialDirectory = "/usr/share/lammps/potentials";
    private const int Si = 14;
    private const int C = 6;

    private static readonly string SiliconFile = Path.Combine(PotentialDirectory, "Si.tersoff");
    private static readonly string SiliconCarbideFile = Path.Combine(PotentialDirectory, "SiC.tersoff");

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_rattled_diamond_silicon()
    {
        var potential = Tersoff.FromFile(SiliconFile, ["Si"]);
        var random = new Random(1);
        var structure = RandomStructures.Rattled(random, Zincblende.Strained(random, Zincblende.Conventional(5.432, Si, Si), 0.02), 0.1);

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_in_rattled_zincblende_silicon_carbide()
    {
        var potential = Tersoff.FromFile(SiliconCarbideFile, ["Si", "C"]);
        var random = new Random(2);
        var crystal = Zincblende.Conventional(4.32, Si, C);
        (crystal.AtomicNumbers[2], crystal.AtomicNumbers[3]) = (C, Si);
        var structure = RandomStructures.Rattled(random, Zincblende.Strained(random, crystal, 0.02), 0.1);

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Forces_and_stress_are_derivatives_of_the_energy_with_m_equal_to_one()
    {
        // GaN.tersoff uses m = 1 with a non-zero λ3, the other form of exp[λ3^m (r_ij − r_ik)^m].
        var potential = Tersoff.FromFile(Path.Combine(PotentialDirectory, "GaN.tersoff"), ["Ga", "N"]);
        var random = new Random(3);
        var structure = RandomStructures.Rattled(random, Zincblende.Conventional(4.5, 31, 7), 0.15);

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Forces_are_derivatives_of_the_energy_in_a_random_silicon_carbide_cell_near_the_cutoffs()
    {
        var potential = Tersoff.FromFile(SiliconCarbideFile, ["Si", "C"]);
        var random = new Random(4);
        var structure = RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6, 8, 60), 14, [Si, C], 1.7);

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Threads_agree()
    {
        var random = new Random(5);
        var silicon = RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.432, Si, Si), 3, 3, 3), 0.1);
        var carbide = RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(4.32, Si, C), 3, 3, 3), 0.1);

        PotentialChecks.ThreadsAgree(Tersoff.FromFile(SiliconFile, ["Si"]), silicon);
        PotentialChecks.ThreadsAgree(Tersoff.FromFile(SiliconCarbideFile, ["Si", "C"]), carbide);
    }

    [Fact]
    public void Diamond_silicon_has_Tersoffs_published_cohesive_energy_and_lattice_constant()
    {
        // Tersoff, Phys. Rev. B 37, 6991 (1988), Table I: Si(C) gives E_coh = 4.63 eV/atom at a = 5.432 Å.
        var potential = Tersoff.FromFile(SiliconFile, ["Si"]);

        var atEquilibrium = EnergyPerAtom(potential, Zincblende.Conventional(5.432, Si, Si));

        atEquilibrium.Should().BeApproximately(-4.63, 0.005);
        EnergyPerAtom(potential, Zincblende.Conventional(5.40, Si, Si)).Should().BeGreaterThan(atEquilibrium);
        EnergyPerAtom(potential, Zincblende.Conventional(5.46, Si, Si)).Should().BeGreaterThan(atEquilibrium);
        EnergyPerAtom(potential, Zincblende.Primitive(5.432, Si, Si)).Should().BeApproximately(atEquilibrium, 1e-12);
        var evaluation = new Evaluation();
        potential.Compute(Zincblende.Conventional(5.432, Si, Si), evaluation);
        evaluation.Forces.Should().AllSatisfy(f => f.MaxAbs.Should().BeLessThan(1e-12));
        evaluation.AtomEnergies.Should().AllSatisfy(e => e.Should().BeApproximately(atEquilibrium, 1e-12));
    }

    [Fact]
    public void An_isolated_pair_has_no_bond_order_correction()
    {
        // With no third atom ζ = 0 and b = 1: V = f_C (A e^(−λ1 r) − B e^(−λ2 r)); at 3.1 Å f_C is inside the smooth cutoff.
        var potential = Tersoff.Silicon();
        foreach (var r in new[] { 2.35, 3.1 })
        {
            var dimer = new Structure(Cell.Empty, Pbc.None, [Si, Si], [Vec3.Zero, new Vec3(r, 0, 0)]);
            var evaluation = new Evaluation(threads: 1);
            potential.Compute(dimer, evaluation);

            var cutoff = r < 2.8 ? 1 : 0.5 * (1 - Math.Sin(Math.PI / 2 * (r - 3.0) / 0.2));
            var expected = cutoff * ((3264.7 * Math.Exp(-3.2394 * r)) - (95.373 * Math.Exp(-1.3258 * r)));
            evaluation.Energy.Should().BeApproximately(expected, 1e-12);
            evaluation.AtomEnergies.Should().Equal(evaluation.Energy / 2, evaluation.Energy / 2);
        }
    }

    [Fact]
    public void The_built_in_silicon_equals_Si_tersoff()
    {
        var builtIn = Tersoff.Silicon();
        var fromFile = Tersoff.FromFile(SiliconFile, ["Si"]);
        var entry = TersoffFile.Read(SiliconFile, ["Si"]).Single();
        var random = new Random(6);
        var structure = RandomStructures.Rattled(random, Zincblende.Conventional(5.432, Si, Si), 0.15);
        var ours = new Evaluation();
        var theirs = new Evaluation();

        builtIn.Compute(structure, ours);
        fromFile.Compute(structure, theirs);

        entry.Values().Should().Equal(3.0, 1.0, 1.3258, 4.8381, 2.0417, 0.0, 22.956, 0.33675, 1.3258, 95.373, 3.0, 0.2, 3.2394, 3264.7);
        builtIn.Cutoff.Should().Be(fromFile.Cutoff).And.Be(3.2);
        ours.Energy.Should().BeApproximately(theirs.Energy, 1e-12);
        for (var i = 0; i < structure.Count; i++)
        {
            (ours.Forces[i] - theirs.Forces[i]).MaxAbs.Should().BeLessThan(1e-12);
        }
    }

    [Fact]
    public void Entries_may_span_lines_carry_comments_and_name_variants_and_other_elements_are_skipped()
    {
        var text = """
            # a comment line

            Ge Ge Ge 3.0 1.0 0.0 1.0 1.0 0.0 1.0 1.0 1.0 1.0 2.0 0.1 1.0 1.0
            Si(D) Si(D) Si(D)   # the variant, split over three lines
              3.0 1.0 1.3258 4.8381 2.0417 0.0000 22.956
              0.33675 1.3258 95.373 3.0 0.2 3.2394 3264.7 # trailing comment
            """;

        var entries = Read(text, ["Si(D)"]);

        entries.Should().ContainSingle();
        entries[0].Element1.Should().Be(Si);
        entries[0].Values().Should().Equal(TersoffFile.Read(SiliconFile, ["Si"])[0].Values());
    }

    [Fact]
    public void Silicon_carbide_entries_are_ordered_by_triplet_and_the_cutoff_is_the_largest()
    {
        var entries = TersoffFile.Read(SiliconCarbideFile, ["Si", "C"]);
        var potential = Tersoff.FromFile(SiliconCarbideFile, ["Si", "C"]);

        entries.Select(e => (e.Element1, e.Element2, e.Element3)).Should().Equal(
            (Si, Si, Si), (Si, Si, C), (Si, C, Si), (Si, C, C), (C, Si, Si), (C, Si, C), (C, C, Si), (C, C, C));
        entries[3].A.Should().Be(1597.3111);
        potential.Cutoff.Should().Be(3.0);
        potential.Species.Should().Equal(Si, C);
    }

    [Theory]
    [InlineData("Si Si Si 3.0 1.0 1.3 4.8 2.0 0.0 22.9 0.33 1.3 95.3 3.0 0.2 3.2\n", 1, "*has 16 words where 17 are needed*")]
    [InlineData("# c\nSi Si Si 3.0 1.0 1.3 4.8 2.0 0.0 22.9 0.33 1.3 95.3 3.0 0.2 3.2 3264.7 9\n", 2, "*more than 17 words*")]
    [InlineData("\nSi Si Si 3.0 1.0 1.3 4.8 2.0 0.0 22.9\n 0.33 1.3 95.3 3.0 0.2 3.2 3264.7 extra\n", 3, "*more than 17 words*")]
    [InlineData("Si Si Si 3.0 1.0 1.3 4.8 2.0 0.0 22.9 0.33 1.3 95.3 3.O 0.2 3.2 3264.7\n", 1, "*'3.O', is not a number*")]
    [InlineData("Si Xx Si 3.0 1.0 1.3 4.8 2.0 0.0 22.9 0.33 1.3 95.3 3.0 0.2 3.2 3264.7\n", 1, "*'Xx' is not an element name*")]
    [InlineData("\n\nSi Si Si 2.0 1.0 1.3 4.8 2.0 0.0 22.9 0.33 1.3 95.3 3.0 0.2 3.2 3264.7\n", 3, "*m must be 3 or 1*")]
    [InlineData("Si Si Si 3.0 1.0 1.3 4.8 2.0 0.0 22.9 0.33 1.3 95.3 3.0 3.2 3.2 3264.7\n", 1, "*D must not exceed R*")]
    [InlineData("Si Si Si 3 1 1 1 1 0 1 1 1 1 3 0.2 1 1\nSi Si Si 3 1 1 1 1 0 1 1 1 1 3 0.2 1 1\n", 2, "*Si Si Si is given twice*")]
    public void Malformed_files_fail_naming_file_and_line(string text, int line, string message)
    {
        var read = () => Read(text, ["Si"]);

        read.Should().Throw<StructureFormatException>().WithMessage($"test.tersoff:{line}: {message}").Which.Line.Should().Be(line);
    }

    [Fact]
    public void A_missing_triplet_is_named()
    {
        var read = () => Tersoff.FromFile(SiliconFile, ["Si", "C"]);

        read.Should().Throw<StructureFormatException>().WithMessage($"{SiliconFile}: no entry for Si Si C");
    }

    [Fact]
    public void Element_names_must_be_elements_and_distinct()
    {
        ((Action)(() => TersoffFile.Read(SiliconFile, ["Qq"]))).Should().Throw<ArgumentException>().WithMessage("*'Qq' is not an element name*");
        ((Action)(() => TersoffFile.Read(SiliconFile, ["Si", "Si(D)"]))).Should().Throw<ArgumentException>().WithMessage("*Si is given twice*");
    }

    [Fact]
    public void An_element_outside_the_potential_is_refused()
    {
        var structure = new Structure(Cell.Empty, Pbc.None, [Si, C], [Vec3.Zero, new Vec3(2, 0, 0)]);

        var compute = () => Tersoff.Silicon().Compute(structure, new Evaluation());

        compute.Should().Throw<PotentialException>().WithMessage("*does not describe C (atom 2)*");
    }

    [Fact]
    public void Repeated_evaluations_allocate_almost_nothing()
    {
        var potential = Tersoff.FromFile(SiliconCarbideFile, ["Si", "C"]);
        var structure = RandomStructures.Rattled(new Random(7), Zincblende.Repeated(Zincblende.Conventional(4.32, Si, C), 2, 2, 2), 0.05);
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var step = 0; step < 10; step++)
        {
            structure.Positions[step] += new Vec3(0.001, 0, 0);
            potential.Compute(structure, evaluation);
        }

        // Only a delegate per call may be allocated, never anything that grows with the atoms or their neighbours.
        ((GC.GetAllocatedBytesForCurrentThread() - before) / 10).Should().BeLessThan(1000);
    }

    private static IReadOnlyList<TersoffEntry> Read(string text, string[] elements)
    {
        using var reader = new LineReader(new StringReader(text), "test.tersoff");
        return TersoffFile.Read(reader, elements);
    }

    private static double EnergyPerAtom(IPotential potential, Structure structure)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        return evaluation.Energy / structure.Count;
    }
}
