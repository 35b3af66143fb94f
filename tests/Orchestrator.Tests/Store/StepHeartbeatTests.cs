using ActiveLearning.Activities.Ports;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Reports;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Store;

/// <summary>
/// The heartbeat of a running step: refreshed every interval of the clock while the step runs, never after it ends; and
/// what <c>al status</c> makes of it (its age, and "stale" when it is old and no process holds the work directory).
/// </summary>
public sealed class StepHeartbeatTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory folder = new();
    private readonly ManualTimeProvider clock = new(Start);

    public void Dispose() => folder.Dispose();

    private CampaignStore NewStore() =>
        CampaignStore.OpenOrCreate(folder.Path, "t", "/c.yaml", "name: t", new string('a', 64), clock, out _);

    [Fact]
    public void The_heartbeat_is_written_every_interval_while_the_step_runs_and_stops_with_it()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        var run = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        store.FindStepRun(0, 0)!.Heartbeat.Should().Be("2026-11-21T12:00:00.000Z");

        using (var heartbeat = store.StartHeartbeat(run, TimeSpan.FromSeconds(10)))
        {
            clock.Advance(TimeSpan.FromSeconds(9));
            store.FindStepRun(0, 0)!.Heartbeat.Should().Be("2026-11-21T12:00:00.000Z", "no beat before the first interval is up");
            clock.Advance(TimeSpan.FromSeconds(1));
            store.FindStepRun(0, 0)!.Heartbeat.Should().Be("2026-11-21T12:00:10.000Z");
            clock.Advance(TimeSpan.FromSeconds(35));
            store.FindStepRun(0, 0)!.Heartbeat.Should().Be("2026-11-21T12:00:40.000Z", "beats at 20, 30 and 40 s");
            heartbeat.Beats.Should().Be(4);
            heartbeat.LastProblem.Should().BeNull();
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        store.FindStepRun(0, 0)!.Heartbeat.Should().Be("2026-11-21T12:00:40.000Z", "a disposed heartbeat writes nothing");
    }

    [Fact]
    public void A_beat_never_touches_a_step_that_has_ended()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        var run = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        using var heartbeat = store.StartHeartbeat(run, TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(10));
        store.ForStep(run, 0).Complete(new StepOutcome { Summary = "done" });
        var finished = store.FindStepRun(0, 0)!;

        clock.Advance(TimeSpan.FromSeconds(30));

        store.FindStepRun(0, 0).Should().Be(finished, "the finished row keeps its state and last heartbeat");
        heartbeat.Beats.Should().Be(1);
    }

    [Fact]
    public void Beats_from_a_timer_thread_interleave_with_the_steps_own_commits_without_a_lock_error()
    {
        // The real clock with a 1 ms period: beats land between, and try to land inside, the step's transactions.
        using var store = CampaignStore.OpenOrCreate(folder.Path, "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        store.BeginIteration(1);
        var run = store.StartStepRun(1, 0, "loop.steps[0]", "explore", "h");
        var step = store.ForStep(run, 1);
        int beats, commits = 0;
        using (var heartbeat = store.StartHeartbeat(run, TimeSpan.FromMilliseconds(1)))
        {
            // Commit until the timer (on a pool thread, late when other tests load the machine) has beaten a few times.
            var limit = System.Diagnostics.Stopwatch.StartNew();
            while ((commits < 300 || heartbeat.Beats < 5) && limit.Elapsed < TimeSpan.FromMinutes(1))
            {
                step.RecordWalker(new WalkerCheckpoint(commits % 8, "s", "Completed", 100, 1.5, null, "{}", [new CandidateGrade(10, 300, 310, 1.2)]));
                commits++;
            }

            // The step's side must never see a lock error (a failed RecordWalker would have thrown). A beat may be skipped:
            // this loop commits with no gap at all, and SQLite's busy handler is not fair, so a beat can wait out its
            // 5 s timeout; the documented behaviour is to skip it, and the next beat or commit refreshes the heartbeat.
            heartbeat.SkippedBeats.Should().BeLessThan(heartbeat.Beats, "most beats land between the commits");
            beats = heartbeat.Beats;
        }

        beats.Should().BeGreaterThanOrEqualTo(5, $"beats came while {commits} commits were made");
        step.KeepWalkerCheckpoints("s").Should().HaveCount(8, "each walker's record replaces the earlier one");
        store.IntegrityCheck().Should().Be("ok");
    }

    [Fact]
    public void Status_reports_the_heartbeats_age_and_a_stale_step_only_when_no_process_holds_the_workdir()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        store.StartStepRun(0, 0, "initial[0]", "label", "h");

        clock.Advance(TimeSpan.FromSeconds(25));
        var fresh = StatusReport.Read(store, active: false).Step!;
        fresh.HeartbeatAgeSeconds.Should().Be(25);
        fresh.Stale.Should().BeFalse("25 s is within three 10 s intervals");

        clock.Advance(TimeSpan.FromSeconds(10));
        var old = StatusReport.Read(store, active: false).Step!;
        old.HeartbeatAgeSeconds.Should().Be(35);
        old.Stale.Should().BeTrue();
        StatusReport.Read(store, active: true).Step!.Stale.Should().BeFalse("a process holding the work directory is alive, however slow its beats");
    }

    [Fact]
    public async Task Al_status_says_stale_for_a_running_step_whose_process_is_gone_and_not_while_the_workdir_is_locked()
    {
        using (var store = NewStore())
        {
            // Recorded an hour ago by the manual clock: by the real clock of al status the heartbeat is old.
            store.BeginIteration(0);
            store.StartStepRun(0, 0, "initial[0]", "label", "h");
        }

        var gone = await AlRunner.Run("status", folder.Path);
        gone.ExitCode.Should().Be(0, gone.StandardError);
        gone.StandardOutput.Should().Contain("initial[0] (label) in iteration 0: running").And.Contain("stale (process gone?)");

        using (WorkdirLock.Acquire(folder.Path))
        {
            var held = await AlRunner.Run("status", folder.Path);
            held.StandardOutput.Should().Contain("an al process is working on it").And.NotContain("stale");
        }

        var json = await AlRunner.Run("status", folder.Path, "--json");
        json.StandardOutput.Should().Contain("\"stale\": true").And.Contain("\"heartbeat_age_seconds\":");
    }
}
