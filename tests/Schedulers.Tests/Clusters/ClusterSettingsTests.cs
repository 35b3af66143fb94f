using ActiveLearning.Schedulers.Clusters;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Schedulers.Tests.Clusters;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void Every_resource_key_is_read_into_the_slurm_resources()
    {
        var (resources, launcher) = ClusterResources.Parse(new Dictionary<string, string>
        {
            ["partition"] = "std",
            ["nodes"] = "2",
            ["tasks"] = "8",
            ["cpus_per_task"] = "4",
            ["memory"] = "4G",
            ["walltime"] = "1-02:03:04",
            ["account"] = "chem",
            ["qos"] = "long",
            ["sbatch"] = "--constraint=avx2\n#SBATCH --exclusive\n",
            ["setup"] = "module load qe/6.7\nsource /opt/env.sh",
            ["mpi_launcher"] = "mpirun -np 8",
        });

        resources.Should().BeEquivalentTo(new SlurmResources
        {
            Partition = "std", Nodes = 2, Tasks = 8, CpusPerTask = 4, MemoryMegabytes = 4096,
            Walltime = new TimeSpan(1, 2, 3, 4), Account = "chem", Qos = "long",
            ExtraDirectives = ["--constraint=avx2", "#SBATCH --exclusive"],
            SetupLines = ["module load qe/6.7", "source /opt/env.sh"],
        });
        launcher.Should().Be("mpirun -np 8");
    }

    [Theory]
    [InlineData("time", "90", 90 * 60)]
    [InlineData("time", "01:00:00", 3600)]
    [InlineData("walltime", "00:30", 30)]
    public void Wall_times_are_minutes_or_slurm_durations(string key, string text, int seconds) =>
        ClusterResources.Parse(new Dictionary<string, string> { [key] = text }).Resources.Walltime.Should().Be(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("nodes", "0", "*nodes*at least 1*")]
    [InlineData("memory", "lots", "*memory*4G*")]
    [InlineData("time", "soon", "*time*HH:MM:SS*")]
    [InlineData("gpus", "1", "*unknown resource 'gpus'*partition*")]
    public void Bad_resources_name_the_key_and_what_was_expected(string key, string text, string message) =>
        FluentActions.Invoking(() => ClusterResources.Parse(new Dictionary<string, string> { [key] = text }))
            .Should().Throw<ArgumentException>().WithMessage(message);

    [Fact]
    public async Task The_factory_builds_a_local_scheduler_or_a_slurm_one_over_the_local_shell_or_ssh()
    {
        using var directory = new TempDirectory();

        var local = JobSchedulerFactory.Create(new ClusterSettings(ClusterKind.Local) { Cores = 2 }, directory.Path, directory.File("cm"));
        local.Should().BeOfType<LocalJobScheduler>().Which.Root.Should().Be(directory.File("work"));

        await using var slurm = (SlurmJobScheduler)JobSchedulerFactory.Create(new ClusterSettings(ClusterKind.Slurm) { TasksPerJob = 4 }, directory.Path, directory.File("cm"));
        slurm.Description.Should().Be("slurm via local");

        await using var remote = (SlurmJobScheduler)JobSchedulerFactory.Create(
            new ClusterSettings(ClusterKind.Slurm) { Ssh = new ClusterSsh("login.example.org") { Port = 2222, User = "me" }, RemoteRoot = "/scratch/me" },
            directory.Path, directory.File("cm"));
        remote.Description.Should().Be("slurm via ssh me@login.example.org:2222");

        FluentActions.Invoking(() => JobSchedulerFactory.Create(new ClusterSettings(ClusterKind.Slurm) { Ssh = new ClusterSsh("h") }, directory.Path, directory.File("cm")))
            .Should().Throw<ArgumentException>().WithMessage("*remote root*");
    }
}
