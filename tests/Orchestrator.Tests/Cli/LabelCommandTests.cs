using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

/// <summary><c>al label</c> with a teacher reference and its bad-input cases (the runs with pw.x and cp2k are integration tests).</summary>
public sealed class LabelCommandTests
{
    private static string Frames(TempDirectory directory)
    {
        var random = new Random(9);
        var frames = Enumerable.Range(0, 3).Select(_ => RandomStructures.Rattled(random, Zincblende.Conventional(5.431, 14, 14), 0.05)).ToList();
        var path = directory.File("in.extxyz");
        StructureFiles.Write(path, frames, StructureFormats.FindByName("extxyz")!);
        return path;
    }

    [Fact]
    public async Task A_teacher_reference_labels_every_structure_with_provenance()
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        File.WriteAllText(directory.File("ref.yaml"), "kind: potential\npotential: sw\n");

        var result = await Run("label", "--reference", directory.File("ref.yaml"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardError.Should().Contain("Labelling 3 structures with teacher:").And.Contain("[3/3] structure 3 (Si8)").And.Contain("Labelled 3 of 3; 0 failed");
        var labelled = StructureFiles.ReadAll(directory.File("out.extxyz"));
        var inputs = StructureFiles.ReadAll(input);
        var evaluation = new Evaluation(1);
        for (var i = 0; i < labelled.Count; i++)
        {
            StillingerWeber.Silicon().Compute(inputs[i], evaluation);
            StructureAssert.Labels(evaluation.ToLabels(inputs[i]), labelled[i].Reference, 1e-12, $"frame {i}");
            labelled[i].Info["label_method"].AsString().Should().StartWith("teacher:");
            labelled[i].Info["label_settings_hash"].AsString().Should().MatchRegex("^[0-9a-f]{16}$");
            labelled[i].Info["label_attempts"].AsInteger().Should().Be(1);
            labelled[i].Info.Should().NotContainKey("label_failure");
        }
    }

    [Theory]
    [InlineData("kind: pbs\n", "hpc.yaml:1:7: cluster.kind: 'pbs' is not a known choice")]
    [InlineData("kind: slurm\nssh: { host: login.example.org }\n", "hpc.yaml:2:1: cluster: ssh is given without remote_root")]
    [InlineData("kind: slurm\nremote_root: scratch\n", "hpc.yaml:2:14: cluster.remote_root: ")]
    [InlineData("kind: slurm\nresources: { walltime: soon }\n", "hpc.yaml:2:12: cluster.resources: resource 'walltime' is 'soon'")]
    [InlineData("kind: slurm\nresources: { gpus: 2 }\n", "hpc.yaml:2:12: cluster.resources: unknown resource 'gpus'")]
    [InlineData("kind: slurm\ntasks_per_job: 0\n", "hpc.yaml:2:16: cluster.tasks_per_job: 0 is out of range")]
    [InlineData("kind: local\nssh: { host: h }\nremote_root: /r\n", "hpc.yaml:2:1: cluster: 'ssh' does not apply with kind local")]
    [InlineData("kind: slurm\nssh: { host: h, port: 70000 }\nremote_root: /r\n", "hpc.yaml:2:23: cluster.ssh.port: 70000 is out of range")]
    public async Task A_cluster_file_with_mistakes_is_bad_input_with_file_line_and_column_and_nothing_runs(string text, string message)
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        File.WriteAllText(directory.File("ref.yaml"), "kind: potential\npotential: sw\n");
        File.WriteAllText(directory.File("hpc.yaml"), text);

        var result = await Run("label", "-r", directory.File("ref.yaml"), "--cluster", directory.File("hpc.yaml"), "--workdir", directory.File("runs"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput, result.StandardError);
        result.StandardError.Should().Contain(directory.File(message));
        Directory.Exists(directory.File("runs")).Should().BeFalse("nothing may run");
        File.Exists(directory.File("out.extxyz")).Should().BeFalse();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public async Task A_poll_interval_that_is_not_a_positive_number_of_seconds_is_bad_input(string seconds)
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        File.WriteAllText(directory.File("ref.yaml"), "kind: potential\npotential: sw\n");

        var result = await Run("label", "-r", directory.File("ref.yaml"), "--poll", seconds, input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput, result.StandardError);
        result.StandardError.Should().Contain("--poll");
        File.Exists(directory.File("out.extxyz")).Should().BeFalse();
    }

    [Fact]
    public async Task Settings_that_cannot_run_are_bad_input_listing_every_problem_before_anything_runs()
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        File.WriteAllText(directory.File("ref.yaml"), $"""
            kind: quantum-espresso
            pseudopotentials: {"{"} Si: Si.nowhere.UPF {"}"}
            pseudo_dir: {directory.Path}
            ecutwfc: 20
            ecutrho: 10
            kspacing: 0.5
            """);

        var result = await Run("label", "-r", directory.File("ref.yaml"), "--workdir", directory.File("runs"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("ecutrho (10 Ry) must be at least ecutwfc (20 Ry)").And.Contain($"the pseudopotential of Si, {directory.File("Si.nowhere.UPF")}, does not exist");
        Directory.Exists(directory.File("runs")).Should().BeFalse("nothing may run");
        File.Exists(directory.File("out.extxyz")).Should().BeFalse();
    }

    [Theory]
    [InlineData("kind: cp2k\n", "kind cp2k gives no settings")]
    [InlineData("kind: potential\npotential: sw\nmethod: dftb\n", "ref.yaml:3:1: reference: 'method' does not apply with kind potential")]
    [InlineData("kind: vasp\n", "kind vasp gives no settings; expected potcar_dir, encut and kspacing or kpoints")]
    [InlineData("kind: orca\n", "ref.yaml:1:7: reference.kind: 'orca' is not a known choice")]
    public async Task A_reference_file_with_mistakes_is_bad_input(string text, string message)
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        File.WriteAllText(directory.File("ref.yaml"), text);

        var result = await Run("label", "-r", directory.File("ref.yaml"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain(message);
    }

    [Fact]
    public async Task A_VASP_reference_writes_the_inputs_with_the_assembled_POTCAR_runs_the_command_and_records_its_crash_as_a_failure()
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        Directory.CreateDirectory(directory.File("pot/Si"));
        File.WriteAllText(directory.File("pot/Si/POTCAR"), "PAW_PBE Si 05Jan2001 (stand-in)\n");
        // No VASP here: a command that exits 1 without output stands for a crash, which is retried once and then a failure.
        File.WriteAllText(directory.File("vasp.yaml"), "kind: vasp\npotcar_dir: pot\nencut: 300\nkspacing: 0.5\ncommand: \"false\"\n");

        var result = await Run("label", "-r", directory.File("vasp.yaml"), "--workdir", directory.File("runs"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Failed, result.StandardError);
        result.StandardError.Should().Contain("with vasp (settings").And.Contain("Labelled 0 of 3; 3 failed").And.Contain("FAILED after 2 attempts");
        var runs = Directory.GetDirectories(directory.File("runs"));
        runs.Should().HaveCount(6, "three structures, each run twice").And.OnlyContain(d => Path.GetFileName(d).StartsWith("vasp-", StringComparison.Ordinal));
        foreach (var run in runs)
        {
            File.ReadAllText(Path.Combine(run, "INCAR")).Should().Contain("ENCUT = 300");
            File.ReadAllText(Path.Combine(run, "POTCAR")).Should().Be("PAW_PBE Si 05Jan2001 (stand-in)\n");
            File.ReadAllText(Path.Combine(run, "task.finished")).Trim().Should().Be("1");
        }

        var labelled = StructureFiles.ReadAll(directory.File("out.extxyz"));
        labelled.Should().OnlyContain(s => s.Reference == null && s.Info["label_method"].AsString() == "vasp");
    }

    [Fact]
    public async Task A_VASP_reference_without_a_POTCAR_for_an_element_is_bad_input_before_anything_runs()
    {
        using var directory = new TempDirectory();
        var input = Frames(directory);
        Directory.CreateDirectory(directory.File("pot/C"));
        File.WriteAllText(directory.File("vasp.yaml"), "kind: vasp\npotcar_dir: pot\nencut: 300\nkpoints: [2, 2, 2]\n");

        var result = await Run("label", "-r", directory.File("vasp.yaml"), "--workdir", directory.File("runs"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput, result.StandardError);
        result.StandardError.Should().Contain($"no POTCAR for Si: {directory.File("pot/Si/POTCAR")} does not exist");
        Directory.Exists(directory.File("runs")).Should().BeFalse("nothing may run");
    }
}
