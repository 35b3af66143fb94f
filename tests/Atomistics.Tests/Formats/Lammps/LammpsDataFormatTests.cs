using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.Lammps;

public class LammpsDataFormatTests
{
    private static readonly LammpsDataFormat Format = new();

    // The layout of LAMMPS' write_data (version 29 Sep 2021): image flags, a Pair Coeffs section, masses without names.
    private const string WrittenByLammps = """
        LAMMPS data file via write_data, version 29 Sep 2021, timestep = 0

        3 atoms
        2 atom types

        0 5.43 xlo xhi
        0 5.43 ylo yhi
        0 5.43 zlo zhi
        1.6289999999999998 1.086 0.543 xy xz yz

        Masses

        1 28.085
        2 12.011

        Pair Coeffs # zero

        1
        2

        Atoms # atomic

        3 2 1.3575 1.3575 1.3575 0 0 1
        1 1 0 0 0 0 0 0
        2 1 2.715 2.715 0 -1 0 0

        Velocities

        2 -2.5 1.0 0.5
        1 1.5 -3.0 2.0
        3 0.0 0.0 10.0
        """;

    [Fact]
    public void Reads_write_data_output_sorted_by_id_with_image_flags_applied_and_velocities_in_angstrom_per_femtosecond()
    {
        var structure = LammpsTestText.Read(Format, WrittenByLammps).Should().ContainSingle().Subject;

        var a = new Vec3(5.43, 0, 0);
        var b = new Vec3(1.6289999999999998, 5.43, 0);
        var c = new Vec3(1.086, 0.543, 5.43);
        structure.Cell.Should().Be(new Cell(a, b, c));
        structure.Pbc.Should().Be(Pbc.All);
        structure.AtomicNumbers.Should().Equal(14, 14, 6);
        StructureAssert.Close(
            [Vec3.Zero, new Vec3(2.715, 2.715, 0) - a, new Vec3(1.3575, 1.3575, 1.3575) + c],
            structure.Positions, 1e-15, "positions");
        StructureAssert.Close(
            [new Vec3(1.5e-3, -3e-3, 2e-3), new Vec3(-2.5e-3, 1e-3, 0.5e-3), new Vec3(0, 0, 10e-3)],
            structure.Velocities!, 1e-15, "velocities");
        structure.Arrays.Should().BeEmpty();
        structure.Reference.Should().BeNull();
        structure.Calculated.Should().BeNull();
    }

    [Fact]
    public void Positions_are_shifted_so_that_the_box_starts_at_zero()
    {
        var text = """
            shifted box

            1 atoms
            1 atom types
            -2 3 xlo xhi
            1 5 ylo yhi
            -0.5 0.5 zlo zhi

            Masses

            1 28.0855

            Atoms

            1 1 -1.5 2 0.25
            """;

        var structure = LammpsTestText.Read(Format, text).Single();

        structure.Cell.Should().Be(Cell.Orthorhombic(5, 4, 1));
        structure.Positions.Should().Equal(new Vec3(0.5, 1, 0.75));
        structure.Velocities.Should().BeNull();
    }

    [Fact]
    public void Atom_style_charge_keeps_the_charges_as_a_per_atom_array()
    {
        var text = """
            charges

            2 atoms
            1 atom types

            0 4 xlo xhi
            0 4 ylo yhi
            0 4 zlo zhi

            Masses

            1 22.98976928 # Na

            Atoms # charge

            2 1 -0.5 1 1 1 0 0 0
            1 1 0.75 0 0 0 0 1 0
            """;

        var structure = LammpsTestText.Read(Format, text).Single();

        structure.AtomicNumbers.Should().Equal(11, 11);
        structure.Positions.Should().Equal(new Vec3(0, 4, 0), new Vec3(1, 1, 1));
        var charges = structure.FindArray("charges")!;
        charges.Kind.Should().Be(AtomArrayKind.Real);
        charges.Columns.Should().Be(1);
        charges.Data.Should().BeEquivalentTo(new[] { 0.75, -0.5 }, o => o.WithStrictOrdering());
    }

    private static string TwoTypes(string masses, string extraSections = "") => $"""
        species

        3 atoms
        2 atom types
        0 10 xlo xhi
        0 10 ylo yhi
        0 10 zlo zhi
        {masses}
        {extraSections}
        Atoms # atomic

        1 1 0 0 0
        2 2 1 1 1
        3 1 2 2 2
        """;

