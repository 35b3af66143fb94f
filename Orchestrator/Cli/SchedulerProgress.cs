using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Orchestrator.Cli;

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
