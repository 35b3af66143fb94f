using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// samples/si-indirect.yaml shortened (walkers of 600 steps with the same schedule shape, two iterations): the engine runs
/// the SNAP teacher's labels, NPT walkers through the melt–quench and the compression from 64-atom cells, and the report
/// compares the student with the teacher. The full sample and its held-out check are the si-indirect benchmark.
/// </summary>
public sealed partial class SiIndirectTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_shortened_si_indirect_explores_on_its_ramp_and_melt_quench_and_its_report_compares_student_and_teacher()
    {
        var sample = Path.Combine(Path.GetDirectoryName(CampaignFiles.SamplePath)!, "si-indirect.yaml");
        Directory.CreateDirectory(folder.File("structures"));
        foreach (var structure in Directory.GetFiles(Path.Combine(Path.GetDirectoryName(sample)!, "structures")))
        {
            File.Copy(structure, Path.Combine(folder.File("structures"), Path.GetFileName(structure)));
        }

        var text = File.ReadAllText(sample);
        Schedule().Matches(text).Should().ContainSingle("the sample sets its temperature points once");
        Pressure().Matches(text).Should().ContainSingle("and its pressure points once");
        StepsSetting().Matches(text).Should().ContainSingle();
        MaxIterations().Matches(text).Should().ContainSingle();
        FinalRefinement().Matches(text).Should().ContainSingle("the sample refines the student once, in its final steps");
        text = Schedule().Replace(text, "temperature_schedule: [[0, 300], [150, 1500], [200, 2500], [300, 2500], [400, 500], [600, 1000]]");
        text = Pressure().Replace(text, "pressure: [[0, 0], [400, 0], [600, 20]]");
        text = StepsSetting().Replace(text, "steps: 600");
        text = MaxIterations().Replace(text, "max_iterations: 2");
        text = FinalRefinement().Replace(text, "- fit: { refine_steps: 1 }");
        var file = folder.File("si-indirect.yaml");
        File.WriteAllText(file, text);
        var workdir = Path.Combine(folder.Path, "runs", "si-indirect");

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Contain("Campaign si-indirect finished");
        foreach (var iteration in new[] { "001", "002" })
        {
            using var walkers = JsonDocument.Parse(File.ReadAllText(Path.Combine(workdir, "iterations", iteration, "walkers.json")));
            walkers.RootElement.GetArrayLength().Should().Be(4);
            foreach (var walker in walkers.RootElement.EnumerateArray())
            {
                walker.GetProperty("StartPressureGPa").GetDouble().Should().Be(0, "the walkers start at 0 GPa");
                walker.GetProperty("EndPressureGPa").GetDouble().Should().Be(20, "the compression ends at 20 GPa");
                walker.GetProperty("StartTemperatureK").GetDouble().Should().Be(300);
                walker.GetProperty("EndTemperatureK").GetDouble().Should().Be(1000, "the compressed glass is warmed to 1000 K");
            }

            foreach (var candidate in StructureFiles.ReadAll(Path.Combine(workdir, "iterations", iteration, "candidates.extxyz")))
            {
                candidate.Count.Should().Be(64, "start_min_atoms keeps the walkers on the 64-atom cells");
                var step = (int)candidate.Info["step"].AsReal();
                candidate.Info["temperature_K"].AsReal().Should().BeApproximately(Target(step), 1e-9, "candidates carry the schedule's target at their step");
            }
        }

        var report = await AlRunner.Run("report", workdir, "--speed-seconds", "0.2");

        report.ExitCode.Should().Be(0, report.StandardError);
        report.StandardOutput.Should().Contain("against its teacher snap:Si_Zuo_JPCA2020")
            .And.MatchRegex(@"validation \(iteration 3\): energy RMSE \d+\.\d\d meV/atom, force RMSE \d\.\d{4} eV/Å");
        var speed = SpeedLine().Match(report.StandardOutput);
        speed.Success.Should().BeTrue(report.StandardOutput);
        var student = double.Parse(speed.Groups["student"].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
        var teacher = double.Parse(speed.Groups["teacher"].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
        speed.Groups["atoms"].Value.Should().Be("512", "the largest training structure, 64 atoms, repeated 2×2×2");
        // Which model is faster depends on the machine (both run at tens of thousands of atom-steps/s; see the si-indirect
        // benchmark); the report must measure both and give their ratio.
        student.Should().BePositive();
        teacher.Should().BePositive();
        double.Parse(speed.Groups["ratio"].Value, CultureInfo.InvariantCulture).Should().BeApproximately(student / teacher, 0.05 * student / teacher);
        File.ReadAllText(Path.Combine(workdir, "report.html")).Should().Contain("<h2 id=\"student-teacher\">Student against teacher</h2>");
    }

    private static double Target(int step) => step switch
    {
        <= 150 => 300 + (1200.0 * step / 150),
        <= 200 => 1500 + (1000.0 * (step - 150) / 50),
        <= 300 => 2500,
        <= 400 => 2500 - (2000.0 * (step - 300) / 100),
        _ => 500 + (500.0 * (step - 400) / 200),
    };

    [GeneratedRegex(@"temperature_schedule: \[\[0, 300\].*\]\]")]
    private static partial Regex Schedule();

    [GeneratedRegex(@"pressure: \[\[0, 0\].*\]\]")]
    private static partial Regex Pressure();

    [GeneratedRegex(@"steps: 6000")]
    private static partial Regex StepsSetting();

    [GeneratedRegex(@"- fit: \{ refine_steps: \d+ \}")]
    private static partial Regex FinalRefinement();

    [GeneratedRegex(@"max_iterations: \d+")]
    private static partial Regex MaxIterations();

    [GeneratedRegex(@"MD speed \((?<atoms>\d+) atoms, 1 thread\): student (?<student>[\d,]+) atom-steps/s, teacher (?<teacher>[\d,]+) atom-steps/s, speed-up (?<ratio>[\d.E+-]+)×")]
    private static partial Regex SpeedLine();
}
