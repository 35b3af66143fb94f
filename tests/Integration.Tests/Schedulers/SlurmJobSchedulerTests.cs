using System.Globalization;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;

namespace ActiveLearning.Integration.Tests.Schedulers;

public sealed class SlurmJobSchedulerTests
{
    [Fact]
    public async Task Two_hundred_tiny_tasks_packed_ten_per_job_over_ssh_all_finish_in_exactly_twenty_jobs()
    {
        await using var cluster = new SlurmTestCluster();
        var tasks = cluster.SquareTasks(200);
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 10));

        var results = await SlurmTestCluster.RunAllAsync(scheduler, tasks, TimeSpan.FromMinutes(4));

        results.Should().HaveCount(200);
        results.Should().OnlyContain(r => r.Succeeded && !r.AlreadyFinished);
        results.Select(r => r.Task.Name).Should().BeEquivalentTo(tasks.Select(t => t.Name));
        foreach (var result in results)
        {
            var n = int.Parse(result.Task.InputFiles["n.txt"], CultureInfo.InvariantCulture);
            File.ReadAllText(Path.Combine(result.LocalDirectory, "out.txt")).Trim().Should().Be((n * n).ToString(CultureInfo.InvariantCulture));
            File.ReadAllText(Path.Combine(result.LocalDirectory, "task.finished")).Trim().Should().Be("0");
        }

        var jobs = await cluster.EndedJobsAsync();
        jobs.Should().HaveCount(20, "200 tasks at 10 per job make 20 jobs, each submitted once");
        jobs.Select(j => j.JobName).Should().OnlyHaveUniqueItems();
        results.Select(r => r.JobId).Distinct().Should().HaveCount(20);
        cluster.Updates.Select(u => u.State).Should().Contain([JobTaskState.Submitting, JobTaskState.Queued, JobTaskState.Finished]);
    }
}
