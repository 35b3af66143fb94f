using System.Globalization;
using ActiveLearning.Activities.Ports;
using Spectre.Console;

namespace ActiveLearning.Orchestrator.Logging;

/// <summary>
/// Progress as live bars on a terminal (Spectre.Console): one bar per running step that reports progress (walkers' MD
/// steps, labels, survival runs), gone when the step ends; log lines written through the same console appear above the bars.
/// </summary>
public sealed class TerminalProgressDisplay : IStepProgressDisplay
{
    private readonly ProgressContext progress;

    private TerminalProgressDisplay(ProgressContext progress) => this.progress = progress;

    /// <summary>Whether progress should be drawn as live bars: only when standard error is the process's own, a terminal, and not a dumb one.</summary>
    /// <param name="errorIsProcessStandardError">Whether the command writes to the process's standard error (not, e.g., a test's writer).</param>
    /// <param name="errorIsRedirected">Whether standard error goes to a file or pipe.</param>
    /// <param name="term">The <c>TERM</c> environment variable.</param>
    public static bool ShouldUse(bool errorIsProcessStandardError, bool errorIsRedirected, string? term) =>
        errorIsProcessStandardError && !errorIsRedirected && !string.Equals(term, "dumb", StringComparison.Ordinal);

    /// <summary>A console on the process's standard error for <see cref="RunAsync{T}"/> and the run's log.</summary>
    public static IAnsiConsole StandardErrorConsole() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="run"/> with a live progress display on <paramref name="console"/>, cleared when it returns.</summary>
    public static Task<T> RunAsync<T>(IAnsiConsole console, Func<IStepProgressDisplay, Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context => run(new TerminalProgressDisplay(context)));
    }

    /// <inheritdoc/>
    public IStepProgress Begin(string step) => new Step(progress, step);

    /// <summary>Draws the bars now instead of at the display's next scheduled refresh.</summary>
    public void Refresh() => progress.Refresh();

    private sealed class Step(ProgressContext progress, string step) : IStepProgress
    {
        private readonly Lock gate = new();
        private ProgressTask? task;

        public void Report(ActivityProgress value)
        {
            lock (gate)
            {
                var description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{step}: {value.Done}/{value.Total} {value.What}"));
                task ??= progress.AddTask(description, autoStart: true, maxValue: Math.Max(1, value.Total));
                task.Description = description;
                task.MaxValue = Math.Max(1, value.Total);
                task.Value = value.Done;
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                task?.StopTask();
            }
        }
    }
}
