using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

/// <summary>ASE 3.22.1 as the referee: it reads the LAMMPS files we write, and we read the data files it writes.</summary>
public class LammpsAseTests
{
    private static readonly int[] Species = [14, 8, 1];

    // ASE keeps LAMMPS types as atomic numbers when it reads a data file (no Z_of_type), and the file's masses.
    private const string ReadDataScript = """
        import json, sys
        import ase.io, ase.units as units
        atoms = ase.io.read(sys.argv[1], format='lammps-data', style='atomic', units='metal')
        print(json.dumps({
            'cell': atoms.cell.array.tolist(),
            'pbc': atoms.pbc.tolist(),
            'positions': atoms.positions.tolist(),
            'types': atoms.arrays['type'].tolist(),
            'masses': atoms.get_masses().tolist(),
            'velocities': (atoms.get_velocities() * units.fs).tolist(),
        }))
        """;

    [Fact]
    public async Task Ase_reads_our_data_file_in_standard_orientation_with_types_masses_and_velocities()
    {
        using var directory = new TempDirectory();
        var random = new Random(31);
        var structure = RandomStructures.Periodic(random, 17, Species, withLabels: false);
        structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces!.Select(v => 0.02 * v).ToArray();
        var path = directory.File("si-o-h.data");
        StructureFiles.Write(path, [structure], new LammpsDataFormat());

        using var ase = JsonDocument.Parse(await Ase.RunAsync(ReadDataScript, path));

        var expected = LammpsBox.ToStandardOrientation(structure);
        var root = ase.RootElement;
        StructureAssert.Close(expected.Cell.Matrix, Matrix(root.GetProperty("cell")), 1e-12, "cell");
        StructureAssert.Close(expected.Positions, Vectors(root.GetProperty("positions")), 1e-12, "positions");
        StructureAssert.Close(expected.Velocities!, Vectors(root.GetProperty("velocities")), 1e-12, "velocities");
        root.GetProperty("pbc").EnumerateArray().Select(p => p.GetBoolean()).Should().Equal(true, true, true);

        // Types are numbered in order of first appearance, and each type's mass is its element's.
        var firstSeen = structure.AtomicNumbers.Distinct().ToList();
        var types = root.GetProperty("types").EnumerateArray().Select(t => t.GetInt32()).ToList();
        types.Should().Equal(structure.AtomicNumbers.Select(z => firstSeen.IndexOf(z) + 1));
        var masses = root.GetProperty("masses").EnumerateArray().Select(m => m.GetDouble()).ToList();
        for (var i = 0; i < structure.Count; i++)
        {
            // ASE converts amu through SI constants, which moves masses by 3e-10 relative.
            masses[i].Should().BeApproximately(Elements.Mass(structure.AtomicNumbers[i]), 1e-9 * masses[i]);
        }
    }

    private const string ReadDumpScript = """
        import json, sys
        import ase.io, ase.units as units
        frames = ase.io.read(sys.argv[1], format='lammps-dump-text', index=':')
        print(json.dumps([{
            'cell': a.cell.array.tolist(),
            'celldisp': a.get_celldisp().ravel().tolist(),
            'pbc': a.pbc.tolist(),
            'positions': a.positions.tolist(),
            'symbols': a.get_chemical_symbols(),
            'velocities': (a.get_velocities() * units.fs).tolist(),
            'forces': a.get_forces().tolist(),
            'c_pe': a.arrays['c_pe'].ravel().tolist(),
        } for a in frames]))
        """;

