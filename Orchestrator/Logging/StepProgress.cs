using ActiveLearning.Activities.Ports;
using Serilog;

namespace ActiveLearning.Orchestrator.Logging;

/// <summary>Where the engine shows the progress of running steps; one display serves a whole run.</summary>
/// <remarks>Reports arrive from the steps' worker threads (several at once for parallel walkers): implementations are thread-safe.</remarks>
public interface IStepProgressDisplay
{
    /// <summary>Starts showing one step run's progress, e.g. <c>loop.steps[0]</c>; dispose the result when the step ends.</summary>
    IStepProgress Begin(string step);
}

/// <summary>One step's progress: the activities report <see cref="ActivityProgress"/>; disposing it ends the step's display.</summary>
public interface IStepProgress : IProgress<ActivityProgress>, IDisposable;

/// <summary>
/// Progress as log lines, for a log that is not a terminal (a file, a pipe, CI): a step's count at most every
/// <see cref="Interval"/> (and always its last report), so a long step shows it is alive without flooding the log.
/// </summary>
/// <param name="log">The run's log.</param>
/// <param name="time">The clock that throttles.</param>
public sealed class LogLineProgressDisplay(ILogger log, TimeProvider time) : IStepProgressDisplay
{
    /// <summary>The least time between two lines of one step: 2 s.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public IStepProgress Begin(string step) => new Step(log, step, time);

    private sealed class Step(ILogger log, string step, TimeProvider time) : IStepProgress
    {
        private readonly Lock gate = new();
        private long last = time.GetTimestamp();

        public void Report(ActivityProgress value)
        {
            lock (gate)
            {
                if (value.Done != value.Total && time.GetElapsedTime(last) < Interval)
                {
                    return;
                }

                last = time.GetTimestamp();
            }

            log.Information("{Step}: {Done}/{Total} {What}", step, value.Done, value.Total, value.What);
        }

        public void Dispose()
        {
        }
    }
}
