using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Mlip;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.Mlip;

public sealed class MlipCfgFormatTests
{
    private static readonly MlipCfgFormat Format = new();
    private static readonly FormatOptions SiliconOxygen = new() { SpeciesMap = [14, 8] };

    // Frame 1 (line 1): cubic, forces, energy, virial, string and real features.
    // Frame 2 (line 20): triclinic, direct coordinates, no forces, an extra column, integer and multi-word features.
    // Frame 3 (line 37): a molecule without Supercell.
    private const string Realistic =
        """
        BEGIN_CFG
         Size
            2
         Supercell
            5.43  0.0  0.0
            0.0  5.43  0.0
            0.0  0.0  5.43
         AtomData:  id type       cartes_x      cartes_y      cartes_z           fx          fy          fz
                     1    0       0.0   0.0   0.0      0.1  0.2  0.3
                     2    1       1.3575  1.3575  1.3575   -0.1 -0.2 -0.3
         Energy
               -10.84
         PlusStress:  xx          yy          zz          yz          xz          xy
                0.1  0.2  0.3  0.01  0.02  0.03
         Feature   EFS_by	VASP
         Feature   mindist	2.35
        END_CFG


        BEGIN_CFG
         Size
            3
         Supercell
            4.0 0.0 0.0
            1.0 4.0 0.0
            0.5 0.5 4.0
         AtomData:  id type direct_x direct_y direct_z nbh_grades
            1 1 0.0 0.0 0.0 1.5
            2 0 0.5 0.5 0.5 0.25
            3 0 0.25 0.5 0.75 3
         Energy
            -20.5
         Feature   step	17
         Feature   config_type	bulk liquid
         Feature   flags	T F T
        END_CFG
        BEGIN_CFG
         Size
          2
         AtomData: id type cartes_x cartes_y cartes_z fx fy fz
          1 1 0 0 0 0 0 1
          2 1 0 0 1.21 0 0 -1
         Energy
          -3.5
        END_CFG

        """;

    private static List<Structure> ReadText(string text, FormatOptions? options = null)
    {
        using var reader = new LineReader(new StringReader(text), "train.cfg");
        return [.. Format.Read(reader, options ?? FormatOptions.Default)];
    }

    private static StructureFormatException ReadFails(string text, FormatOptions? options = null)
    {
        using var reader = new LineReader(new StringReader(text), "train.cfg");
        return Assert.Throws<StructureFormatException>(() => Format.Read(reader, options ?? FormatOptions.Default).ToList());
    }

    private static string WriteText(IEnumerable<Structure> structures, FormatOptions? options = null)
    {
        using var text = new StringWriter();
        text.NewLine = "\n";
        var writer = Format.CreateWriter(text, "out.cfg", options ?? FormatOptions.Default);
        foreach (var structure in structures)
        {
            writer.Write(structure);
        }

        return text.ToString();
    }

    [Fact]
    public void Reads_a_periodic_frame_with_forces_energy_virial_and_features()
    {
        var frame = ReadText(Realistic, SiliconOxygen)[0];

        frame.AtomicNumbers.Should().Equal(14, 8);
        frame.Pbc.Should().Be(Pbc.All);
        frame.Cell.Should().Be(Cell.Orthorhombic(5.43, 5.43, 5.43));
        frame.Positions.Should().Equal(new Vec3(0, 0, 0), new Vec3(1.3575, 1.3575, 1.3575));
        frame.Reference.Should().BeNull("labels go to the calculated set by default");
        var labels = frame.Calculated!;
        labels.Energy.Should().Be(-10.84);
        labels.Forces.Should().Equal(new Vec3(0.1, 0.2, 0.3), new Vec3(-0.1, -0.2, -0.3));
        frame.Info["EFS_by"].Should().Be(InfoValue.FromString("VASP"));
        frame.Info["mindist"].Should().Be(InfoValue.FromReal(2.35));
        frame.Info.Keys.Should().Equal("EFS_by", "mindist");
    }

