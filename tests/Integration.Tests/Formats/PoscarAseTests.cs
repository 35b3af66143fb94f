using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Vasp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

/// <summary>ASE 3.22 as referee for POSCAR: it reads what we write, and we read what it writes.</summary>
public sealed class PoscarAseTests
{
    // What ASE reads from a POSCAR: cell, Cartesian positions, atomic numbers, pbc and, per atom, which axes its
    // constraints fix (FixAtoms: all three; FixScaled: its mask).
    private const string DescribeFunction =
        """
        import sys, json
        import numpy as np
        from ase import Atoms
        from ase.io import read, write
        from ase.constraints import FixAtoms, FixScaled, FixCartesian

        def describe(path):
            atoms = read(path, format='vasp')
            fixed = [[False] * 3 for _ in range(len(atoms))]
            for constraint in atoms.constraints:
                if isinstance(constraint, FixAtoms):
                    for i in constraint.index:
                        fixed[int(i)] = [True] * 3
                elif isinstance(constraint, FixScaled):
                    fixed[int(constraint.a)] = [bool(x) for x in constraint.mask]
                else:
                    raise SystemExit('unexpected constraint ' + type(constraint).__name__)
            return json.dumps({'cell': atoms.cell.array.tolist(), 'positions': atoms.positions.tolist(),
                               'numbers': atoms.numbers.tolist(), 'pbc': atoms.pbc.tolist(), 'fixed': fixed})

        """;

    private const string AseReadScript = DescribeFunction + "print(describe(sys.argv[1]))\n";

    // A triclinic cell with unsorted, repeating species and FixAtoms, FixScaled and FixCartesian constraints, written
    // by ASE's POSCAR writer; prints what ASE reads back from that file.
    private const string AseWriteScript = DescribeFunction +
        """
        path, direct, vasp5 = sys.argv[1], sys.argv[2] == 'direct', sys.argv[3] == 'vasp5'
        rng = np.random.default_rng(7)
        cell = [[5.1, 0.2, -0.3], [1.4, 4.7, 0.5], [-0.8, 1.1, 6.2]]
        atoms = Atoms(['Si', 'O', 'O', 'Si', 'Fe', 'O', 'H', 'Si'], cell=cell, pbc=True)
        atoms.set_scaled_positions(rng.random((len(atoms), 3)))
        atoms.set_constraint([FixAtoms(indices=[0, 5]), FixScaled(atoms.cell, 2, [True, False, True]),
                              FixCartesian(3, [False, True, False])])
        write(path, atoms, format='vasp', direct=direct, vasp5=vasp5, sort=False)
        print(describe(path))

        """;

    private sealed record AseView(double[][] Cell, double[][] Positions, int[] Numbers, bool[] Pbc, bool[][] Fixed);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private static AseView Parse(string output) => JsonSerializer.Deserialize<AseView>(output, Json)!;

    [Fact]
    public async Task Ase_reads_our_poscars_with_the_same_cell_atoms_order_and_constraints()
    {
        using var directory = new TempDirectory();
        var random = new Random(99);
        for (var trial = 0; trial < 4; trial++)
        {
            var structure = RandomStructures.Periodic(random, 9, [14, 8, 26], withLabels: false);
            var flags = new bool[3 * structure.Count];
            for (var i = 0; i < flags.Length; i++)
            {
                flags[i] = random.Next(3) != 0;
            }

            flags.AsSpan(0, 3).Fill(false);
            structure.SetArray(AtomArray.OfBooleans(PoscarFormat.MoveMaskArrayName, 3, flags));
            var path = directory.File($"trial{trial}.vasp");
            StructureFiles.Write(path, [structure], new PoscarFormat());

            var ase = Parse(await Ase.RunAsync(AseReadScript, path));

            ase.Numbers.Should().Equal(structure.AtomicNumbers);
            ase.Pbc.Should().Equal(true, true, true);
            for (var atom = 0; atom < structure.Count; atom++)
            {
                ase.Positions[atom].Should().Equal(
                    [structure.Positions[atom].X, structure.Positions[atom].Y, structure.Positions[atom].Z],
                    "ASE parses the same digits into the same doubles");
                ase.Fixed[atom].Should().Equal(!flags[3 * atom], !flags[(3 * atom) + 1], !flags[(3 * atom) + 2]);
            }

            for (var row = 0; row < 3; row++)
            {
                ase.Cell[row].Should().Equal(structure.Cell[row].X, structure.Cell[row].Y, structure.Cell[row].Z);
            }
        }
    }

