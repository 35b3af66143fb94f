using ActiveLearning.Schedulers.Slurm;

namespace ActiveLearning.Schedulers.Tests.Slurm;

public sealed class SlurmParsersTests
{
    [Theory]
    [InlineData("sbatch-parsable", "3")]
    [InlineData("sbatch-parsable-fail3", "4")]
    [InlineData("sbatch-parsable-pending", "5")]
    [InlineData("sbatch-parsable-running", "6")]
    [InlineData("sbatch-parsable-resources", "7")]
    public void Sbatch_parsable_gives_the_job_id(string fixture, string id)
    {
        var f = Fixture.Load(fixture);
        var result = SlurmParsers.ParseSubmission(f.ExitCode, f.Output, f.Error);
        result.Succeeded.Should().BeTrue();
        result.Value.Should().Be(new SlurmSubmission(id, null));
    }

    [Fact]
    public void Sbatch_parsable_with_a_cluster_suffix_hand_written_because_it_needs_slurmdbd()
    {
        var result = SlurmParsers.ParseSubmission(0, "1234;alcluster\n", "sbatch: warning: something harmless\n");
        result.Value.Should().Be(new SlurmSubmission("1234", "alcluster"));
    }

    [Theory]
    [InlineData("sbatch-invalid-partition", SlurmFailureKind.Permanent, "Invalid partition name specified")]
    [InlineData("sbatch-invalid-memory", SlurmFailureKind.Permanent, "Requested node configuration is not available")]
    [InlineData("sbatch-controller-down", SlurmFailureKind.Transient, "Unable to contact slurm controller")]
    [InlineData("sbatch-parsable-cluster", SlurmFailureKind.Permanent, "can't be reached now")]
    public void Sbatch_errors_are_classified(string fixture, SlurmFailureKind kind, string text)
    {
        var f = Fixture.Load(fixture);
        var result = SlurmParsers.ParseSubmission(f.ExitCode, f.Output, f.Error);
        result.Succeeded.Should().BeFalse();
        result.Failure!.Kind.Should().Be(kind);
        result.Failure.ExitCode.Should().Be(f.ExitCode);
        result.Failure.Message.Should().Contain(text);
    }