    [Fact]
    public void Plus_stress_is_the_virial_and_becomes_stress_by_dividing_by_minus_the_volume()
    {
        var stress = ReadText(Realistic, SiliconOxygen)[0].Calculated!.Stress!.Value;

        var volume = 5.43 * 5.43 * 5.43;
        StructureAssert.Close(-0.1 / volume, stress.XX, 1e-15, "xx");
        StructureAssert.Close(-0.2 / volume, stress.YY, 1e-15, "yy");
        StructureAssert.Close(-0.3 / volume, stress.ZZ, 1e-15, "zz");
        StructureAssert.Close(-0.01 / volume, stress.YZ, 1e-15, "yz");
        StructureAssert.Close(-0.01 / volume, stress.ZY, 1e-15, "zy");
        StructureAssert.Close(-0.02 / volume, stress.XZ, 1e-15, "xz");
        StructureAssert.Close(-0.03 / volume, stress.XY, 1e-15, "xy");
        stress.XX.Should().BeNegative("a positive virial is a compressed cell, which has negative stress in ASE's sign");
    }

    [Fact]
    public void A_plus_stress_header_in_another_order_is_followed()
    {
        var text = Realistic.Replace(
            "PlusStress:  xx          yy          zz          yz          xz          xy",
            "PlusStress:  xy xz yz zz yy xx",
            StringComparison.Ordinal);

        var stress = ReadText(text, SiliconOxygen)[0].Calculated!.Stress!.Value;

        var volume = 5.43 * 5.43 * 5.43;
        StructureAssert.Close(-0.1 / volume, stress.XY, 1e-15, "xy");
        StructureAssert.Close(-0.03 / volume, stress.XX, 1e-15, "xx");
    }

    [Fact]
    public void Reads_direct_coordinates_extra_columns_and_typed_features_without_forces()
    {
        var frame = ReadText(Realistic, SiliconOxygen)[1];

        frame.AtomicNumbers.Should().Equal(8, 14, 14);
        var lattice = new Mat3(4, 0, 0, 1, 4, 0, 0.5, 0.5, 4);
        frame.Cell.Matrix.Should().Be(lattice);
        frame.Positions[2].Should().Be(new Vec3(0.25, 0.5, 0.75) * lattice);
        frame.Calculated.Should().Be(new LabelSet(Energy: -20.5));
        var grades = frame.FindArray("nbh_grades")!;
        grades.Kind.Should().Be(AtomArrayKind.Real);
        grades.Columns.Should().Be(1);
        ((double[])grades.Data).Should().Equal(1.5, 0.25, 3);
        frame.Info["step"].Should().Be(InfoValue.FromInteger(17));
        frame.Info["config_type"].Should().Be(InfoValue.FromString("bulk liquid"));
        frame.Info["flags"].Should().Be(InfoValue.FromBooleans([true, false, true]));
    }

    [Fact]
    public void A_frame_without_supercell_is_a_molecule()
    {
        var frame = ReadText(Realistic, SiliconOxygen)[2];

        frame.Pbc.Should().Be(Pbc.None);
        frame.Cell.Should().Be(Cell.Empty);
        frame.Positions[1].Should().Be(new Vec3(0, 0, 1.21));
        frame.Calculated!.Forces.Should().Equal(new Vec3(0, 0, 1), new Vec3(0, 0, -1));
        frame.Calculated.Stress.Should().BeNull();
    }

    [Fact]
    public void Supercell_rows_make_the_first_lattice_vectors_periodic()
    {
        const string slab =
            """
            BEGIN_CFG
             Size
              1
             Supercell
              3.0 0.0 0.0
              0.0 4.0 0.0
             AtomData: id type cartes_x cartes_y cartes_z
              1 0 0.5 0.5 7.0
            END_CFG
            """;

        var frame = ReadText(slab, SiliconOxygen).Single();

        frame.Pbc.Should().Be(new Pbc(true, true, false));
        frame.Cell.Matrix.Should().Be(new Mat3(3, 0, 0, 0, 4, 0, 0, 0, 0));
        frame.Calculated.Should().BeNull();
    }