    [Fact]
    public void Species_come_from_element_comments_in_masses()
    {
        var structure = LammpsTestText.Read(Format, TwoTypes("Masses\n\n1 15.0 # O\n2 30.0 # Si\n")).Single();

        structure.AtomicNumbers.Should().Equal(8, 14, 8);
    }

    [Fact]
    public void Species_come_from_the_nearest_standard_mass()
    {
        var structure = LammpsTestText.Read(Format, TwoTypes("Masses\n\n1 15.9994\n2 28.0855 # core\n")).Single();

        structure.AtomicNumbers.Should().Equal(8, 14, 8);
    }

    [Fact]
    public void Species_come_from_element_type_labels()
    {
        var structure = LammpsTestText.Read(Format, TwoTypes(string.Empty, "Atom Type Labels\n\n1 Ga\n2 N\n")).Single();

        structure.AtomicNumbers.Should().Equal(31, 7, 31);
    }

    [Fact]
    public void A_species_map_takes_precedence_over_the_masses()
    {
        var options = new FormatOptions { SpeciesMap = [6, 1] };

        var structure = LammpsTestText.Read(Format, TwoTypes("Masses\n\n1 15.999 # O\n2 28.085 # Si\n"), options).Single();

        structure.AtomicNumbers.Should().Equal(6, 1, 6);
    }

    [Fact]
    public void Without_masses_or_a_species_map_the_error_asks_for_a_species_map()
    {
        var error = LammpsTestText.ReadError(Format, TwoTypes(string.Empty));

        error.Line.Should().Be(12, "the first atom of type 1");
        error.Detail.Should().Contain("atom type 1").And.Contain("--species-map");
    }

    [Fact]
    public void A_species_map_with_too_few_types_is_reported_at_the_first_atom_of_the_missing_type()
    {
        var error = LammpsTestText.ReadError(Format, TwoTypes(string.Empty), new FormatOptions { SpeciesMap = [14] });

        error.Line.Should().Be(13);
        error.Detail.Should().Contain("atom type 2").And.Contain("--species-map names only 1 type");
    }

    [Theory]
    [InlineData("208.98", "fits several elements: Bi (208.9804), Po (208.98243)")]
    [InlineData("500", "no element has a standard mass within 0.05 amu of 500")]
    public void A_mass_that_names_no_single_element_is_reported_at_its_line(string mass, string reason)
    {
        var error = LammpsTestText.ReadError(Format, TwoTypes($"Masses\n\n1 15.999\n2 {mass}\n"));

        error.Line.Should().Be(11);
        error.Detail.Should().Contain("atom type 2").And.Contain(reason).And.Contain("--species-map");
    }

    [Fact]
    public void Unused_types_need_no_element()
    {
        var text = TwoTypes("Masses\n\n1 15.999\n2 500\n").Replace("2 2 1 1 1", "2 1 1 1 1", StringComparison.Ordinal);

        LammpsTestText.Read(Format, text).Single().AtomicNumbers.Should().Equal(8, 8, 8);
    }

    private const string Valid = """
        comment

        2 atoms
        1 atom types
        0 4 xlo xhi
        0 4 ylo yhi
        0 4 zlo zhi

        Masses

        1 28.085

        Atoms # atomic

        1 1 0 0 0
        2 1 1 1 1

        Velocities

        1 0 0 0
        2 1 1 1

        """;

