using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Integration.Tests.Schedulers;

public sealed class SlurmFailureTests
{
    [Fact]
    public async Task A_command_exiting_3_is_finished_with_exit_code_3_and_not_run_again()
    {
        await using var cluster = new SlurmTestCluster();
        var task = JobTask.Create(cluster.Prefix, "echo partial > out.txt; exit 3", new Dictionary<string, string>(), ["out.txt"]);
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 1));

        var results = await SlurmTestCluster.RunAllAsync(scheduler, [task], TimeSpan.FromMinutes(2));

        results.Should().ContainSingle();
        results[0].State.Should().Be(JobTaskState.Finished);
        results[0].ExitCode.Should().Be(3);
        results[0].Succeeded.Should().BeFalse();
        results[0].Error.Should().Contain("exited with code 3");
        File.ReadAllText(Path.Combine(results[0].LocalDirectory, "out.txt")).Should().Be("partial\n");
        var jobs = await cluster.EndedJobsAsync();
        jobs.Should().ContainSingle().Which.State.Should().Be(SlurmJobState.Completed, "the task's exit code travels in its finish marker, not in the job's state");
    }

    [Fact]
    public async Task Only_the_killed_task_of_a_pack_is_submitted_again_and_then_finishes()
    {
        await using var cluster = new SlurmTestCluster();
        var quick = cluster.SquareTasks(3);
        // Killing its runner leaves no finish marker, as a node failure would; the second attempt succeeds.
        var flaky = JobTask.Create(cluster.Prefix, "if [ -e first-try ]; then echo second > out.txt; else touch first-try; kill -9 $PPID; fi",
            new Dictionary<string, string>(), ["out.txt"]);
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 4));

        var results = await SlurmTestCluster.RunAllAsync(scheduler, [.. quick, flaky], TimeSpan.FromMinutes(2));

        results.Should().HaveCount(4).And.OnlyContain(r => r.Succeeded);
        var retried = results.Single(r => r.Task == flaky);
        File.ReadAllText(Path.Combine(retried.LocalDirectory, "out.txt")).Should().Be("second\n");
        retried.JobId.Should().NotBe(results.First(r => r.Task != flaky).JobId, "the retry runs in a job of its own");
        var jobs = await cluster.EndedJobsAsync();
        jobs.Should().HaveCount(2, "the pack ran once and only its killed task ran again");
        cluster.Updates.Should().Contain(u => u.Task == flaky && u.State == JobTaskState.Pending && u.Detail!.Contains("attempt 2 of 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jobs_cancelled_from_outside_are_retried_up_to_the_limit_then_failed()
    {
        await using var cluster = new SlurmTestCluster();
        var task = JobTask.Create(cluster.Prefix, "sleep 300", new Dictionary<string, string>(), []);
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 1, maxAttempts: 2));
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = SlurmTestCluster.RunAllAsync(scheduler, [task], TimeSpan.FromMinutes(3));

        var cancelled = new HashSet<string>();
        await using var local = new LocalTransport();
        while (!run.IsCompleted)
        {
            foreach (var update in cluster.Updates.Where(u => u.State == JobTaskState.Running && u.JobId is not null))
            {
                if (cancelled.Add(update.JobId!))
                {
                    (await local.ExecuteAsync(SlurmCommands.Cancel([update.JobId!]), null, TimeSpan.FromSeconds(30), limit.Token)).ExitCode.Should().Be(0);
                }
            }

            await Task.Delay(200, limit.Token);
        }

        var results = await run;
        results.Should().ContainSingle().Which.State.Should().Be(JobTaskState.Failed);
        results[0].Error.Should().Contain("CANCELLED").And.Contain("2 attempt(s)");
        cancelled.Should().HaveCount(2);
        var jobs = await cluster.EndedJobsAsync();
        jobs.Should().HaveCount(2).And.OnlyContain(j => j.State == SlurmJobState.Cancelled);
    }
}

public sealed class SlurmTimeoutTests
{
    [Fact]
    public async Task A_job_over_its_wall_time_is_classified_as_timed_out_and_failed_when_no_attempt_is_left()
    {
        await using var cluster = new SlurmTestCluster();
        var task = JobTask.Create(cluster.Prefix, "sleep 600", new Dictionary<string, string>(), []);
        var options = cluster.Options(tasksPerJob: 1, maxAttempts: 1) with
        {
            Resources = new SlurmResources { Walltime = TimeSpan.FromMinutes(1) },
            PollInterval = TimeSpan.FromSeconds(2),
        };
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), options);

        var results = await SlurmTestCluster.RunAllAsync(scheduler, [task], TimeSpan.FromMinutes(4));

        results.Should().ContainSingle().Which.State.Should().Be(JobTaskState.Failed);
        results[0].Error.Should().Contain("TIMEOUT").And.Contain("1 attempt(s)");
        (await cluster.EndedJobsAsync()).Should().ContainSingle().Which.State.Should().Be(SlurmJobState.Timeout);
    }
}
