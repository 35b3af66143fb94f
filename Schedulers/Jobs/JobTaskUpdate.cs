namespace ActiveLearning.Schedulers.Jobs;

/// <summary>A task changed state (reported through <see cref="IProgress{T}"/> while a scheduler runs).</summary>
/// <param name="Task">The task.</param>
/// <param name="State">Its new state.</param>
/// <param name="JobId">The scheduler's job id holding it, when known.</param>
/// <param name="Detail">Why, for the states that need a reason (e.g. the transport error behind <see cref="JobTaskState.RemoteError"/>).</param>
public sealed record JobTaskUpdate(JobTask Task, JobTaskState State, string? JobId, string? Detail);
