using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Outputs;
using ActiveLearning.Drivers.Tests.Outputs;
using ActiveLearning.Drivers.Vasp;

namespace ActiveLearning.Drivers.Tests.Vasp;

/// <summary>The OUTCAR and vasprun.xml parsers on hand-written files (see Fixtures/README.md): units, ASE's stress sign, the
/// last ionic step, NELM-exhausted runs and cut files.</summary>
public sealed class VaspParserTests
{
    private const double KiloBar = 0.1 * Units.GPa;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Vasp", "Fixtures", name);

    private static CodeResult Outcar(string text) => OutcarParser.Parse(new StringReader(text), "OUTCAR");

    private static CodeResult Vasprun(string text) => VasprunParser.Parse(new MemoryStream(Encoding.Latin1.GetBytes(text)), "vasprun.xml");

    [Fact]
    public void A_single_point_OUTCAR_gives_sigma_zero_energy_TOTEN_free_energy_forces_and_stress_in_ASE_sign()
    {
        var result = OutcarParser.ParseFile(Fixture("single-point.OUTCAR"));

        result.Status.Should().Be(OutputStatus.Converged, result.Detail);
        result.Version.Should().Be("6.3.0");
        result.ScfIterations.Should().Be(12);
        var labels = result.ToLabels();
        labels.Energy.Should().Be(-10.83401234);
        labels.FreeEnergy.Should().Be(-10.83426778);
        labels.Forces.Should().Equal(new Vec3(-0.123456, 0.002345, -0.003456), new Vec3(0.123456, -0.002345, 0.003456));
        // in kB: XX YY ZZ XY YZ ZX = -12.34567 -11.2345 -10.12345 1.5 -2.25 0.75 (VASP's sign: this cell is under tension).
        var s = labels.Stress!.Value;
        s.XX.Should().BeApproximately(12.34567 * KiloBar, 1e-15);
        s.YY.Should().BeApproximately(11.2345 * KiloBar, 1e-15);
        s.ZZ.Should().BeApproximately(10.12345 * KiloBar, 1e-15);
        s.XY.Should().BeApproximately(-1.5 * KiloBar, 1e-15);
        s.YZ.Should().BeApproximately(2.25 * KiloBar, 1e-15);
        s.XZ.Should().BeApproximately(-0.75 * KiloBar, 1e-15);
        s.Should().Be(s.Transpose());
    }

    [Fact]
    public void A_single_point_vasprun_takes_the_sigma_zero_correction_from_the_last_electronic_step()
    {
        var result = VasprunParser.ParseFile(Fixture("single-point.vasprun.xml"));

        result.Status.Should().Be(OutputStatus.Converged, result.Detail);
        result.Version.Should().Be("6.3.0");
        result.ScfIterations.Should().Be(12);
        var labels = result.ToLabels();
        // e_fr_energy + (e_0 − e_fr of the last scstep), not the calculation's own wrong e_0_energy of −99.
        labels.Energy!.Value.Should().BeApproximately(-10.83401234, 1e-12);
        labels.FreeEnergy.Should().Be(-10.83426778);
        labels.Forces.Should().Equal(new Vec3(-0.123456, 0.002345, -0.003456), new Vec3(0.123456, -0.002345, 0.003456));
        var s = labels.Stress!.Value;
        s.XX.Should().BeApproximately(-12.3456789 * KiloBar, 1e-15);
        s.YY.Should().BeApproximately(-11.2345678 * KiloBar, 1e-15);
        s.ZZ.Should().BeApproximately(-10.1234567 * KiloBar, 1e-15);
        s.XY.Should().BeApproximately(-1.5 * KiloBar, 1e-15);
        s.XZ.Should().BeApproximately(-0.75 * KiloBar, 1e-15);
        s.YZ.Should().BeApproximately(2.25 * KiloBar, 1e-15);
    }

