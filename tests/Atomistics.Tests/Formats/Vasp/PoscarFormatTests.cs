using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Vasp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.Vasp;

public sealed class PoscarFormatTests
{
    private static readonly PoscarFormat Format = new();

    private static Structure ReadText(string text, FormatOptions? options = null)
    {
        using var reader = new LineReader(new StringReader(text), "POSCAR");
        var structures = Format.Read(reader, options ?? FormatOptions.Default).ToList();
        structures.Should().HaveCount(1);
        return structures[0];
    }

    private static StructureFormatException ReadFails(string text, FormatOptions? options = null)
    {
        using var reader = new LineReader(new StringReader(text), "POSCAR");
        return Assert.Throws<StructureFormatException>(() => Format.Read(reader, options ?? FormatOptions.Default).ToList());
    }

    private static string WriteText(Structure structure)
    {
        using var text = new StringWriter();
        text.NewLine = "\n";
        Format.CreateWriter(text, "out.vasp", FormatOptions.Default).Write(structure);
        return text.ToString();
    }

    [Fact]
    public void Reads_a_vasp5_file_in_direct_coordinates_with_repeated_species_groups()
    {
        var structure = ReadText(
            """
            quartz-like test cell
               1.0
                 4.0  0.0  0.0
                -2.0  3.5  0.0
                 0.5  0.5  5.0
              Si O Si
               1 2 1
            Direct
              0.0  0.0  0.0
              0.5  0.25 0.125
              0.25 0.5  0.75
              0.75 0.75 0.5
            """);

        structure.AtomicNumbers.Should().Equal(14, 8, 8, 14);
        structure.Pbc.Should().Be(Pbc.All);
        structure.Cell.Matrix.Should().Be(new Mat3(4, 0, 0, -2, 3.5, 0, 0.5, 0.5, 5));
        var lattice = structure.Cell.Matrix;
        structure.Positions[1].Should().Be(new Vec3(0.5, 0.25, 0.125) * lattice);
        structure.Positions[3].Should().Be(new Vec3(0.75, 0.75, 0.5) * lattice);
        structure.Info["comment"].AsString().Should().Be("quartz-like test cell");
        structure.Velocities.Should().BeNull();
        structure.FindArray(PoscarFormat.MoveMaskArrayName).Should().BeNull();
    }

    [Fact]
    public void Reads_a_vasp4_file_whose_comment_names_the_elements_and_scales_cartesian_coordinates()
    {
        var structure = ReadText(
            """
            Ga As zincblende
            2.0
              1.0 0.0 0.0
              0.0 1.0 0.0
              0.0 0.0 1.0
            1 1
            cartesian
              0.0 0.0 0.0
              0.25 0.5 0.75 As
            """);

        structure.AtomicNumbers.Should().Equal(31, 33);
        structure.Cell.Matrix.Should().Be(new Mat3(2, 0, 0, 0, 2, 0, 0, 0, 2));
        structure.Positions[1].Should().Be(new Vec3(0.5, 1.0, 1.5));
    }

    [Fact]
    public void Reads_the_elements_of_a_vasp4_file_from_the_species_map_in_group_order()
    {
        const string text =
            """
            no symbols here
            1.0
              3.0 0.0 0.0
              0.0 3.0 0.0
              0.0 0.0 3.0
            2 1
            Direct
              0.0 0.0 0.0
              0.5 0.5 0.5
              0.5 0.0 0.0
            """;

        var structure = ReadText(text, new FormatOptions { SpeciesMap = [26, 6] });

        structure.AtomicNumbers.Should().Equal(26, 26, 6);
    }

    [Fact]
    public void A_vasp4_file_without_known_elements_asks_for_a_species_map_at_the_counts_line()
    {
        var error = ReadFails(
            """
            relaxed cell
            1.0
              3.0 0.0 0.0
              0.0 3.0 0.0
              0.0 0.0 3.0
            2 1
            Direct
              0.0 0.0 0.0
              0.5 0.5 0.5
              0.5 0.0 0.0
            """);

        error.Line.Should().Be(6);
        error.Message.Should().StartWith("POSCAR:6:").And.Contain("--species-map");
    }

    [Fact]
    public void A_species_map_shorter_than_the_groups_is_an_error()
    {
        var error = ReadFails(
            """
            x
            1.0
              3.0 0.0 0.0
              0.0 3.0 0.0
              0.0 0.0 3.0
            1 1
            Direct
              0.0 0.0 0.0
              0.5 0.5 0.5
            """,
            new FormatOptions { SpeciesMap = [14] });

        error.Line.Should().Be(6);
        error.Detail.Should().Contain("2 atom groups");
    }