    // Hand-written: these texts cannot be provoked on a one-node test cluster.
    [Theory]
    [InlineData("sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying.\nsbatch: error: Batch job submission failed: Resource temporarily unavailable\n")]
    [InlineData("sbatch: error: Batch job submission failed: Slurm temporarily unable to accept job, sleeping and retrying\n")]
    [InlineData("sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n")]
    [InlineData("sbatch: error: Batch job submission failed: Zero Bytes were transmitted or received\n")]
    [InlineData("ssh: connect to host cluster port 22: Connection refused\n")]
    public void Busy_or_unreachable_controller_texts_are_transient(string error)
    {
        var result = SlurmParsers.ParseSubmission(1, "", error);
        result.Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Theory]
    [InlineData("sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n")]
    [InlineData("sbatch: error: Batch job submission failed: Invalid qos specification\n")]
    [InlineData("sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)\n")]
    public void Rejections_hand_written_are_permanent(string error)
    {
        SlurmParsers.ParseSubmission(1, "", error).Failure!.Kind.Should().Be(SlurmFailureKind.Permanent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Submitted batch job 12\n")]
    [InlineData("12;a;b\n")]
    public void Sbatch_output_without_a_parsable_id_is_a_transient_failure(string output)
    {
        var result = SlurmParsers.ParseSubmission(0, output, "");
        result.Succeeded.Should().BeFalse();
        result.Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Fact]
    public void Squeue_reports_pending_jobs_with_their_reasons()
    {
        var f = Fixture.Load("squeue-pending");
        var jobs = SlurmParsers.ParseQueue(f.ExitCode, f.Output, f.Error).Value!;
        jobs.Should().HaveCount(7);
        jobs["3"].Should().Be(new SlurmQueueEntry("3", SlurmJobState.Pending, "PENDING", "Resources", "al-ok"));
        jobs["5"].Reason.Should().Be("BeginTime");
        jobs["6"].JobName.Should().Be("al running");
        jobs["1"].State.Should().Be(SlurmJobState.Running);
    }

    [Fact]
    public void Squeue_with_an_unknown_id_among_known_ones_lists_only_the_known()
    {
        var f = Fixture.Load("squeue-running");
        var jobs = SlurmParsers.ParseQueue(f.ExitCode, f.Output, f.Error).Value!;
        jobs.Keys.Should().BeEquivalentTo(["1", "2", "3", "4", "5", "6", "7"]);
        jobs["6"].State.Should().Be(SlurmJobState.Running);
        jobs["3"].State.Should().Be(SlurmJobState.Completed);
        jobs["4"].Should().Be(new SlurmQueueEntry("4", SlurmJobState.Failed, "FAILED", "NonZeroExitCode", "al-fail3"));
        jobs["1"].Should().Be(new SlurmQueueEntry("1", SlurmJobState.Timeout, "TIMEOUT", "TimeLimit", "al-timeout"));
    }

    [Fact]
    public void Squeue_after_the_jobs_ended_reports_final_states()
    {
        var f = Fixture.Load("squeue-finished");
        var jobs = SlurmParsers.ParseQueue(f.ExitCode, f.Output, f.Error).Value!;
        jobs["5"].State.Should().Be(SlurmJobState.Cancelled);
        jobs["6"].State.Should().Be(SlurmJobState.Cancelled);
        jobs["7"].State.Should().Be(SlurmJobState.Completed);
        jobs["2"].State.Should().Be(SlurmJobState.Timeout);
        jobs.Values.Should().OnlyContain(job => job.State.IsFinal());
    }

    [Fact]
    public void Squeue_by_name_finds_a_name_with_a_space()
    {
        var f = Fixture.Load("squeue-by-name");
        SlurmParsers.ParseQueue(f.ExitCode, f.Output, f.Error).Value!.Values.Should().ContainSingle()
            .Which.Should().Be(new SlurmQueueEntry("6", SlurmJobState.Running, "RUNNING", "None", "al running"));
    }

    [Fact]
    public void Squeue_of_only_unknown_ids_is_an_empty_answer_not_an_error()
    {
        var f = Fixture.Load("squeue-unknown-id");
        f.ExitCode.Should().Be(1);
        var result = SlurmParsers.ParseQueue(f.ExitCode, f.Output, f.Error);
        result.Succeeded.Should().BeTrue();
        result.Value.Should().BeEmpty();
        var mixed = Fixture.Load("squeue-mixed-unknown-id");
        SlurmParsers.ParseQueue(mixed.ExitCode, mixed.Output, mixed.Error).Value!.Keys.Should().Equal("5");
    }

    [Fact]
    public void Squeue_with_the_controller_down_is_transient()
    {
        var f = Fixture.Load("squeue-controller-down");
        SlurmParsers.ParseQueue(f.ExitCode, f.Output, f.Error).Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Fact]
    public void Squeue_socket_time_out_hand_written_is_transient()
    {
        SlurmParsers.ParseQueue(1, "", "slurm_load_jobs error: Socket timed out on send/recv operation\n")
            .Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Fact]
    public void Squeue_line_cut_short_is_a_transient_failure()
    {
        SlurmParsers.ParseQueue(0, "12|RUNNING|None|a\n13|RUNN", "").Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Fact]
    public void Sacct_c_gives_final_state_exit_code_and_work_directory()
    {
        var f = Fixture.Load("sacct-c-final");
        var records = SlurmParsers.ParseAccounting(f.ExitCode, f.Output, f.Error).Value!;
        records.Select(r => r.JobId).Should().Equal("8", "9", "1", "2", "4", "3", "5", "6", "7", "10", "11");
        var byId = records.ToDictionary(r => r.JobId);
        byId["3"].Should().Be(new SlurmAccountingRecord("3", "al-ok", SlurmJobState.Completed, "COMPLETED", 0, 0,
            new DateTime(2026, 11, 21, 21, 50, 46), new DateTime(2026, 11, 21, 21, 50, 46), TimeSpan.Zero, "/tmp/slurm-cap"));
        byId["4"].State.Should().Be(SlurmJobState.Failed);
        byId["4"].ExitCode.Should().Be(3);
        byId["1"].State.Should().Be(SlurmJobState.Timeout);
        byId["1"].Elapsed.Should().Be(TimeSpan.FromSeconds(87));
        byId["5"].State.Should().Be(SlurmJobState.Cancelled);
        byId["11"].State.Should().Be(SlurmJobState.Cancelled);
        byId["11"].JobName.Should().Be("al-cancel-running");
        // A submission sbatch rejected (memory beyond the node) still left a FAILED 0:1 record.
        byId["10"].Should().Match<SlurmAccountingRecord>(r => r.State == SlurmJobState.Failed && r.ExitCode == 0 && r.Signal == 1);
        // Names with spaces break the job-completion file: name cut at the space, no state.
        byId["6"].JobName.Should().Be("al");
        byId["6"].State.Should().Be(SlurmJobState.Unknown);
        byId["8"].State.Should().Be(SlurmJobState.Unknown);
    }

    [Fact]
    public void Sacct_c_for_some_ids_and_before_any_job_ended()
    {
        var f = Fixture.Load("sacct-c-jobs");
        SlurmParsers.ParseAccounting(f.ExitCode, f.Output, f.Error).Value!.Select(r => r.JobId).Should().Equal("4", "6");
        var empty = Fixture.Load("sacct-before");
        empty.Output.Trim().Should().Be("JobID|JobName|State|ExitCode|Start|End|Elapsed|WorkDir");
        var result = SlurmParsers.ParseAccounting(empty.ExitCode, empty.Output, empty.Error);
        result.Succeeded.Should().BeTrue();
        result.Value.Should().BeEmpty();
    }

    [Fact]
    public void Sacct_c_ignores_the_name_filter_so_callers_filter_themselves()
    {
        var f = Fixture.Load("sacct-c-by-name");
        var records = SlurmParsers.ParseAccounting(f.ExitCode, f.Output, f.Error).Value!;
        records.Should().HaveCountGreaterThan(1);
        records.Where(r => r.JobName == "al-fail3").Should().ContainSingle().Which.ExitCode.Should().Be(3);
    }

    [Fact]
    public void Sacct_columns_are_found_by_header_and_steps_are_skipped_hand_written()
    {
        var output = "State|JobID|ExitCode|JobName\nCOMPLETED|12|0:0|a\nCOMPLETED|12.batch|0:0|batch\nCANCELLED by 0|13|0:15|b\n";
        var records = SlurmParsers.ParseAccounting(0, output, "").Value!;
        records.Should().HaveCount(2);
        records[1].State.Should().Be(SlurmJobState.Cancelled);
        records[1].Signal.Should().Be(15);
        records[1].Start.Should().BeNull();
        SlurmParsers.ParseAccounting(0, "JobID|State\n1|COMPLETED\n", "").Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Fact]
    public void Sacct_work_directory_may_contain_the_separator()
    {
        var output = "JobID|JobName|State|ExitCode|WorkDir\n7|n|FAILED|2:0|/scratch/a|b c\n";
        SlurmParsers.ParseAccounting(0, output, "").Value!.Single().WorkDirectory.Should().Be("/scratch/a|b c");
    }

    [Theory]
    [InlineData("scontrol-show-job-pending", "5", "al-pending", SlurmJobState.Pending, "BeginTime", 0, 0)]
    [InlineData("scontrol-show-job-running", "6", "al running", SlurmJobState.Running, "None", 0, 0)]
    [InlineData("scontrol-show-job-completed", "3", "al-ok", SlurmJobState.Completed, "None", 0, 0)]
    [InlineData("scontrol-show-job-failed", "4", "al-fail3", SlurmJobState.Failed, "NonZeroExitCode", 3, 0)]
    [InlineData("scontrol-show-job-timeout", "1", "al-timeout", SlurmJobState.Timeout, "TimeLimit", 0, 15)]
    [InlineData("scontrol-show-job-cancelled-pending", "5", "al-pending", SlurmJobState.Cancelled, "BeginTime", 0, 0)]
    [InlineData("scontrol-show-job-cancelled-running", "6", "al running", SlurmJobState.Cancelled, "None", 0, 15)]
    [InlineData("scontrol-show-job-cancelled-running-2", "11", "al-cancel-running", SlurmJobState.Cancelled, "None", 0, 15)]
    public void Scontrol_show_job_gives_state_reason_and_exit_code(string fixture, string id, string name,
        SlurmJobState state, string reason, int exitCode, int signal)
    {
        var f = Fixture.Load(fixture);
        var details = SlurmParsers.ParseShowJob(f.ExitCode, f.Output, f.Error).Value!;
        details.Should().Be(new SlurmJobDetails(id, name, state, state.ToSlurmName(), reason, exitCode, signal, "/tmp/slurm-cap"));
    }

    [Fact]
    public void Scontrol_one_line_form_with_spaces_in_paths_hand_written()
    {
        var details = SlurmParsers.ParseShowJob(0,
            "JobId=9 JobName=x UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0\n   WorkDir=/a b/c\n", "").Value!;
        details.JobName.Should().Be("x");
        details.ExitCode.Should().Be(2);
        details.WorkDirectory.Should().Be("/a b/c");
    }

    [Fact]
    public void Scontrol_of_an_unknown_job_is_a_null_answer_and_controller_down_is_transient()
    {
        var unknown = Fixture.Load("scontrol-show-job-unknown");
        unknown.Error.Should().Contain(SlurmParsers.InvalidJobIdText);
        var result = SlurmParsers.ParseShowJob(unknown.ExitCode, unknown.Output, unknown.Error);
        result.Succeeded.Should().BeTrue();
        result.Value.Should().BeNull();
        var down = Fixture.Load("scontrol-controller-down");
        SlurmParsers.ParseShowJob(down.ExitCode, down.Output, down.Error).Failure!.Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Fact]
    public void Scancel_is_silent_for_unknown_ids_and_fails_transiently_when_the_controller_is_down()
    {
        Fixture.Load("scancel-unknown").Should().Be(new Fixture(0, "", ""));
        Fixture.Load("scancel-running").Should().Be(new Fixture(0, "", ""));
        var verbose = Fixture.Load("scancel-verbose-unknown");
        SlurmParsers.IsInvalidJobId(verbose.Error).Should().BeTrue();
        var down = Fixture.Load("scancel-controller-down");
        down.ExitCode.Should().NotBe(0);
        SlurmParsers.Classify(down.ExitCode, down.Output, down.Error).Kind.Should().Be(SlurmFailureKind.Transient);
    }

    [Theory]
    [InlineData("PENDING", SlurmJobState.Pending)]
    [InlineData("PD", SlurmJobState.Pending)]
    [InlineData("CANCELLED by 0", SlurmJobState.Cancelled)]
    [InlineData("CANCELLED+", SlurmJobState.Cancelled)]
    [InlineData(" COMPLETING ", SlurmJobState.Completing)]
    [InlineData("NODE_FAIL", SlurmJobState.NodeFail)]
    [InlineData("OUT_OF_MEMORY", SlurmJobState.OutOfMemory)]
    [InlineData("OOM", SlurmJobState.OutOfMemory)]
    [InlineData("PREEMPTED", SlurmJobState.Preempted)]
    [InlineData("BOOT_FAIL", SlurmJobState.BootFail)]
    [InlineData("DEADLINE", SlurmJobState.Deadline)]
    [InlineData("REQUEUED", SlurmJobState.Requeued)]
    [InlineData("SUSPENDED", SlurmJobState.Suspended)]
    [InlineData("", SlurmJobState.Unknown)]
    [InlineData("SOMETHING_NEW", SlurmJobState.Unknown)]
    public void States_parse(string text, SlurmJobState state) => SlurmJobStates.Parse(text).Should().Be(state);

    [Fact]
    public void Only_ended_states_are_final_and_only_completed_is_success()
    {
        foreach (var state in Enum.GetValues<SlurmJobState>())
        {
            var ended = state is SlurmJobState.Completed or SlurmJobState.Failed or SlurmJobState.Timeout or SlurmJobState.Cancelled
                or SlurmJobState.NodeFail or SlurmJobState.OutOfMemory or SlurmJobState.Preempted or SlurmJobState.BootFail
                or SlurmJobState.Deadline or SlurmJobState.Revoked;
            state.IsFinal().Should().Be(ended, state.ToString());
            state.IsSuccess().Should().Be(state == SlurmJobState.Completed);
            if (state != SlurmJobState.Unknown) SlurmJobStates.Parse(state.ToSlurmName()).Should().Be(state);
        }
    }

    [Theory]
    [InlineData("3:0", 3, 0)]
    [InlineData("0:15", 0, 15)]
    [InlineData("x", -1, 0)]
    public void Exit_codes_parse(string text, int code, int signal) => SlurmParsers.ParseExitCode(text).Should().Be((code, signal));

    [Theory]
    [InlineData("00:01:27", 87.0)]
    [InlineData("2-01:00:00", 176400.0)]
    [InlineData("05:30", 330.0)]
    [InlineData("01:02.500", 62.5)]
    public void Durations_parse(string text, double seconds) => SlurmParsers.ParseDuration(text).Should().Be(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("UNLIMITED")]
    [InlineData("Unknown")]
    [InlineData("")]
    public void Non_durations_are_null(string text) => SlurmParsers.ParseDuration(text).Should().BeNull();
}
