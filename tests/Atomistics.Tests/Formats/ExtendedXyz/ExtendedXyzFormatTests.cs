using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.ExtendedXyz;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.ExtendedXyz;

public sealed class ExtendedXyzFormatTests
{
    private static readonly ExtendedXyzFormat Format = new();

    internal static List<Structure> ReadText(string text, FormatOptions? options = null) =>
        [.. Format.Read(new LineReader(new StringReader(text), "test.xyz"), options ?? FormatOptions.Default)];

    internal static string WriteText(IEnumerable<Structure> structures)
    {
        using var text = new StringWriter();
        var writer = Format.CreateWriter(text, "out.xyz", FormatOptions.Default);
        foreach (var structure in structures)
        {
            writer.Write(structure);
        }

        return text.ToString();
    }

    internal static Structure Decorated(Random random, int atoms)
    {
        var structure = RandomStructures.Periodic(random, atoms, [14, 8, 1]);
        structure.Velocities = [.. Enumerable.Range(0, atoms).Select(_ => new Vec3(random.NextDouble(), -random.NextDouble(), 0.1))];
        structure.Info["config_type"] = "rattled bulk";
        structure.Info["iteration"] = 3L;
        structure.Info["gamma"] = random.NextDouble() * 10;
        structure.Info["whole_real"] = 2.0;
        structure.Info["selected"] = true;
        structure.Info["grid"] = InfoValue.FromIntegers([4, 4, 2]);
        structure.Info["shifts"] = InfoValue.FromReals([0.5, random.NextDouble(), 1e-20]);
        structure.Info["mask"] = InfoValue.FromBooleans([true, false]);
        structure.Info["virial"] = InfoValue.FromReals([1, 2, 3, 4, 5, 6, 7, 8, 9.5]);
        structure.SetArray(AtomArray.OfReals("gamma_atom", 1, [.. Enumerable.Range(0, atoms).Select(_ => random.NextDouble())]));
        structure.SetArray(AtomArray.OfIntegers("tags", 2, [.. Enumerable.Range(0, 2 * atoms).Select(i => (long)i - 3)]));
        structure.SetArray(AtomArray.OfStrings("label", 1, [.. Enumerable.Range(0, atoms).Select(i => $"site{i}")]));
        structure.SetArray(AtomArray.OfBooleans("move_mask", 3, [.. Enumerable.Range(0, 3 * atoms).Select(i => i % 2 == 0)]));
        return structure;
    }

    [Fact]
    public void Write_then_read_keeps_every_number_info_key_and_array_exactly()
    {
        var random = new Random(7);
        var originals = Enumerable.Range(0, 20).Select(i => Decorated(random, 1 + i)).ToList();

        var read = ReadText(WriteText(originals));

        read.Should().HaveCount(originals.Count);
        for (var i = 0; i < originals.Count; i++)
        {
            StructureAssert.Equivalent(originals[i], read[i], relativeTolerance: 0, compareVelocities: false);
            StructureAssert.Close(originals[i].Velocities!, read[i].Velocities!, 1e-15, "velocities");
            read[i].Info.Should().Equal(originals[i].Info);
            read[i].Arrays.Select(a => (a.Name, a.Kind, a.Columns)).Should().Equal(originals[i].Arrays.Select(a => (a.Name, a.Kind, a.Columns)));
            for (var a = 0; a < originals[i].Arrays.Count; a++)
            {
                read[i].Arrays[a].Data.Should().BeEquivalentTo(originals[i].Arrays[a].Data, o => o.WithStrictOrdering());
            }
        }
    }

