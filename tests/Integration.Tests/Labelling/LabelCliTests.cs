using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Integration.Tests.Schedulers;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary><c>al label</c> running the real pw.x and cp2k; ASE reads the output extxyz.</summary>
public sealed class LabelCliTests
{
    /// <summary>The captured si8-dftb.out: ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]: -9.894121458220305.</summary>
    private const double Si8DftbEnergyHartree = -9.894121458220305;

    [Fact]
    public async Task Pw_x_labels_written_by_al_label_are_what_ASE_reads_and_a_failed_structure_gives_exit_code_1()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        var input = WriteSi2PairAndPwRecipe(directory);
        File.WriteAllText(directory.File("local.yaml"), "kind: local\ncores: 2\n");

        var result = await Al.RunAsync("label", "--reference", directory.File("qe.yaml"), "--cluster", directory.File("local.yaml"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Failed, result.StandardError);
        result.StandardError.Should().Contain("Labelled 1 of 2; 1 failed").And.Contain("structure 2 (Si2) FAILED after 2 attempts").And.Contain("overlap");
        var ours = StructureFiles.ReadAll(directory.File("out.extxyz"));
        ours.Should().HaveCount(2);
        ours[1].Reference.Should().BeNull();

        var json = await Ase.RunAsync(
            """
            import json, sys
            import ase.io
            frames = ase.io.read(sys.argv[1], index=":")
            out = []
            for a in frames:
                d = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in a.info.items()}
                if "REF_forces" in a.arrays:
                    d["REF_forces"] = a.arrays["REF_forces"].tolist()
                out.append(d)
            print(json.dumps(out))
            """,
            directory.File("out.extxyz"));
        using var document = JsonDocument.Parse(json);
        var first = document.RootElement[0];
        var labels = ours[0].Reference!;
        first.GetProperty("REF_energy").GetDouble().Should().Be(labels.Energy!.Value);
        var forces = first.GetProperty("REF_forces");
        for (var i = 0; i < 2; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                forces[i][axis].GetDouble().Should().Be(labels.Forces![i][axis]);
            }
        }

