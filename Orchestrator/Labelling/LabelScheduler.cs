using System.Globalization;
using System.Runtime.CompilerServices;
using ActiveLearning.Schedulers.Clusters;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Local;

namespace ActiveLearning.Orchestrator.Labelling;

/// <summary>The scheduler a code labeller runs its tasks on (<c>al label</c>, the engine's label step), and what the labeller must know about it.</summary>
internal sealed class LabelScheduler : IAsyncDisposable
{
    private readonly string? controlDirectory;
    private readonly IJobScheduler inner;

    private LabelScheduler(IJobScheduler scheduler, string where, bool local, bool filesAreLocal, string? controlDirectory, IProgress<JobTaskResult>? results)
    {
        inner = scheduler;
        Scheduler = results is null ? scheduler : new ReportingScheduler(scheduler, results);
        Where = where;
        AcceptsOverlappingCalls = local;
        FilesAreLocal = filesAreLocal;
        this.controlDirectory = controlDirectory;
    }

    public IJobScheduler Scheduler { get; }

    /// <summary>For the first progress line, e.g. <c>2 cores</c> or <c>slurm via ssh … (4 tasks per job)</c>.</summary>
    public string Where { get; }

    /// <summary>Whether a second <see cref="IJobScheduler.RunAsync"/> may start while one runs (local yes, SLURM no).</summary>
    public bool AcceptsOverlappingCalls { get; }

    /// <summary>What a job id is written with in <c>label_job</c> (<c>slurm</c>), or null when the id says it all (<c>local</c>).</summary>
    public string? JobKind => AcceptsOverlappingCalls ? null : "slurm";

    /// <summary>The scheduler's kind as the jobs table records it: <c>local</c> or <c>slurm</c>.</summary>
    public string Kind => JobKind ?? "local";

    /// <summary>Whether the code runs on this machine, so files its settings name can be checked here.</summary>
    public bool FilesAreLocal { get; }

    /// <summary>
    /// A local scheduler with the work directories directly in <paramref name="workdir"/>, or the SLURM scheduler the factory
    /// builds with its journal, outputs and (without ssh) remote root under <paramref name="workdir"/>; ssh control sockets
    /// go to a short private directory under /tmp (socket paths are limited to about 100 bytes).
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="workdir">Local directory of the scheduler's files.</param>
    /// <param name="pollInterval">Time between two looks at a SLURM queue.</param>
    /// <param name="progress">Receives every state change of a task on SLURM.</param>
    /// <param name="jobNamePrefix">Prefix of the batch jobs' names; default <c>al</c>.</param>
    /// <param name="time">The clock of the SLURM scheduler's delays and journal; default the system clock.</param>
    /// <param name="results">Receives every task's result as the scheduler yields it (local and SLURM); default none.</param>
    public static LabelScheduler Open(
        ClusterSettings cluster,
        string workdir,
        TimeSpan pollInterval,
        IProgress<JobTaskUpdate> progress,
        string? jobNamePrefix = null,
        TimeProvider? time = null,
        IProgress<JobTaskResult>? results = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Kind == ClusterKind.Local)
        {
            var cores = cluster.Cores ?? Environment.ProcessorCount;
            var where = string.Create(CultureInfo.InvariantCulture, $"{cores} core{(cores == 1 ? string.Empty : "s")}");
            return new LabelScheduler(new LocalJobScheduler(workdir, cores), where, local: true, filesAreLocal: true, null, results);
        }

        var control = cluster.Ssh is null ? null : Path.Combine("/tmp", "al-ssh-" + Guid.NewGuid().ToString("N")[..8]);
        var scheduler = JobSchedulerFactory.Create(
            cluster,
            workdir,
            control ?? Path.Combine(workdir, "ssh"),
            options => options with
            {
                PollInterval = pollInterval,
                Progress = progress,
                JobNamePrefix = jobNamePrefix ?? options.JobNamePrefix,
                TimeProvider = time ?? options.TimeProvider,
            });
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{scheduler.Description} ({cluster.TasksPerJob} task{(cluster.TasksPerJob == 1 ? string.Empty : "s")} per job)");
        return new LabelScheduler(scheduler, description, local: false, filesAreLocal: cluster.Ssh is null, control, results);
    }

    public async ValueTask DisposeAsync()
    {
        switch (inner)
        {
            case IAsyncDisposable asynchronous:
                await asynchronous.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        if (controlDirectory is not null && Directory.Exists(controlDirectory))
        {
            try
            {
                Directory.Delete(controlDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A master still closing its socket leaves an empty private directory behind; harmless.
            }
        }
    }

    /// <summary>Passes every result on to an observer as it goes by.</summary>
    private sealed class ReportingScheduler(IJobScheduler scheduler, IProgress<JobTaskResult> results) : IJobScheduler
    {
        public string Description => scheduler.Description;

        public async IAsyncEnumerable<JobTaskResult> RunAsync(IReadOnlyList<JobTask> tasks, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var result in scheduler.RunAsync(tasks, cancellationToken))
            {
                results.Report(result);
                yield return result;
            }
        }
    }
}