    [Fact]
    public void Reads_the_text_ase_writes()
    {
        const string text = """
            2
            Lattice="5.43 0.0 0.0 0.0 5.43 0.0 0.0 0.0 5.43" Properties=species:S:1:pos:R:3:forces:R:3 config_type=bulk step=10 temperature=300.0 energy=-10.5 stress="0.1 0.01 0.02 0.01 0.2 0.03 0.02 0.03 0.3" free_energy=-10.6 pbc="T T T"
            Si       0.00000000       0.00000000       0.00000000       0.10000000      -0.20000000       0.30000000
            Si       1.35750000       1.35750000       1.35750000      -0.10000000       0.20000000      -0.30000000
            """;

        var structure = ReadText(text).Single();

        structure.AtomicNumbers.Should().Equal(14, 14);
        structure.Pbc.Should().Be(Pbc.All);
        structure.Cell.Volume.Should().BeApproximately(5.43 * 5.43 * 5.43, 1e-9);
        structure.Positions[1].Should().Be(new Vec3(1.3575, 1.3575, 1.3575));
        structure.Calculated!.Energy.Should().Be(-10.5);
        structure.Calculated.FreeEnergy.Should().Be(-10.6);
        structure.Calculated.Forces![0].Should().Be(new Vec3(0.1, -0.2, 0.3));
        structure.Calculated.Stress.Should().Be(Mat3.FromVoigt(0.1, 0.2, 0.3, 0.03, 0.02, 0.01));
        structure.Reference.Should().BeNull();
        structure.Info.Keys.Should().Equal("config_type", "step", "temperature");
        structure.Info["step"].Should().Be(InfoValue.FromInteger(10));
        structure.Info["temperature"].Should().Be(InfoValue.FromReal(300));
        structure.Info["config_type"].Should().Be(InfoValue.FromString("bulk"));
    }

    [Fact]
    public void Reads_reference_labels_from_REF_keys()
    {
        const string text = """
            1
            Lattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3:REF_forces:R:3 REF_energy=-4.25 REF_stress="1 2 3 4 5 6" pbc="T T F"
            Al 0 0 0 0.5 0.25 -1
            """;

        var structure = ReadText(text).Single();

        structure.Pbc.Should().Be(new Pbc(true, true, false));
        structure.Calculated.Should().BeNull();
        structure.Reference!.Energy.Should().Be(-4.25);
        structure.Reference.Forces.Should().Equal(new Vec3(0.5, 0.25, -1));
        structure.Reference.Stress.Should().Be(Mat3.FromVoigt(1, 2, 3, 4, 5, 6));
    }

