using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class MdRelaxCommandTests
{
    private static string WriteDiamond(TempDirectory directory, double rattle = 0.0)
    {
        var structure = RandomStructures.Rattled(new Random(2), Zincblende.Conventional(5.431, 14, 14), rattle);
        var path = directory.File("si.extxyz");
        StructureFiles.Write(path, [structure], StructureFormats.FindByName("extxyz")!);
        return path;
    }

    [Fact]
    public async Task Md_writes_the_final_state_a_trajectory_and_a_json_summary()
    {
        using var directory = new TempDirectory();
        var input = WriteDiamond(directory);

        var result = await Run(
            "md", "-p", "sw", "--ensemble", "nve", "-T", "600", "--steps", "200", "--trajectory", directory.File("traj.extxyz"),
            "--every", "50", "--json", "--threads", "1", input, directory.File("final.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var final = StructureFiles.ReadAll(directory.File("final.extxyz")).Single();
        final.Velocities.Should().NotBeNull();
        final.Calculated!.Forces.Should().HaveCount(8);
        StructureFiles.ReadAll(directory.File("traj.extxyz")).Select(f => f.Info["step"].AsInteger()).Should().Equal(0, 50, 100, 150, 200);
        using var summary = JsonDocument.Parse(result.StandardOutput);
        summary.RootElement.GetProperty("steps").GetInt32().Should().Be(200);
        summary.RootElement.GetProperty("stop").GetString().Should().Be("Completed");
        Math.Abs(summary.RootElement.GetProperty("drift_eV_per_atom").GetDouble()).Should().BeLessThan(1e-3);
    }

    [Theory]
    [InlineData("--ensemble", "npt-maybe", "--ensemble npt-maybe")]
    [InlineData("-T", "hot", "--temperature hot")]
    [InlineData("--timestep", "-1", "imestep")]
    [InlineData("--frame", "3", "--frame 3 does not exist")]
    public async Task Md_options_that_make_no_sense_are_bad_input(string option, string value, string message)
    {
        using var directory = new TempDirectory();
        var input = WriteDiamond(directory);

        var result = await Run("md", "-p", "sw", option, value, input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain(message);
        File.Exists(directory.File("out.extxyz")).Should().BeFalse();
    }

    [Fact]
    public async Task A_cancelled_md_run_still_writes_the_state_it_reached_and_says_it_stopped()
    {
        using var directory = new TempDirectory();
        var input = WriteDiamond(directory);

        var result = await Run(new CancellationToken(canceled: true), "md", "-p", "sw", "--steps", "100000", input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Cancelled);
        result.StandardError.Should().Contain("Cancelled after 0 steps");
        StructureFiles.ReadAll(directory.File("out.extxyz")).Should().ContainSingle();
    }

    [Fact]
    public async Task Relax_converges_a_rattled_crystal_and_records_it()
    {
        using var directory = new TempDirectory();
        var input = WriteDiamond(directory, rattle: 0.05);

        var result = await Run("relax", "-p", "sw", "--fmax", "1e-4", input, directory.File("relaxed.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var relaxed = StructureFiles.ReadAll(directory.File("relaxed.extxyz")).Single();
        relaxed.Info["relax_converged"].AsBoolean().Should().BeTrue();
        relaxed.Calculated!.Forces!.Max(f => f.MaxAbs).Should().BeLessThan(1e-4);
    }

    [Fact]
    public async Task Relax_that_does_not_converge_fails_but_keeps_the_output()
    {
        using var directory = new TempDirectory();
        var input = WriteDiamond(directory, rattle: 0.1);

        var result = await Run("relax", "-p", "sw", "--max-steps", "2", input, directory.File("relaxed.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Failed);
        result.StandardError.Should().Contain("1 did not converge");
        StructureFiles.ReadAll(directory.File("relaxed.extxyz")).Single().Info["relax_converged"].AsBoolean().Should().BeFalse();
    }
}