    [Fact]
    public void A_negative_scaling_factor_is_the_target_volume_and_scales_cartesian_coordinates_too()
    {
        var structure = ReadText(
            """
            Cu
            -64.0
              1.0 0.0 0.0
              0.0 2.0 0.0
              0.0 0.0 4.0
            Cu
            1
            Cartesian
              0.5 0.5 0.5
            """);

        structure.Cell.Volume.Should().BeApproximately(64.0, 1e-12);
        StructureAssert.Close(new Mat3(2, 0, 0, 0, 4, 0, 0, 0, 8), structure.Cell.Matrix, 1e-14, "cell");
        StructureAssert.Close([new Vec3(1, 1, 1)], structure.Positions, 1e-14, "positions");
    }

    [Fact]
    public void Three_scaling_factors_scale_the_cartesian_components()
    {
        var structure = ReadText(
            """
            Cu
            2.0 3.0 4.0
              1.0 0.5 0.0
              0.0 1.0 0.0
              0.0 0.0 1.0
            Cu
            1
            Cartesian
              1.0 1.0 1.0
            """);

        structure.Cell.Matrix.Should().Be(new Mat3(2, 1.5, 0, 0, 3, 0, 0, 0, 4));
        structure.Positions[0].Should().Be(new Vec3(2, 3, 4));
    }

    [Fact]
    public void Selective_dynamics_flags_become_a_three_column_move_mask()
    {
        var structure = ReadText(
            """
            slab
            1.0
              5.0 0.0 0.0
              0.0 5.0 0.0
              0.0 0.0 20.0
            Pt
            3
            Selective dynamics
            Direct
              0.0 0.0 0.0   F F F
              0.5 0.5 0.1   T T F   Pt top
              0.0 0.5 0.2   t T T
            """);

        var moveMask = structure.FindArray(PoscarFormat.MoveMaskArrayName);
        moveMask.Should().NotBeNull();
        moveMask!.Kind.Should().Be(AtomArrayKind.Boolean);
        moveMask.Columns.Should().Be(3);
        ((bool[])moveMask.Data).Should().Equal(false, false, false, true, true, false, true, true, true);
    }

    [Fact]
    public void Velocities_after_a_blank_line_are_cartesian_and_the_predictor_corrector_block_is_ignored()
    {
        var structure = ReadText(
            """
            Si2
               1.00000000000000
                 5.0  0.0  0.0
                 0.0  5.0  0.0
                 0.0  0.0  5.0
               Si
                 2
            Direct
              0.0 0.0 0.0
              0.25 0.25 0.25

              1.0E-03  -2.0E-03  3.0E-03
             -1.0E-03   2.0E-03 -3.0E-03

              1
              0.5
              not read at all
            """);

        structure.Velocities.Should().Equal(new Vec3(1e-3, -2e-3, 3e-3), new Vec3(-1e-3, 2e-3, -3e-3));
    }

    [Fact]
    public void Direct_velocities_are_converted_from_lattice_fractions_and_a_lattice_velocity_block_is_skipped()
    {
        var structure = ReadText(
            """
            Si
            1.0
              4.0 0.0 0.0
              0.0 5.0 0.0
              0.0 0.0 2.0
            Si
            1
            Direct
              0.0 0.0 0.0
            Lattice velocities and vectors
              1
              0.0 0.0 0.0
              0.0 0.0 0.0
              0.0 0.0 0.0
              4.0 0.0 0.0
              0.0 5.0 0.0
              0.0 0.0 2.0
            Direct
              0.25 0.1 0.5
            """);

        structure.Velocities.Should().Equal(new Vec3(1.0, 0.5, 1.0));
    }

    [Fact]
    public void An_empty_comment_leaves_no_info_and_trailing_blank_lines_are_no_velocities()
    {
        var structure = ReadText("\n1.0\n3 0 0\n0 3 0\n0 0 3\nAr\n1\nC\n0 0 0\n\n\n");

        structure.Info.Should().BeEmpty();
        structure.Velocities.Should().BeNull();
        structure.AtomicNumbers.Should().Equal(18);
    }

