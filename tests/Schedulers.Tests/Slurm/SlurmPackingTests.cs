using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;

namespace ActiveLearning.Schedulers.Tests.Slurm;

public sealed class SlurmPackingTests
{
    private static readonly IReadOnlyList<PendingTask> Ten = Enumerable.Range(0, 10)
        .Select(i => new PendingTask(JobTask.Create("t", "echo " + i, new Dictionary<string, string>(), []), 1)).ToList();

    [Fact]
    public void Packs_hold_at_most_tasks_per_job_in_the_order_given()
    {
        var packs = SlurmPacking.Pack(Ten, 4, "al");

        packs.Select(p => p.Tasks.Count).Should().Equal(4, 4, 2);
        packs.SelectMany(p => p.Tasks).Should().Equal(Ten);
        packs.Select(p => p.JobName).Should().OnlyHaveUniqueItems().And.OnlyContain(n => n.StartsWith("al-", StringComparison.Ordinal) && n.Length == 19);
    }

    [Fact]
    public void Job_names_depend_on_the_tasks_and_attempts_but_not_on_their_order()
    {
        var pack = Ten.Take(3).ToList();
        var reversed = pack.AsEnumerable().Reverse().ToList();
        var secondAttempt = pack.Select(p => p with { Attempt = 2 }).ToList();

        SlurmPacking.JobName("al", pack).Should().Be(SlurmPacking.JobName("al", reversed));
        SlurmPacking.JobName("al", pack).Should().NotBe(SlurmPacking.JobName("al", secondAttempt), "a retry must not be mistaken for the first run");
        SlurmPacking.JobName("al", pack).Should().NotBe(SlurmPacking.JobName("al", Ten.Skip(1).Take(3).ToList()));
        SlurmPacking.JobName("al", pack).Should().NotBe(SlurmPacking.JobName("other", pack));
    }

    [Fact]
    public void Packing_rejects_bad_sizes_and_prefixes()
    {
        FluentActions.Invoking(() => SlurmPacking.Pack(Ten, 0, "al")).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SlurmPacking.Pack(Ten, 2, "a l")).Should().Throw<ArgumentException>().WithMessage("*prefix*");
    }

    [Theory]
    [InlineData("qe-0123", true)]
    [InlineData("it's \"odd\" $(x); y", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("a\nb", false)]
    public void Task_names_must_be_usable_as_one_directory_name(string name, bool usable) =>
        SlurmPacking.IsUsableTaskName(name).Should().Be(usable);

    [Fact]
    public void The_job_body_quotes_every_work_directory_and_writes_the_marker_after_the_command_by_rename()
    {
        var body = SlurmPacking.JobBody("/scratch/it's", ["a", "b $(c)"], "mpirun -np 2");

        body.Should().Contain("run_task '/scratch/it'\\''s/a' &\n");
        body.Should().Contain("run_task '/scratch/it'\\''s/b $(c)' &\n");
        body.Should().Contain("export AL_MPI_LAUNCHER='mpirun -np 2'\n");
        body.Should().Contain("[ -f task.finished ] && return 0", "a task with a marker never runs twice");
        body.IndexOf("exec sh ./.al-task.sh", StringComparison.Ordinal).Should().BeLessThan(body.IndexOf("mv -f -- .task.finished.tmp task.finished", StringComparison.Ordinal));
        body.Should().EndWith("wait\n");
        body.Should().Contain("trap 'exit 143' HUP INT TERM", "a signalled runner must leave without a marker");
        body.IndexOf("case $code in 129|130|137|143) return", StringComparison.Ordinal)
            .Should().BeLessThan(body.IndexOf("printf '%s\\n' \"$code\"", StringComparison.Ordinal), "a command killed by a signal gets no marker");
    }

    [Fact]
    public void Markers_are_read_from_the_listing_script_output()
    {
        var markers = SlurmPacking.ParseMarkers(Captured("list-markers"));

        markers.Should().BeEquivalentTo(new Dictionary<string, int> { ["ok-1"] = 0, ["fail-2"] = 3, ["it's odd"] = 0 });
    }

    [Fact]
    public void A_submission_round_gives_each_job_its_id_or_its_classified_failure()
    {
        var submissions = SlurmPacking.ParseSubmissions(Captured("submit-round"));

        submissions.Should().HaveCount(3);
        submissions["cap-good"].Succeeded.Should().BeTrue();
        submissions["cap-good"].Value!.JobId.Should().Be("121");
        submissions["cap-bad"].Failure!.Kind.Should().Be(SlurmFailureKind.Permanent);
        submissions["cap-bad"].Failure!.Message.Should().Contain("invalid partition");
        submissions["cap-missing"].Failure!.Kind.Should().Be(SlurmFailureKind.Permanent);
    }

    [Fact]
    public void A_cut_off_answer_leaves_the_missing_jobs_unanswered()
    {
        var whole = Captured("submit-round");
        var cut = whole[..(whole.IndexOf('\n', StringComparison.Ordinal) + 5)];

        SlurmPacking.ParseSubmissions(cut).Keys.Should().Equal("cap-good");
    }

    private static string Captured(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Slurm", "Fixtures", name + ".stdout"));
}
