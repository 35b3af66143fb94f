using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.Lammps;

public class LammpsDumpFormatTests
{
    private static readonly LammpsDumpFormat Format = new();

    // As LAMMPS writes `dump custom ... id type element x y z vx vy vz fx fy fz c_pe v_gamma mol` from an MPI run: rows unordered.
    private const string Orthogonal = """
        ITEM: TIMESTEP
        1500
        ITEM: NUMBER OF ATOMS
        3
        ITEM: BOX BOUNDS pp pp pp
        0.0000000000000000e+00 5.4299999999999997e+00
        -1.0000000000000000e+00 4.0000000000000000e+00
        0.0000000000000000e+00 6.0000000000000000e+00
        ITEM: ATOMS id type element x y z vx vy vz fx fy fz c_pe v_gamma mol
        3 2 O 1 2 3 -1.5 0 2.5 0.25 -0.5 1 -4.25 0.125 7
        1 1 Si 0.5 0 5.5 1 2 3 0.1 0.2 0.3 -5.5 1.5 7
        2 1 Si 5 3.5 0.25 0 0 0 -0.1 -0.2 -0.3 -5.25 2 8
        """;

    [Fact]
    public void Reads_an_orthogonal_frame_sorted_by_id_with_every_column_kept()
    {
        var structure = LammpsTestText.Read(Format, Orthogonal).Should().ContainSingle().Subject;

        structure.Cell.Should().Be(Cell.Orthorhombic(5.4299999999999997, 5, 6));
        structure.Pbc.Should().Be(Pbc.All);
        structure.Info["timestep"].Should().Be(InfoValue.FromInteger(1500));
        structure.AtomicNumbers.Should().Equal(14, 14, 8);
        structure.Positions.Should().Equal(new Vec3(0.5, 1, 5.5), new Vec3(5, 4.5, 0.25), new Vec3(1, 3, 3));
        StructureAssert.Close(
            [new Vec3(1e-3, 2e-3, 3e-3), Vec3.Zero, new Vec3(-1.5e-3, 0, 2.5e-3)], structure.Velocities!, 1e-15, "velocities");
        structure.Reference.Should().BeNull();
        structure.Calculated!.Forces.Should().Equal(new Vec3(0.1, 0.2, 0.3), new Vec3(-0.1, -0.2, -0.3), new Vec3(0.25, -0.5, 1));
        structure.Calculated.Energy.Should().BeNull();
        structure.Arrays.Select(a => (a.Name, a.Kind, a.Columns)).Should().Equal(
            ("c_pe", AtomArrayKind.Real, 1), ("v_gamma", AtomArrayKind.Real, 1), ("mol", AtomArrayKind.Integer, 1));
        structure.FindArray("c_pe")!.Data.Should().BeEquivalentTo(new[] { -5.5, -5.25, -4.25 }, o => o.WithStrictOrdering());
        structure.FindArray("v_gamma")!.Data.Should().BeEquivalentTo(new[] { 1.5, 2, 0.125 }, o => o.WithStrictOrdering());
        structure.FindArray("mol")!.Data.Should().BeEquivalentTo(new long[] { 7, 8, 7 }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Forces_become_reference_labels_when_asked()
    {
        var structure = LammpsTestText.Read(Format, Orthogonal, new FormatOptions { Labels = LabelChoice.Reference }).Single();

        structure.Calculated.Should().BeNull();
        structure.Reference!.Forces.Should().HaveCount(3);
    }

    [Fact]
    public void Triclinic_bounding_box_bounds_are_turned_back_into_the_box()
    {
        // Box lx=5, ly=4, lz=3, xy=-1, xz=2, yz=0.5 at origin (1, -2, 0.5). LAMMPS writes the bounding box:
        // x: 1 + min(0, -1, 2, 1) = 0 to 6 + max(0, -1, 2, 1) = 8; y: -2 + min(0, 0.5) = -2 to 2 + 0.5 = 2.5; z: 0.5 to 3.5.
        var text = """
            ITEM: TIMESTEP
            0
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS xy xz yz pp pp ff
            0 8 -1
            -2 2.5 2
            0.5 3.5 0.5
            ITEM: ATOMS id element x y z
            1 H 1 -2 0.5
            2 H 7 2.5 3.5
            """;

        var structure = LammpsTestText.Read(Format, text).Single();

        structure.Cell.Should().Be(new Cell(new Vec3(5, 0, 0), new Vec3(-1, 4, 0), new Vec3(2, 0.5, 3)));
        structure.Pbc.Should().Be(new Pbc(true, true, false));
        // The origin moves to zero; atom 2 sits at a + b + c.
        structure.Positions.Should().Equal(Vec3.Zero, new Vec3(6, 4.5, 3));
    }

    [Fact]
    public void Reads_the_box_exactly_as_LAMMPS_prints_it()
    {
        // write_dump of `region box prism 0 1 0 1 0 1 0.3 0.2 0.1` on a 5.43 Å diamond lattice (LAMMPS 29 Sep 2021).
        var text = """
            ITEM: TIMESTEP
            0
            ITEM: NUMBER OF ATOMS
            1
            ITEM: BOX BOUNDS xy xz yz pp pp pp
            0.0000000000000000e+00 8.1449999999999996e+00 1.6289999999999998e+00
            0.0000000000000000e+00 5.9729999999999999e+00 1.0860000000000001e+00
            0.0000000000000000e+00 5.4299999999999997e+00 5.4300000000000004e-01
            ITEM: ATOMS id type x y z
            1 1 4.0725000000000007 1.3574999999999999 4.0724999999999998
            """;

        var structure = LammpsTestText.Read(Format, text, new FormatOptions { SpeciesMap = [14] }).Single();

        StructureAssert.Close(
            new Mat3(5.43, 0, 0, 1.629, 5.43, 0, 1.086, 0.543, 5.43), structure.Cell.Matrix, 1e-15, "cell");
        structure.AtomicNumbers.Should().Equal(14);
        structure.Positions.Should().Equal(new Vec3(4.0725000000000007, 1.3574999999999999, 4.0724999999999998));
    }

    private static string OneAtom(string columns, string values) => $"""
        ITEM: TIMESTEP
        0
        ITEM: NUMBER OF ATOMS
        1
        ITEM: BOX BOUNDS xy xz yz pp pp pp
        -1 7 -1
        0 4.5 2
        0 3 0.5
        ITEM: ATOMS {columns}
        {values}
        """;

    [Theory]
    [InlineData("id element x y z ix iy iz", "1 C 2.5 1 1.5 1 -1 2")]
    [InlineData("id element xu yu zu", "1 C 12.5 -2 7.5")]
    [InlineData("id element xu yu zu x y z", "1 C 12.5 -2 7.5 0 0 0")]
    [InlineData("id element xs ys zs ix iy iz", "1 C 0.25 0.125 0.5 1 -1 2")]
    [InlineData("id element xsu ysu zsu", "1 C 1.25 -0.875 2.5")]
    public void Scaled_unwrapped_and_image_flagged_coordinates_give_the_same_position(string columns, string values)
    {
        // Box: a = (5, 0, 0), b = (-1, 4, 0), c = (2, 0.5, 3) at the origin. Fractional (0.25, 0.125, 0.5) is
        // 0.25·a + 0.125·b + 0.5·c = (1.25 − 0.125 + 1, 0.5 + 0.25, 1.5) = (2.125, 0.75, 1.5).
        // Images (1, −1, 2) add a − b + 2c = (10, −3, 6).
        var structure = LammpsTestText.Read(Format, OneAtom(columns, values)).Single();

        structure.Cell.Should().Be(new Cell(new Vec3(5, 0, 0), new Vec3(-1, 4, 0), new Vec3(2, 0.5, 3)));
        var expected = columns.Contains("xs", StringComparison.Ordinal)
            ? new Vec3(2.125, 0.75, 1.5) + new Vec3(10, -3, 6)
            : new Vec3(2.5, 1, 1.5) + new Vec3(10, -3, 6);
        StructureAssert.Close([expected], structure.Positions, 1e-15, "position");
        structure.Arrays.Should().BeEmpty("coordinates and image flags are not extra columns");
    }

    [Fact]
    public void Types_need_a_species_map_unless_an_element_column_names_the_elements()
    {
        var typed = OneAtom("id type x y z", "1 2 0 0 0");

        var error = LammpsTestText.ReadError(Format, typed);
        error.Line.Should().Be(9);
        error.Detail.Should().Contain("no 'element' column").And.Contain("--species-map");

        LammpsTestText.Read(Format, typed, new FormatOptions { SpeciesMap = [14, 8] }).Single().AtomicNumbers.Should().Equal(8);

        var beyond = LammpsTestText.ReadError(Format, typed, new FormatOptions { SpeciesMap = [14] });
        beyond.Line.Should().Be(10);
        beyond.Detail.Should().Be("atom type 2 has no element: --species-map names types 1–1");

        var named = OneAtom("id type element x y z", "1 2 Ga 0 0 0");
        LammpsTestText.Read(Format, named, new FormatOptions { SpeciesMap = [14, 8] }).Single().AtomicNumbers.Should().Equal(31);
    }

    [Fact]
    public void Optional_units_and_time_items_are_understood()
    {
        var text = "ITEM: UNITS\nmetal\nITEM: TIME\n0.25\n" + OneAtom("id element x y z q", "1 Na 0 0 0 0.5");

        var structure = LammpsTestText.Read(Format, text).Single();

        structure.Info["time"].Should().Be(InfoValue.FromReal(250), "0.25 ps is 250 fs");
        structure.FindArray("charges")!.Data.Should().BeEquivalentTo(new[] { 0.5 });

        var real = LammpsTestText.ReadError(Format, "ITEM: UNITS\nreal\n" + OneAtom("id element x y z", "1 Na 0 0 0"));
        real.Line.Should().Be(2);
        real.Detail.Should().Be("units 'real': the reader handles LAMMPS metal units only");
    }

    private const string TwoFrames = """
        ITEM: TIMESTEP
        0
        ITEM: NUMBER OF ATOMS
        2
        ITEM: BOX BOUNDS pp pp pp
        0 4
        0 4
        0 4
        ITEM: ATOMS id element x y z
        1 Si 0 0 0
        2 Si 1 1 1
        ITEM: TIMESTEP
        10
        ITEM: NUMBER OF ATOMS
        2
        ITEM: BOX BOUNDS pp pp pp
        0 4
        0 4
        0 4
        ITEM: ATOMS id element x y z
        1 Si 0.5 0 0
        2 Si 1 1.5 1

        """;

    [Fact]
    public void Reads_every_frame()
    {
        var frames = LammpsTestText.Read(Format, TwoFrames);

        frames.Select(f => f.Info["timestep"].AsInteger()).Should().Equal(0, 10);
        frames[1].Positions.Should().Equal(new Vec3(0.5, 0, 0), new Vec3(1, 1.5, 1));
    }

    [Theory]
    [InlineData("2 Si 1 1.5 1\n", "", 22, "unexpected end of file; expected atom row 2 of 2")]
    [InlineData("2 Si 1 1 1\nITEM: TIMESTEP\n10", "ITEM: TIMESTEP\n10", 11, "the frame ends after 1 of its 2 atom rows: found 'ITEM: TIMESTEP'")]
    [InlineData("2 Si 1 1.5 1", "2 Si 1 1.5", 22, "expected 5 values (id element x y z), found 4")]
    [InlineData("2 Si 1 1.5 1", "2 Si 1 1.5 1 0", 22, "expected 5 values (id element x y z), found 6")]
    [InlineData("2 Si 1 1.5 1", "2 Si 1 1.5e 1", 22, "y: '1.5e' is not a number")]
    [InlineData("2 Si 1 1.5 1", "2.0 Si 1 1.5 1", 22, "id: '2.0' is not an integer")]
    [InlineData("2 Si 1 1.5 1", "2 Qq 1 1.5 1", 22, "element: 'Qq' is not a chemical element symbol")]
    [InlineData("2 Si 1 1.5 1", "1 Si 1 1.5 1", 22, "atom id 1 appears twice in the frame (also on line 21)")]
    [InlineData("10\nITEM: NUMBER OF ATOMS\n2", "10\n2", 14, "expected 'ITEM: NUMBER OF ATOMS', found '2'")]
    [InlineData("ITEM: TIMESTEP\n10", "ITEM: TIMESTAMP\n10", 12, "expected 'ITEM: TIMESTEP' to start a frame, found 'ITEM: TIMESTAMP'")]
    [InlineData("2 Si 1 1 1\nITEM: TIMESTEP", "2 Si 1 1 1\n3 Si 1 1 1\nITEM: TIMESTEP", 12, "does the previous frame have more atom rows than its NUMBER OF ATOMS?")]
    [InlineData("ITEM: TIMESTEP\n10", "ITEM: TIMESTEP\nten", 13, "timestep: 'ten' is not an integer")]
    [InlineData("ITEM: TIMESTEP\n10", "ITEM: TIMESTEP\n10 20", 13, "expected the timestep alone on the line, found '10 20'")]
    [InlineData("10\nITEM: NUMBER OF ATOMS\n2", "10\nITEM: NUMBER OF ATOMS\n-2", 15, "the number of atoms must be between 0 and")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", 16, "needs three boundary flag pairs")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp px pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", 16, "'px' is not a boundary flag pair")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4 0\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", 18, "expected 2 values (ylo yhi), found 3")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n4 0\nITEM: ATOMS id element x y z\n1 Si 0.5", 19, "the box bounds do not form a box")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y\n1 Si 0.5", 20, "the coordinate columns x y z must come together")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element vx vy vz\n1 Si 0.5", 20, "the ATOMS line has no coordinates")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z x\n1 Si 0.5", 20, "column 'x' appears twice")]
    [InlineData("2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id element x y z\n1 Si 0.5", "2\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n0 4\nITEM: ATOMS id x y z\n1 Si 0.5", 20, "neither an element nor a type column")]
    public void Malformed_frames_are_reported_with_their_line(string replace, string with, int line, string detail)
    {
        var text = ReplaceInSecondFrame(replace, with);

        var error = LammpsTestText.ReadError(Format, text);

        error.Detail.Should().Contain(detail);
        error.Line.Should().Be(line);
    }

