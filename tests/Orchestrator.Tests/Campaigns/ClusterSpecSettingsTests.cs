using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Schedulers.Clusters;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class ClusterSpecSettingsTests
{
    [Fact]
    public void A_SLURM_cluster_file_becomes_the_scheduler_settings_with_absolute_ssh_paths_and_every_resource()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("hpc.yaml"), """
            kind: slurm
            ssh: { host: login.example.org, port: 2222, user: me, identity_file: keys/id, known_hosts_file: kh }
            remote_root: /scratch/me/al
            partition: short
            max_queued: 7
            tasks_per_job: 4
            resources: { time: "01:30:00", memory: 2G, cpus_per_task: 2, partition: long, mpi_launcher: "mpirun -np 2", setup: "module load qe" }
            """);

        var settings = CampaignParser.ParseCluster(folder.File("hpc.yaml")).ToSettings();

        settings.Kind.Should().Be(ClusterKind.Slurm);
        settings.Ssh.Should().Be(new ClusterSsh("login.example.org")
        {
            Port = 2222,
            User = "me",
            IdentityFile = folder.File("keys/id"),
            KnownHostsFile = folder.File("kh"),
        });
        settings.RemoteRoot.Should().Be("/scratch/me/al");
        settings.MaxQueued.Should().Be(7);
        settings.TasksPerJob.Should().Be(4);
        settings.MpiLauncher.Should().Be("mpirun -np 2");
        var resources = settings.Resources;
        resources.Partition.Should().Be("short", "the cluster's own partition key wins over the one under resources");
        resources.Walltime.Should().Be(TimeSpan.FromMinutes(90));
        resources.MemoryMegabytes.Should().Be(2048);
        resources.CpusPerTask.Should().Be(2);
        resources.SetupLines.Should().Equal("module load qe");
    }

    [Fact]
    public void A_local_cluster_keeps_its_cores_and_a_SLURM_cluster_without_ssh_has_no_login()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("c.yaml"), "kind: local\ncores: 3\n");
        var local = CampaignParser.ParseCluster(folder.File("c.yaml")).ToSettings();
        local.Kind.Should().Be(ClusterKind.Local);
        local.Cores.Should().Be(3);

        File.WriteAllText(folder.File("c.yaml"), "kind: slurm\n");
        var slurm = CampaignParser.ParseCluster(folder.File("c.yaml")).ToSettings();
        slurm.Kind.Should().Be(ClusterKind.Slurm);
        slurm.Ssh.Should().BeNull();
        slurm.RemoteRoot.Should().BeNull();
        slurm.Resources.Partition.Should().BeNull();
    }
}
