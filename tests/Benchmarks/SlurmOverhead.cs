using System.Diagnostics;
using System.Globalization;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.Schedulers.Transport;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// Issue 7's scheduler benchmark: N trivial tasks (<c>true</c>) packed P per job, submitted over OpenSSH (ControlMaster)
/// to the SLURM and sshd that <c>./test.sh</c> (or scripts/services) started. The orchestration overhead per task is the
/// time the scheduler spends in remote commands (uploads, sbatch rounds, squeue polls, marker listings, downloads) and
/// in its own bookkeeping, divided by N; the wall time also contains SLURM's scheduling and the poll interval's waits.
/// Arguments: [N=1000] [P=10] [poll seconds=1].
/// </summary>
internal static class SlurmOverhead
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var perJob = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var poll = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var server = TestServices.Ssh;
        using var local = new TempDirectory();
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var control = Path.Combine("/tmp", "alcm-" + prefix);
        await using var ssh = new OpenSshTransport(new SshOptions(server.Host, control)
        {
            Port = server.Port, User = server.User, IdentityFile = server.IdentityFile, KnownHostsFile = server.KnownHostsFile,
        });
        var timed = new TimedTransport(ssh);
        var tasks = Enumerable.Range(0, count)
            .Select(i => JobTask.Create(prefix, "true", new Dictionary<string, string> { ["i"] = i.ToString(CultureInfo.InvariantCulture) }, ["i"]))
            .ToList();
        var remoteRoot = Path.Combine(Path.GetTempPath(), "al-remote", prefix);
        var scheduler = new SlurmJobScheduler(timed, new SlurmSchedulerOptions
        {
            RemoteRoot = remoteRoot,
            LocalRoot = local.File("outputs"),
            JournalDirectory = local.File("journal"),
            JobNamePrefix = prefix,
            TasksPerJob = perJob,
            MaxQueued = 50,
            PollInterval = TimeSpan.FromSeconds(poll),
        });

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var succeeded = 0;
        await foreach (var result in scheduler.RunAsync(tasks, CancellationToken.None))
        {
            succeeded += result.Succeeded ? 1 : 0;
        }

        var wall = clock.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Directory.Delete(remoteRoot, recursive: true);
        var overhead = timed.Busy + cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} tasks, {perJob} per job ({(count + perJob - 1) / perJob} jobs), poll {poll} s: {succeeded} succeeded"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wall {wall.TotalSeconds:0.0} s ({wall.TotalMilliseconds / count:0.0} ms/task); remote commands {timed.Calls} taking {timed.Busy.TotalSeconds:0.00} s; own CPU {cpu.TotalSeconds:0.00} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orchestration overhead {overhead.TotalMilliseconds / count:0.00} ms/task (remote commands + own CPU)"));
        return succeeded == count ? 0 : 1;
    }

    private sealed class TimedTransport(ITransport inner) : ITransport
    {
        private long busyTicks;
        private int calls;

        public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref busyTicks));

        public int Calls => calls;

        public string Description => inner.Description;

        public Task<ExecutionResult> ExecuteAsync(IReadOnlyList<string> command, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken) =>
            Time(() => inner.ExecuteAsync(command, standardInput, timeout, cancellationToken));

        public Task UploadAsync(string localPath, string remotePath, CancellationToken cancellationToken) =>
            Time(async () => { await inner.UploadAsync(localPath, remotePath, cancellationToken); return true; });

        public Task DownloadAsync(string remotePath, string localPath, CancellationToken cancellationToken) =>
            Time(async () => { await inner.DownloadAsync(remotePath, localPath, cancellationToken); return true; });

        public Task<bool> ExistsAsync(string remotePath, CancellationToken cancellationToken) => Time(() => inner.ExistsAsync(remotePath, cancellationToken));

        public Task<string> ReadTextAsync(string remotePath, CancellationToken cancellationToken) => Time(() => inner.ReadTextAsync(remotePath, cancellationToken));

        public Task WriteTextAsync(string remotePath, string text, CancellationToken cancellationToken) =>
            Time(async () => { await inner.WriteTextAsync(remotePath, text, cancellationToken); return true; });

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private async Task<T> Time<T>(Func<Task<T>> operation)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                return await operation();
            }
            finally
            {
                Interlocked.Add(ref busyTicks, clock.Elapsed.Ticks);
                Interlocked.Increment(ref calls);
            }
        }
    }
}
