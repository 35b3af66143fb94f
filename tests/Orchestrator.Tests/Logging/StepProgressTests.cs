using ActiveLearning.Activities.Ports;
using ActiveLearning.Orchestrator.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Spectre.Console;

namespace ActiveLearning.Orchestrator.Tests.Logging;

/// <summary>The progress displays: which one a run gets, throttled log lines, and live bars on a (captured) terminal.</summary>
public sealed class StepProgressTests
{
    [Theory]
    [InlineData(true, false, "xterm-256color", true)]
    [InlineData(true, false, null, true)]
    [InlineData(true, true, "xterm", false)]
    [InlineData(false, false, "xterm", false)]
    [InlineData(true, false, "dumb", false)]
    public void Live_bars_are_drawn_only_on_the_processes_own_standard_error_when_it_is_a_capable_terminal(
        bool processStandardError, bool redirected, string? term, bool expected) =>
        TerminalProgressDisplay.ShouldUse(processStandardError, redirected, term).Should().Be(expected);

    [Fact]
    public void Log_lines_come_at_most_every_two_seconds_per_step_and_always_at_the_end()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var sink = new ListSink();
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        var display = new LogLineProgressDisplay(log, clock);
        using var step = display.Begin("loop.steps[2]");

        step.Report(new ActivityProgress(1, 10, "labels"));
        clock.Advance(TimeSpan.FromSeconds(1));
        step.Report(new ActivityProgress(2, 10, "labels"));
        clock.Advance(TimeSpan.FromSeconds(1));
        step.Report(new ActivityProgress(3, 10, "labels"));
        step.Report(new ActivityProgress(4, 10, "labels"));
        step.Report(new ActivityProgress(10, 10, "labels"));

        sink.Lines.Should().Equal("\"loop.steps[2]\": 3/10 \"labels\"", "\"loop.steps[2]\": 10/10 \"labels\"");
    }

    [Fact]
    public async Task The_terminal_display_draws_one_bar_per_reporting_step_with_its_count()
    {
        using var captured = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(captured),
        });
        console.Profile.Width = 120;

        var result = await TerminalProgressDisplay.RunAsync(console, async display =>
        {
            using (var explore = display.Begin("loop.steps[0]"))
            {
                explore.Report(new ActivityProgress(300, 1200, "MD steps"));
                ((TerminalProgressDisplay)display).Refresh();
                explore.Report(new ActivityProgress(1200, 1200, "MD steps"));
            }

            using var quiet = display.Begin("loop.steps[1]");
            console.Write(new Text("a log line\n"));
            ((TerminalProgressDisplay)display).Refresh();
            return await Task.FromResult(42);
        });

        result.Should().Be(42);
        var text = captured.ToString();
        text.Should().Contain("loop.steps[0]: 300/1200 MD steps").And.Contain("25%");
        text.Should().Contain("a log line");
        text.Should().NotContain("loop.steps[1]", "a step that reports nothing gets no bar");
    }

    private sealed class ListSink : ILogEventSink
    {
        public List<string> Lines { get; } = [];

        public void Emit(LogEvent logEvent) => Lines.Add(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
