using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

public class LammpsCliTests
{
    private const string Frame = """
        ITEM: TIMESTEP
        {0}
        ITEM: NUMBER OF ATOMS
        2
        ITEM: BOX BOUNDS pp pp pp
        0 4
        0 4
        0 4
        ITEM: ATOMS id type x y z fx fy fz
        2 2 1 1 1 0.5 0 0
        1 1 0 0 0 -0.5 0 0

        """;

    [Fact]
    public async Task A_malformed_dump_stops_with_exit_code_2_a_file_and_line_and_no_output()
    {
        using var directory = new TempDirectory();
        var input = directory.File("md.dump");
        var truncated = Frame.Replace("{0}", "10", StringComparison.Ordinal)[..^"1 1 0 0 0 -0.5 0 0\n".Length];
        await File.WriteAllTextAsync(input, Frame.Replace("{0}", "0", StringComparison.Ordinal) + truncated);
        var output = directory.File("out.dump");

        var result = await Al.RunAsync("convert", input, output, "--species-map", "Si,O");

        result.ExitCode.Should().Be(2);
        result.StandardError.Should().Contain($"{input}:22: unexpected end of file; expected atom row 2 of 2");
        directory.FileNames().Should().Equal("md.dump");
    }

    [Fact]
    public async Task A_type_only_dump_converts_with_a_species_map_and_keeps_its_forces()
    {
        using var directory = new TempDirectory();
        var input = directory.File("md.dump");
        await File.WriteAllTextAsync(input, Frame.Replace("{0}", "0", StringComparison.Ordinal) + Frame.Replace("{0}", "5", StringComparison.Ordinal));
        var output = directory.File("converted.lammpstrj");

        var missingMap = await Al.RunAsync("convert", input, output);
        missingMap.ExitCode.Should().Be(2);
        missingMap.StandardError.Should().Contain($"{input}:9: ").And.Contain("--species-map");

        var result = await Al.RunAsync("convert", input, output, "--species-map", "Si,O");

        result.ExitCode.Should().Be(0, result.StandardError);
        var frames = StructureFiles.ReadAll(output);
        frames.Select(f => f.Info["timestep"].AsInteger()).Should().Equal(0, 5);
        frames[1].AtomicNumbers.Should().Equal(14, 8);
        frames[1].Calculated!.Forces.Should().Equal(new Vec3(-0.5, 0, 0), new Vec3(0.5, 0, 0));
    }

    [Fact]
    public async Task A_second_structure_for_a_data_file_fails_without_leaving_output()
    {
        using var directory = new TempDirectory();
        var input = directory.File("md.dump");
        await File.WriteAllTextAsync(input, Frame.Replace("{0}", "0", StringComparison.Ordinal) + Frame.Replace("{0}", "5", StringComparison.Ordinal));

        var result = await Al.RunAsync("convert", input, directory.File("out.data"), "--species-map", "Si,O");

        result.ExitCode.Should().Be(2);
        result.StandardError.Should().Contain("a lammps-data file holds one structure");
        directory.FileNames().Should().Equal("md.dump");
    }

    [Fact]
    public async Task A_data_file_converts_to_a_dump_with_elements_from_its_masses()
    {
        using var directory = new TempDirectory();
        var structure = RandomStructures.Periodic(new Random(51), 9, [14, 8], withLabels: false, standardOrientation: true);
        var input = directory.File("in.data");
        StructureFiles.Write(input, [structure], new LammpsDataFormat());
        var output = directory.File("dump.out");

        var result = await Al.RunAsync("convert", input, output);

        result.ExitCode.Should().Be(0, result.StandardError);
        var frame = StructureFiles.ReadAll(output, new LammpsDumpFormat()).Should().ContainSingle().Subject;
        StructureAssert.Equivalent(structure, frame, 1e-10);
    }
}