    [Theory]
    [InlineData("2 1 1 1 1\n", "2 1 1 1 1 0 0\n", 16, "expected 5 values (id type x y z) or 8 with image flags ix iy iz for atom style atomic, found 7")]
    [InlineData("2 1 1 1 1\n", "2 1 0.5 1 1 1\n", 16, "found 6; if the atoms carry charges, mark the section 'Atoms # charge'")]
    [InlineData("2 1 1 1 1\n", "2 1 1 one 1\n", 16, "y: 'one' is not a number")]
    [InlineData("2 1 1 1 1\n", "2 1.5 1 1 1\n", 16, "atom type: '1.5' is not an integer")]
    [InlineData("2 1 1 1 1\n", "2 3 1 1 1\n", 16, "atom type 3 is outside the types 1–1 the header declares")]
    [InlineData("2 1 1 1 1\n", "1 1 1 1 1\n", 16, "atom id 1 appears twice in the Atoms section")]
    [InlineData("2 1 1 1 1\n", "2 1 1 1 1\n3 1 2 2 2\n", 17, "expected a section name after the 2 lines of the Atoms section, found '3 1 2 2 2'; the section has more lines than the header declares")]
    [InlineData("2 atoms", "3 atoms", 18, "expected atom line 3 of 3 in the Atoms section, found 'Velocities'; the section has fewer lines than the header declares")]
    [InlineData("2 1 1 1\n", "3 1 1 1\n", 21, "atom id 3 has a velocity but is not in the Atoms section")]
    [InlineData("2 1 1 1\n", "2 1 1\n", 21, "expected 4 values (id vx vy vz), found 3")]
    [InlineData("1 atom types", "1 atom types\n4 bonds", 5, "4 bonds: only the atomic and charge atom styles can be read")]
    [InlineData("1 atom types", "1 atom types\n1 bond types\n0 bonds", 0, null)]
    [InlineData("1 atom types", "1 atom typo", 4, "unknown header line '1 atom typo'")]
    [InlineData("0 4 xlo xhi", "0 4 5 xlo xhi", 5, "'xlo xhi' needs 2 numbers before it, found 3")]
    [InlineData("0 4 ylo yhi", "4 0 ylo yhi", 6, "'ylo yhi': the upper bound 0 must exceed the lower bound 4")]
    [InlineData("0 4 zlo zhi", "0 4 zlo zhi\n0 nan 0 xy xz yz", 8, "tilt xz must be a finite number, not NaN")]
    [InlineData("Atoms # atomic", "Atoms # full", 13, "atom style 'full' is not supported; the reader handles atomic and charge")]
    [InlineData("Masses", "Bonds", 9, "section 'Bonds' is not supported")]
    [InlineData("Velocities", "Velocities\n\n1 0 0 0\n2 1 1 1\n\nVelocities", 23, "a second Velocities section")]
    [InlineData("1 28.085", "1 -28.085", 11, "the mass of type 1 must be positive, not -28.085")]
    [InlineData("1 28.085", "1 28.085\n1 28.085", 12, "expected a section name after the 1 lines of the Masses section")]
    public void Malformed_input_is_reported_with_its_line(string replace, string with, int line, string? detail)
    {
        var text = Valid.Replace(replace, with, StringComparison.Ordinal);
        text.Should().NotBe(Valid);

        if (detail is null)
        {
            LammpsTestText.Read(Format, text).Should().ContainSingle();
            return;
        }

        var error = LammpsTestText.ReadError(Format, text);
        error.Detail.Should().Contain(detail);
        error.Line.Should().Be(line);
    }

    [Fact]
    public void A_truncated_file_reports_the_line_after_the_end_and_what_was_expected()
    {
        var text = Valid[..Valid.IndexOf("2 1 1 1 1", StringComparison.Ordinal)];

        var error = LammpsTestText.ReadError(Format, text);

        error.Line.Should().Be(16);
        error.Detail.Should().Be("unexpected end of file; expected atom line 2 of 2 in the Atoms section");
    }

    [Fact]
    public void Velocities_before_atoms_and_missing_atoms_are_errors()
    {
        var velocitiesFirst = "c\n\n1 atoms\n1 atom types\n\nVelocities\n\n1 0 0 0\n";
        LammpsTestText.ReadError(Format, velocitiesFirst).Detail.Should().Be("the Velocities section must come after the Atoms section");

        var noAtoms = "c\n\n1 atoms\n1 atom types\n\nMasses\n\n1 1.008\n";
        var error = LammpsTestText.ReadError(Format, noAtoms);
        error.Line.Should().Be(8);
        error.Detail.Should().Be("the file has no Atoms section, but the header declares 1 atoms");

        LammpsTestText.ReadError(Format, string.Empty).Detail.Should().StartWith("empty file");
    }

    [Fact]
    public void Writes_the_standard_layout_with_masses_named_and_velocities_in_angstrom_per_picosecond()
    {
        var structure = new Structure(
            Cell.Orthorhombic(4, 5, 6), Pbc.All, [8, 14, 8], [new(0, 0, 0), new(1.5, 2.25, 3), new(-0.5, 6, 7)])
        {
            Velocities = [new(0.5, 0, -0.25), new(0, 0, 0), new(0.125, 1, 2)],
        };

        var text = LammpsTestText.Write(Format, [structure]);

        text.Should().Be("""
            O2Si (written by ActiveLearning; atom style atomic, units metal)

            3 atoms
            2 atom types

            0 4 xlo xhi
            0 5 ylo yhi
            0 6 zlo zhi

            Masses

            1 15.999 # O
            2 28.085 # Si

            Atoms # atomic

            1 1 0 0 0
            2 2 1.5 2.25 3
            3 1 -0.5 6 7

            Velocities

            1 500 0 -250
            2 0 0 0
            3 125 1000 2000

            """);
    }

