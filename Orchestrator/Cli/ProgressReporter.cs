namespace ActiveLearning.Orchestrator.Cli;

/// <summary>Reports a running count on standard error at most every two seconds, so long work shows it is alive.</summary>
internal sealed class ProgressReporter(CliContext context, string what)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private long lastReport = context.Time.GetTimestamp();

    public void Report(long count)
    {
        if (context.Time.GetElapsedTime(lastReport) < Interval)
        {
            return;
        }

        lastReport = context.Time.GetTimestamp();
        context.Error.WriteLine($"  … {count} {what}");
    }
}
