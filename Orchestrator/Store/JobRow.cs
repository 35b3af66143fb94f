using System.Text.Json.Serialization;
using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>One row of the jobs table: a labelling task (one structure's attempt with a code) and the batch job running it.</summary>
/// <param name="Task">The task's name (<c>PREFIX-HASH16</c> of its inputs and command; also its work directory's name).</param>
/// <param name="StructureId">The structure it labels, or null when the structure is not in the store.</param>
/// <param name="Scheduler"><c>local</c> or <c>slurm</c>.</param>
/// <param name="Method">The labeller's method, e.g. <c>pw.x</c>.</param>
/// <param name="SettingsHash">The labeller's settings hash (16 hex digits).</param>
/// <param name="Attempt">The labeller's attempt (1, then one more per error-handler correction).</param>
/// <param name="JobId">The batch job's id once known (SLURM id, <c>local</c>).</param>
/// <param name="State">A <see cref="JobTaskState"/> name: Pending, Submitting, Queued, Running, Finished, Failed or RemoteError.</param>
/// <param name="Tries">Batch jobs submitted for it (a job killed without the task's finish marker is followed by another).</param>
/// <param name="LastError">The last reason the scheduler gave (a non-zero exit, a lost job, an unreachable cluster), or null.</param>
/// <param name="WorkDirectory">The local directory holding its outputs once finished.</param>
/// <param name="Created">When the labeller handed it to the scheduler (UTC, ISO 8601).</param>
/// <param name="Submitted">When its (last) batch job was submitted, or null.</param>
/// <param name="Started">When its (last) batch job was first seen running, or null.</param>
/// <param name="Finished">When it ended, or null.</param>
/// <param name="Updated">When the row last changed.</param>
public sealed record JobRow(
    string Task, long? StructureId, string Scheduler, string Method, string SettingsHash, int Attempt, string? JobId, string State, int Tries,
    string? LastError, string? WorkDirectory, string Created, string? Submitted, string? Started, string? Finished, string Updated)
{
    /// <summary>The states of a task that has not ended: a job may still run or be submitted for it.</summary>
    public static readonly IReadOnlyList<string> InFlightStates =
        [nameof(JobTaskState.Pending), nameof(JobTaskState.Submitting), nameof(JobTaskState.Queued), nameof(JobTaskState.Running), nameof(JobTaskState.RemoteError)];

    /// <summary>Whether the task has not ended.</summary>
    [JsonIgnore]
    public bool InFlight => InFlightStates.Contains(State);

    /// <summary>
    /// The row after the scheduler reported <paramref name="state"/>: a submission counts a try and starts the job's clock
    /// afresh, the first sight of a running job sets <see cref="Started"/>, an end sets <see cref="Finished"/>; a known job id
    /// is never forgotten, and reasons are kept in <see cref="LastError"/>.
    /// </summary>
    /// <param name="state">The new state.</param>
    /// <param name="jobId">The job id the update names, or null (the row keeps the one it has).</param>
    /// <param name="detail">The scheduler's reason, or null.</param>
    /// <param name="workDirectory">The outputs' local directory, when the update knows it.</param>
    /// <param name="now">The time of the update (UTC, ISO 8601).</param>
    public JobRow Apply(JobTaskState state, string? jobId, string? detail, string? workDirectory, string now)
    {
        ArgumentNullException.ThrowIfNull(now);
        var row = this with
        {
            State = state.ToString(),
            JobId = jobId ?? JobId,
            LastError = detail ?? LastError,
            WorkDirectory = workDirectory ?? WorkDirectory,
            Updated = now,
        };
        return state switch
        {
            JobTaskState.Submitting => row with { Tries = Tries + 1, Submitted = now, Started = null, Finished = null },
            JobTaskState.Queued => row with { Submitted = Submitted ?? now },
            JobTaskState.Running => row with { Submitted = Submitted ?? now, Started = Started ?? now },
            JobTaskState.Finished or JobTaskState.Failed => row with { Finished = Finished ?? now },
            _ => row,
        };
    }
}