    // Edits the second frame only (from line 12 on), so that the first frame is read and yielded before the error.
    private static string ReplaceInSecondFrame(string replace, string with)
    {
        var split = TwoFrames.IndexOf("2 Si 1 1 1\n", StringComparison.Ordinal);
        var (first, second) = replace.StartsWith("2 Si 1 1 1", StringComparison.Ordinal)
            ? (TwoFrames[..split], TwoFrames[split..])
            : (TwoFrames[..(split + 11)], TwoFrames[(split + 11)..]);
        var edited = second.Replace(replace, with, StringComparison.Ordinal);
        edited.Should().NotBe(second, $"'{replace}' must be in the second frame");
        return first + edited;
    }

    [Fact]
    public void The_frames_before_a_malformed_one_are_yielded_first()
    {
        var text = ReplaceInSecondFrame("2 Si 1 1.5 1", "2 Si 1 1.5");
        using var frames = Format.Read(new LineReader(new StringReader(text), "bad.dump"), FormatOptions.Default).GetEnumerator();

        frames.MoveNext().Should().BeTrue();
        frames.Current.Info["timestep"].AsInteger().Should().Be(0);
        var next = () => frames.MoveNext();
        next.Should().Throw<StructureFormatException>().WithMessage("bad.dump:22: *");
    }

