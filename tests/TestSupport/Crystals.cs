using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.TestSupport;

/// <summary>Ideal crystals for tests, and the Lennard-Jones argon of the dynamics and relaxation tests.</summary>
public static class Crystals
{
    /// <summary>Lennard-Jones argon: ε = 0.0104 eV, σ = 3.4 Å, cut (unshifted) at 8.5 Å, as LAMMPS <c>lj/cut 8.5</c>.</summary>
    public static LennardJones Argon { get; } = new([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 8.5);

    /// <summary>fcc in its conventional cubic cell (4 atoms) repeated <paramref name="repeats"/> times along each axis.</summary>
    public static Structure FccCubic(int element, double latticeConstant, int repeats = 1) =>
        Cubic(element, latticeConstant, repeats, [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)]);

    /// <summary>bcc in its conventional cubic cell (2 atoms) repeated <paramref name="repeats"/> times along each axis.</summary>
    public static Structure BccCubic(int element, double latticeConstant, int repeats = 1) =>
        Cubic(element, latticeConstant, repeats, [new(0, 0, 0), new(0.5, 0.5, 0.5)]);

    /// <summary>fcc in its one-atom primitive (rhombohedral) cell.</summary>
    public static Structure FccPrimitive(int element, double latticeConstant)
    {
        var h = latticeConstant / 2;
        var cell = new Cell(new Vec3(0, h, h), new Vec3(h, 0, h), new Vec3(h, h, 0));
        return new Structure(cell, Pbc.All, [element], [Vec3.Zero]);
    }

    private static Structure Cubic(int element, double latticeConstant, int repeats, Vec3[] basis)
    {
        var positions = new List<Vec3>();
        for (var x = 0; x < repeats; x++)
        {
            for (var y = 0; y < repeats; y++)
            {
                for (var z = 0; z < repeats; z++)
                {
                    foreach (var b in basis)
                    {
                        positions.Add((b + new Vec3(x, y, z)) * latticeConstant);
                    }
                }
            }
        }

        var numbers = new int[positions.Count];
        Array.Fill(numbers, element);
        var length = latticeConstant * repeats;
        return new Structure(Cell.Orthorhombic(length, length, length), Pbc.All, numbers, [.. positions]);
    }
}
