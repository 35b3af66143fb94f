using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Orchestrator.Tests.Store;

public sealed class JobRowTests
{
    private static readonly JobRow Handed = new(
        "qe-0123456789abcdef", 7, "slurm", "pw.x", "fedcba9876543210", 1, null, "Pending", 0, null, null, "t0", null, null, null, "t0");

    [Fact]
    public void A_task_through_submission_queue_run_and_end_keeps_its_job_id_and_its_times()
    {
        var submitting = Handed.Apply(JobTaskState.Submitting, null, null, null, "t1");
        var queued = submitting.Apply(JobTaskState.Queued, "123", null, null, "t2");
        var running = queued.Apply(JobTaskState.Running, "123", null, null, "t3");
        var stillRunning = running.Apply(JobTaskState.Running, null, null, null, "t4");
        var finished = stillRunning.Apply(JobTaskState.Finished, null, null, "/w/out/qe-0123456789abcdef", "t5");

        submitting.Should().Be(Handed with { State = "Submitting", Tries = 1, Submitted = "t1", Updated = "t1" });
        queued.JobId.Should().Be("123");
        queued.Submitted.Should().Be("t1", "the submission time is when sbatch ran, not when the queue was read");
        running.Started.Should().Be("t3");
        stillRunning.Started.Should().Be("t3", "the first sight of the running job counts");
        stillRunning.JobId.Should().Be("123", "an update without a job id never forgets the known one");
        finished.Should().Be(running with { State = "Finished", WorkDirectory = "/w/out/qe-0123456789abcdef", Finished = "t5", Updated = "t5" });
        finished.InFlight.Should().BeFalse();
        running.InFlight.Should().BeTrue();
    }

    [Fact]
    public void A_job_lost_without_the_finish_marker_counts_a_second_try_with_fresh_times_and_keeps_the_reason()
    {
        var first = Handed.Apply(JobTaskState.Submitting, null, null, null, "t1").Apply(JobTaskState.Running, "123", null, null, "t2");
        var lost = first.Apply(JobTaskState.Pending, null, "job 123 ended NODE_FAIL without the task's finish marker", null, "t3");
        var again = lost.Apply(JobTaskState.Submitting, null, null, null, "t4").Apply(JobTaskState.Queued, "124", null, null, "t5");

        lost.State.Should().Be("Pending");
        lost.InFlight.Should().BeTrue();
        again.Tries.Should().Be(2);
        again.JobId.Should().Be("124");
        again.Submitted.Should().Be("t4");
        again.Started.Should().BeNull("the new job has not been seen running");
        again.LastError.Should().Contain("NODE_FAIL");
    }

    [Fact]
    public void An_unreachable_cluster_pauses_the_task_in_flight_and_a_failure_ends_it()
    {
        var queued = Handed.Apply(JobTaskState.Submitting, null, null, null, "t1").Apply(JobTaskState.Queued, "9", null, null, "t2");
        var unreachable = queued.Apply(JobTaskState.RemoteError, null, "ssh: connect to host refused", null, "t3");
        var failed = unreachable.Apply(JobTaskState.Failed, "9", "no finish marker after 3 attempt(s)", null, "t4");

        unreachable.InFlight.Should().BeTrue();
        unreachable.LastError.Should().Be("ssh: connect to host refused");
        unreachable.Finished.Should().BeNull();
        failed.InFlight.Should().BeFalse();
        failed.Finished.Should().Be("t4");
        failed.LastError.Should().Be("no finish marker after 3 attempt(s)");
    }
}
