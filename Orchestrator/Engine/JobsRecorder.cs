using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Schedulers.Jobs;
using Microsoft.Data.Sqlite;
using Serilog;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>
/// Keeps the jobs table of a label step up to date: a row when the labeller hands a structure's task to the scheduler, and
/// every state change the scheduler reports (from its own thread) applied to it. It writes through a connection of its own,
/// so the scheduler's thread never shares the engine's.
/// </summary>
internal sealed class JobsRecorder : IProgress<JobTaskUpdate>, IProgress<LabelTaskSubmission>, IProgress<JobTaskResult>, IDisposable
{
    private readonly CampaignStore store;
    private readonly TimeProvider time;
    private readonly ILogger log;
    private readonly string scheduler;
    private readonly long? stepRun;
    private readonly Lock gate = new();
    private readonly Dictionary<string, JobRow> rows = new(StringComparer.Ordinal);
    private readonly HashSet<(string Job, JobTaskState State)> announced = [];

    /// <summary>Opens a second connection to the campaign database of <paramref name="workdir"/>.</summary>
    public JobsRecorder(string workdir, TimeProvider time, ILogger log, string scheduler, long? stepRun)
    {
        store = CampaignStore.Open(workdir, time);
        this.time = time;
        this.log = log;
        this.scheduler = scheduler;
        this.stepRun = stepRun;
    }

    /// <summary>The labeller's method, recorded with each row; set before labelling starts.</summary>
    public string Method { get; set; } = string.Empty;

    /// <summary>The labeller's settings hash, recorded with each row; set before labelling starts.</summary>
    public string SettingsHash { get; set; } = string.Empty;

    /// <summary>A row for the task (or, when an earlier run wrote one, that row kept as it is).</summary>
    public void Report(LabelTaskSubmission value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Guarded(value.Task.Name, () =>
        {
            var existing = store.FindJob(value.Task.Name);
            if (existing is not null)
            {
                rows[value.Task.Name] = existing;
            }

            var now = Now();
            var row = existing ?? new JobRow(
                value.Task.Name, store.StructureIdByHash(StructureHash.Compute(value.Structure)), scheduler, Method, SettingsHash, value.Attempt,
                null, nameof(JobTaskState.Pending), 0, null, null, now, null, null, null, now);
            store.RecordJobTask(row, stepRun);
            rows[value.Task.Name] = store.FindJob(value.Task.Name) ?? row;
        });
    }

    /// <summary>Applies a state change to the task's row; says in the log when a batch job is queued or starts running.</summary>
    public void Report(JobTaskUpdate value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Guarded(value.Task.Name, () =>
        {
            if (!rows.TryGetValue(value.Task.Name, out var row))
            {
                // Not handed over by this step's labeller (nothing else shares the scheduler): nothing to attach it to.
                return;
            }

            var next = row.Apply(value.State, value.JobId, value.Detail, null, Now());
            if (next with { Updated = row.Updated } != row)
            {
                store.UpdateJob(next);
                rows[value.Task.Name] = next;
            }

            if (value.State is JobTaskState.Queued or JobTaskState.Running && next.JobId is { } job && announced.Add((job, value.State)))
            {
                log.Information("{Scheduler} job {Job} {State}", scheduler, job, value.State == JobTaskState.Queued ? "queued" : "running");
            }
            else if (value.State == JobTaskState.RemoteError)
            {
                log.Warning("Cluster unreachable for task {Task}: {Detail}; retrying", value.Task.Name, value.Detail ?? "no reason given");
            }
        });
    }

    /// <summary>Records where a finished task's outputs are (the scheduler's result, which its state reports lack).</summary>
    public void Report(JobTaskResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Guarded(result.Task.Name, () =>
        {
            if (rows.TryGetValue(result.Task.Name, out var row))
            {
                var next = row.Apply(result.State, result.JobId, result.Error, result.LocalDirectory, Now());
                store.UpdateJob(next);
                rows[result.Task.Name] = next;
            }
        });
    }

    public void Dispose() => store.Dispose();

    private string Now() => time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // The jobs table is a record for status and audit: a write that fails (the disk, a lock held too long) is logged and the
    // labelling goes on, since the labels and the scheduler's journal are what resuming relies on.
    private void Guarded(string task, Action write)
    {
        lock (gate)
        {
            try
            {
                write();
            }
            catch (SqliteException e)
            {
                log.Warning(e, "Could not record task {Task} in the jobs table", task);
            }
        }
    }
}