    [Fact]
    public void Potcar_style_species_names_are_cut_at_the_flavour_suffix()
    {
        var structure = ReadText("x\n1.0\n3 0 0\n0 3 0\n0 0 3\nFe_pv O/a1b2\n1 1\nD\n0 0 0\n0.5 0.5 0.5\n");

        structure.AtomicNumbers.Should().Equal(26, 8);
    }

    private const string Header =
        """
        test
        1.0
          3.0 0.0 0.0
          0.0 3.0 0.0
          0.0 0.0 3.0

        """;

    [Theory]
    // Counts line missing: the mode line is read where the counts belong.
    [InlineData("Si O\nDirect\n0 0 0\n0.5 0.5 0.5\n", 7, "atom counts")]
    // Two species names but three counts.
    [InlineData("Si O\n1 1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n0 0.5 0\n", 7, "2 species")]
    // Three atoms counted, two coordinate lines.
    [InlineData("Si\n3\nDirect\n0 0 0\n0.5 0.5 0.5\n", 11, "atom 3 of 3")]
    // More coordinate lines than counted.
    [InlineData("Si\n1\nDirect\n0 0 0\n0.5 0.5 0.5\n", 10, "do the atom counts match")]
    [InlineData("Si\n2\nDirect\n0 0 0\n0.5 abc 0.5\n", 10, "'abc' is not a number")]
    [InlineData("Si\n2\nDirect\n0 0 0\n0.5 0.5\n", 10, "expected three numbers, found 2")]
    [InlineData("Qx\n1\nDirect\n0 0 0\n", 6, "'Qx' is not a chemical element")]
    [InlineData("Si\n1\nFractional\n0 0 0\n", 8, "coordinate mode")]
    [InlineData("Si\n-1\nDirect\n0 0 0\n", 7, "non-negative integer")]
    [InlineData("Si\n1\nSelective dynamics\nDirect\n0 0 0 T T\n", 10, "found 2")]
    [InlineData("Si\n1\nSelective dynamics\nDirect\n0 0 0 T X F\n", 10, "'X' is not a selective-dynamics flag")]
    [InlineData("Si\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n\n1 2 3\n", 13, "velocity of atom 2 of 2")]
    [InlineData("\n1\nDirect\n0 0 0\n", 6, "empty line")]
    public void Malformed_files_fail_with_the_line_and_what_was_expected(string body, int line, string expected)
    {
        var error = ReadFails(Header + body);

        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"POSCAR:{line}: ");
        error.Detail.Should().Contain(expected);
    }

    [Theory]
    [InlineData("0.0", 2, "must be positive")]
    [InlineData("1.0 2.0", 2, "one number, or three")]
    [InlineData("1.0 2.0 -3.0", 2, "must all be positive")]
    [InlineData("abc", 2, "scaling factor")]
    public void A_bad_scaling_line_is_an_error(string scaling, int line, string expected)
    {
        var error = ReadFails($"x\n{scaling}\n3 0 0\n0 3 0\n0 0 3\nSi\n1\nD\n0 0 0\n");

        error.Line.Should().Be(line);
        error.Detail.Should().Contain(expected);
    }

    [Fact]
    public void A_flat_lattice_is_an_error_at_its_last_row()
    {
        var error = ReadFails("x\n1.0\n3 0 0\n0 3 0\n3 3 0\nSi\n1\nD\n0 0 0\n");

        error.Line.Should().Be(5);
        error.Detail.Should().Contain("span no volume");
    }

    [Fact]
    public void A_truncated_lattice_is_an_error_at_the_line_after_the_end()
    {
        var error = ReadFails("x\n1.0\n3 0 0\n0 3 0\n");

        error.Line.Should().Be(5);
        error.Detail.Should().Contain("lattice vector 3");
    }

    [Fact]
    public void Writes_vasp5_with_one_species_entry_per_consecutive_run()
    {
        var structure = new Structure(
            Cell.Orthorhombic(3, 4, 5), Pbc.All, [14, 8, 8, 14], [new(0, 0, 0), new(1, 0, 0), new(0, 1, 0), new(0.1, 0.2, 0.3)]);

        var lines = WriteText(structure).Split('\n');

        lines[0].Should().Be("Si2O2");
        lines[1].Should().Be("1.0");
        lines[2].Should().Be(" 3 0 0");
        lines[5].Should().Be("Si O Si");
        lines[6].Should().Be("1 2 1");
        lines[7].Should().Be("Cartesian");
        lines[11].Should().Be(" 0.1 0.2 0.3");
    }

    [Fact]
    public void Writes_a_one_column_move_mask_as_three_equal_flags_and_keeps_the_comment()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [1, 1], [new(0, 0, 0), new(1, 1, 1)]);
        structure.SetArray(AtomArray.OfBooleans(PoscarFormat.MoveMaskArrayName, 1, [true, false]));
        structure.Info["comment"] = "two\nlines";

        var text = WriteText(structure);
        var back = ReadText(text);

        text.Should().StartWith("two lines\n");
        text.Should().Contain("Selective dynamics\nCartesian\n 0 0 0 T T T\n 1 1 1 F F F\n");
        ((bool[])back.FindArray(PoscarFormat.MoveMaskArrayName)!.Data).Should().Equal(true, true, true, false, false, false);
    }

    [Fact]
    public void Round_trips_random_triclinic_structures_with_move_masks_and_velocities_exactly()
    {
        var random = new Random(1234);
        for (var trial = 0; trial < 20; trial++)
        {
            var structure = RandomStructures.Periodic(random, 1 + random.Next(12), [1, 8, 14, 26], withLabels: false);
            var flags = new bool[3 * structure.Count];
            for (var i = 0; i < flags.Length; i++)
            {
                flags[i] = random.Next(2) == 0;
            }

            structure.SetArray(AtomArray.OfBooleans(PoscarFormat.MoveMaskArrayName, 3, flags));
            var velocities = new Vec3[structure.Count];
            for (var i = 0; i < velocities.Length; i++)
            {
                velocities[i] = new Vec3(random.NextDouble() - 0.5, random.NextDouble() - 0.5, random.NextDouble() - 0.5) * 0.01;
            }

            structure.Velocities = velocities;
            structure.Info["comment"] = $"trial {trial}";

            var back = ReadText(WriteText(structure));

            StructureAssert.Equivalent(structure, back, 1e-10);
            back.Positions.Should().Equal(structure.Positions, "Cartesian coordinates with full precision are exact");
            back.Cell.Should().Be(structure.Cell);
            back.Velocities.Should().Equal(velocities);
            ((bool[])back.FindArray(PoscarFormat.MoveMaskArrayName)!.Data).Should().Equal(flags);
            back.Info["comment"].AsString().Should().Be($"trial {trial}");
        }
    }

    [Fact]
    public void Refuses_a_second_structure_naming_the_destination_and_extxyz()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [1], [new(0, 0, 0)]);
        using var text = new StringWriter();
        var writer = Format.CreateWriter(text, "out.vasp", FormatOptions.Default);
        writer.Write(structure);

        var error = Assert.Throws<StructureFormatException>(() => writer.Write(structure));

        error.Message.Should().StartWith("out.vasp: ").And.Contain("extxyz");
    }

    [Fact]
    public void Refuses_a_structure_without_a_three_dimensional_cell()
    {
        var molecule = new Structure(Cell.Empty, Pbc.None, [1, 1], [new(0, 0, 0), new(0.74, 0, 0)]);

        var error = Assert.Throws<StructureFormatException>(() => WriteText(molecule));

        error.Message.Should().StartWith("out.vasp: ").And.Contain("3-D cell");
    }

    [Fact]
    public void Refuses_a_move_mask_that_is_not_boolean()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [1], [new(0, 0, 0)]);
        structure.SetArray(AtomArray.OfReals(PoscarFormat.MoveMaskArrayName, 1, [1.0]));

        Assert.Throws<StructureFormatException>(() => WriteText(structure)).Message.Should().Contain("booleans");
    }

    [Theory]
    [InlineData("POSCAR", true)]
    [InlineData("CONTCAR", true)]
    [InlineData("POSCAR-001", true)]
    [InlineData("CONTCAR.5", true)]
    [InlineData("Si.vasp", true)]
    [InlineData("relaxed.POSCAR", true)]
    [InlineData("POSCAR.cfg", false)]
    [InlineData("train.cfg", false)]
    [InlineData("OUTCAR", false)]
    public void Recognises_vasp_file_names(string name, bool matches)
    {
        Format.MatchesFileName(name).Should().Be(matches);
    }

    [Fact]
    public void Is_registered_under_its_name_and_file_names()
    {
        StructureFormats.FindByName("poscar").Should().BeOfType<PoscarFormat>();
        StructureFormats.FindForPath("/runs/step1/CONTCAR").Should().BeOfType<PoscarFormat>();
        Format.HoldsManyFrames.Should().BeFalse();
    }
}
