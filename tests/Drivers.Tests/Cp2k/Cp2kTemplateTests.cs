using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.QuantumEspresso;

namespace ActiveLearning.Drivers.Tests.Cp2k;

public sealed class Cp2kTemplateTests
{
    public static TheoryData<string> Cases => new(Cp2kCases.Names);

    private static string Input(Structure structure, Cp2kSettings settings)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Cp2kTemplate.WriteInput(structure, settings, writer);
        return writer.ToString();
    }

    private static string Input(string name)
    {
        var (structure, settings) = Cp2kCases.Get(name);
        return Input(structure, settings);
    }

    /// <summary>
    /// The captured inputs are the ones cp2k ran on to produce the captured outputs, so matching them byte for byte means
    /// cp2k accepted what we write. Set CP2K_WRITE_FIXTURES to a Fixtures directory to rewrite them (then rerun cp2k, see README).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_matches_the_one_cp2k_ran_on(string name)
    {
        var text = Input(name);
        var target = Environment.GetEnvironmentVariable("CP2K_WRITE_FIXTURES");
        if (!string.IsNullOrEmpty(target))
        {
            File.WriteAllText(Path.Combine(target, name + ".inp"), text);
        }

        text.Should().Be(File.ReadAllText(Cp2kCases.FixturePath(name + ".inp")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cp2k_ran_the_captured_input_to_the_end_or_to_its_abort(string name)
    {
        var output = File.ReadAllText(Cp2kCases.FixturePath(name + ".out"));
        if (name.StartsWith("crash", StringComparison.Ordinal))
        {
            output.Should().Contain("[ABORT]");
        }
        else
        {
            output.Should().Contain("PROGRAM ENDED AT").And.NotContain("[ABORT]");
            // One run per file: cp2k -o appends, so a reused path would hold two.
            output.Split("PROGRAM ENDED AT").Should().HaveCount(2);
        }
    }

    [Fact]
    public void Golden_text_of_the_xtb_input_with_k_points_from_the_spacing()
    {
        var structure = new Structure(Cell.Orthorhombic(5.43, 5.43, 4), Pbc.All, [14, 14], [new Vec3(0, 0, 0), new Vec3(1.3575, 1.3575, 1.25)]);
        Input(structure, new Cp2kSettings { Method = Cp2kMethod.Gfn1Xtb, KPointSpacing = 0.6, MaxScf = 1, MixingAlpha = 0.2 }).Should().Be(
            """
            &GLOBAL
              PROJECT cp2k
              RUN_TYPE ENERGY_FORCE
              PRINT_LEVEL MEDIUM
            &END GLOBAL
            &FORCE_EVAL
              METHOD QS
              STRESS_TENSOR ANALYTICAL
              &DFT
                &QS
                  METHOD xTB
                  &xTB
                    DO_EWALD T
                  &END xTB
                &END QS
                &KPOINTS
                  SCHEME MONKHORST-PACK 2 2 3
                &END KPOINTS
                &SCF
                  SCF_GUESS ATOMIC
                  EPS_SCF 1E-06
                  MAX_SCF 1
                  &MIXING
                    ALPHA 0.2
                  &END MIXING
                &END SCF
              &END DFT
              &SUBSYS
                &CELL
                  A 5.43 0 0
                  B 0 5.43 0
                  C 0 0 4
                  PERIODIC XYZ
                &END CELL
                &COORD
                  Si 0 0 0
                  Si 1.3575 1.3575 1.25
                &END COORD
                &KIND Si
                &END KIND
              &END SUBSYS
              &PRINT
                &FORCES ON
                &END FORCES
                &STRESS_TENSOR ON
                &END STRESS_TENSOR
              &END PRINT
            &END FORCE_EVAL

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Dft_writes_basis_and_potential_per_kind_in_order_of_first_appearance_and_the_grid()
    {
        var structure = new Structure(Cell.Orthorhombic(6, 6, 6), Pbc.All, [8, 14, 8], [new Vec3(0, 0, 0), new Vec3(2, 2, 2), new Vec3(1, 1, 1)]);
        var settings = new Cp2kSettings
        {
            Method = Cp2kMethod.DftGpw,
            BasisSets = new Dictionary<string, string> { ["Si"] = "DZVP-MOLOPT-SR-GTH", ["O"] = "DZVP-MOLOPT-SR-GTH-q6" },
            Potentials = new Dictionary<string, string> { ["Si"] = "GTH-PBE-q4", ["O"] = "GTH-PBE-q6" },
            Cutoff = 350.5,
            KPoints = new KPointGrid(2, 3, 4),
        };
        Input(structure, settings).Should()
            .Contain("  &DFT\n    BASIS_SET_FILE_NAME BASIS_MOLOPT\n    POTENTIAL_FILE_NAME GTH_POTENTIALS\n    &QS\n      METHOD GPW\n    &END QS\n")
            .And.Contain("    &MGRID\n      CUTOFF 350.5\n      REL_CUTOFF 40\n    &END MGRID\n    &XC\n      &XC_FUNCTIONAL PBE\n      &END XC_FUNCTIONAL\n    &END XC\n")
            .And.Contain("SCHEME MONKHORST-PACK 2 3 4\n")
            .And.Contain("    &KIND O\n      BASIS_SET DZVP-MOLOPT-SR-GTH-q6\n      POTENTIAL GTH-PBE-q6\n    &END KIND\n    &KIND Si\n      BASIS_SET DZVP-MOLOPT-SR-GTH\n");
    }

    [Fact]
    public void Gamma_only_writes_no_k_point_section()
    {
        Input("si8-dftb").Should().NotContain("KPOINTS").And.Contain("PARAM_FILE_PATH /usr/share/cp2k/DFTB/nonscc\n");
    }

    [Fact]
    public void A_missing_basis_or_potential_is_refused_before_anything_is_written()
    {
        var structure = new Structure(Cell.Orthorhombic(6, 6, 6), Pbc.All, [14, 6], [new Vec3(0, 0, 0), new Vec3(2, 2, 2)]);
        var settings = new Cp2kSettings
        {
            Method = Cp2kMethod.DftGpw,
            BasisSets = new Dictionary<string, string> { ["Si"] = "DZVP-MOLOPT-SR-GTH" },
            Potentials = new Dictionary<string, string> { ["Si"] = "GTH-PBE-q4" },
        };
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var write = () => Cp2kTemplate.WriteInput(structure, settings, writer);
        write.Should().Throw<ArgumentException>().WithMessage("*no basis set for C; no potential for C*");
        writer.ToString().Should().BeEmpty();
    }

    [Fact]
    public void Bad_settings_are_refused_with_every_problem_named()
    {
        var (structure, _) = Cp2kCases.Get("si8-dftb");
        var settings = new Cp2kSettings
        {
            Method = (Cp2kMethod)7,
            KPointSpacing = 0.5,
            KPoints = new KPointGrid(2, 2, 2, Shifted: true),
            MaxScf = 0,
            EpsScf = 0,
            MixingAlpha = 1.5,
            Project = "my run",
        };
        settings.Invoking(s => s.Validate(structure)).Should().Throw<ArgumentException>().WithMessage(
            "*unknown method 7*at most one*cannot be shifted*EPS_SCF*MAX_SCF*mixing alpha*project name 'my run'*");
    }

    [Fact]
    public void A_non_periodic_structure_is_refused()
    {
        var structure = new Structure(Cell.Orthorhombic(6, 6, 6), new Pbc(true, true, false), [14], [new Vec3(0, 0, 0)]);
        new Cp2kSettings().Invoking(s => s.Validate(structure)).Should().Throw<ArgumentException>().WithMessage("*periodic*");
    }
}