    [Theory]
    [InlineData("direct", "vasp5")]
    [InlineData("cartesian", "vasp5")]
    [InlineData("direct", "vasp4")]
    [InlineData("cartesian", "vasp4")]
    public async Task We_read_ases_poscars_as_ase_reads_them(string coordinates, string layout)
    {
        using var directory = new TempDirectory();
        var path = directory.File("POSCAR");

        var ase = Parse(await Ase.RunAsync(AseWriteScript, path, coordinates, layout));
        var structure = StructureFiles.ReadAll(path).Single();

        File.ReadAllText(path).Should().Contain("Selective dynamics");
        structure.AtomicNumbers.Should().Equal(ase.Numbers);
        structure.Pbc.Should().Be(Pbc.All);
        for (var row = 0; row < 3; row++)
        {
            StructureAssert.Close(
                [new Vec3(ase.Cell[row][0], ase.Cell[row][1], ase.Cell[row][2])], [structure.Cell[row]], 1e-12, $"cell row {row}");
        }

        var moveMask = (bool[])structure.FindArray(PoscarFormat.MoveMaskArrayName)!.Data;
        for (var atom = 0; atom < structure.Count; atom++)
        {
            var expected = new Vec3(ase.Positions[atom][0], ase.Positions[atom][1], ase.Positions[atom][2]);
            StructureAssert.Close([expected], [structure.Positions[atom]], 1e-12, $"position {atom}");
            moveMask.AsSpan(3 * atom, 3).ToArray().Should().Equal(
                ase.Fixed[atom].Select(fixedAxis => !fixedAxis), $"atom {atom} is fixed along the same axes");
        }

        ase.Fixed.Count(axes => axes.Any(fixedAxis => fixedAxis)).Should().Be(3, "FixAtoms covers two atoms and FixScaled one");
    }

    [Fact]
    public async Task Converting_a_malformed_poscar_exits_with_2_names_the_line_and_leaves_no_output()
    {
        using var directory = new TempDirectory();
        var input = directory.File("bad.vasp");
        var output = directory.File("out.vasp");
        await File.WriteAllTextAsync(input, "Si\n1.0\n5 0 0\n0 5 0\n0 0 5\nSi\n2\nDirect\n0 0 0\n0.5 0.5 x\n");

        var result = await Al.RunAsync("convert", input, output);

        result.ExitCode.Should().Be(2);
        result.StandardError.Should().Contain($"{input}:10: ").And.Contain("'x' is not a number");
        directory.FileNames().Should().Equal("bad.vasp");
    }

    [Fact]
    public async Task Converting_a_poscar_to_a_poscar_keeps_it()
    {
        using var directory = new TempDirectory();
        var input = directory.File("POSCAR");
        var output = directory.File("copy.vasp");
        await File.WriteAllTextAsync(input, "Fe O\n1.0\n4 0 0\n0 4 0\n0 0 4\n1 1\nSelective\nDirect\n0 0 0 F F T\n0.5 0.5 0.5 T T T\n");

        var result = await Al.RunAsync("convert", input, output);

        result.ExitCode.Should().Be(0, result.StandardError);
        var original = StructureFiles.ReadAll(input).Single();
        var copy = StructureFiles.ReadAll(output).Single();
        StructureAssert.Equivalent(original, copy, 0);
        ((bool[])copy.FindArray(PoscarFormat.MoveMaskArrayName)!.Data).Should().Equal(false, false, true, true, true, true);
    }
}
