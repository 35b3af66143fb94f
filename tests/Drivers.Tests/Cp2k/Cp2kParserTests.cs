using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;

using ActiveLearning.Drivers.Outputs;
using ActiveLearning.Drivers.Tests.Outputs;

namespace ActiveLearning.Drivers.Tests.Cp2k;

public sealed class Cp2kParserTests
{
    public static TheoryData<string> Converged => new("si8-dftb", "si8-dftb-compressed", "si8-dftb-expanded", "si8-dftb-triclinic", "si8-xtb", "si8-gpw");

    private const double ForceUnit = Units.Hartree / Units.Bohr;

    private static CodeResult Parse(string text, string name = "cp2k.out") => Cp2kParser.Parse(new StringReader(text), name);

    private static string Output(string name) => File.ReadAllText(Cp2kCases.FixturePath(name + ".out"));

    private static CodeResult ParseFixture(string name) => Cp2kParser.ParseFile(Cp2kCases.FixturePath(name + ".out"));

    /// <summary>
    /// ASE 3.22 has no reader for CP2K's output file (format 'cp2k-output' does not exist), so the numbers are checked against
    /// the file read by eye: the first and last rows of each table, copied here from the captured outputs.
    /// </summary>
    [Theory]
    [InlineData("si8-dftb", -9.894121458220305, 1, -0.02328020, 0.01226468, 0.00870449, 6.87411060373, 1.51318834858, -1.04277287080)]
    [InlineData("si8-dftb-triclinic", -10.074599358051428, 2, 0.01819250, -0.01357884, 0.04315970, 6.78378988649, -11.5371203433, -9.59944200957)]
    [InlineData("si8-xtb", -14.720639965007358, 2, 0.02633690, 0.00073188, -0.01030006, 6.46064962860, 1.38443655259, -0.656321121790)]
    [InlineData("si8-gpw", -31.108232700313714, 1, -0.01360667, 0.00080315, 0.00724340, 10.7041011296, 1.17249208002, -0.672389762884)]
    public void Energy_forces_and_stress_are_the_printed_numbers_in_eV_and_angstrom_with_ASE_sign(
        string name, double energyHartree, int atom, double fx, double fy, double fz, double sxxGPa, double sxyGPa, double syzGPa)
    {
        var result = ParseFixture(name);
        result.Status.Should().Be(OutputStatus.Converged, result.Detail);
        var labels = result.ToLabels();

        labels.Energy!.Value.Should().BeApproximately(energyHartree * 27.211386245988, 1e-9);
        labels.Forces!.Length.Should().Be(8);
        labels.Forces[atom - 1].Should().Be(new Vec3(fx, fy, fz) * ForceUnit);
        var s = labels.Stress!.Value;
        // CP2K prints pressure-positive stress (ASE's Cp2k calculator also negates it); 1 GPa = 1/160.2176634 eV/Å³.
        s.XX.Should().BeApproximately(-sxxGPa / 160.2176634, 1e-15);
        s.XY.Should().BeApproximately(-sxyGPa / 160.2176634, 1e-15);
        s.YZ.Should().BeApproximately(-syzGPa / 160.2176634, 1e-15);
        s.YX.Should().Be(s.XY);
        s.ZY.Should().Be(s.YZ);
    }