    [Fact]
    public async Task Ase_reads_every_frame_of_our_dump_with_elements_forces_velocities_and_extra_columns()
    {
        using var directory = new TempDirectory();
        var random = new Random(32);
        var structures = new List<Structure>();
        for (var frame = 0; frame < 4; frame++)
        {
            var structure = RandomStructures.Periodic(random, 5 + frame, Species);
            structure.Pbc = new Pbc(true, frame % 2 == 0, true);
            structure.Velocities = RandomStructures.RandomLabels(random, structure.Count).Forces!.Select(v => 0.01 * v).ToArray();
            structure.SetArray(AtomArray.OfReals("c_pe", 1, [.. structure.Positions.Select(p => -p.Length)]));
            structures.Add(structure);
        }

        var path = directory.File("md.lammpstrj");
        StructureFiles.Write(path, structures, new LammpsDumpFormat());

        using var ase = JsonDocument.Parse(await Ase.RunAsync(ReadDumpScript, path));

        var frames = ase.RootElement.EnumerateArray().ToList();
        frames.Should().HaveCount(structures.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            var expected = LammpsBox.ToStandardOrientation(structures[i]);
            var frame = frames[i];
            StructureAssert.Close(expected.Cell.Matrix, Matrix(frame.GetProperty("cell")), 1e-12, $"frame {i} cell");
            StructureAssert.Close([Vec3.Zero], [Vector(frame.GetProperty("celldisp"))], 1e-12, $"frame {i} origin");
            StructureAssert.Close(expected.Positions, Vectors(frame.GetProperty("positions")), 1e-12, $"frame {i} positions");
            StructureAssert.Close(expected.Velocities!, Vectors(frame.GetProperty("velocities")), 1e-12, $"frame {i} velocities");
            StructureAssert.Close(expected.Reference!.Forces!, Vectors(frame.GetProperty("forces")), 1e-12, $"frame {i} forces");
            frame.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()).Should()
                .Equal(expected.AtomicNumbers.Select(Elements.Symbol));
            frame.GetProperty("pbc").EnumerateArray().Select(p => p.GetBoolean()).Should()
                .Equal(expected.Pbc.A, expected.Pbc.B, expected.Pbc.C);
            frame.GetProperty("c_pe").EnumerateArray().Select(e => e.GetDouble()).Should()
                .Equal((double[])expected.FindArray("c_pe")!.Data);
        }
    }

    // A cell with small tilts (so ASE's Prism does not flip it), turned by a random rotation; ASE writes it in its own
    // LAMMPS frame and reports that frame, which is what the file must hold.
    private const string WriteDataScript = """
        import json, sys
        import numpy as np
        import ase.io, ase.units as units
        from ase import Atoms
        from ase.calculators.lammps import Prism
        rng = np.random.default_rng(int(sys.argv[2]))
        q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        if np.linalg.det(q) < 0:
            q[:, 0] *= -1
        cell = np.array([[6.0, 0, 0], [1.2, 5.5, 0], [-0.8, 0.9, 7.0]]) @ q.T
        n = 13
        atoms = Atoms(symbols=rng.choice(['Si', 'O', 'H'], n), positions=(rng.random((n, 3)) * 1.4 - 0.2) @ cell,
                      cell=cell, pbc=True)
        atoms.set_velocities(rng.normal(size=(n, 3)) * 0.01 / units.fs)
        ase.io.write(sys.argv[1], atoms, format='lammps-data', atom_style='atomic', specorder=['O', 'Si', 'H'],
                     velocities=True, units='metal')
        prism = Prism(atoms.get_cell())
        xhi, yhi, zhi, xy, xz, yz = prism.get_lammps_prism()
        print(json.dumps({
            'numbers': atoms.numbers.tolist(),
            'original_positions': atoms.positions.tolist(),
            'cell': [[xhi, 0, 0], [xy, yhi, 0], [xz, yz, zhi]],
            'positions': prism.vector_to_lammps(atoms.positions).tolist(),
            'velocities': (prism.vector_to_lammps(atoms.get_velocities()) * units.fs).tolist(),
        }))
        """;

    [Fact]
    public async Task We_read_the_data_file_ase_writes_given_its_species_order()
    {
        using var directory = new TempDirectory();
        var path = directory.File("from-ase.lmp");

        using var ase = JsonDocument.Parse(await Ase.RunAsync(WriteDataScript, path, "7"));

        var options = new FormatOptions { SpeciesMap = [8, 14, 1] };
        var structure = StructureFiles.ReadAll(path, options: options).Should().ContainSingle().Subject;
        var root = ase.RootElement;
        structure.AtomicNumbers.Should().Equal(root.GetProperty("numbers").EnumerateArray().Select(n => n.GetInt32()));
        structure.Pbc.Should().Be(Pbc.All);
        StructureAssert.Close(Matrix(root.GetProperty("cell")), structure.Cell.Matrix, 1e-14, "cell");
        StructureAssert.Close(Vectors(root.GetProperty("positions")), structure.Positions, 1e-14, "positions");
        StructureAssert.Close(Vectors(root.GetProperty("velocities")), structure.Velocities!, 1e-14, "velocities");

        // Whatever frame ASE chose, it is a rigid turn of the atoms ASE started from.
        var original = Vectors(root.GetProperty("original_positions"));
        for (var i = 0; i < original.Count; i++)
        {
            for (var j = i + 1; j < original.Count; j++)
            {
                (structure.Positions[i] - structure.Positions[j]).Length.Should()
                    .BeApproximately((original[i] - original[j]).Length, 1e-10);
            }
        }

        // ASE writes no Masses section, so without the species order the elements cannot be known.
        var read = () => StructureFiles.ReadAll(path);
        read.Should().Throw<StructureFormatException>().WithMessage($"{path}:*--species-map*");
    }

    private static Mat3 Matrix(JsonElement rows)
    {
        var vectors = Vectors(rows);
        return Mat3.FromRows(vectors[0], vectors[1], vectors[2]);
    }

    private static List<Vec3> Vectors(JsonElement rows) => [.. rows.EnumerateArray().Select(Vector)];

    private static Vec3 Vector(JsonElement row)
    {
        var values = row.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return new Vec3(values[0], values[1], values[2]);
    }
}
