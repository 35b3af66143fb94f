using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Core;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace ActiveLearning.Orchestrator.Logging;

/// <summary>
/// The log of one <c>al run</c>/<c>al resume</c>: human lines on standard error (coloured when it is a terminal, plain
/// otherwise) and one JSON object per line in <c>WORKDIR/logs/run-TIMESTAMP.jsonl</c>, flushed after every event so a
/// crash loses nothing that was logged.
/// </summary>
internal static class RunLog
{
    private const string HumanTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}";

    /// <param name="workdir">The campaign's work directory (the JSON log goes to its <c>logs/</c>).</param>
    /// <param name="error">Where human lines go when no <paramref name="terminal"/> is given.</param>
    /// <param name="time">The clock (names the log file).</param>
    /// <param name="terminal">A console with live progress bars: human lines go through it so they scroll above the bars.</param>
    public static Serilog.Core.Logger Create(string workdir, TextWriter error, TimeProvider time, Spectre.Console.IAnsiConsole? terminal = null)
    {
        var logs = Path.Combine(workdir, "logs");
        Directory.CreateDirectory(logs);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var file = Path.Combine(logs, string.Create(CultureInfo.InvariantCulture, $"run-{stamp}-{Environment.ProcessId}.jsonl"));
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.File(new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture), file);
        configuration = terminal is not null
            ? configuration.WriteTo.Sink(new AnsiConsoleSink(terminal, new MessageTemplateTextFormatter(HumanTemplate, CultureInfo.InvariantCulture)))
            : ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected
            ? configuration.WriteTo.Console(outputTemplate: HumanTemplate, standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: CultureInfo.InvariantCulture)
            : configuration.WriteTo.Sink(new TextWriterSink(error, new MessageTemplateTextFormatter(HumanTemplate, CultureInfo.InvariantCulture)));
        return configuration.CreateLogger();
    }
}

/// <summary>Human log lines into a writer that is not the process console (e.g. when al runs inside a test).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (gate)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