    [Fact]
    public void Streams_a_thousand_frames_without_reading_ahead()
    {
        using var source = new GeneratedDump(frames: 1000, atoms: 4);
        var reader = new LineReader(source, "long.dump", bufferSize: 256);

        var count = 0;
        foreach (var structure in Format.Read(reader, FormatOptions.Default))
        {
            structure.Info["timestep"].AsInteger().Should().Be(count * 10);
            structure.Positions[3].X.Should().Be(count);
            source.FramesProduced.Should().BeLessThanOrEqualTo(count + 2, "a frame is parsed as soon as its text has been read");
            count++;
        }

        count.Should().Be(1000);
    }

    private static readonly int[] Species = [14, 8, 1];

    [Fact]
    public void Structures_in_standard_orientation_round_trip_with_velocities_forces_and_arrays()
    {
        var random = new Random(21);
        var structures = new List<Structure>();
        for (var frame = 0; frame < 12; frame++)
        {
            var structure = RandomStructures.Periodic(random, 1 + random.Next(25), Species, standardOrientation: true);
            structure.Pbc = new Pbc(frame % 2 == 0, true, frame % 3 != 0);
            structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces;
            structure.SetArray(AtomArray.OfReals("charges", 1, [.. structure.Positions.Select(p => p.X - p.Y)]));
            structure.SetArray(AtomArray.OfReals("c_pe", 1, [.. structure.Positions.Select(p => -p.Z / 3)]));
            structure.SetArray(AtomArray.OfIntegers("mol", 1, [.. structure.Positions.Select((_, i) => (long)(i % 3))]));
            structure.Info["timestep"] = 100L * frame;
            structures.Add(structure);
        }

        var read = LammpsTestText.Read(Format, LammpsTestText.Write(Format, structures));

        read.Should().HaveCount(structures.Count);
        for (var i = 0; i < structures.Count; i++)
        {
            var expected = structures[i].Clone();
            expected.Reference = null;
            expected.Calculated = new LabelSet(Forces: structures[i].Reference!.Forces);
            StructureAssert.Equivalent(expected, read[i], 1e-10);
            read[i].Info["timestep"].Should().Be(InfoValue.FromInteger(100L * i));
            read[i].Arrays.Select(a => a.Name).Should().Equal("charges", "c_pe", "mol");
            foreach (var array in expected.Arrays)
            {
                read[i].FindArray(array.Name)!.Data.Should().BeEquivalentTo(array.Data, o => o.WithStrictOrdering());
            }
        }
    }

