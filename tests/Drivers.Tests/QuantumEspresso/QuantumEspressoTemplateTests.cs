using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.QuantumEspresso;

namespace ActiveLearning.Drivers.Tests.QuantumEspresso;

public sealed class QuantumEspressoTemplateTests
{
    public static TheoryData<string> Cases => new(QuantumEspressoCases.Names);

    private static string Input(string name)
    {
        var (structure, settings) = QuantumEspressoCases.Get(name);
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        QuantumEspressoTemplate.WriteInput(structure, settings, writer);
        return writer.ToString();
    }

    /// <summary>
    /// The captured inputs are the ones pw.x ran on to produce the captured outputs, so matching them byte for byte means
    /// pw.x accepted what we write. Set QE_WRITE_FIXTURES to a Fixtures directory to rewrite them (then rerun pw.x, see README).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_matches_the_one_pw_x_ran_on(string name)
    {
        var text = Input(name);
        var target = Environment.GetEnvironmentVariable("QE_WRITE_FIXTURES");
        if (!string.IsNullOrEmpty(target))
        {
            File.WriteAllText(Path.Combine(target, name + ".in"), text);
        }

        text.Should().Be(File.ReadAllText(QuantumEspressoCases.FixturePath(name + ".in")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pw_x_finished_the_captured_run_of_that_input(string name)
    {
        var output = File.ReadAllText(QuantumEspressoCases.FixturePath(name + ".out"));
        output.Should().Contain("JOB DONE.");
        output.Should().NotContain("Error in routine");
    }

    [Fact]
    public void Golden_text_of_the_diamond_input()
    {
        Input("si2-diamond").Should().Be(
            """
            &CONTROL
              calculation = 'scf'
              prefix = 'pwscf'
              outdir = './out'
              pseudo_dir = '/usr/share/espresso/pseudo'
              tprnfor = .true.
              tstress = .true.
            /
            &SYSTEM
              ibrav = 0
              nat = 2
              ntyp = 1
              ecutwfc = 24
              occupations = 'fixed'
            /
            &ELECTRONS
              conv_thr = 1E-08
              mixing_beta = 0.7
              mixing_mode = 'plain'
              electron_maxstep = 100
            /
            ATOMIC_SPECIES
            Si 28.085 Si.pbe-rrkj.UPF
            CELL_PARAMETERS angstrom
            0 2.715 2.715
            2.715 0 2.715
            2.715 2.715 0
            ATOMIC_POSITIONS angstrom
            Si 0 0 0
            Si 1.3575 1.3575 1.3575
            K_POINTS automatic
            4 4 4 0 0 0

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Spin_and_several_species_are_written_in_order_of_first_appearance()
    {
        var structure = new Structure(Cell.Orthorhombic(4, 4, 4), Pbc.All, [8, 26, 8], [new Vec3(0, 0, 0), new Vec3(2, 2, 2), new Vec3(1, 1, 1)]);
        var settings = new QuantumEspressoSettings
        {
            Pseudopotentials = new Dictionary<string, string> { ["Fe"] = "Fe.pbe.UPF", ["O"] = "O.pbe.UPF" },
            PseudoDirectory = "/p",
            EcutWfc = 30.5,
            KPoints = new KPointGrid(2, 3, 4),
            SpinPolarized = true,
            StartingMagnetization = new Dictionary<string, double> { ["Fe"] = 0.8 },
        };
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        QuantumEspressoTemplate.WriteInput(structure, settings, writer);
        var text = writer.ToString();
        text.Should().Contain("  ntyp = 2\n").And.Contain("  nspin = 2\n")
            .And.Contain("  starting_magnetization(1) = 0.5\n").And.Contain("  starting_magnetization(2) = 0.8\n")
            .And.Contain("ATOMIC_SPECIES\nO 15.999 O.pbe.UPF\nFe 55.845 Fe.pbe.UPF\n")
            .And.Contain("  smearing = 'mv'\n  degauss = 0.01\n")
            .And.EndWith("K_POINTS automatic\n2 3 4 0 0 0\n");
    }

    [Fact]
    public void A_missing_pseudopotential_is_refused_before_anything_is_written()
    {
        var structure = new Structure(Cell.Orthorhombic(4, 4, 4), Pbc.All, [14, 6], [new Vec3(0, 0, 0), new Vec3(2, 2, 2)]);
        var (_, settings) = QuantumEspressoCases.Get("si2-diamond");
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var write = () => QuantumEspressoTemplate.WriteInput(structure, settings, writer);
        write.Should().Throw<ArgumentException>().WithMessage("*no pseudopotential for C*");
        writer.ToString().Should().BeEmpty();
    }

    [Fact]
    public void Both_or_neither_k_point_choices_are_refused()
    {
        var (structure, settings) = QuantumEspressoCases.Get("si2-diamond");
        var both = () => (settings with { KPoints = new KPointGrid(1, 1, 1) }).Validate(structure);
        var neither = () => (settings with { KPointSpacing = null }).Validate(structure);
        both.Should().Throw<ArgumentException>().WithMessage("*exactly one*");
        neither.Should().Throw<ArgumentException>().WithMessage("*exactly one*");
    }

    [Fact]
    public void K_grid_from_spacing_on_a_triclinic_cell_uses_the_reciprocal_vector_lengths()
    {
        var cell = Cell.FromParameters(4.0, 5.5, 7.0, 75, 95, 110);
        var reciprocal = cell.Reciprocal;
        const double spacing = 0.3;
        var grid = KPointGrid.FromSpacing(cell, Pbc.All, spacing);
        // Independent check: |b_i| = 2π · area of the opposite face / volume.
        var volume = cell.Volume;
        int Expected(Vec3 u, Vec3 v) => (int)Math.Ceiling(2 * Math.PI * u.Cross(v).Length / volume / spacing);
        grid.Should().Be(new KPointGrid(Expected(cell.B, cell.C), Expected(cell.C, cell.A), Expected(cell.A, cell.B)));
        // The three differ on this cell, so swapped axes would show.
        new[] { grid.N1, grid.N2, grid.N3 }.Distinct().Should().HaveCount(3);
        (2 * Math.PI * reciprocal.Row(0).Length / grid.N1).Should().BeLessThanOrEqualTo(spacing);
    }

    [Fact]
    public void K_grid_gives_one_point_along_non_periodic_directions_and_exact_ratios_do_not_round_up()
    {
        var cell = Cell.Orthorhombic(2 * Math.PI, 2 * Math.PI, 10);
        KPointGrid.FromSpacing(cell, new Pbc(true, true, false), 0.25).Should().Be(new KPointGrid(4, 4, 1));
    }
}