    [Fact]
    public void A_triclinic_box_gets_a_tilt_line()
    {
        var cell = new Cell(new Vec3(4, 0, 0), new Vec3(1, 5, 0), new Vec3(-0.5, 0.25, 6));
        var structure = new Structure(cell, Pbc.All, [1], [Vec3.Zero]);

        var text = LammpsTestText.Write(Format, [structure]);

        text.Should().Contain("0 6 zlo zhi\n1 -0.5 0.25 xy xz yz\n\nMasses");
        LammpsTestText.Read(Format, text).Single().Cell.Should().Be(cell);
    }

    [Fact]
    public void A_species_map_fixes_the_type_numbers_and_lists_every_mapped_type()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [14, 14], [Vec3.Zero, new(1, 1, 1)]);
        var options = new FormatOptions { SpeciesMap = [8, 14] };

        var text = LammpsTestText.Write(Format, [structure], options);

        text.Should().Contain("2 atom types").And.Contain("1 15.999 # O\n2 28.085 # Si\n").And.Contain("1 2 0 0 0\n2 2 1 1 1\n");
        LammpsTestText.Read(Format, text, options).Single().AtomicNumbers.Should().Equal(14, 14);
    }

    [Fact]
    public void What_the_data_file_cannot_hold_is_refused_clearly()
    {
        var structure = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [14, 8], [Vec3.Zero, new(1, 1, 1)]);

        var missing = () => LammpsTestText.Write(Format, [structure], new FormatOptions { SpeciesMap = [14] });
        missing.Should().Throw<StructureFormatException>().WithMessage("out.file: the species map (Si) has no type for element O*");

        var second = () => LammpsTestText.Write(Format, [structure, structure]);
        second.Should().Throw<StructureFormatException>().WithMessage("out.file: a lammps-data file holds one structure*");

        var molecule = new Structure(Cell.Empty, Pbc.None, [1], [Vec3.Zero]);
        var noBox = () => LammpsTestText.Write(Format, [molecule]);
        noBox.Should().Throw<StructureFormatException>().WithMessage("out.file: LAMMPS needs a simulation box*");
    }

    private static readonly int[] ThreeSpecies = [14, 8, 1];

    [Fact]
    public void Structures_in_standard_orientation_round_trip_exactly()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 20; trial++)
        {
            var structure = RandomStructures.Periodic(random, 1 + random.Next(30), ThreeSpecies, withLabels: false, standardOrientation: true);
            if (trial % 2 == 0)
            {
                structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces;
            }

            var read = LammpsTestText.Read(Format, LammpsTestText.Write(Format, [structure])).Single();

            StructureAssert.Equivalent(structure, read, 1e-10);
        }
    }

    [Fact]
    public void A_general_cell_is_written_in_standard_orientation_with_distances_kept()
    {
        var random = new Random(6);
        var structure = RandomStructures.Periodic(random, 10, ThreeSpecies, withLabels: false);
        structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces;

        var read = LammpsTestText.Read(Format, LammpsTestText.Write(Format, [structure])).Single();

        LammpsBox.IsStandardOrientation(read.Cell).Should().BeTrue();
        StructureAssert.Equivalent(LammpsBox.ToStandardOrientation(structure), read, 1e-10, compareLabels: false);
        LammpsTestText.CloseAll(LammpsTestText.PairDistances(structure), LammpsTestText.PairDistances(read), 1e-10, "distances");
    }

    [Theory]
    [InlineData("si.data", true)]
    [InlineData("SI.LMP", true)]
    [InlineData("cell.lammps-data", true)]
    [InlineData("data.silicon", true)]
    [InlineData("data.", false)]
    [InlineData("si.dump", false)]
    [InlineData("silicon.xyz", false)]
    public void Recognises_data_file_names(string name, bool matches) => Format.MatchesFileName(name).Should().Be(matches);

    [Fact]
    public void Is_registered_by_name()
    {
        StructureFormats.FindByName("lammps-data").Should().BeOfType<LammpsDataFormat>();
        StructureFormats.FindForPath("/runs/in.lmp").Should().BeOfType<LammpsDataFormat>();
        Format.HoldsManyFrames.Should().BeFalse();
    }
}