    [Fact]
    public void A_general_triclinic_cell_is_rotated_with_its_vectors_and_keeps_distances_and_force_magnitudes()
    {
        var random = new Random(22);
        var structure = RandomStructures.Periodic(random, 15, Species);
        structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces;

        var read = LammpsTestText.Read(Format, LammpsTestText.Write(Format, [structure])).Single();

        LammpsBox.IsStandardOrientation(read.Cell).Should().BeTrue();
        var rotated = LammpsBox.ToStandardOrientation(structure);
        rotated.Calculated = new LabelSet(Forces: rotated.Reference!.Forces);
        rotated.Reference = null;
        StructureAssert.Equivalent(rotated, read, 1e-10);
        LammpsTestText.CloseAll(LammpsTestText.PairDistances(structure), LammpsTestText.PairDistances(read), 1e-10, "distances");
        for (var i = 0; i < structure.Count; i++)
        {
            read.Calculated!.Forces![i].Length.Should().BeApproximately(structure.Reference!.Forces![i].Length, 1e-12);
            read.Velocities![i].Length.Should().BeApproximately(structure.Velocities![i].Length, 1e-12);
        }
    }

    [Fact]
    public void Writes_frames_in_LAMMPS_layout_with_types_numbered_across_the_file()
    {
        var first = new Structure(Cell.Orthorhombic(4, 5, 6), new Pbc(true, true, false), [8, 14], [new(0, 0, 0), new(1.5, 2.25, -3)])
        {
            Calculated = new LabelSet(Energy: -3, Forces: [new(0.5, 0, -1), new(-0.5, 0, 1)]),
        };
        var second = new Structure(
            new Cell(new Vec3(4, 0, 0), new Vec3(-1, 5, 0), new Vec3(2, 0.5, 6)), Pbc.All, [1, 14], [new(1, 1, 1), new(2, 2, 2)])
        {
            Velocities = [new(0.5, 0, 0), new(0, 0.25, 0)],
        };
        second.Info["timestep"] = 42L;

        var text = LammpsTestText.Write(Format, [first, second]);

        text.Should().Be("""
            ITEM: TIMESTEP
            0
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS pp pp ff
            0 4
            0 5
            0 6
            ITEM: ATOMS id type element x y z fx fy fz
            1 1 O 0 0 0 0.5 0 -1
            2 2 Si 1.5 2.25 -3 -0.5 0 1
            ITEM: TIMESTEP
            42
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS xy xz yz pp pp pp
            -1 6 -1
            0 5.5 2
            0 6 0.5
            ITEM: ATOMS id type element x y z vx vy vz
            1 3 H 1 1 1 500 0 0
            2 2 Si 2 2 2 0 250 0

            """);
    }

