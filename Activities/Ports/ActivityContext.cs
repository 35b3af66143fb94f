namespace ActiveLearning.Activities.Ports;

/// <summary>A progress report of a long step.</summary>
/// <param name="Done">Items finished.</param>
/// <param name="Total">Items in all.</param>
/// <param name="What">What the items are, e.g. <c>labels</c>.</param>
public readonly record struct ActivityProgress(int Done, int Total, string What);

/// <summary>The few log levels activities use; the engine routes them to its logger.</summary>
public interface IActivityLog
{
    /// <summary>Something worth telling the user (a step's result, a checkpoint).</summary>
    void Information(string messageTemplate, params object?[] values);

    /// <summary>Something went wrong but the campaign goes on (a failed label).</summary>
    void Warning(string messageTemplate, params object?[] values);
}

/// <summary>Everything an activity gets from the engine: the store, the artifacts, the clock, progress and logging.</summary>
/// <param name="Store">The durable state, scoped to this step run.</param>
/// <param name="Artifacts">Files of the current iteration.</param>
/// <param name="Time">The clock (never <c>DateTime.Now</c>).</param>
/// <param name="Progress">Where long steps report progress.</param>
/// <param name="Log">The log.</param>
/// <param name="StepName">The step as the campaign file names it, e.g. <c>loop.steps[1]</c>, for messages.</param>
public sealed record ActivityContext(
    IActivityStore Store, IArtifactStore Artifacts, TimeProvider Time, IProgress<ActivityProgress> Progress, IActivityLog Log, string StepName);
