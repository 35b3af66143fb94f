using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class GenerateCommandsTests
{
    private static async Task<ProcessResult> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AlCli.RunAsync(args, output, error, TimeProvider.System, CancellationToken.None);
        return new ProcessResult(code, output.ToString(), error.ToString());
    }

    private static string Primitive(TempDirectory directory)
    {
        var path = directory.File("si.vasp");
        StructureFiles.Write(path, [Zincblende.Primitive(5.431, 14, 14)], StructureFormats.FindByName("poscar")!);
        return path;
    }

    [Fact]
    public async Task Ndsc_writes_supercells_that_need_far_fewer_atoms_than_the_diagonal_one()
    {
        using var directory = new TempDirectory();

        var result = await Run("generate", "ndsc", "--primitive", Primitive(directory), "--grid", "4", "--copies", "2", "--seed", "3", "-o", directory.File("ndsc.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardError.Should().Contain("supercells for the 4×4×4 grid").And.Contain("against 128 in the diagonal supercell");
        var structures = StructureFiles.ReadAll(directory.File("ndsc.extxyz"));
        structures.Should().NotBeEmpty();
        structures.Should().OnlyContain(s => s.Count <= 8 && s.Info["generator"].AsString() == "ndsc");
        structures.Count.Should().Be(2 * structures.Select(s => s.Info["ndsc_hnf"].ToString()).Distinct().Count());
    }

    [Theory]
    [InlineData("0", "grid")]
    [InlineData("4,4", "N1,N2,N3")]
    [InlineData("x", "whole numbers")]
    public async Task Impossible_grids_are_bad_input(string grid, string message)
    {
        using var directory = new TempDirectory();

        var result = await Run("generate", "ndsc", "--primitive", Primitive(directory), "--grid", grid, "-o", directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain(message);
        File.Exists(directory.File("out.extxyz")).Should().BeFalse();
    }
}
