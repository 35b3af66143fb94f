using System.Collections.Concurrent;
using System.Globalization;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.Schedulers.Transport;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Schedulers;

/// <summary>
/// What the SLURM scheduler tests share: transports to the sshd and SLURM that ./test.sh started, scheduler options
/// under a unique job-name prefix per test, and job counts read back from <c>sacct -c</c>.
/// </summary>
public sealed class SlurmTestCluster : IAsyncDisposable
{
    private readonly List<ITransport> transports = [];
    private readonly List<string> controlDirectories = [];

    public SlurmTestCluster()
    {
        Prefix = "it" + Guid.NewGuid().ToString("N")[..10];
        Directory.CreateDirectory(Local.Path);
        RemoteRoot = Path.Combine(Path.GetTempPath(), "al-remote", Prefix);
    }

    /// <summary>Unique job-name prefix of this test: other tests' jobs share the same SLURM.</summary>
    public string Prefix { get; }

    /// <summary>The test's local folder (journal, downloaded outputs).</summary>
    public TempDirectory Local { get; } = new();

    /// <summary>The remote root (on this machine, reached over ssh or directly).</summary>
    public string RemoteRoot { get; }

    /// <summary>State changes reported by the scheduler, in order.</summary>
    public ConcurrentQueue<JobTaskUpdate> Updates { get; } = new();

    /// <summary>An OpenSSH transport to <paramref name="server"/> with a private ControlMaster directory.</summary>
    public OpenSshTransport Ssh(SshServer? server = null, TimeSpan? commandTimeout = null)
    {
        server ??= TestServices.Ssh;
        // Unix socket paths are short (~100 bytes): the control directory sits directly under /tmp.
        var control = Path.Combine("/tmp", "alcm-" + Guid.NewGuid().ToString("N")[..8]);
        controlDirectories.Add(control);
        var transport = new OpenSshTransport(
            new SshOptions(server.Host, control)
            {
                Port = server.Port,
                User = server.User,
                IdentityFile = server.IdentityFile,
                KnownHostsFile = server.KnownHostsFile,
                ControlPersistSeconds = 30,
            },
            commandTimeout ?? TimeSpan.FromSeconds(30));
        transports.Add(transport);
        return transport;
    }

    /// <summary>Options for this test: unique prefix, fast polling, short backoff.</summary>
    public SlurmSchedulerOptions Options(int tasksPerJob = 10, int maxAttempts = 3) => new()
    {
        RemoteRoot = RemoteRoot,
        LocalRoot = Local.File("outputs"),
        JournalDirectory = Local.File("journal"),
        JobNamePrefix = Prefix,
        TasksPerJob = tasksPerJob,
        MaxQueued = 50,
        MaxAttempts = maxAttempts,
        PollInterval = TimeSpan.FromMilliseconds(500),
        CommandTimeout = TimeSpan.FromSeconds(30),
        InitialBackoff = TimeSpan.FromMilliseconds(200),
        MaximumBackoff = TimeSpan.FromSeconds(1),
        RemoteErrorAfter = 2,
        SubmissionGrace = TimeSpan.FromSeconds(3),
        Resources = new SlurmResources { Walltime = TimeSpan.FromMinutes(10) },
        Progress = new Recorder(Updates),
    };

    /// <summary>Runs every task to its end and returns the results.</summary>
    public static async Task<IReadOnlyList<JobTaskResult>> RunAllAsync(IJobScheduler scheduler, IReadOnlyList<JobTask> tasks, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var results = new List<JobTaskResult>();
        await foreach (var result in scheduler.RunAsync(tasks, timeout.Token))
        {
            results.Add(result);
        }

        return results;
    }

    /// <summary>The jobs of this test that SLURM's job-completion file lists (every job that ended), by job name.</summary>
    public Task<IReadOnlyList<SlurmAccountingRecord>> EndedJobsAsync() => EndedJobsAsync(Prefix);

    /// <summary>The jobs whose names start with <paramref name="prefix"/> that SLURM's job-completion file lists.</summary>
    public static async Task<IReadOnlyList<SlurmAccountingRecord>> EndedJobsAsync(string prefix)
    {
        var since = TimeProvider.System.GetLocalNow().DateTime.AddDays(-1);
        await using var local = new LocalTransport();
        var result = await local.ExecuteAsync(SlurmCommands.Accounting(since: since), null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var parsed = SlurmParsers.ParseAccounting(result.ExitCode, result.StandardOutput, result.StandardError);
        parsed.Succeeded.Should().BeTrue($"sacct -c should answer: {parsed.Failure?.Message}");
        return parsed.Value!.Where(r => r.JobName.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Tiny tasks: task i reads i from n.txt and writes i² to out.txt.</summary>
    public IReadOnlyList<JobTask> SquareTasks(int count, string command = "read n < n.txt; echo $((n * n)) > out.txt")
    {
        var tasks = new List<JobTask>(count);
        for (var i = 0; i < count; i++)
        {
            tasks.Add(JobTask.Create(Prefix, command, new Dictionary<string, string> { ["n.txt"] = i.ToString(CultureInfo.InvariantCulture) + "\n" }, ["out.txt"]));
        }

        return tasks;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var transport in transports)
        {
            await transport.DisposeAsync();
        }

        foreach (var control in controlDirectories)
        {
            try
            {
                Directory.Delete(control, recursive: true);
            }
            catch (IOException)
            {
                // A master still closing its socket; harmless.
            }
        }

        Local.Dispose();
        try
        {
            Directory.Delete(RemoteRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover remote folder must not fail a test.
        }
    }

    private sealed class Recorder(ConcurrentQueue<JobTaskUpdate> updates) : IProgress<JobTaskUpdate>
    {
        public void Report(JobTaskUpdate value) => updates.Enqueue(value);
    }
}
