using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.QuantumEspresso;

using ActiveLearning.Drivers.Outputs;
using ActiveLearning.Drivers.Tests.Outputs;

namespace ActiveLearning.Drivers.Tests.QuantumEspresso;

public sealed class QuantumEspressoParserTests
{
    public static TheoryData<string> Converged => new("si2-diamond", "si2-rattled", "si8-rattled");

    private static CodeResult Parse(string text, string name = "pw.out") =>
        QuantumEspressoParser.Parse(new StringReader(text), name);

    private static string Output(string name) => File.ReadAllText(QuantumEspressoCases.FixturePath(name + ".out"));

    /// <summary>
    /// ASE 3.22's espresso reader converts with CODATA 2006 Ry and bohr (ase.io.espresso.units), we with CODATA 2018 (Ry differs by 8e-8 relative, 1.7e-5 eV on Si2's
    /// −214 eV). So ASE's numbers are first brought to CODATA 2018 with the exact ratio of the two constants, recorded in the
    /// JSON, and then compared to 1e-6 eV, 1e-6 eV/Å and 1e-6 eV/Å³ — the comparison tests the parsing, not the constants.
    /// </summary>
    [Theory]
    [MemberData(nameof(Converged))]
    public void Energy_forces_and_stress_agree_with_ASE_reading_the_same_output(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(QuantumEspressoCases.FixturePath("ase-reference.json")));
        var root = json.RootElement;
        var aseRy = root.GetProperty("ase_Ry_eV").GetDouble();
        var aseBohr = root.GetProperty("ase_Bohr_A").GetDouble();
        var energyScale = Units.Rydberg / aseRy;
        var forceScale = energyScale * aseBohr / Units.Bohr;
        var stressScale = energyScale * Math.Pow(aseBohr / Units.Bohr, 3);
        var reference = root.GetProperty("cases").GetProperty(name);

        var result = QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath(name + ".out"));
        result.Status.Should().Be(OutputStatus.Converged, result.Detail);
        var labels = result.ToLabels();

        labels.Energy!.Value.Should().BeApproximately(reference.GetProperty("energy_eV").GetDouble() * energyScale, 1e-6);
        labels.FreeEnergy.Should().Be(labels.Energy);

        var forces = reference.GetProperty("forces_eV_per_A");
        labels.Forces!.Length.Should().Be(forces.GetArrayLength());
        for (var i = 0; i < labels.Forces.Length; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                labels.Forces[i][axis].Should().BeApproximately(forces[i][axis].GetDouble() * forceScale, 1e-6, $"force {i} {axis}");
            }
        }

        var voigt = reference.GetProperty("stress_eV_per_A3_voigt_xx_yy_zz_yz_xz_xy");
        var s = labels.Stress!.Value;
        double[] ours = [s.XX, s.YY, s.ZZ, s.YZ, s.XZ, s.XY];
        double[] transposed = [s.XX, s.YY, s.ZZ, s.ZY, s.ZX, s.YX];
        for (var k = 0; k < 6; k++)
        {
            ours[k].Should().BeApproximately(voigt[k].GetDouble() * stressScale, 1e-6, $"stress component {k}");
            transposed[k].Should().Be(ours[k]);
        }
    }

    [Fact]
    public void The_rattled_cell_has_real_forces_and_shear_stress_so_the_comparison_means_something()
    {
        var labels = QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("si2-rattled.out")).ToLabels();
        // pw.x prints 0.00362204 Ry/bohr for atom 2's y force and 0.00019590 Ry/bohr³ for σ_xx (compressive sign).
        labels.Forces![1].Y.Should().BeApproximately(0.00362204 * Units.Rydberg / Units.Bohr, 1e-12);
        labels.Stress!.Value.XX.Should().BeApproximately(-0.00019590 * Units.Rydberg / Math.Pow(Units.Bohr, 3), 1e-12);
        labels.Stress.Value.XY.Should().NotBe(0);
    }

    [Fact]
    public void Version_and_iterations_are_read()
    {
        var result = QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("si2-diamond.out"));
        result.Version.Should().StartWith("6.7");
        result.ScfIterations.Should().BeGreaterThan(2);
    }

    [Fact]
    public void A_run_stopped_by_electron_maxstep_is_not_converged_and_gives_no_label()
    {
        var result = QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("si2-not-converged.out"));
        result.Status.Should().Be(OutputStatus.NotConverged);
        result.Detail.Should().Contain("convergence NOT achieved after   2 iterations");
        result.Energy.Should().BeNull();
        var labels = () => result.ToLabels();
        labels.Should().Throw<CodeOutputException>()
            .Where(e => e.Status == OutputStatus.NotConverged).WithMessage("*si2-not-converged.out*did not converge*");
    }

    [Fact]
    public void A_crash_is_reported_with_pw_x_message()
    {
        var result = QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("crash-missing-pseudo.out"));
        result.Status.Should().Be(OutputStatus.Crashed);
        result.Detail.Should().Contain("readpp").And.Contain("Si.missing.UPF not found");
    }

    [Theory]
    [MemberData(nameof(Converged))]
    public void Output_cut_at_any_line_or_at_random_characters_is_never_a_label(string name)
    {
        // The run's final newline can be dropped without losing anything; every earlier cut loses "JOB DONE." at least.
        TruncatedOutputs.NeverGiveLabels(Output(name), "JOB DONE.", text => Parse(text));
    }

    [Fact]
    public void A_garbled_number_in_the_forces_is_malformed_with_its_line()
    {
        var text = Output("si2-rattled").Replace("-0.00362204", "-0.0036x204", StringComparison.Ordinal);
        var result = Parse(text, "garbled.out");
        result.Status.Should().Be(OutputStatus.Malformed);
        result.Detail.Should().MatchRegex("garbled.out:[0-9]+: force: '-0.0036x204'");
    }

    [Fact]
    public void A_missing_force_line_is_malformed()
    {
        var lines = Output("si8-rattled").Split('\n').ToList();
        lines.RemoveAt(lines.FindIndex(l => l.Contains("atom    5 type  1   force", StringComparison.Ordinal)));
        Parse(string.Join('\n', lines)).Status.Should().Be(OutputStatus.Malformed);
    }
}
