using ActiveLearning.Schedulers.Slurm;

namespace ActiveLearning.Schedulers.Tests.Slurm;

public sealed class SlurmRecoveryTests
{
    private static readonly DateTimeOffset Written = new(2026, 11, 21, 21, 50, 0, TimeSpan.Zero);

    private static JournalJob Row(string name) =>
        new(name, ["t-1"], [1], JournalJobState.Submitting, null, Written.ToUnixTimeMilliseconds(), [], null);

    [Fact]
    public void A_job_found_by_name_in_squeue_is_adopted()
    {
        var queue = Parse(SlurmParsers.ParseQueue, "squeue-by-name");

        var (decision, id) = SlurmRecovery.DecideSubmitting(Row("al running"), queue, [], Written.AddHours(1), TimeSpan.FromSeconds(10));

        decision.Should().Be(SubmittingDecision.Adopt);
        id.Should().Be("6");
    }

    [Fact]
    public void A_job_that_already_ended_is_found_by_name_in_sacct_and_adopted()
    {
        var accounting = Parse(SlurmParsers.ParseAccounting, "sacct-c-jobs");

        var (decision, id) = SlurmRecovery.DecideSubmitting(Row("al-fail3"), new Dictionary<string, SlurmQueueEntry>(), accounting, Written.AddHours(1), TimeSpan.FromSeconds(10));

        decision.Should().Be(SubmittingDecision.Adopt);
        id.Should().Be("4");
    }

    [Fact]
    public void Of_several_jobs_with_the_name_the_newest_is_adopted()
    {
        var accounting = Parse(SlurmParsers.ParseAccounting, "sacct-c-final");
        var queue = Parse(SlurmParsers.ParseQueue, "squeue-by-name");
        var named = accounting.Where(r => r.JobName == accounting[0].JobName).ToList();
        named.Should().NotBeEmpty();

        var (_, id) = SlurmRecovery.DecideSubmitting(Row(accounting[0].JobName), queue, accounting, Written, TimeSpan.Zero);

        id.Should().Be(named.MaxBy(r => long.Parse(r.JobId, System.Globalization.CultureInfo.InvariantCulture))!.JobId);
    }

    [Fact]
    public void A_job_nobody_knows_is_waited_for_during_the_grace_period_then_forgotten()
    {
        var queue = Parse(SlurmParsers.ParseQueue, "squeue-by-name");
        var accounting = Parse(SlurmParsers.ParseAccounting, "sacct-c-jobs");
        var grace = TimeSpan.FromSeconds(10);

        SlurmRecovery.DecideSubmitting(Row("al-never"), queue, accounting, Written.AddSeconds(3), grace).Decision.Should().Be(SubmittingDecision.Wait);
        SlurmRecovery.DecideSubmitting(Row("al-never"), queue, accounting, Written.AddSeconds(10), grace).Decision.Should().Be(SubmittingDecision.Forget);
    }

    [Theory]
    [InlineData(0, 1, 3, TaskEnding.Finished)]
    [InlineData(3, 3, 3, TaskEnding.Finished)]
    [InlineData(null, 1, 3, TaskEnding.Retry)]
    [InlineData(null, 2, 3, TaskEnding.Retry)]
    [InlineData(null, 3, 3, TaskEnding.Failed)]
    [InlineData(null, 1, 1, TaskEnding.Failed)]
    public void A_marker_always_finishes_a_task_and_without_one_it_is_retried_until_the_limit(int? marker, int attemptsUsed, int maxAttempts, TaskEnding expected) =>
        SlurmRecovery.ClassifyTask(marker, attemptsUsed, maxAttempts).Should().Be(expected);

    [Fact]
    public void Jobs_that_left_squeue_or_show_a_final_state_have_ended()
    {
        var mixed = Parse(SlurmParsers.ParseQueue, "squeue-running");
        var pending = Parse(SlurmParsers.ParseQueue, "squeue-pending").Values;
        var finished = Parse(SlurmParsers.ParseQueue, "squeue-finished").Values;

        mixed.Where(e => SlurmRecovery.HasEnded(e.Value.State)).Select(e => e.Key).Should().BeEquivalentTo("1", "2", "3", "4");
        pending.Should().NotBeEmpty().And.OnlyContain(e => !SlurmRecovery.HasEnded(e.State));
        finished.Should().NotBeEmpty().And.OnlyContain(e => SlurmRecovery.HasEnded(e.State));
        SlurmRecovery.HasEnded(null).Should().BeTrue("a job gone from squeue has ended");
    }

    [Fact]
    public void Backoff_doubles_from_the_initial_delay_up_to_the_maximum()
    {
        var initial = TimeSpan.FromSeconds(2);
        var maximum = TimeSpan.FromSeconds(30);

        Enumerable.Range(1, 6).Select(n => SlurmRecovery.Backoff(n, initial, maximum).TotalSeconds).Should().Equal(2, 4, 8, 16, 30, 30);
        SlurmRecovery.Backoff(0, initial, maximum).Should().Be(TimeSpan.Zero);
        SlurmRecovery.Backoff(1000, initial, maximum).Should().Be(maximum);
    }

    private static T Parse<T>(Func<int, string?, string?, SlurmResult<T>> parse, string fixture)
    {
        var captured = Fixture.Load(fixture);
        var result = parse(captured.ExitCode, captured.Output, captured.Error);
        result.Succeeded.Should().BeTrue();
        return result.Value!;
    }
}