        first.GetProperty("label_method").GetString().Should().Be("pw.x");
        first.GetProperty("label_version").GetString().Should().StartWith("pw.x 6.7");
        first.GetProperty("label_settings_hash").GetString().Should().MatchRegex("^[0-9a-f]{16}$");
        first.GetProperty("label_job").GetString().Should().Be("local");
        first.GetProperty("label_attempts").GetInt32().Should().Be(1);
        Directory.Exists(first.GetProperty("label_workdir").GetString()).Should().BeTrue();
        var second = document.RootElement[1];
        second.GetProperty("label_failure").GetString().Should().Contain("check_atoms");
        second.TryGetProperty("REF_energy", out _).Should().BeFalse();
        second.GetProperty("label_attempts").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task Cp2k_DFTB_through_al_label_labels_Si8_with_exit_code_0()
    {
        using var directory = new TempDirectory();
        var input = WriteSi8AndDftbRecipe(directory);

        var result = await Al.RunAsync("label", "-r", directory.File("dftb.yaml"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var labelled = StructureFiles.ReadAll(directory.File("out.extxyz")).Single();
        StructureAssert.Close(Si8DftbEnergyHartree * Units.Hartree, labelled.Reference!.Energy!.Value, 1e-6, "energy");
        labelled.Info["label_method"].AsString().Should().Be("cp2k");
        labelled.Info["label_version"].AsString().Should().Be("cp2k 2023.1");
        Directory.GetDirectories(directory.File("out.extxyz.runs")).Should().ContainSingle().Which.Should().MatchRegex("cp2k-[0-9a-f]{16}$");
    }

    [Fact]
    public async Task Al_label_through_a_SLURM_cluster_file_over_ssh_labels_like_the_local_run_and_a_second_run_submits_nothing()
    {
        Codes.Require("pw.x", "quantum-espresso");
        await using var cluster = new SlurmTestCluster();
        var ssh = TestServices.Ssh;
        var input = WriteSi2PairAndPwRecipe(cluster.Local);
        File.WriteAllText(cluster.Local.File("hpc.yaml"), $"""
            kind: slurm
            ssh:
              host: {ssh.Host}
              port: {ssh.Port}
              user: {ssh.User}
              identity_file: {ssh.IdentityFile}
              known_hosts_file: {ssh.KnownHostsFile}
            remote_root: {cluster.RemoteRoot}
            tasks_per_job: 2
            resources: {"{"} time: "00:10:00" {"}"}
            """);
        string[] label = ["label", "-r", cluster.Local.File("qe.yaml"), "--cluster", cluster.Local.File("hpc.yaml"), "--poll", "0.5", "--workdir", cluster.Local.File("runs"), input];

        var result = await Al.RunAsync([.. label, cluster.Local.File("out.extxyz")]);
        var local = await Al.RunAsync("label", "-r", cluster.Local.File("qe.yaml"), "--workdir", cluster.Local.File("local-runs"), input, cluster.Local.File("local.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Failed, result.StandardError);
        result.StandardError.Should().Contain($"on slurm via").And.Contain("(2 tasks per job)")
            .And.MatchRegex(@"job [0-9]+ (queued|running)")
            .And.Contain("structure 2 (Si2) FAILED after 2 attempts").And.Contain("Labelled 1 of 2; 1 failed");
        local.ExitCode.Should().Be(ExitCodes.Failed, local.StandardError);
        var ours = StructureFiles.ReadAll(cluster.Local.File("out.extxyz"));
        var expected = StructureFiles.ReadAll(cluster.Local.File("local.extxyz"));
        StructureAssert.Labels(expected[0].Reference, ours[0].Reference, 1e-8, "Si2 labelled through SLURM");
        ours[1].Reference.Should().BeNull();
        ours[1].Info["label_failure"].AsString().Should().Contain("check_atoms");
        var job = ours[0].Info["label_job"].AsString();
        job.Should().MatchRegex("^slurm [0-9]+$");
        var retried = ours[1].Info["label_job"].AsString();
        retried.Should().NotBe(job, "the retry of the crashed structure waited for the first job and went in a second one");
        var ended = await SlurmTestCluster.EndedJobsAsync("al-");
        ended.Select(j => "slurm " + j.JobId).Should().Contain([job, retried]);
        Directory.Exists(cluster.Local.File("runs/journal")).Should().BeTrue("the job journal lives in the work directory");

        // A second run with the same work directory finds every task finished: no job is submitted, the labels are the same.
        var again = await Al.RunAsync([.. label, cluster.Local.File("again.extxyz")]);

        again.ExitCode.Should().Be(ExitCodes.Failed, again.StandardError);
        again.StandardError.Should().NotMatchRegex("job [0-9]+ (queued|running)");
        var second = StructureFiles.ReadAll(cluster.Local.File("again.extxyz"));
        second[0].Reference!.Energy.Should().Be(ours[0].Reference!.Energy);
        second[0].Info["label_job"].AsString().Should().Be(job);
        second[1].Info["label_job"].AsString().Should().Be(retried);
    }

    [Fact]
    public async Task Al_label_through_a_SLURM_cluster_without_ssh_runs_cp2k_as_a_batch_job_of_this_machine()
    {
        using var directory = new TempDirectory();
        var input = WriteSi8AndDftbRecipe(directory);
        File.WriteAllText(directory.File("slurm.yaml"), "kind: slurm\nresources: { time: 10 }\n");

        var result = await Al.RunAsync("label", "-r", directory.File("dftb.yaml"), "-c", directory.File("slurm.yaml"), "--poll", "0.5", input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardError.Should().Contain("on slurm via local");
        var labelled = StructureFiles.ReadAll(directory.File("out.extxyz")).Single();
        StructureAssert.Close(Si8DftbEnergyHartree * Units.Hartree, labelled.Reference!.Energy!.Value, 1e-6, "energy");
        var job = labelled.Info["label_job"].AsString();
        job.Should().MatchRegex("^slurm [0-9]+$");
        (await SlurmTestCluster.EndedJobsAsync("al-")).Select(j => "slurm " + j.JobId).Should().Contain(job);
        // Without ssh the work directories are on this machine, under the work directory next to the output.
        Directory.GetDirectories(directory.File("out.extxyz.runs/remote")).Should().ContainSingle(d => Path.GetFileName(d).StartsWith("cp2k-", StringComparison.Ordinal));
        labelled.Info["label_workdir"].AsString().Should().StartWith(directory.File("out.extxyz.runs/outputs/cp2k-"));
    }

    /// <summary>Writes the rattled Si2 and the overlapping Si2 (which pw.x refuses) to in.extxyz and a cheap pw.x recipe
    /// (16/64 Ry, k-spacing 0.8 1/Å) to qe.yaml; returns the input path.</summary>
    private static string WriteSi2PairAndPwRecipe(TempDirectory directory)
    {
        var input = directory.File("in.extxyz");
        StructureFiles.Write(input, [SiliconCells.Si2Rattled(), Codes.Si2Overlapping()], StructureFormats.FindByName("extxyz")!);
        File.WriteAllText(directory.File("qe.yaml"), $"""
            kind: quantum-espresso
            pseudopotentials: {"{"} Si: Si.pbe-rrkj.UPF {"}"}
            pseudo_dir: {Codes.PseudoDirectory}
            ecutwfc: 16
            ecutrho: 64
            kspacing: 0.8
            conv_thr: 1e-10
            """);
        return input;
    }

    /// <summary>Writes the Si8 cell of the captured CP2K cases to in.extxyz and a CP2K DFTB recipe to dftb.yaml; fails with
    /// what to install when cp2k is missing.</summary>
    private static string WriteSi8AndDftbRecipe(TempDirectory directory)
    {
        Codes.Require("cp2k", "cp2k");
        var input = directory.File("in.extxyz");
        StructureFiles.Write(input, [SiliconCells.Si8Rattled()], StructureFormats.FindByName("extxyz")!);
        File.WriteAllText(directory.File("dftb.yaml"), "kind: cp2k\nmethod: dftb\n");
        return input;
    }
}