    [Fact]
    public void Labels_are_stored_as_reference_when_asked()
    {
        var frame = ReadText(Realistic, SiliconOxygen with { Labels = LabelChoice.Reference })[0];

        frame.Calculated.Should().BeNull();
        frame.Reference!.Energy.Should().Be(-10.84);
    }

    [Fact]
    public void Uses_the_species_map_feature_when_no_map_is_given_and_keeps_it_out_of_info()
    {
        var text = Realistic.Replace("END_CFG", " Feature   species_map\tSi,O\nEND_CFG", StringComparison.Ordinal);

        var frames = ReadText(text);

        frames[0].AtomicNumbers.Should().Equal(14, 8);
        frames[1].AtomicNumbers.Should().Equal(8, 14, 14);
        frames.Should().AllSatisfy(frame => frame.Info.ContainsKey(MlipCfgFormat.SpeciesMapFeature).Should().BeFalse());
    }

    [Fact]
    public void An_explicit_species_map_wins_over_the_feature()
    {
        var text = Realistic.Replace("END_CFG", " Feature   species_map\tSi,O\nEND_CFG", StringComparison.Ordinal);

        var frames = ReadText(text, new FormatOptions { SpeciesMap = [6, 1] });

        frames[0].AtomicNumbers.Should().Equal(6, 1);
    }

    [Fact]
    public void Without_any_species_map_the_error_names_the_atom_data_line_and_asks_for_one()
    {
        var error = ReadFails(Realistic);

        error.Line.Should().Be(8);
        error.Message.Should().StartWith("train.cfg:8: ").And.Contain("--species-map");
    }

    [Fact]
    public void A_type_outside_the_given_species_map_fails_at_its_row()
    {
        var error = ReadFails(Realistic, new FormatOptions { SpeciesMap = [14] });

        error.Line.Should().Be(10);
        error.Detail.Should().Contain("type 1 is outside the species map");
    }

    [Fact]
    public void A_type_outside_the_species_map_feature_fails_at_its_row()
    {
        var text = Realistic.Replace("END_CFG", " Feature   species_map\tSi\nEND_CFG", StringComparison.Ordinal);

        var error = ReadFails(text);

        error.Line.Should().Be(10);
        error.Detail.Should().Contain("type 1 is outside the species map of line 17");
    }

    [Fact]
    public void Plus_stress_in_a_frame_that_is_not_periodic_in_three_dimensions_is_an_error()
    {
        const string molecule =
            """
            BEGIN_CFG
             Size
              1
             AtomData: id type cartes_x cartes_y cartes_z
              1 0 0 0 0
             PlusStress: xx yy zz yz xz xy
              1 2 3 4 5 6
            END_CFG
            """;

        var error = ReadFails(molecule, SiliconOxygen);

        error.Line.Should().Be(6);
        error.Detail.Should().Contain("3-D periodic");
    }

    private const string Frame =
        """
        BEGIN_CFG
         Size
            2
         Supercell
            5.0 0.0 0.0
            0.0 5.0 0.0
            0.0 0.0 5.0
         AtomData:  id type cartes_x cartes_y cartes_z fx fy fz
            1 0 0.0 0.0 0.0 0.1 0.2 0.3
            2 0 1.0 1.0 1.0 -0.1 -0.2 -0.3
         Energy
            -1.5
        END_CFG

        """;

