using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.TestSupport;

/// <summary>Perfect crystals and the Lennard-Jones argon used by the dynamics and relaxation tests.</summary>
public static class Crystals
{
    /// <summary>Lennard-Jones argon: ε = 0.0104 eV, σ = 3.4 Å, cut (unshifted) at 8.5 Å, as LAMMPS <c>lj/cut 8.5</c>.</summary>
    public static LennardJones Argon { get; } = new([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 8.5);

    /// <summary>An fcc crystal of <paramref name="repeats"/>³ conventional cells (4 atoms each) with lattice constant <paramref name="a"/> Å.</summary>
    public static Structure Fcc(int atomicNumber, double a, int repeats)
    {
        Vec3[] basis = [new(0, 0, 0), new(0.5, 0.5, 0), new(0.5, 0, 0.5), new(0, 0.5, 0.5)];
        var positions = new List<Vec3>();
        for (var i = 0; i < repeats; i++)
        {
            for (var j = 0; j < repeats; j++)
            {
                for (var k = 0; k < repeats; k++)
                {
                    foreach (var b in basis)
                    {
                        positions.Add(a * (new Vec3(i, j, k) + b));
                    }
                }
            }
        }

        var numbers = Enumerable.Repeat(atomicNumber, positions.Count).ToArray();
        return new Structure(Cell.Orthorhombic(repeats * a, repeats * a, repeats * a), Pbc.All, numbers, [.. positions]);
    }
}
