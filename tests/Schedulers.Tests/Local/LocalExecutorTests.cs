using System.Globalization;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.Schedulers.Tests.Transport;

namespace ActiveLearning.Schedulers.Tests.Local;

public sealed class LocalExecutorTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("al-executor-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Runs_all_tasks_with_at_most_k_at_once_and_records_exit_codes()
    {
        const int tasks = 8;
        const int limit = 3;
        var log = Path.Combine(root, "intervals.log");
        using var executor = new LocalExecutor(limit);
        // Each task appends "start" and "end" with nanosecond timestamps; O_APPEND lines of this size do not interleave.
        var work = Enumerable.Range(0, tasks).Select(i => new LocalTask(
            ["/bin/sh", "-c", "echo \"$(date +%s%N) +1\" >> \"$1\"; sleep 0.4; echo \"$(date +%s%N) -1\" >> \"$1\"; echo out$2; echo err$2 >&2; exit $2", "sh", log, i.ToString(CultureInfo.InvariantCulture)],
            Path.Combine(root, "task " + i.ToString(CultureInfo.InvariantCulture)))).ToList();

        var outcomes = await executor.RunAllAsync(work, CancellationToken.None);

        outcomes.Select(o => o.ExitCode).Should().Equal(Enumerable.Range(0, tasks));
        for (var i = 0; i < tasks; i++)
        {
            LocalExecutor.ReadFinishMarker(work[i].WorkingDirectory).Should().Be(i);
            File.ReadAllText(Path.Combine(work[i].WorkingDirectory, LocalExecutor.StdoutFile)).Should().Be($"out{i}\n");
            File.ReadAllText(Path.Combine(work[i].WorkingDirectory, LocalExecutor.StderrFile)).Should().Be($"err{i}\n");
        }

        var events = File.ReadAllLines(log).Select(line => line.Split(' '))
            .Select(p => (Time: long.Parse(p[0], CultureInfo.InvariantCulture), Delta: int.Parse(p[1], CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Time).ThenBy(e => e.Delta).ToList();
        events.Should().HaveCount(2 * tasks);
        var running = 0;
        var peak = 0;
        foreach (var e in events)
        {
            running += e.Delta;
            peak = Math.Max(peak, running);
        }

        peak.Should().Be(limit, "the bound must be reached (8 tasks of 0.4 s) and never exceeded");
    }

    [Fact]
    public async Task A_finished_task_is_not_run_again()
    {
        using var executor = new LocalExecutor(1);
        var counter = Path.Combine(root, "runs");
        var task = new LocalTask(["/bin/sh", "-c", "echo x >> \"$1\"", "sh", counter], Path.Combine(root, "t"));

        (await executor.RunAsync(task, CancellationToken.None)).AlreadyFinished.Should().BeFalse();
        (await executor.RunAsync(task, CancellationToken.None)).AlreadyFinished.Should().BeTrue();

        File.ReadAllLines(counter).Should().HaveCount(1);
    }

    [Fact]
    public async Task Cancellation_kills_running_tasks_and_writes_no_marker()
    {
        using var executor = new LocalExecutor(2);
        var work = Enumerable.Range(0, 3).Select(i => new LocalTask(
            ["/bin/sh", "-c", "sleep 100 & echo $! > child.pid; wait"], Path.Combine(root, "c" + i.ToString(CultureInfo.InvariantCulture)))).ToList();
        using var cancel = new CancellationTokenSource();

        var run = executor.RunAllAsync(work, cancel.Token);
        await LocalTransportTests.WaitUntil(() => work.Take(2).All(t => File.Exists(Path.Combine(t.WorkingDirectory, "child.pid"))), TimeSpan.FromSeconds(10));
        cancel.Cancel();

        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
        foreach (var task in work.Take(2))
        {
            var pid = int.Parse(File.ReadAllText(Path.Combine(task.WorkingDirectory, "child.pid")).Trim(), CultureInfo.InvariantCulture);
            await LocalTransportTests.WaitUntil(() => LocalTransportTests.ProcessIsGone(pid), TimeSpan.FromSeconds(3));
            LocalTransportTests.ProcessIsGone(pid).Should().BeTrue();
        }

        work.Should().OnlyContain(t => LocalExecutor.ReadFinishMarker(t.WorkingDirectory) == null);
        Directory.Exists(work[2].WorkingDirectory).Should().BeFalse("the third task never got a slot");
    }
}
