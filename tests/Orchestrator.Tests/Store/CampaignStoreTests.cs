using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Reports;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Tests.Store;

public sealed class CampaignStoreTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private CampaignStore NewStore() =>
        CampaignStore.OpenOrCreate(folder.Path, "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);

    private static NewStructure Candidate(double shift) =>
        new(Zincblende.Primitive(5.431 + shift, 14, 14), new StructureOrigin { Source = "generate:test", Parameters = "p", Parent = "x#0" }, "because");

    private static LabelOutcome Ok(int index, double energy, int atoms) =>
        new(index, new LabelSet(energy, new Vec3[atoms], Mat3.Identity), new LabelProvenance("teacher:test", null, "0123456789abcdef", null, null, 1, []), null);

    [Fact]
    public void A_new_store_has_the_latest_schema_and_a_sound_file_and_reopens_with_its_campaign()
    {
        using (var store = NewStore())
        {
            store.SchemaVersion.Should().BeGreaterThanOrEqualTo(1);
            store.IntegrityCheck().Should().Be("ok");
        }

        using var reopened = CampaignStore.OpenOrCreate(folder.Path, "other", "/d.yaml", "x", new string('b', 64), TimeProvider.System, out var isNew);
        isNew.Should().BeFalse();
        reopened.ReadCampaign().Should().Be(new CampaignRow("t", "/c.yaml", "name: t", new string('a', 64), "running", null));
    }

    [Fact]
    public void The_database_is_in_wal_mode_and_events_are_append_only()
    {
        using (var store = NewStore())
        {
            store.BeginIteration(0);
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, CampaignStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        command.ExecuteScalar().Should().Be("wal");
        command.CommandText = "UPDATE events SET message = 'rewritten'";
        command.Invoking(c => c.ExecuteNonQuery()).Should().Throw<SqliteException>().WithMessage("*append-only*");
        command.CommandText = "DELETE FROM events";
        command.Invoking(c => c.ExecuteNonQuery()).Should().Throw<SqliteException>().WithMessage("*append-only*");
    }

    [Fact]
    public void Duplicates_are_rejected_with_the_structure_they_repeat_and_the_audit_shows_why()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        var run = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        store.ForStep(run, 0).Complete(new StepOutcome { Summary = "s", NewStructures = [Candidate(0), Candidate(0.1), Candidate(0)] });

        var audit = AuditReport.ForIterations(store, 0);

        var iteration = audit.Iterations.Should().ContainSingle().Subject;
        iteration.Added.Select(s => s.Id).Should().Equal(1, 2);
        iteration.Added[0].Origin.Should().Be(new AuditOrigin("generate:test", "p", "x#0", null, null, null));
        iteration.Rejected.Should().ContainSingle().Which.DuplicateOf.Should().Be(1);
        iteration.Rejected[0].Reason.Should().StartWith("duplicate of structure 1");
        store.FindStepRun(0, 0)!.State.Should().Be("finished");
    }

    [Fact]
    public void Labels_are_checkpointed_once_each_and_failures_are_final_and_audited()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        var generate = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
        store.ForStep(generate, 0).Complete(new StepOutcome { Summary = "s", NewStructures = [Candidate(0), Candidate(0.1)] });
        var label = store.StartStepRun(0, 1, "initial[1]", "label", "h");
        var step = store.ForStep(label, 0);
        step.StructuresWithoutLabel("teacher:test", "0123456789abcdef").Select(s => s.Id).Should().Equal(1, 2);

        step.RecordLabel(1, Ok(0, -10.5, 2));
        step.RecordLabel(2, new LabelOutcome(1, null, new LabelProvenance("teacher:test", null, "0123456789abcdef", "job-7", null, 2, ["mixing_beta 0.7 → 0.35"]), "SCF did not converge"));

        step.StructuresWithoutLabel("teacher:test", "0123456789abcdef").Should().BeEmpty("a failed label is recorded, not retried");
        step.Invoking(s => s.RecordLabel(1, Ok(0, -10.5, 2))).Should().Throw<InvalidOperationException>().WithMessage("*already has a label*");
        var (labelled, hash) = step.LabelledStructures();
        labelled.Should().ContainSingle().Which.Structure.Reference!.Energy.Should().Be(-10.5);
        hash.Should().HaveLength(64);
        var failure = AuditReport.ForIterations(store, 0).Iterations[0].LabelFailures.Should().ContainSingle().Subject;
        failure.Should().BeEquivalentTo(new { StructureId = 2L, FailureReason = "SCF did not converge", JobId = "job-7", Attempts = 2, Corrections = new[] { "mixing_beta 0.7 → 0.35" } });
    }

    [Fact]
    public void The_dataset_hash_depends_on_the_labels_and_not_on_when_it_is_read()
    {
        string HashWith(double energy)
        {
            using var scratch = new TempDirectory();
            using var store = CampaignStore.OpenOrCreate(scratch.Path, "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
            store.BeginIteration(0);
            var run = store.StartStepRun(0, 0, "initial[0]", "generate", "h");
            store.ForStep(run, 0).Complete(new StepOutcome { Summary = "s", NewStructures = [Candidate(0)] });
            store.ForStep(run, 0).RecordLabel(1, Ok(0, energy, 2));
            return store.LabelledDataset(int.MaxValue).DatasetHash;
        }

        HashWith(-10.5).Should().Be(HashWith(-10.5)).And.NotBe(HashWith(-10.25));
    }

    [Fact]
    public void A_restarted_step_run_counts_its_attempts()
    {
        using var store = NewStore();
        store.BeginIteration(0);
        var first = store.StartStepRun(0, 0, "initial[0]", "label", "h1");
        store.InterruptStepRun(first, 0);
        var second = store.StartStepRun(0, 0, "initial[0]", "label", "h2");

        second.Should().Be(first);
        store.FindStepRun(0, 0).Should().BeEquivalentTo(new { State = "running", Attempt = 2, ParamsHash = "h2" });
    }
}