    [Theory]
    [MemberData(nameof(Converged))]
    public void Every_converged_run_has_a_full_label_whose_forces_add_up_to_cp2k_printed_sum(string name)
    {
        var result = ParseFixture(name);
        result.Status.Should().Be(OutputStatus.Converged, result.Detail);
        result.Version.Should().Be("2023.1");
        result.ScfIterations.Should().BeGreaterThan(0);
        var labels = result.ToLabels();
        var sum = default(Vec3);
        foreach (var f in labels.Forces!)
        {
            sum += f;
        }

        // CP2K's own 'SUM OF ATOMIC FORCES x y z |sum|' (zero for DFTB/xTB, the grid's egg-box error for GPW), from its
        // unrounded forces: our sum of the 8 rounded rows agrees to 8 × 0.5e-8 Ha/bohr plus the sum's own rounding.
        var sumLine = Output(name).Split('\n').Last(l => l.Contains("SUM OF ATOMIC FORCES", StringComparison.Ordinal));
        var printed = sumLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4..7]
            .Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) * ForceUnit).ToArray();
        for (var axis = 0; axis < 3; axis++)
        {
            sum[axis].Should().BeApproximately(printed[axis], 9 * 0.5e-8 * ForceUnit, $"axis {axis}");
        }

        labels.Forces.Should().Contain(f => f.Length > 0.1, "the displaced atoms feel real forces");
    }

    /// <summary>
    /// The sign and unit of the stress checked against CP2K's own energies: the cell scaled by 1 ∓ 0.5 % changes the energy by
    /// ΔE ≈ (tr σ / 3) ΔV with σ in ASE's sign (σ = (1/V) ∂E/∂ε), so the parsed stress of the unscaled cell must predict it.
    /// </summary>
    [Fact]
    public void Stress_predicts_the_energy_change_of_an_expanded_cell()
    {
        var compressed = ParseFixture("si8-dftb-compressed").ToLabels().Energy!.Value;
        var expanded = ParseFixture("si8-dftb-expanded").ToLabels().Energy!.Value;
        var stress = ParseFixture("si8-dftb").ToLabels().Stress!.Value;
        var volume = Math.Pow(5.43, 3);
        var deltaVolume = volume * (Math.Pow(1.005, 3) - Math.Pow(0.995, 3));
        var predicted = (stress.XX + stress.YY + stress.ZZ) / 3 * deltaVolume;

        (expanded - compressed).Should().BeNegative("this Si8 cell is compressed for DFTB: expanding it lowers the energy");
        predicted.Should().BeApproximately(expanded - compressed, 0.01 * Math.Abs(expanded - compressed));
    }

    [Fact]
    public void A_non_converged_SCF_is_not_a_label_although_cp2k_prints_numbers_and_exits_with_0()
    {
        var result = ParseFixture("si8-xtb-not-converged");
        result.Status.Should().Be(OutputStatus.NotConverged);
        result.Detail.Should().Contain("SCF run NOT converged");
        result.Energy.Should().NotBeNull("cp2k goes on after the warning, which is why the warning must be caught");
        result.Invoking(r => r.ToLabels()).Should().Throw<CodeOutputException>()
            .Where(e => e.Status == OutputStatus.NotConverged).WithMessage("*si8-xtb-not-converged.out*did not converge*");
    }

    [Fact]
    public void An_abort_is_a_crash_with_cp2k_message()
    {
        var result = ParseFixture("crash-missing-dftb-parameters");
        result.Status.Should().Be(OutputStatus.Crashed);
        result.Detail.Should().Be(
            "The specified OLD file </nonexistent/dftb/nonscc_parameter> cannot be opened. It does not exist. Data directory path: /usr/share/cp2k common/cp_files.F:396");
        result.Invoking(r => r.ToLabels()).Should().Throw<CodeOutputException>().Where(e => e.Status == OutputStatus.Crashed);
    }

    [Theory]
    [MemberData(nameof(Converged))]
    public void Output_cut_at_any_line_or_at_random_characters_is_never_a_label(string name)
    {
        // Everything up to the end of "PROGRAM ENDED AT" is needed; the date after it is not.
        TruncatedOutputs.NeverGiveLabels(Output(name), "PROGRAM ENDED AT", text => Parse(text));
    }

    [Fact]
    public void A_garbled_number_in_the_forces_is_malformed_with_its_line()
    {
        var text = Output("si8-dftb").Replace("-0.02328020", "-0.0232x020", StringComparison.Ordinal);
        var result = Parse(text, "garbled.out");
        result.Status.Should().Be(OutputStatus.Malformed);
        result.Detail.Should().MatchRegex("garbled.out:[0-9]+: force: '-0.0232x020'");
    }

    [Fact]
    public void A_missing_force_row_or_stress_row_is_malformed()
    {
        var lines = Output("si8-dftb").Split('\n').ToList();
        var forceRows = lines.FindIndex(l => l.Contains("ATOMIC FORCES in", StringComparison.Ordinal));
        var withoutForce = new List<string>(lines);
        withoutForce.RemoveAt(forceRows + 7);
        Parse(string.Join('\n', withoutForce)).Status.Should().Be(OutputStatus.Malformed);

        var withoutStress = new List<string>(lines);
        withoutStress.RemoveAt(lines.FindIndex(l => l.StartsWith(" STRESS|      y", StringComparison.Ordinal)));
        Parse(string.Join('\n', withoutStress)).Status.Should().Be(OutputStatus.Malformed);
    }

    [Fact]
    public void The_last_evaluation_wins_when_an_output_holds_several()
    {
        // cp2k -o appends: a second run in the same file must be read, not the first.
        var text = Output("si8-dftb") + Output("si8-dftb-triclinic");
        var labels = Parse(text).ToLabels();
        labels.Energy!.Value.Should().Be(ParseFixture("si8-dftb-triclinic").Energy!.Value);
    }
}