    [Theory]
    [InlineData(9, "expected 8 values, as the header on line 8 names, found 7", "0.1 0.2 0.3\n", "0.1 0.2\n")]
    [InlineData(10, "'abc' is not a number", "1.0 1.0 -0.1", "1.0 abc -0.1")]
    [InlineData(11, "fewer atom rows than Size (line 2)", "    2\n Supercell", "    3\n Supercell")]
    [InlineData(10, "more AtomData rows than Size = 1 (line 2)", "    2\n Supercell", "    1\n Supercell")]
    [InlineData(3, "'two' is not an integer", "    2\n Supercell", "    two\n Supercell")]
    [InlineData(9, "type -1 is not a type", "1 0 0.0", "1 -1 0.0")]
    [InlineData(12, "'-1.5x' is not a number", "-1.5\n", "-1.5x\n")]
    [InlineData(11, "unknown keyword 'Energie'", "Energy", "Energie")]
    [InlineData(6, "Supercell row 2: expected three numbers", "0.0 5.0 0.0", "0.0 5.0")]
    [InlineData(8, "forces need all three columns", " fx fy fz", " fx fy")]
    [InlineData(8, "cartes_x cartes_y cartes_z or direct_x", "cartes_z", "direct_z")]
    [InlineData(8, "column 'fx' appears twice", "fy fz", "fx fz")]
    [InlineData(11, "a second AtomData", " Energy\n", " AtomData: id type cartes_x cartes_y cartes_z\n")]
    public void Malformed_frames_fail_with_the_line_and_what_was_expected(
        int line, string expected, string original, string replacement)
    {
        var text = Frame.Replace(original, replacement, StringComparison.Ordinal);
        text.Should().NotBe(Frame, "the case must change the frame");

        var error = ReadFails(text, SiliconOxygen);

        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"train.cfg:{line}: ");
        error.Detail.Should().Contain(expected);
    }

    [Fact]
    public void A_missing_end_cfg_fails_after_the_last_line()
    {
        var error = ReadFails(Frame.Replace("END_CFG\n", string.Empty, StringComparison.Ordinal), SiliconOxygen);

        error.Line.Should().Be(13);
        error.Detail.Should().Contain("unexpected end of file").And.Contain("END_CFG").And.Contain("line 1");
    }

    [Fact]
    public void A_new_frame_before_end_cfg_is_an_error()
    {
        var error = ReadFails(Frame.Replace("END_CFG\n", string.Empty, StringComparison.Ordinal) + Frame, SiliconOxygen);

        error.Line.Should().Be(13);
        error.Detail.Should().Contain("BEGIN_CFG before the END_CFG of the frame begun on line 1");
    }

    [Fact]
    public void A_truncated_atom_table_at_the_end_of_the_file_is_an_error()
    {
        var error = ReadFails(Frame[..Frame.IndexOf("    2 0 1.0", StringComparison.Ordinal)], SiliconOxygen);

        error.Line.Should().Be(10);
        error.Detail.Should().Contain("expected AtomData row 2 of 2");
    }

    [Fact]
    public void Text_outside_a_frame_is_an_error()
    {
        var error = ReadFails(Frame + "garbage\n", SiliconOxygen);

        error.Line.Should().Be(14);
        error.Detail.Should().Contain("expected BEGIN_CFG");
    }

    [Fact]
    public void A_frame_without_atom_data_is_an_error_at_end_cfg()
    {
        var error = ReadFails("BEGIN_CFG\n Size\n  0\nEND_CFG\n", SiliconOxygen);

        error.Line.Should().Be(4);
        error.Detail.Should().Contain("no AtomData");
    }

    [Fact]
    public void Direct_coordinates_without_a_full_supercell_are_an_error()
    {
        var error = ReadFails("BEGIN_CFG\n Size\n  1\n AtomData: id type direct_x direct_y direct_z\n  1 0 0 0 0\nEND_CFG\n", SiliconOxygen);

        error.Line.Should().Be(4);
        error.Detail.Should().Contain("direct coordinates need a Supercell");
    }

    [Fact]
    public void Round_trips_twenty_random_labelled_triclinic_structures_as_calculated_labels()
    {
        var random = new Random(2024);
        var structures = new List<Structure>();
        for (var i = 0; i < 20; i++)
        {
            var structure = RandomStructures.Periodic(random, 1 + random.Next(16), [1, 8, 14, 26]);
            structure.Reference = null;
            structure.Info["index"] = (long)i;
            structure.Info["temperature"] = 300.0 + i;
            structures.Add(structure);
        }

        var back = ReadText(WriteText(structures));

        back.Should().HaveCount(20);
        for (var i = 0; i < 20; i++)
        {
            StructureAssert.Equivalent(structures[i], back[i], 1e-10);
            back[i].Positions.Should().Equal(structures[i].Positions);
            back[i].Calculated!.Forces.Should().Equal(structures[i].Calculated!.Forces);
            back[i].Calculated!.Energy.Should().Be(structures[i].Calculated!.Energy);
            back[i].Info["index"].Should().Be(InfoValue.FromInteger(i));
            back[i].Info["temperature"].Should().Be(InfoValue.FromReal(300.0 + i));
        }
    }

    [Fact]
    public void Round_trips_the_reference_labels_when_asked_to()
    {
        var random = new Random(7);
        var structures = Enumerable.Range(0, 20).Select(_ => RandomStructures.Periodic(random, 1 + random.Next(10), [8, 14])).ToList();
        var reference = new FormatOptions { Labels = LabelChoice.Reference };

        var back = ReadText(WriteText(structures, reference), reference);

        for (var i = 0; i < 20; i++)
        {
            StructureAssert.Equivalent(structures[i], back[i], 1e-10, compareLabels: false);
            StructureAssert.Labels(structures[i].Reference, back[i].Reference, 1e-10, "reference");
            back[i].Calculated.Should().BeNull();
        }
    }

    [Fact]
    public void Read_write_read_is_exact_for_everything_but_the_stress()
    {
        var first = ReadText(Realistic, SiliconOxygen);

        var second = ReadText(WriteText(first, SiliconOxygen));

        second.Should().HaveCount(3);
        for (var i = 0; i < 3; i++)
        {
            second[i].AtomicNumbers.Should().Equal(first[i].AtomicNumbers);
            second[i].Pbc.Should().Be(first[i].Pbc);
            second[i].Cell.Should().Be(first[i].Cell);
            second[i].Positions.Should().Equal(first[i].Positions);
            second[i].Calculated!.Energy.Should().Be(first[i].Calculated!.Energy);
            (second[i].Calculated!.Forces is null).Should().Be(first[i].Calculated!.Forces is null);
            if (first[i].Calculated!.Forces is { } forces)
            {
                second[i].Calculated!.Forces.Should().Equal(forces);
            }

            second[i].Info.Should().Equal(first[i].Info);
        }

        ((double[])second[1].FindArray("nbh_grades")!.Data).Should().Equal(1.5, 0.25, 3);
        StructureAssert.Close(first[0].Calculated!.Stress!.Value, second[0].Calculated!.Stress!.Value, 1e-15, "stress");
    }

    [Fact]
    public void Writes_the_virial_as_plus_stress_in_mlip_order()
    {
        var structure = new Structure(Cell.Orthorhombic(2, 2, 2), Pbc.All, [14], [Vec3.Zero])
        {
            Calculated = new LabelSet(Stress: Mat3.FromVoigt(-1, -2, -3, -0.5, -0.25, -0.125)),
        };

        var text = WriteText([structure]);

        text.Should().Contain(" PlusStress:  xx yy zz yz xz xy\n    8 16 24 4 2 1\n");
        text.Should().NotContain("Energy").And.NotContain(" fx");
    }

    [Fact]
    public void Writes_no_plus_stress_for_a_structure_that_is_not_periodic_in_three_dimensions()
    {
        var slab = new Structure(Cell.Orthorhombic(3, 3, 20), new Pbc(true, true, false), [14], [Vec3.Zero])
        {
            Calculated = new LabelSet(-1.0, [new Vec3(0, 0, 1)], Mat3.Identity),
        };

        var text = WriteText([slab]);
        var back = ReadText(text).Single();

        text.Should().NotContain("PlusStress");
        back.Pbc.Should().Be(new Pbc(true, true, false));
        back.Cell.Matrix.Should().Be(new Mat3(3, 0, 0, 0, 3, 0, 0, 0, 0));
        back.Calculated!.Energy.Should().Be(-1.0);
        back.Calculated.Stress.Should().BeNull();
        back.Calculated.Forces.Should().Equal(new Vec3(0, 0, 1));
    }

    [Fact]
    public void Numbers_types_by_first_appearance_over_the_stream_and_writes_the_species_map_feature()
    {
        var oxide = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [8, 14, 8], [Vec3.Zero, new(1, 1, 1), new(2, 2, 2)]);
        var iron = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [26, 14], [Vec3.Zero, new(1, 1, 1)]);

        var text = WriteText([oxide, iron]);
        var back = ReadText(text);

        text.Should().Contain(" Feature   species_map\tO,Si\n").And.Contain(" Feature   species_map\tO,Si,Fe\n");
        text.Should().Contain("    1 2 0 0 0\n", "iron, new in the second frame, is type 2");
        back[0].AtomicNumbers.Should().Equal(8, 14, 8);
        back[1].AtomicNumbers.Should().Equal(26, 14);
    }

    [Fact]
    public void Numbers_types_by_the_species_map_when_given_and_refuses_other_elements()
    {
        var oxide = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [8, 14], [Vec3.Zero, new(1, 1, 1)]);
        var iron = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [26], [Vec3.Zero]);

        var text = WriteText([oxide], SiliconOxygen);

        text.Should().Contain("    1 1 0 0 0\n").And.Contain("    2 0 1 1 1\n").And.Contain("species_map\tSi,O\n");
        Assert.Throws<StructureFormatException>(() => WriteText([oxide, iron], SiliconOxygen))
            .Message.Should().StartWith("out.cfg: structure 2").And.Contain("Fe").And.Contain("--species-map");
    }

    [Fact]
    public void Refuses_periodicity_that_is_not_along_the_first_lattice_vectors()
    {
        var wire = new Structure(Cell.Orthorhombic(3, 3, 3), new Pbc(false, false, true), [14], [Vec3.Zero]);

        Assert.Throws<StructureFormatException>(() => WriteText([wire])).Message.Should().Contain("first 1, 2 or 3 lattice vectors");
    }

    [Fact]
    public void Refuses_info_it_cannot_write_as_a_feature()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [14], [Vec3.Zero]);
        structure.Info["two words"] = 1L;

        Assert.Throws<StructureFormatException>(() => WriteText([structure])).Message.Should().Contain("one word");

        structure.Info.Clear();
        structure.Info[MlipCfgFormat.SpeciesMapFeature] = "Si";
        Assert.Throws<StructureFormatException>(() => WriteText([structure])).Message.Should().Contain("reserves");
    }

    [Fact]
    public void Writes_one_column_real_arrays_as_columns_and_skips_the_rest()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [14, 14], [Vec3.Zero, new(1, 1, 1)]);
        structure.SetArray(AtomArray.OfReals("nbh_grades", 1, [0.5, 2.5]));
        structure.SetArray(AtomArray.OfBooleans("move_mask", 3, [true, true, true, false, false, false]));

        var text = WriteText([structure]);
        var back = ReadText(text).Single();

        text.Should().Contain(" AtomData:  id type cartes_x cartes_y cartes_z nbh_grades\n");
        ((double[])back.FindArray("nbh_grades")!.Data).Should().Equal(0.5, 2.5);
        back.FindArray("move_mask").Should().BeNull();
    }

    [Fact]
    public void Is_registered_under_its_name_and_file_names()
    {
        StructureFormats.FindByName("cfg").Should().BeOfType<MlipCfgFormat>();
        StructureFormats.FindForPath("/data/train.CFG").Should().BeOfType<MlipCfgFormat>();
        StructureFormats.FindForPath("/data/POSCAR.cfg").Should().BeOfType<MlipCfgFormat>();
        Format.HoldsManyFrames.Should().BeTrue();
    }
}
