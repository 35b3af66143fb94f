using ActiveLearning.Atomistics;

namespace ActiveLearning.TestSupport;

/// <summary>Reproducible random structures for tests: skewed triclinic cells, several species, optional labels.</summary>
public static class RandomStructures
{
    /// <summary>
    /// A random triclinic cell: lengths in [minLength, maxLength] Å, angles in [minAngle, 180 − minAngle]°, randomly
    /// rotated (so it is not in LAMMPS' standard orientation unless <paramref name="standardOrientation"/>).
    /// </summary>
    public static Cell TriclinicCell(Random random, double minLength = 3, double maxLength = 9, double minAngle = 50, bool standardOrientation = false)
    {
        while (true)
        {
            double Length() => minLength + (random.NextDouble() * (maxLength - minLength));
            double Angle() => minAngle + (random.NextDouble() * (180 - (2 * minAngle)));
            try
            {
                var cell = Cell.FromParameters(Length(), Length(), Length(), Angle(), Angle(), Angle());
                if (cell.Volume < 0.2 * cell.Lengths.X * cell.Lengths.Y * cell.Lengths.Z)
                {
                    continue;
                }

                return standardOrientation ? cell : new Cell(cell.Matrix * RandomRotation(random).Transpose());
            }
            catch (ArgumentException)
            {
                // The three angles did not close a cell; draw again.
            }
        }
    }

    /// <summary>A random proper rotation matrix.</summary>
    public static Mat3 RandomRotation(Random random)
    {
        // Random unit quaternion.
        double u1 = random.NextDouble(), u2 = random.NextDouble(), u3 = random.NextDouble();
        double a = Math.Sqrt(1 - u1) * Math.Sin(2 * Math.PI * u2), b = Math.Sqrt(1 - u1) * Math.Cos(2 * Math.PI * u2);
        double c = Math.Sqrt(u1) * Math.Sin(2 * Math.PI * u3), d = Math.Sqrt(u1) * Math.Cos(2 * Math.PI * u3);
        return new Mat3(
            1 - (2 * ((c * c) + (d * d))), 2 * ((b * c) - (a * d)), 2 * ((b * d) + (a * c)),
            2 * ((b * c) + (a * d)), 1 - (2 * ((b * b) + (d * d))), 2 * ((c * d) - (a * b)),
            2 * ((b * d) - (a * c)), 2 * ((c * d) + (a * b)), 1 - (2 * ((b * b) + (c * c))));
    }

    /// <summary>
    /// A periodic structure with <paramref name="atoms"/> atoms of the given species at random fractional positions in a
    /// random triclinic cell, with reference and calculated labels when asked.
    /// </summary>
    public static Structure Periodic(
        Random random, int atoms, int[] species, bool withLabels = true, bool standardOrientation = false, Cell? cell = null)
    {
        cell ??= TriclinicCell(random, standardOrientation: standardOrientation);
        var numbers = new int[atoms];
        var positions = new Vec3[atoms];
        for (var i = 0; i < atoms; i++)
        {
            numbers[i] = species[random.Next(species.Length)];
            positions[i] = cell.ToCartesian(new Vec3(random.NextDouble(), random.NextDouble(), random.NextDouble()));
        }

        var structure = new Structure(cell, Pbc.All, numbers, positions);
        if (withLabels)
        {
            structure.Reference = RandomLabels(random, atoms);
            structure.Calculated = RandomLabels(random, atoms);
        }

        return structure;
    }

    /// <summary>
    /// A periodic structure with atoms placed at random but no two (or an atom and its image) closer than
    /// <paramref name="minSeparation"/> Å, as physical structures are; fails if the cell is too small to fit them.
    /// </summary>
    public static Structure Spread(Random random, Cell cell, int atoms, int[] species, double minSeparation)
    {
        if (ShortestTranslation(cell) < minSeparation)
        {
            throw new InvalidOperationException($"{cell} is too small: an atom would be within {minSeparation} Å of its own image.");
        }

        var positions = new List<Vec3>(atoms);
        for (var attempt = 0; positions.Count < atoms; attempt++)
        {
            if (attempt > 100_000)
            {
                throw new InvalidOperationException($"Could not place {atoms} atoms {minSeparation} Å apart in {cell}.");
            }

            var candidate = cell.ToCartesian(new Vec3(random.NextDouble(), random.NextDouble(), random.NextDouble()));
            var fits = true;
            foreach (var placed in positions)
            {
                if (!Fits(cell, candidate, placed, minSeparation))
                {
                    fits = false;
                    break;
                }
            }

            if (fits)
            {
                positions.Add(candidate);
            }
        }

        var numbers = new int[atoms];
        for (var i = 0; i < atoms; i++)
        {
            numbers[i] = species[random.Next(species.Length)];
        }

        return new Structure(cell, Pbc.All, numbers, [.. positions]);
    }

    private static bool Fits(Cell cell, Vec3 a, Vec3 b, double minSeparation) =>
        cell.MinimumImage(a - b, Pbc.All).Length >= minSeparation;

    // An atom's own images are a lattice translation away: the shortest one must exceed the separation too.
    private static double ShortestTranslation(Cell cell)
    {
        var shortest = double.MaxValue;
        for (var i = -1; i <= 1; i++)
        {
            for (var j = -1; j <= 1; j++)
            {
                for (var k = -1; k <= 1; k++)
                {
                    if ((i, j, k) != (0, 0, 0))
                    {
                        shortest = Math.Min(shortest, cell.ToCartesian(new Vec3(i, j, k)).Length);
                    }
                }
            }
        }

        return shortest;
    }

    /// <summary>Displaces every atom by a Gaussian of standard deviation <paramref name="sigma"/> Å per component.</summary>
    public static Structure Rattled(Random random, Structure structure, double sigma)
    {
        var copy = structure.Clone();
        for (var i = 0; i < copy.Count; i++)
        {
            copy.Positions[i] += new Vec3(Gaussian(random), Gaussian(random), Gaussian(random)) * sigma;
        }

        return copy;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Random energy (eV), forces (eV/Å) and symmetric stress (eV/Å³) of full double precision.</summary>
    public static LabelSet RandomLabels(Random random, int atoms)
    {
        var forces = new Vec3[atoms];
        for (var i = 0; i < atoms; i++)
        {
            forces[i] = new Vec3(Signed(random), Signed(random), Signed(random));
        }

        var stress = Mat3.FromVoigt(
            0.01 * Signed(random), 0.01 * Signed(random), 0.01 * Signed(random),
            0.01 * Signed(random), 0.01 * Signed(random), 0.01 * Signed(random));
        return new LabelSet(-5 * atoms * (1 + random.NextDouble()), forces, stress);
    }

    private static double Signed(Random random) => (2 * random.NextDouble()) - 1;
}
