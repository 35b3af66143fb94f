using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>How a <see cref="SlurmJobScheduler"/> packs, submits, polls and retries.</summary>
public sealed record SlurmSchedulerOptions
{
    /// <summary>Absolute directory on the cluster holding one work directory per task (<c>ROOT/NAME</c>); created when missing.</summary>
    public required string RemoteRoot { get; init; }

    /// <summary>Local directory receiving each finished task's output files, <c>task.out</c>, <c>task.err</c> and marker in <c>LOCAL/NAME</c>.</summary>
    public required string LocalRoot { get; init; }

    /// <summary>Local directory of the durable job journal (one JSON file per batch job); keep it for the life of the campaign.</summary>
    public required string JournalDirectory { get; init; }

    /// <summary>Prefix of the batch jobs' names (letters, digits, <c>._-</c>); default <c>al</c>.</summary>
    public string JobNamePrefix { get; init; } = "al";

    /// <summary>Tasks packed into one batch job and run side by side inside its allocation (≥ 1); default 1.</summary>
    public int TasksPerJob { get; init; } = 1;

    /// <summary>Most batch jobs of this scheduler in the queue at once (≥ 1); default 50.</summary>
    public int MaxQueued { get; init; } = 50;

    /// <summary>
    /// Runs a task may get when its job ends without its finish marker (killed, timed out, cancelled, node failure), the
    /// first included (≥ 1); default 3. A task whose marker holds a non-zero exit code is finished, not retried.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>What every batch job asks for; default the cluster's defaults.</summary>
    public SlurmResources Resources { get; init; } = new();

    /// <summary>MPI launcher (e.g. <c>mpirun -np 2</c>), exported to task commands as <c>AL_MPI_LAUNCHER</c>; default none.</summary>
    public string? MpiLauncher { get; init; }

    /// <summary>Time between two polls of the queue; default 10 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time limit of one remote command (sbatch round, squeue, transfers); default 2 min.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>First delay after a failed round (transport or SLURM unavailable), doubled per further failure; default 2 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between retries of a failing machine; default 5 min.</summary>
    public TimeSpan MaximumBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Consecutive failed rounds after which the unfinished tasks are reported as <see cref="JobTaskState.RemoteError"/> (≥ 1); default 3.</summary>
    public int RemoteErrorAfter { get; init; } = 3;

    /// <summary>
    /// How long after the unreachable state began the run gives up and yields the unfinished tasks as
    /// <see cref="JobTaskState.RemoteError"/>; default null: keep retrying (paused) until the machine answers again.
    /// </summary>
    public TimeSpan? GiveUpAfter { get; init; }

    /// <summary>
    /// How long a job journalled as being submitted may take to appear in SLURM after an interrupted sbatch before it is
    /// taken as never submitted; default 10 s.
    /// </summary>
    public TimeSpan SubmissionGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Receives every state change of a task; default none.</summary>
    public IProgress<JobTaskUpdate>? Progress { get; init; }

    /// <summary>The clock for delays and journal times; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(RemoteRoot) || !RemoteRoot.StartsWith('/') || RemoteRoot.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
        {
            throw new ArgumentException($"RemoteRoot must be an absolute path on one line: '{RemoteRoot}'.");
        }

        ArgumentException.ThrowIfNullOrEmpty(LocalRoot);
        ArgumentException.ThrowIfNullOrEmpty(JournalDirectory);
        if (!JobTask.IsSafeName(JobNamePrefix))
        {
            throw new ArgumentException($"JobNamePrefix '{JobNamePrefix}' must use only letters, digits, '.', '_' and '-'.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(TasksPerJob, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueued, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RemoteErrorAfter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CommandTimeout, TimeSpan.Zero);
    }
}
