using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Schedulers;

public sealed class SlurmRemoteErrorTests
{
    [Fact]
    public async Task Tasks_go_to_remote_error_while_their_sshd_is_down_and_finish_by_themselves_once_it_is_back()
    {
        await using var cluster = new SlurmTestCluster();
        // A private sshd (the shared one must never be stopped): same directory, same port after a restart.
        var sshdDirectory = Path.Combine("/tmp", "al-sshd-" + cluster.Prefix);
        var script = Path.Combine(TestServices.ServiceScripts, "sshd.sh");
        try
        {
            await Sshd(script, "start", sshdDirectory);
            var server = TestServices.ReadSshEnvironment(sshdDirectory);
            var tasks = cluster.SquareTasks(12, "sleep 2; read n < n.txt; echo $((n * n)) > out.txt");
            var scheduler = new SlurmJobScheduler(cluster.Ssh(server, TimeSpan.FromSeconds(10)), cluster.Options(tasksPerJob: 4));
            var run = SlurmTestCluster.RunAllAsync(scheduler, tasks, TimeSpan.FromMinutes(3));

            await WaitFor(() => cluster.Updates.Any(u => u.State == JobTaskState.Queued || u.State == JobTaskState.Running), run);
            await Sshd(script, "stop", sshdDirectory);
            await WaitFor(() => cluster.Updates.Any(u => u.State == JobTaskState.RemoteError), run);
            run.IsCompleted.Should().BeFalse("a machine that does not answer pauses the tasks, it does not end them");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await Sshd(script, "start", sshdDirectory);

            var results = await run;
            results.Should().HaveCount(12).And.OnlyContain(r => r.Succeeded);
            cluster.Updates.Where(u => u.State == JobTaskState.RemoteError).Select(u => u.Detail).Should().Contain(d => d!.Contains("ssh", StringComparison.Ordinal));
            var lastRemoteError = cluster.Updates.ToList().FindLastIndex(u => u.State == JobTaskState.RemoteError);
            cluster.Updates.Skip(lastRemoteError + 1).Should().Contain(
                u => u.State == JobTaskState.Finished || u.Detail == "the machine answers again",
                "the paused tasks resume by themselves");
            (await cluster.EndedJobsAsync()).Should().HaveCount(3, "the outage must not make any pack be submitted twice");
        }
        finally
        {
            await Sshd(script, "stop", sshdDirectory);
            Directory.Delete(sshdDirectory, recursive: true);
        }
    }

    private static async Task Sshd(string script, string verb, string directory)
    {
        var result = await ExternalProcess.RunAsync("bash", [script, verb, directory], timeout: TimeSpan.FromMinutes(2));
        result.ExitCode.Should().Be(0, $"sshd.sh {verb} should work: {result.StandardError}");
    }

    private static async Task WaitFor(Func<bool> condition, Task run)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!condition())
        {
            run.IsCompleted.Should().BeFalse("the run should still be going");
            await Task.Delay(100, limit.Token);
        }
    }
}
