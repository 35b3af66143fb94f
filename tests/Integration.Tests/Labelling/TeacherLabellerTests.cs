using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>The teacher labeller (indirect learning) labels like LAMMPS evaluating the same teacher, and refuses what the teacher cannot do.</summary>
public sealed class TeacherLabellerTests
{
    private const string SiliconFile = "/usr/share/lammps/potentials/Si.sw";

    [Fact]
    public async Task Stillinger_Weber_teacher_labels_agree_with_lammps_and_a_foreign_element_fails_without_stopping_the_batch()
    {
        var teacher = StillingerWeber.FromFile(SiliconFile, ["Si"]);
        var labeller = new TeacherLabeller(teacher, File.ReadAllText(SiliconFile));
        var random = new Random(5);
        var silicon = RandomStructures.Rattled(random, SiliconCells.Si8Rattled(), 0.1);
        var withCarbon = SiliconCells.Si8Rattled();
        withCarbon.AtomicNumbers[3] = 6;
        var lammps = await Lammps.EvaluateAsync(silicon, [14], "pair_style sw", $"pair_coeff * * {SiliconFile} Si");

        var outcomes = await Codes.LabelAllAsync(labeller, [lammps.Structure, withCarbon, lammps.Structure]);

        outcomes.Should().HaveCount(3);
        foreach (var k in (int[])[0, 2])
        {
            var labels = outcomes[k].Labels!;
            Math.Abs(labels.Energy!.Value - lammps.Energy).Should().BeLessThan(1e-6 * silicon.Count);
            StructureAssert.Close(lammps.Forces, labels.Forces!, 1e-6, "forces");
            StructureAssert.Close(lammps.Stress, labels.Stress!.Value, 1e-6, "stress");
            outcomes[k].Provenance.Method.Should().StartWith("teacher:");
            outcomes[k].Provenance.SettingsHash.Should().Be(labeller.SettingsHash);
        }

        outcomes[1].Succeeded.Should().BeFalse();
        outcomes[1].FailureReason.Should().Contain("C");
    }
}
