using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>
/// The CP2K labeller running the real cp2k (Debian's cp2k 2023.1) on Si8 through the local scheduler. ASE 3.22 cannot read
/// CP2K output, so the labels are checked against numbers read by eye off CP2K's output of the same input (the captured runs
/// in tests/Drivers.Tests/Cp2k/Fixtures, whose inputs the template writes byte for byte), converted with CODATA 2018:
/// Hartree → eV, Hartree/bohr → eV/Å, GPa → eV/Å³ with ASE's sign.
/// </summary>
public sealed class Cp2kLabellerTests
{
    private const double ForceUnit = Units.Hartree / Units.Bohr;

    [Fact]
    public async Task Si8_with_non_SCC_DFTB_and_GFN1_xTB_gives_the_numbers_cp2k_prints()
    {
        Codes.Require("cp2k", "cp2k");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        var dftb = CodeLabellers.Cp2k(Codes.Cp2kSettingsFor(Cp2kMethod.DftbNonScc), null, scheduler);
        var xtb = CodeLabellers.Cp2k(Codes.Cp2kSettingsFor(Cp2kMethod.Gfn1Xtb), null, scheduler);
        dftb.SettingsHash.Should().NotBe(xtb.SettingsHash);

        var fromDftb = (await Codes.LabelAllAsync(dftb, [SiliconCells.Si8Rattled()])).Single();
        var fromXtb = (await Codes.LabelAllAsync(xtb, [SiliconCells.Si8Rattled()])).Single();

        // si8-dftb.out: energy, atoms 1 and 8, σ_xx, σ_xy and σ_zz in GPa (CP2K's pressure sign).
        Check(fromDftb, -9.894121458220305, new Vec3(-0.02328020, 0.01226468, 0.00870449), new Vec3(0.00123437, 0.01592435, -0.00556631),
            6.87411060373, 1.51318834858, 6.93886046019);
        // si8-xtb.out.
        Check(fromXtb, -14.720639965007358, new Vec3(-0.01995042, 0.00722238, 0.00765977), new Vec3(0.00206888, 0.01385111, -0.00649136),
            6.46064962860, 1.38443655259, 6.52188249964);
        fromXtb.Provenance.Version.Should().Be("2023.1");
        Path.GetFileName(fromXtb.Provenance.WorkDirectory).Should().MatchRegex("^cp2k-[0-9a-f]{16}$");
    }

    [Fact]
    public async Task A_GFN1_xTB_run_stopped_by_MAX_SCF_is_corrected_and_converges_to_the_same_energy()
    {
        Codes.Require("cp2k", "cp2k");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        var labeller = CodeLabellers.Cp2k(Codes.Cp2kSettingsFor(Cp2kMethod.Gfn1Xtb) with { MaxScf = 2 }, null, scheduler);

        var outcome = (await Codes.LabelAllAsync(labeller, [SiliconCells.Si8Rattled()])).Single();

        outcome.Succeeded.Should().BeTrue(outcome.FailureReason);
        outcome.Provenance.Attempts.Should().Be(2);
        outcome.Provenance.Corrections.Should().Equal("attempt 1: MAX_SCF 2 → 100, mixing ALPHA 0.4 → 0.2");
        // The converged energy does not depend on the mixing (EPS_SCF 1e-6 bounds the difference far below 1e-6 Ha).
        outcome.Labels!.Energy!.Value.Should().BeApproximately(-14.720639965007358 * Units.Hartree, 1e-4);
        File.ReadAllText(Path.Combine(outcome.Provenance.WorkDirectory!, Cp2kCode.InputFile)).Should().Contain("ALPHA 0.2").And.Contain("MAX_SCF 100");
    }

    private static void Check(LabelOutcome outcome, double energyHartree, Vec3 first, Vec3 last, double xxGpa, double xyGpa, double zzGpa)
    {
        outcome.Succeeded.Should().BeTrue(outcome.FailureReason);
        outcome.Provenance.Method.Should().Be("cp2k");
        outcome.Provenance.Attempts.Should().Be(1);
        var labels = outcome.Labels!;
        StructureAssert.Close(energyHartree * Units.Hartree, labels.Energy!.Value, 1e-6, "energy");
        labels.Forces.Should().HaveCount(8);
        StructureAssert.Close([first * ForceUnit, last * ForceUnit], [labels.Forces![0], labels.Forces[7]], 1e-6, "forces");
        var stress = labels.Stress!.Value;
        StructureAssert.Close(-xxGpa * Units.GPa, stress.XX, 1e-6, "stress xx");
        StructureAssert.Close(-xyGpa * Units.GPa, stress.XY, 1e-6, "stress xy");
        StructureAssert.Close(-zzGpa * Units.GPa, stress.ZZ, 1e-6, "stress zz");
    }
}
