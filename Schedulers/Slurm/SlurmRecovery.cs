using System.Globalization;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>What to do with a journal row left in <see cref="JournalJobState.Submitting"/> by an earlier run.</summary>
public enum SubmittingDecision
{
    /// <summary>SLURM knows a job of that name: adopt its id, never submit again.</summary>
    Adopt,

    /// <summary>Not found yet, but the row is younger than the grace period: an interrupted sbatch may still land; ask again later.</summary>
    Wait,

    /// <summary>Not found and old enough: the job was never submitted; its tasks go back to pending.</summary>
    Forget,
}

/// <summary>How one task of an ended job is to be treated.</summary>
public enum TaskEnding
{
    /// <summary>Its finish marker exists: finished, with the marker's exit code (which may be non-zero).</summary>
    Finished,

    /// <summary>No marker (killed, timed out, cancelled, node failure): run it again in a new job.</summary>
    Retry,

    /// <summary>No marker and no attempts left.</summary>
    Failed,
}

/// <summary>The pure decisions behind exactly-once submission and retries.</summary>
public static class SlurmRecovery
{
    /// <summary>
    /// Decides about a row written before sbatch whose outcome is unknown, given what <c>squeue --name</c> and
    /// <c>sacct -c</c> report for its name.
    /// </summary>
    /// <param name="row">The row.</param>
    /// <param name="queued">squeue entries by id (any name; those of other names are ignored).</param>
    /// <param name="accounting">sacct -c records (any name; those of other names are ignored).</param>
    /// <param name="now">The current time.</param>
    /// <param name="grace">How long an interrupted sbatch may still take to register its job.</param>
    /// <returns>The decision and, for <see cref="SubmittingDecision.Adopt"/>, the job id (the newest if several).</returns>
    public static (SubmittingDecision Decision, string? JobId) DecideSubmitting(
        JournalJob row,
        IReadOnlyDictionary<string, SlurmQueueEntry> queued,
        IReadOnlyList<SlurmAccountingRecord> accounting,
        DateTimeOffset now,
        TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(queued);
        ArgumentNullException.ThrowIfNull(accounting);
        string? newest = null;
        foreach (var entry in queued.Values)
        {
            if (entry.JobName == row.Name)
            {
                newest = Newer(newest, entry.JobId);
            }
        }

        foreach (var record in accounting)
        {
            if (record.JobName == row.Name)
            {
                newest = Newer(newest, record.JobId);
            }
        }

        if (newest is not null)
        {
            return (SubmittingDecision.Adopt, newest);
        }

        var age = now - DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedUnixMilliseconds);
        return (age < grace ? SubmittingDecision.Wait : SubmittingDecision.Forget, null);
    }

    /// <summary>
    /// Classifies a task of a job that left the queue. A finish marker always wins (the command ran to its end, whatever
    /// SLURM says of the job); without one the task is retried while <paramref name="attemptsUsed"/> is below
    /// <paramref name="maxAttempts"/>.
    /// </summary>
    /// <param name="markerExitCode">The exit code in the task's marker, or null when there is none.</param>
    /// <param name="attemptsUsed">Attempts made so far, including the one that just ended.</param>
    /// <param name="maxAttempts">The limit (≥ 1).</param>
    public static TaskEnding ClassifyTask(int? markerExitCode, int attemptsUsed, int maxAttempts)
    {
        if (markerExitCode is not null)
        {
            return TaskEnding.Finished;
        }

        return attemptsUsed < maxAttempts ? TaskEnding.Retry : TaskEnding.Failed;
    }

    /// <summary>True when a job shown by squeue with <paramref name="state"/> (or absent: null) has left the queue for good.</summary>
    public static bool HasEnded(SlurmJobState? state) => state is null || state.Value.IsFinal();

    /// <summary>
    /// The delay before retry number <paramref name="consecutiveFailures"/> (1 = first): <paramref name="initial"/>
    /// doubled each time, at most <paramref name="maximum"/>.
    /// </summary>
    public static TimeSpan Backoff(int consecutiveFailures, TimeSpan initial, TimeSpan maximum)
    {
        if (consecutiveFailures < 1)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(consecutiveFailures - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * factor, maximum.Ticks));
        return delay;
    }

    private static string Newer(string? current, string candidate)
    {
        if (current is null)
        {
            return candidate;
        }

        return Number(candidate) > Number(current) ? candidate : current;
    }

    private static long Number(string jobId)
    {
        var underscore = jobId.IndexOf('_', StringComparison.Ordinal);
        var text = underscore < 0 ? jobId : jobId[..underscore];
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;
    }
}
