using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>The pw.x labeller tells who asks which task labels which structure, for every attempt, before the scheduler runs it.</summary>
public sealed class LabelTaskSubmissionTests
{
    [Fact]
    public async Task Every_attempt_of_every_structure_is_reported_with_the_task_that_ran_it()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        var submissions = new Recorder();
        var labeller = CodeLabellers.QuantumEspresso(Codes.PwSettings, null, scheduler, new CodeLabellerOptions { Submissions = submissions });
        Structure[] structures = [SiliconCells.Si2Rattled(), Codes.Si2Overlapping()];

        var outcomes = await Codes.LabelAllAsync(labeller, structures);

        outcomes[0].Succeeded.Should().BeTrue();
        outcomes[1].Provenance.Attempts.Should().Be(2, "pw.x refuses the overlapping atoms and the crash is retried once");
        submissions.Items.Select(s => (s.Index, s.Attempt)).Should().BeEquivalentTo([(0, 1), (1, 1), (1, 2)]);
        submissions.Items.Should().OnlyContain(s => ReferenceEquals(s.Structure, structures[s.Index]));
        submissions.Items.Select(s => s.Task.Name).Should().OnlyHaveUniqueItems();
        foreach (var outcome in outcomes)
        {
            var last = submissions.Items.Where(s => s.Index == outcome.Index).MaxBy(s => s.Attempt)!;
            Path.GetFileName(outcome.Provenance.WorkDirectory).Should().Be(last.Task.Name, "the outcome comes from the last task reported for its structure");
        }
    }

    private sealed class Recorder : IProgress<LabelTaskSubmission>
    {
        public List<LabelTaskSubmission> Items { get; } = [];

        public void Report(LabelTaskSubmission value)
        {
            lock (Items)
            {
                Items.Add(value);
            }
        }
    }
}
