using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

/// <summary>
/// LAMMPS itself (Debian's <c>lammps</c> package, <c>lmp</c>) reads the data file we write and writes a dump and a data
/// file back, which we read. A missing <c>lmp</c> fails the tests: the referee must never be skipped silently.
/// </summary>
public class LammpsExecutableTests
{
    private static readonly int[] Species = [14, 8, 1];

    [Fact]
    public async Task Lammps_reads_our_data_file_and_we_read_its_dump_and_data_file()
    {
        using var directory = new TempDirectory();
        var random = new Random(41);

        // Tilts below half the box lengths: LAMMPS before 2023 refuses more skew unless told 'box tilt large'.
        var cell = new Cell(Cell.FromParameters(5.5, 6, 6.5, 80, 100, 75).Matrix * RandomStructures.RandomRotation(random).Transpose());
        var structure = RandomStructures.Periodic(random, 24, Species, withLabels: false, cell: cell);
        structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces!.Select(v => 0.01 * v).ToArray();

        // Some atoms outside the cell: LAMMPS wraps them and keeps image flags, which both files must undo.
        structure.Positions[0] += 1.5 * cell.A - cell.C;
        structure.Positions[1] -= 2 * cell.B;
        StructureFiles.Write(directory.File("in.data"), [structure], new LammpsDataFormat());
        var input = """
            units metal
            atom_style atomic
            boundary p p p
            read_data in.data
            pair_style zero 4.0
            pair_coeff * *
            run 0
            write_dump all custom out.dump id type element xu yu zu vx vy vz modify sort id element Si O H format float %.17g
            write_data out.data
            """;
        await File.WriteAllTextAsync(directory.File("in.lmp"), input);

        await Lammps.RunAsync(directory.Path, "in.lmp");

        var expected = LammpsBox.ToStandardOrientation(structure);
        var dumped = StructureFiles.ReadAll(directory.File("out.dump")).Should().ContainSingle().Subject;
        StructureAssert.Equivalent(expected, dumped, 1e-10);
        dumped.Info["timestep"].AsInteger().Should().Be(0);

        // write_data gives wrapped positions with image flags, masses without element names, and a Pair Coeffs section.
        var written = StructureFiles.ReadAll(directory.File("out.data")).Should().ContainSingle().Subject;
        StructureAssert.Equivalent(expected, written, 1e-10);
    }
}
