using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Spectre.Console;

namespace ActiveLearning.Orchestrator.Logging;

/// <summary>
/// Human log lines written through a Spectre console, so that they scroll above its live progress bars instead of
/// being drawn over by them; warnings yellow, errors red.
/// </summary>
internal sealed class AnsiConsoleSink(IAnsiConsole console, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock gate = new();

    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        formatter.Format(logEvent, text);
        var style = logEvent.Level switch
        {
            >= LogEventLevel.Error => new Style(Color.Red),
            LogEventLevel.Warning => new Style(Color.Yellow),
            _ => Style.Plain,
        };
        lock (gate)
        {
            console.Write(new Text(text.ToString(), style));
        }
    }
}