    [Fact]
    public void The_species_map_numbers_the_types_and_must_name_every_element()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [14, 8], [Vec3.Zero, new(1, 1, 1)]);

        var text = LammpsTestText.Write(Format, [structure], new FormatOptions { SpeciesMap = [8, 14] });
        text.Should().Contain("1 2 Si 0 0 0\n2 1 O 1 1 1\n");

        var missing = () => LammpsTestText.Write(Format, [structure], new FormatOptions { SpeciesMap = [8] });
        missing.Should().Throw<StructureFormatException>().WithMessage("out.file: the species map (O) has no type for element Si*");

        var molecule = () => LammpsTestText.Write(Format, [new Structure(Cell.Empty, Pbc.None, [1], [Vec3.Zero])]);
        molecule.Should().Throw<StructureFormatException>().WithMessage("out.file: LAMMPS needs a simulation box*");
    }

    [Fact]
    public void The_label_choice_picks_which_forces_are_written()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [1], [Vec3.Zero])
        {
            Reference = new LabelSet(Forces: [new(1, 0, 0)]),
            Calculated = new LabelSet(Forces: [new(2, 0, 0)]),
        };

        LammpsTestText.Write(Format, [structure]).Should().Contain("1 1 H 0 0 0 1 0 0\n");
        LammpsTestText.Write(Format, [structure], new FormatOptions { Labels = LabelChoice.Calculated }).Should().Contain("1 1 H 0 0 0 2 0 0\n");
    }

    [Fact]
    public void Arrays_that_cannot_be_a_column_are_left_out()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [1], [Vec3.Zero]);
        structure.SetArray(AtomArray.OfReals("dipole", 3, [1, 2, 3]));
        structure.SetArray(AtomArray.OfStrings("label", 1, ["a"]));
        structure.SetArray(AtomArray.OfReals("x", 1, [9]));
        structure.SetArray(AtomArray.OfReals("two words", 1, [9]));
        structure.SetArray(AtomArray.OfReals("kept", 1, [0.5]));

        var text = LammpsTestText.Write(Format, [structure]);

        text.Should().Contain("ITEM: ATOMS id type element x y z kept\n1 1 H 0 0 0 0.5\n");
    }

    [Theory]
    [InlineData("md.dump", true)]
    [InlineData("MD.LAMMPSTRJ", true)]
    [InlineData("dump.silicon", true)]
    [InlineData("dump.", false)]
    [InlineData("si.data", false)]
    public void Recognises_dump_file_names(string name, bool matches) => Format.MatchesFileName(name).Should().Be(matches);

    [Fact]
    public void Is_registered_by_name()
    {
        StructureFormats.FindByName("lammps-dump").Should().BeOfType<LammpsDumpFormat>();
        StructureFormats.FindForPath("run/dump.md").Should().BeOfType<LammpsDumpFormat>();
        Format.HoldsManyFrames.Should().BeTrue();
    }

    /// <summary>Produces a dump frame by frame as it is read, counting how many frames have been produced.</summary>
    private sealed class GeneratedDump(int frames, int atoms) : TextReader
    {
        private readonly StringBuilder pending = new();
        private int position;

        public int FramesProduced { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            if (position == pending.Length)
            {
                if (FramesProduced == frames)
                {
                    return 0;
                }

                pending.Clear();
                position = 0;
                AppendFrame(FramesProduced++);
            }

            var copied = Math.Min(count, pending.Length - position);
            pending.CopyTo(position, buffer.AsSpan(index, copied), copied);
            position += copied;
            return copied;
        }

        private void AppendFrame(int frame)
        {
            var invariant = CultureInfo.InvariantCulture;
            pending.Append(invariant, $"ITEM: TIMESTEP\n{frame * 10}\nITEM: NUMBER OF ATOMS\n{atoms}\n");
            pending.Append("ITEM: BOX BOUNDS pp pp pp\n0 1000\n0 10\n0 10\nITEM: ATOMS id type element x y z\n");

            // Ids descend, as an unordered MPI dump may list them; the last atom's x is the frame index.
            for (var id = atoms; id >= 1; id--)
            {
                pending.Append(invariant, $"{id} 1 Ar {(id == atoms ? frame : id)} 1 1\n");
            }
        }
    }
}
