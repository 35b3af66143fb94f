using System.Globalization;
using ActiveLearning.Schedulers.Clusters;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Local;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary>The scheduler <c>al label</c> runs its tasks on, and what the labeller must know about it.</summary>
internal sealed class LabelScheduler : IAsyncDisposable
{
    private readonly string? controlDirectory;

    private LabelScheduler(IJobScheduler scheduler, string where, bool local, bool filesAreLocal, string? controlDirectory)
    {
        Scheduler = scheduler;
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

    /// <summary>Whether the code runs on this machine, so files its settings name can be checked here.</summary>
    public bool FilesAreLocal { get; }

    /// <summary>
    /// A local scheduler with the work directories directly in <paramref name="workdir"/>, or the SLURM scheduler the factory
    /// builds with its journal, outputs and (without ssh) remote root under <paramref name="workdir"/>; ssh control sockets
    /// go to a short private directory under /tmp (socket paths are limited to about 100 bytes).
    /// </summary>
    public static LabelScheduler Open(ClusterSettings cluster, string workdir, TimeSpan pollInterval, IProgress<JobTaskUpdate> progress)
    {
        if (cluster.Kind == ClusterKind.Local)
        {
            var cores = cluster.Cores ?? Environment.ProcessorCount;
            var where = string.Create(CultureInfo.InvariantCulture, $"{cores} core{(cores == 1 ? string.Empty : "s")}");
            return new LabelScheduler(new LocalJobScheduler(workdir, cores), where, local: true, filesAreLocal: true, null);
        }

        var control = cluster.Ssh is null ? null : Path.Combine("/tmp", "al-ssh-" + Guid.NewGuid().ToString("N")[..8]);
        var scheduler = JobSchedulerFactory.Create(
            cluster,
            workdir,
            control ?? Path.Combine(workdir, "ssh"),
            options => options with { PollInterval = pollInterval, Progress = progress });
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{scheduler.Description} ({cluster.TasksPerJob} task{(cluster.TasksPerJob == 1 ? string.Empty : "s")} per job)");
        return new LabelScheduler(scheduler, description, local: false, filesAreLocal: cluster.Ssh is null, control);
    }

    public async ValueTask DisposeAsync()
    {
        switch (Scheduler)
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
}

/// <summary>
/// Prints a line when a batch job is queued or starts running (once per job and state, not per task) and every time the
/// cluster cannot be reached, so a user labelling by hand sees where the run stands.
/// </summary>
internal sealed class SchedulerProgress(CliContext context, Lock console) : IProgress<JobTaskUpdate>
{
    private readonly HashSet<(string Job, JobTaskState State)> reported = [];

    public void Report(JobTaskUpdate value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (console)
        {
            switch (value.State)
            {
                case JobTaskState.Queued or JobTaskState.Running when value.JobId is { } job && reported.Add((job, value.State)):
                    context.Error.WriteLine($"  job {job} {(value.State == JobTaskState.Queued ? "queued" : "running")}");
                    break;
                case JobTaskState.RemoteError:
                    context.Error.WriteLine($"  cluster unreachable ({value.Task.Name}): {value.Detail ?? "no reason given"}; retrying");
                    break;
            }
        }
    }
}