    [Theory]
    [InlineData("a=1 b = 2 c=\"x y\" d={1 2 3} e=[T F] f='q' g h=\"with \\\"quote\\\"\"")]
    public void Parses_comment_lines_with_quotes_brackets_spaces_and_bare_keys(string line)
    {
        var pairs = CommentLine.Parse(line).ToDictionary(p => p.Key, p => p.Value);

        pairs.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["a"] = "1", ["b"] = "2", ["c"] = "x y", ["d"] = "1 2 3", ["e"] = "T F", ["f"] = "q", ["g"] = "T", ["h"] = "with \"quote\"",
        });
    }

    [Fact]
    public void A_frame_without_lattice_is_a_molecule()
    {
        var structure = ReadText("3\nProperties=species:S:1:pos:R:3 name=water\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n").Single();

        structure.Pbc.Should().Be(Pbc.None);
        structure.Cell.IsDegenerate.Should().BeTrue();
        structure.Formula.Should().Be("OH2");
        WriteText([structure]).Should().NotContain("Lattice").And.Contain("pbc=\"F F F\"");
    }

    [Fact]
    public void A_plain_xyz_frame_reads_with_default_properties_and_lower_case_symbols()
    {
        var structure = ReadText("2\n\nsi 0 0 0\nSI 1 1 1\n").Single();

        structure.AtomicNumbers.Should().Equal(14, 14);
        structure.Positions[1].Should().Be(new Vec3(1, 1, 1));
    }

    [Fact]
    public void Blank_lines_between_and_after_frames_are_ignored()
    {
        ReadText("1\n\nH 0 0 0\n\n1\n\nHe 0 0 1\n\n\n").Select(s => s.AtomicNumbers[0]).Should().Equal(1, 2);
    }

    [Fact]
    public void A_Z_column_gives_the_elements_when_there_is_no_species_column()
    {
        var structure = ReadText("2\nProperties=pos:R:3:Z:I:1\n0 0 0 6\n1 0 0 8\n").Single();

        structure.AtomicNumbers.Should().Equal(6, 8);
    }

    [Theory]
    [InlineData("2\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n", 4, "declares 2 atoms but has only 1")]
    [InlineData("2\nProperties=species:S:1:pos:R:3\nSi 0 0 0\nSi 0 0\n", 4, "expected 4 columns")]
    [InlineData("1\nProperties=species:S:1:pos:R:3:forces:R:3\nSi 0 0 0 1 2 3 4\n", 3, "expected 7 columns")]
    [InlineData("1\nProperties=species:S:1:pos:R:3\nSi 0 zero 0\n", 3, "'zero' is not a number")]
    [InlineData("1\nProperties=species:S:1:pos:R:3 pbc=\"T T T\"\nSi 0 0 0\n", 2, "no Lattice")]
    [InlineData("1\nLattice=\"1 0 0 0 1 0 0 0 0\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nSi 0 0 0\n", 2, "vector c, which is zero")]
    [InlineData("1\nProperties=species:S:1:pos:R:3\nQq 0 0 0\n", 3, "'Qq' in column 'species' is not a chemical element")]
    [InlineData("x\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n", 1, "expected the number of atoms")]
    [InlineData("1\nLattice=\"1 0 0 0 1 0 0 0\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n", 2, "Lattice has 8 values")]
    [InlineData("1\nProperties=species:S:1:pos:R:2\nSi 0 0\n", 2, "'pos' is R:2; expected R:3")]
    [InlineData("1\nProperties=species:S:1:pos:R:3 energy=abc\nSi 0 0 0\n", 2, "energy: 'abc' is not a number")]
    [InlineData("1\nProperties=species:S:1:pos:R:3 name=\"unclosed\nSi 0 0 0\n", 2, "not closed")]
    [InlineData("1\nProperties=species:S:1:pos:R:3:flag:L:1\nSi 0 0 0 yes\n", 3, "'yes' is not T or F")]
    public void Malformed_input_names_the_line_and_the_problem(string text, int line, string message)
    {
        var read = () => ReadText(text);

        read.Should().Throw<StructureFormatException>()
            .Where(e => e.Line == line && e.Message.StartsWith($"test.xyz:{line}: ", StringComparison.Ordinal))
            .WithMessage($"*{message}*");
    }

    [Fact]
    public void Frames_are_read_lazily_one_at_a_time()
    {
        var text = string.Concat(Enumerable.Repeat("1\nProperties=species:S:1:pos:R:3\nH 0 0 0\n", 3)) + "oops\n";

        var frames = Format.Read(new LineReader(new StringReader(text), "lazy.xyz"), FormatOptions.Default);

        frames.Take(3).Should().HaveCount(3);
        frames.Invoking(f => f.ToList()).Should().Throw<StructureFormatException>().Where(e => e.Line == 10);
    }

    [Fact]
    public void Writing_refuses_info_that_would_be_read_back_as_something_else()
    {
        var structure = RandomStructures.Periodic(new Random(1), 2, [14], withLabels: false);
        structure.Info["energy"] = 1.0;

        var write = () => WriteText([structure]);

        write.Should().Throw<StructureFormatException>().WithMessage("*info key 'energy'*");
    }

    [Fact]
    public void Writes_reals_with_a_decimal_point_so_ase_types_them_as_floats()
    {
        var structure = new Structure(Cell.Orthorhombic(4, 4, 4), Pbc.All, [13], [new Vec3(0, 0, 0)])
        {
            Calculated = new LabelSet(Energy: -3),
        };
        structure.Info["count"] = 3L;
        structure.Info["scale"] = 3.0;

        var comment = WriteText([structure]).Split('\n')[1];

        comment.Should().Be("Lattice=\"4.0 0.0 0.0 0.0 4.0 0.0 0.0 0.0 4.0\" Properties=species:S:1:pos:R:3 count=3 scale=3.0 energy=-3.0 pbc=\"T T T\"");
    }
}
