using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Local;

namespace ActiveLearning.Schedulers.Tests.Local;

public sealed class LocalJobSchedulerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("al-jobs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static JobTask Task(string prefix, string command, string input) =>
        JobTask.Create(prefix, command, new Dictionary<string, string> { ["in.txt"] = input }, ["out.txt"]);

    [Fact]
    public async Task Runs_each_task_in_its_own_directory_with_a_private_tmpdir_and_never_twice()
    {
        var tasks = new[]
        {
            Task("ok", "cat in.txt > out.txt; echo \"$TMPDIR\" >> out.txt; echo run >> ../runs.log", "first\n"),
            Task("ok", "cat in.txt > out.txt; echo \"$TMPDIR\" >> out.txt; echo run >> ../runs.log", "second\n"),
            Task("bad", "echo broken >&2; exit 3", "third"),
        };
        using var scheduler = new LocalJobScheduler(root, maxConcurrency: 2);

        var results = new List<JobTaskResult>();
        await foreach (var result in scheduler.RunAsync(tasks, CancellationToken.None))
        {
            results.Add(result);
        }

        results.Should().HaveCount(3);
        var byName = results.ToDictionary(r => r.Task.Name);
        foreach (var good in tasks.Take(2))
        {
            var result = byName[good.Name];
            result.Succeeded.Should().BeTrue();
            result.LocalDirectory.Should().Be(Path.Combine(root, good.Name));
            var lines = File.ReadAllLines(Path.Combine(result.LocalDirectory, "out.txt"));
            lines[0].Should().Be(good.InputFiles["in.txt"].TrimEnd());
            lines[1].Should().Be(Path.Combine(result.LocalDirectory, ".tmp"));
        }

        var failed = byName[tasks[2].Name];
        failed.State.Should().Be(JobTaskState.Finished);
        failed.ExitCode.Should().Be(3);
        failed.Succeeded.Should().BeFalse();
        failed.Error.Should().Contain("code 3");

        var again = new List<JobTaskResult>();
        await foreach (var result in scheduler.RunAsync(tasks, CancellationToken.None))
        {
            again.Add(result);
        }

        again.Should().OnlyContain(r => r.AlreadyFinished);
        File.ReadAllLines(Path.Combine(root, "runs.log")).Should().HaveCount(2, "finished tasks are not run again");
    }

    [Fact]
    public async Task Cancellation_throws_and_leaves_no_finish_marker()
    {
        var task = Task("slow", "sleep 30", "x");
        using var scheduler = new LocalJobScheduler(root, maxConcurrency: 1);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var run = async () =>
        {
            await foreach (var unused in scheduler.RunAsync([task], cancel.Token))
            {
            }
        };

        await run.Should().ThrowAsync<OperationCanceledException>();
        File.Exists(Path.Combine(root, task.Name, LocalExecutor.FinishMarkerFile)).Should().BeFalse();
    }
}