    [Theory]
    [InlineData("relaxation.OUTCAR")]
    [InlineData("relaxation.vasprun.xml")]
    public void Several_ionic_steps_give_the_last_one(string name)
    {
        var result = name.EndsWith(".xml", StringComparison.Ordinal) ? VasprunParser.ParseFile(Fixture(name)) : OutcarParser.ParseFile(Fixture(name));

        result.Status.Should().Be(OutputStatus.Converged, result.Detail);
        result.ScfIterations.Should().Be(6);
        var labels = result.ToLabels();
        labels.Energy!.Value.Should().BeApproximately(-10.9011111, 1e-12);
        labels.FreeEnergy.Should().Be(-10.9012345);
        labels.Forces![0].Should().Be(new Vec3(-0.011111, 0.000222, 0.000333));
        var s = labels.Stress!.Value;
        s.XX.Should().BeApproximately(-3.21 * KiloBar * (name.EndsWith(".xml", StringComparison.Ordinal) ? -1 : 1), 1e-15);
        s.ZZ.Should().BeApproximately(-5.43 * KiloBar * (name.EndsWith(".xml", StringComparison.Ordinal) ? -1 : 1), 1e-15);
    }

    [Theory]
    [InlineData("not-converged.OUTCAR")]
    [InlineData("not-converged.vasprun.xml")]
    public void A_last_step_that_used_all_NELM_electronic_steps_is_not_converged_and_gives_no_label(string name)
    {
        var result = name.EndsWith(".xml", StringComparison.Ordinal) ? VasprunParser.ParseFile(Fixture(name)) : OutcarParser.ParseFile(Fixture(name));

        result.Status.Should().Be(OutputStatus.NotConverged);
        result.Detail.Should().Contain("NELM = 5");
        result.Invoking(r => r.ToLabels()).Should().Throw<CodeOutputException>().Where(e => e.Status == OutputStatus.NotConverged);
    }

    [Fact]
    public void An_OUTCAR_cut_anywhere_before_its_timing_section_is_never_a_label()
    {
        TruncatedOutputs.NeverGiveLabels(File.ReadAllText(Fixture("relaxation.OUTCAR")), "General timing and accounting", Outcar);
    }

    [Fact]
    public void A_vasprun_cut_anywhere_is_never_a_label()
    {
        TruncatedOutputs.NeverGiveLabels(File.ReadAllText(Fixture("relaxation.vasprun.xml"), Encoding.Latin1), "</modeling>", Vasprun);
    }

    [Fact]
    public void Garbled_numbers_are_malformed_with_their_line()
    {
        var outcar = File.ReadAllText(Fixture("single-point.OUTCAR")).Replace("0.123456", "0.12x456", StringComparison.Ordinal);
        var fromOutcar = Outcar(outcar);
        fromOutcar.Status.Should().Be(OutputStatus.Malformed);
        fromOutcar.Detail.Should().MatchRegex("OUTCAR:[0-9]+: force: '-0.12x456'");

        var xml = File.ReadAllText(Fixture("single-point.vasprun.xml"), Encoding.Latin1).Replace("-0.12345600", "-0.1234x600", StringComparison.Ordinal);
        var fromXml = Vasprun(xml);
        fromXml.Status.Should().Be(OutputStatus.Malformed);
        fromXml.Detail.Should().MatchRegex("vasprun.xml:[0-9]+: forces: '-0.1234x600'");
    }

    [Fact]
    public void A_vasprun_with_a_force_row_missing_is_malformed()
    {
        var xml = File.ReadAllText(Fixture("single-point.vasprun.xml"), Encoding.Latin1);
        var row = xml.LastIndexOf('\n', xml.IndexOf(" 0.12345600", StringComparison.Ordinal)) + 1;
        var cut = xml.Remove(row, xml.IndexOf('\n', row) - row + 1);
        cut.Length.Should().BeLessThan(xml.Length);
        Vasprun(cut).Status.Should().Be(OutputStatus.Malformed);
    }
}
