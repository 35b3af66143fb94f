namespace ActiveLearning.Orchestrator.Store;

/// <summary>Heartbeats of running steps.</summary>
public sealed partial class CampaignStore
{
    /// <summary>How many heartbeat intervals without a beat make a running step stale when no process holds the work directory: 3.</summary>
    public const int StaleAfterIntervals = 3;

    /// <summary>Starts refreshing the heartbeat of a running step run every <paramref name="interval"/> (default <see cref="StepHeartbeat.DefaultInterval"/>) until disposed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive.</exception>
    public StepHeartbeat StartHeartbeat(long stepRun, TimeSpan? interval = null) =>
        new(this, Path.Combine(Workdir, FileName), stepRun, time, interval ?? StepHeartbeat.DefaultInterval);

    /// <summary>The store's clock's current time (UTC).</summary>
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
