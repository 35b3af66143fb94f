using System.Diagnostics;
using System.Globalization;
using ActiveLearning.Schedulers.Slurm;
using Xunit.Abstractions;

namespace ActiveLearning.Integration.Tests.Schedulers;

public sealed class SlurmKillRecoveryTests(ITestOutputHelper output)
{
    private const int TaskCount = 48;
    private const int Kills = 22;
    private const int MaxTrials = 60;

    [Fact]
    public async Task Killed_at_random_moments_of_submission_and_polling_every_task_still_runs_exactly_once_and_none_is_lost()
    {
        await using var cluster = new SlurmTestCluster();
        var workDirectory = cluster.Local.File("harness");
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}, prefix {cluster.Prefix}");
        var random = new Random(seed);
        var killedWhileSubmitting = 0;
        var killed = 0;
        try
        {
            for (var trial = 0; trial < MaxTrials && killed < Kills; trial++)
            {
                // Half the trials die right as a job row says Submitting (between the journal and sbatch), half at a random time;
                // within a second, so that on a fast machine enough kills land before the 48 tasks are all done.
                var onSubmitting = trial % 2 == 0;
                var outcome = await RunHarness(workDirectory, cluster.Prefix, killAfter: TimeSpan.FromMilliseconds(random.Next(100, 1000)),
                    killOnSubmitting: onSubmitting, extraDelay: TimeSpan.FromMilliseconds(random.Next(0, 60)));
                killed += outcome.Killed ? 1 : 0;
                killedWhileSubmitting += outcome.Killed && outcome.SawSubmitting ? 1 : 0;
            }

            var final = await RunHarness(workDirectory, cluster.Prefix, killAfter: null, killOnSubmitting: false, extraDelay: TimeSpan.Zero);
            final.Killed.Should().BeFalse();
            final.Lines.Should().Contain("DONE");
            final.Lines.Count(l => l.StartsWith("RESULT Finished 0 ", StringComparison.Ordinal)).Should().Be(TaskCount, "every task ends, none is lost");
        }
        finally
        {
            Directory.Delete(Path.Combine("/tmp", "alcm-" + cluster.Prefix), recursive: true);
        }

        output.WriteLine($"{killed} kills, {killedWhileSubmitting} right after a Submitting row");
        killed.Should().BeGreaterThanOrEqualTo(Kills, "at least 20 trials must really kill the scheduler");
        killedWhileSubmitting.Should().BeGreaterThan(0);
        var remote = Path.Combine(workDirectory, "remote");
        var workDirectories = Directory.GetDirectories(remote).Where(d => !Path.GetFileName(d).StartsWith('.')).ToList();
        workDirectories.Should().HaveCount(TaskCount);
        foreach (var directory in workDirectories)
        {
            File.ReadAllLines(Path.Combine(directory, "runs.log")).Should().HaveCount(1, $"{directory} must have run exactly once");
            var n = int.Parse(File.ReadAllText(Path.Combine(directory, "n.txt")), CultureInfo.InvariantCulture);
            var local = Path.Combine(workDirectory, "outputs", Path.GetFileName(directory), "out.txt");
            File.ReadAllText(local).Trim().Should().Be((n * n).ToString(CultureInfo.InvariantCulture));
        }

        var jobs = await cluster.EndedJobsAsync();
        jobs.Select(j => j.JobName).Should().OnlyHaveUniqueItems("no job may be submitted twice");
        var journal = new SlurmJobJournal(Path.Combine(workDirectory, "journal")).Load();
        journal.Should().OnlyContain(r => r.State == JournalJobState.Ended);
        jobs.Select(j => j.JobId).Should().BeEquivalentTo(journal.Select(r => r.JobId), "SLURM ran exactly the jobs the journal knows");
        journal.Sum(r => r.Tasks.Count).Should().Be(TaskCount);
    }

    private static async Task<HarnessOutcome> RunHarness(string workDirectory, string prefix, TimeSpan? killAfter, bool killOnSubmitting, TimeSpan extraDelay)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "ActiveLearning.SchedulerHarness.dll"), workDirectory, prefix,
            TaskCount.ToString(CultureInfo.InvariantCulture), "4", "2",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var sawSubmitting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data.StartsWith("UPDATE Submitting ", StringComparison.Ordinal))
            {
                sawSubmitting.TrySetResult();
            }
        };
        var errors = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        var exited = process.WaitForExitAsync();
        // Once every job is submitted no Submitting line comes: the random delay applies then.
        var timer = killAfter is { } delay ? Task.Delay(killOnSubmitting ? delay * 2 : delay) : Task.Delay(TimeSpan.FromMinutes(3));
        var trigger = killOnSubmitting ? Task.WhenAny(sawSubmitting.Task, timer) : timer;
        var first = await Task.WhenAny(exited, trigger);
        var killedIt = false;
        if (first != exited)
        {
            if (extraDelay > TimeSpan.Zero)
            {
                await Task.Delay(extraDelay);
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false); // SIGKILL: no clean-up of any kind
                killedIt = true;
            }
        }

        await exited;
        var stderr = await errors;
        if (!killedIt)
        {
            process.ExitCode.Should().Be(0, $"the harness should end cleanly when not killed: {stderr}");
        }

        lock (lines)
        {
            return new HarnessOutcome(killedIt, sawSubmitting.Task.IsCompleted, lines.ToList());
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private sealed record HarnessOutcome(bool Killed, bool SawSubmitting, IReadOnlyList<string> Lines);
}
