using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class EvalCommandTests
{
    private static List<Structure> SiliconFrames()
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, 3).Select(_ => RandomStructures.Rattled(random, Zincblende.Conventional(5.431, 14, 14), 0.05))];
    }

    [Fact]
    public async Task Writes_the_potentials_energy_forces_and_stress_as_reference_labels()
    {
        using var directory = new TempDirectory();
        var frames = SiliconFrames();
        StructureFiles.Write(directory.File("in.extxyz"), frames, StructureFormats.FindByName("extxyz")!);

        var result = await Run("eval", "--potential", "sw", directory.File("in.extxyz"), directory.File("out.extxyz"), "--threads", "1");

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardError.Should().Contain("Evaluated 3 structures");
        var labelled = StructureFiles.ReadAll(directory.File("out.extxyz"));
        var evaluation = new Evaluation(1);
        for (var i = 0; i < frames.Count; i++)
        {
            StillingerWeber.Silicon().Compute(frames[i], evaluation);
            labelled[i].Calculated.Should().BeNull();
            StructureAssert.Labels(evaluation.ToLabels(frames[i]), labelled[i].Reference, 1e-12, $"frame {i}");
        }
    }

    [Fact]
    public async Task Can_store_the_results_as_calculated_instead()
    {
        using var directory = new TempDirectory();
        StructureFiles.Write(directory.File("in.extxyz"), SiliconFrames(), StructureFormats.FindByName("extxyz")!);

        var result = await Run("eval", "-p", "tersoff", "--labels", "calculated", directory.File("in.extxyz"), directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        StructureFiles.ReadAll(directory.File("out.extxyz")).Should().AllSatisfy(s =>
        {
            s.Reference.Should().BeNull();
            s.Calculated!.Energy.Should().BeLessThan(0);
        });
    }

    [Theory]
    [InlineData("1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\nSi 0 0 0.001\n", "structure 2: Atoms 1 and 2 overlap")]
    [InlineData("1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi nan 0 0\n", "structure 1: Atom 1 has a non-finite position")]
    [InlineData("1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nC 0 0 0\n", "does not describe C")]
    public async Task Structures_the_potential_cannot_evaluate_are_bad_input_and_leave_no_output(string text, string message)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("in.xyz"), text);

        var result = await Run("eval", "--potential", "sw", directory.File("in.xyz"), directory.File("out.xyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain(message);
        directory.FileNames().Should().Equal("in.xyz");
    }

    [Fact]
    public async Task An_unknown_potential_is_bad_input()
    {
        using var directory = new TempDirectory();
        StructureFiles.Write(directory.File("in.extxyz"), SiliconFrames(), StructureFormats.FindByName("extxyz")!);

        var result = await Run("eval", "--potential", "no-such-potential", directory.File("in.extxyz"), directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("'no-such-potential'");
    }
}
