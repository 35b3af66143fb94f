using ActiveLearning.Atomistics;

namespace ActiveLearning.TestSupport;

/// <summary>Diamond and zincblende crystals (diamond is zincblende with one element) and homogeneous strains of them.</summary>
public static class Zincblende
{
    /// <summary>The 8-atom cubic cell of lattice constant <paramref name="a"/> Å: four <paramref name="first"/> on the fcc sites, four <paramref name="second"/> a quarter diagonal along.</summary>
    public static Structure Conventional(double a, int first, int second)
    {
        Vec3[] fcc = [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)];
        var positions = new Vec3[8];
        var numbers = new int[8];
        for (var s = 0; s < 4; s++)
        {
            positions[2 * s] = a * fcc[s];
            positions[(2 * s) + 1] = a * (fcc[s] + new Vec3(0.25, 0.25, 0.25));
            numbers[2 * s] = first;
            numbers[(2 * s) + 1] = second;
        }

        return new Structure(Cell.Orthorhombic(a, a, a), Pbc.All, numbers, positions);
    }

    /// <summary>The 2-atom primitive (fcc) cell of lattice constant <paramref name="a"/> Å.</summary>
    public static Structure Primitive(double a, int first, int second)
    {
        var half = a / 2;
        var cell = new Cell(new Vec3(0, half, half), new Vec3(half, 0, half), new Vec3(half, half, 0));
        return new Structure(cell, Pbc.All, [first, second], [Vec3.Zero, new Vec3(a / 4, a / 4, a / 4)]);
    }

    /// <summary>The structure deformed homogeneously by I + ε with each component of ε uniform in ±<paramref name="magnitude"/>.</summary>
    public static Structure Strained(Random random, Structure structure, double magnitude)
    {
        var values = new double[9];
        for (var c = 0; c < 9; c++)
        {
            values[c] = (c % 4 == 0 ? 1 : 0) + (magnitude * ((2 * random.NextDouble()) - 1));
        }

        var deformation = Mat3.FromRowMajor(values);
        var strained = structure.Clone();
        strained.Cell = structure.Cell.Deform(deformation);
        for (var i = 0; i < strained.Count; i++)
        {
            strained.Positions[i] = deformation * structure.Positions[i];
        }

        return strained;
    }

    /// <summary>The structure repeated <paramref name="na"/> × <paramref name="nb"/> × <paramref name="nc"/> times.</summary>
    public static Structure Repeated(Structure structure, int na, int nb, int nc)
    {
        var count = structure.Count * na * nb * nc;
        var numbers = new int[count];
        var positions = new Vec3[count];
        var atom = 0;
        for (var x = 0; x < na; x++)
        {
            for (var y = 0; y < nb; y++)
            {
                for (var z = 0; z < nc; z++)
                {
                    var shift = structure.Cell.ToCartesian(new Vec3(x, y, z));
                    for (var i = 0; i < structure.Count; i++, atom++)
                    {
                        numbers[atom] = structure.AtomicNumbers[i];
                        positions[atom] = structure.Positions[i] + shift;
                    }
                }
            }
        }

        var cell = new Cell(structure.Cell.A * na, structure.Cell.B * nb, structure.Cell.C * nc);
        return new Structure(cell, Pbc.All, numbers, positions);
    }
}
