using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class GenerateCommandsTests
{
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
        structures.Should().OnlyContain(s => s.Count <= 8 && s.Info["generator"].AsString() == "ndsc" && s.Info["config_type"].AsString() == "ndsc");
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

    [Fact]
    public async Task Random_structures_respect_the_minimum_separation_and_volume_window()
    {
        using var directory = new TempDirectory();

        var result = await Run("generate", "random", "--count", "30", "--atoms", "2-8", "--volume", "20", "--min-separation", "2.0", "--seed", "5", "-o", directory.File("random.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var structures = StructureFiles.ReadAll(directory.File("random.extxyz"));
        structures.Should().HaveCount(30);
        foreach (var structure in structures)
        {
            Atomistics.Neighbours.NeighbourList.Build(structure, 2.0).PairCount.Should().Be(0);
            (structure.Cell.Volume / structure.Count).Should().BeInRange(16 - 1e-9, 24 + 1e-9);
        }
    }

    [Fact]
    public async Task An_impossible_random_request_is_refused_at_once()
    {
        using var directory = new TempDirectory();

        var result = await Run("generate", "random", "--volume", "5", "--min-separation", "3.5", "-o", directory.File("random.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("mpossible");
        File.Exists(directory.File("random.extxyz")).Should().BeFalse();
    }

    [Fact]
    public async Task Rattle_strain_and_scale_derive_structures_with_their_parent()
    {
        using var directory = new TempDirectory();
        var primitive = Primitive(directory);

        var rattle = await Run("generate", "rattle", "--input", primitive, "--amount", "0.1", "--copies", "3", "-o", directory.File("rattled.extxyz"));
        var strain = await Run("generate", "strain", "--input", primitive, "--amount", "0.02", "--copies", "2", "-o", directory.File("strained.extxyz"));
        var scale = await Run("generate", "scale", "--input", primitive, "--factors", "0.98,1,1.02", "-o", directory.File("eos.extxyz"));

        new[] { rattle, strain, scale }.Should().OnlyContain(r => r.ExitCode == ExitCodes.Ok);
        var rattled = StructureFiles.ReadAll(directory.File("rattled.extxyz"));
        rattled.Should().HaveCount(3).And.OnlyContain(s => s.Info["parent"].AsString() == "si.vasp#0" && s.Info["config_type"].AsString() == "rattle");
        StructureFiles.ReadAll(directory.File("strained.extxyz")).Should().HaveCount(2);
        var volume = Zincblende.Primitive(5.431, 14, 14).Cell.Volume;
        StructureFiles.ReadAll(directory.File("eos.extxyz")).Select(s => s.Cell.Volume / volume)
            .Should().Equal([0.98 * 0.98 * 0.98, 1.0, 1.02 * 1.02 * 1.02], (x, y) => Math.Abs(x - y) < 1e-12);
    }
}
