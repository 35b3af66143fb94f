using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Schedulers.Tests.Slurm;

public sealed class SlurmJobJournalTests
{
    [Fact]
    public async Task Rows_survive_a_reopen_and_a_rewrite_replaces_the_row()
    {
        using var directory = new TempDirectory();
        var journal = new SlurmJobJournal(directory.Path);
        var row = new JournalJob("al-1", ["a", "b"], [1, 2], JournalJobState.Submitting, null, 1000, [], null);
        await journal.WriteAsync(row, CancellationToken.None);
        await journal.WriteAsync(row with { Name = "al-0", CreatedUnixMilliseconds = 500 }, CancellationToken.None);
        await journal.WriteAsync(row with { State = JournalJobState.Submitted, JobId = "42" }, CancellationToken.None);

        var rows = new SlurmJobJournal(directory.Path).Load();

        rows.Select(r => r.Name).Should().Equal("al-0", "al-1");
        rows[1].State.Should().Be(JournalJobState.Submitted);
        rows[1].JobId.Should().Be("42");
        rows[1].Tasks.Should().Equal("a", "b");
        rows[1].Attempts.Should().Equal(1, 2);
        rows[1].IsActive.Should().BeTrue();
        directory.FileNames().Should().Equal("al-0.json", "al-1.json");
    }

    [Fact]
    public async Task A_deleted_row_is_gone_and_temporary_files_of_an_interrupted_write_are_ignored()
    {
        using var directory = new TempDirectory();
        var journal = new SlurmJobJournal(directory.Path);
        await journal.WriteAsync(new JournalJob("al-1", ["a"], [1], JournalJobState.Ended, "7", 1, ["a"], "TIMEOUT"), CancellationToken.None);
        await journal.WriteAsync(new JournalJob("al-2", ["b"], [1], JournalJobState.Submitting, null, 2, [], null), CancellationToken.None);
        File.WriteAllText(directory.File(".al-3.json.tmp-0123"), "{ half a row");
        journal.Delete("al-2");

        var rows = journal.Load();

        rows.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "al-1", State = JournalJobState.Ended, EndState = "TIMEOUT" });
        rows[0].IsActive.Should().BeFalse();
        rows[0].FailedTasks.Should().Equal("a");
    }
}
