using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

/// <summary><c>al convert</c> with MLIP-2 <c>.cfg</c> files.</summary>
public sealed class MlipCfgCliTests
{
    private const string TwoFrames =
        """
        BEGIN_CFG
         Size
            2
         Supercell
            5.43 0.0 0.0
            0.0 5.43 0.0
            0.0 0.0 5.43
         AtomData:  id type cartes_x cartes_y cartes_z fx fy fz
            1 0 0.0 0.0 0.0 0.1 0.2 0.3
            2 1 1.3575 1.3575 1.3575 -0.1 -0.2 -0.3
         Energy
            -10.84
        END_CFG

        BEGIN_CFG
         Size
            1
         Supercell
            3.0 0.0 0.0
            0.0 3.0 0.0
            0.0 0.0 3.0
         AtomData:  id type cartes_x cartes_y cartes_z
            1 1 0.0 0.0 0.0

        """;

    [Fact]
    public async Task Converting_a_malformed_cfg_exits_with_2_names_the_line_and_leaves_no_output()
    {
        using var directory = new TempDirectory();
        var input = directory.File("bad.cfg");
        var output = directory.File("out.cfg");
        await File.WriteAllTextAsync(input, TwoFrames);

        var result = await Al.RunAsync("convert", input, output, "--species-map", "Si,O");

        result.ExitCode.Should().Be(2);
        result.StandardError.Should().Contain($"{input}:24: ").And.Contain("END_CFG");
        directory.FileNames().Should().Equal("bad.cfg");
    }

    [Fact]
    public async Task A_cfg_without_species_needs_the_species_map_option_and_then_keeps_it_in_the_output()
    {
        using var directory = new TempDirectory();
        var input = directory.File("train.cfg");
        var output = directory.File("copy.cfg");
        await File.WriteAllTextAsync(input, TwoFrames + "END_CFG\n");

        var refused = await Al.RunAsync("convert", input, output);
        var converted = await Al.RunAsync("convert", input, output, "--species-map", "Si,O");

        refused.ExitCode.Should().Be(2);
        refused.StandardError.Should().Contain($"{input}:8: ").And.Contain("--species-map");
        converted.ExitCode.Should().Be(0, converted.StandardError);
        var frames = StructureFiles.ReadAll(output);
        frames.Select(frame => frame.AtomicNumbers).Should().BeEquivalentTo(new[] { new[] { 14, 8 }, new[] { 8 } }, o => o.WithStrictOrdering());
        frames[0].Calculated!.Energy.Should().Be(-10.84);
    }

    [Fact]
    public async Task A_poscar_converted_to_cfg_and_back_is_unchanged()
    {
        using var directory = new TempDirectory();
        var poscar = directory.File("POSCAR");
        var cfg = directory.File("cell.cfg");
        var back = directory.File("back.vasp");
        await File.WriteAllTextAsync(poscar, "x\n1.0\n4.1 0.2 0\n0.3 3.9 0\n0.1 0.2 5.0\nO Si O\n1 2 1\nDirect\n0 0 0\n0.5 0.5 0.5\n0.25 0.5 0.75\n0.1 0.2 0.3\n");

        (await Al.RunAsync("convert", poscar, cfg)).ExitCode.Should().Be(0);
        (await Al.RunAsync("convert", cfg, back)).ExitCode.Should().Be(0);

        var original = StructureFiles.ReadAll(poscar).Single();
        StructureAssert.Equivalent(original, StructureFiles.ReadAll(back).Single(), 0);
        (await File.ReadAllTextAsync(cfg)).Should().Contain("species_map\tO,Si");
    }
}
