using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Reports;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Store;

public sealed class CampaignStoreJobsTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private CampaignStore NewStore(string name = "t") =>
        CampaignStore.OpenOrCreate(folder.File(name), name, "/c.yaml", "name: " + name, new string('a', 64), TimeProvider.System, out _);

    private static NewStructure Candidate(double shift) =>
        new(Zincblende.Primitive(5.431 + shift, 14, 14), new StructureOrigin { Source = "generate:test", Parameters = "p", Parent = "x#0" }, "because");

    private static JobRow Row(string task, long? structure, int attempt) =>
        new(task, structure, "slurm", "pw.x", "fedcba9876543210", attempt, null, "Pending", 0, null, null, "t0", null, null, null, "t0");

    [Fact]
    public void Rows_follow_their_tasks_status_lists_those_in_flight_and_the_audit_gives_each_label_its_last_job()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        var generate = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        store.ForStep(generate, 0).Complete(new StepOutcome { Summary = "s", NewStructures = [Candidate(0), Candidate(0.1)] });
        var label = store.StartStepRun(0, 1, "initial[1]", "label", "h");
        var first = store.StructureIdByHash(StructureHash.Compute(Candidate(0).Structure));
        var second = store.StructureIdByHash(StructureHash.Compute(Candidate(0.1).Structure));
        first.Should().Be(1);
        second.Should().Be(2);
        store.StructureIdByHash(new string('0', 16)).Should().BeNull();

        store.RecordJobTask(Row("qe-a1", first, 1), label);
        store.RecordJobTask(Row("qe-b1", second, 1), label);
        store.RecordJobTask(Row("qe-b2", second, 2), label);
        store.UpdateJob(store.FindJob("qe-a1")!.Apply(JobTaskState.Submitting, null, null, null, "t1").Apply(JobTaskState.Finished, "41", null, "/o/qe-a1", "t2"));
        store.UpdateJob(store.FindJob("qe-b1")!.Apply(JobTaskState.Submitting, null, null, null, "t1").Apply(JobTaskState.Finished, "41", null, null, "t2"));
        store.UpdateJob(store.FindJob("qe-b2")!.Apply(JobTaskState.Submitting, null, null, null, "t3").Apply(JobTaskState.Running, "42", null, null, "t4"));
        // A resumed step hands the same task over again: its row keeps what it knows.
        store.RecordJobTask(Row("qe-b2", second, 2), label);
        var step = store.ForStep(label, 0);
        step.RecordLabel(1, new LabelOutcome(0, new LabelSet(-10.5, new Vec3[2], Mat3.Identity), new LabelProvenance("pw.x", "6.7", "fedcba9876543210", "41", "/o/qe-a1", 1, []), null));

        var status = StatusReport.Read(store, active: false);
        status.JobsInFlight.Should().Be(1);
        status.Jobs.Should().ContainSingle().Which.Should().Be(
            Row("qe-b2", second, 2) with { JobId = "42", State = "Running", Tries = 1, Submitted = "t3", Started = "t4" }, "handing the task over again keeps its state and job and stamps the row with that time");

        var audit = AuditReport.ForIterations(store, 0);
        var labelled = audit.Iterations[0].Added.Single(s => s.Id == first).Labels.Should().ContainSingle().Subject;
        labelled.Job.Should().Be(new AuditJob("slurm", "41", "qe-a1", "Finished", 1, 1, "t0", "t1", null, "t2"));
        labelled.EnergyEv.Should().Be(-10.5);
    }

    [Fact]
    public void The_campaign_key_is_eight_hex_digits_stable_for_a_campaign_and_different_for_another()
    {
        string key;
        using (var store = NewStore("one"))
        {
            key = store.CampaignKey();
            key.Should().MatchRegex("^[0-9a-f]{8}$");
            store.CampaignKey().Should().Be(key);
        }

        using (var reopened = CampaignStore.Open(folder.File("one"), TimeProvider.System))
        {
            reopened.CampaignKey().Should().Be(key);
        }

        using var other = NewStore("two");
        other.CampaignKey().Should().NotBe(key);
    }
}
