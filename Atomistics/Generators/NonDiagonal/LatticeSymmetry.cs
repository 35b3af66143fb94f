namespace ActiveLearning.Atomistics.Generators.NonDiagonal;

/// <summary>
/// Point-group operations as integer matrices M acting on the lattice rows (A·Wᵀ = M·A for a rotation W), found from the
/// metric G = A·Aᵀ (M·G·Mᵀ = G), and optionally restricted to those that map a crystal onto itself.
/// </summary>
internal static class LatticeSymmetry
{
    public static Mat3 Metric(Cell cell) => cell.Matrix * cell.Matrix.Transpose();

    /// <summary>
    /// The holohedry of the lattice. The search runs in a reduced basis, where every operation has entries in {−1, 0, 1},
    /// and is transformed back to the user's basis, so skewed input bases lose nothing.
    /// </summary>
    public static List<long[,]> LatticePointGroup(Cell cell, double lengthTolerance)
    {
        var metric = Metric(cell);
        var identity = new long[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        var toReduced = LatticeReduction.Reduce(identity, metric);
        var fromReduced = IntegerMatrix.InverseUnimodular(toReduced);
        var reducedMetric = Transform(toReduced, metric);

        var candidates = new List<long[]>();
        for (var code = 0; code < 27; code++)
        {
            long[] v = [(code % 3) - 1, (code / 3 % 3) - 1, (code / 9) - 1];
            if (v[0] != 0 || v[1] != 0 || v[2] != 0)
            {
                candidates.Add(v);
            }
        }

        var lengths = new double[3];
        for (var i = 0; i < 3; i++)
        {
            lengths[i] = Math.Sqrt(reducedMetric[i, i]);
        }

        var rowsFor = new List<long[]>[3];
        for (var i = 0; i < 3; i++)
        {
            rowsFor[i] = candidates.FindAll(v => Math.Abs(Math.Sqrt(LatticeReduction.NormSquared(v, reducedMetric)) - lengths[i]) <= lengthTolerance);
        }

        var operations = new List<long[,]>();
        foreach (var r0 in rowsFor[0])
        {
            foreach (var r1 in rowsFor[1])
            {
                foreach (var r2 in rowsFor[2])
                {
                    var m = new long[,] { { r0[0], r0[1], r0[2] }, { r1[0], r1[1], r1[2] }, { r2[0], r2[1], r2[2] } };
                    if (Math.Abs(IntegerMatrix.Determinant(m)) != 1 || !PreservesMetric(m, reducedMetric, lengths, lengthTolerance))
                    {
                        continue;
                    }

                    operations.Add(IntegerMatrix.Multiply(IntegerMatrix.Multiply(fromReduced, m), toReduced));
                }
            }
        }

        return operations;
    }

    /// <summary>The operations of <paramref name="operations"/> that, with some translation, map the crystal onto itself.</summary>
    public static List<long[,]> CrystalPointGroup(Structure crystal, List<long[,]> operations, double lengthTolerance)
    {
        var fractional = FractionalPositions(crystal);
        return operations.FindAll(m => MapsOntoItself(crystal, fractional, m, lengthTolerance, skipIntegerTranslations: false));
    }

    /// <summary>True when a translation that is not a lattice vector maps the crystal onto itself (the cell is not primitive).</summary>
    public static bool HasFractionalTranslation(Structure crystal, double lengthTolerance)
    {
        var identity = new long[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        return MapsOntoItself(crystal, FractionalPositions(crystal), identity, lengthTolerance, skipIntegerTranslations: true);
    }

    private static Vec3[] FractionalPositions(Structure crystal)
    {
        var fractional = new Vec3[crystal.Count];
        for (var i = 0; i < fractional.Length; i++)
        {
            fractional[i] = crystal.Cell.ToFractional(crystal.Positions[i]);
        }

        return fractional;
    }

    // Fractional rows transform as f' = f·M under the operation; a translation t is tried from atom 0 to each same-species atom.
    private static bool MapsOntoItself(Structure crystal, Vec3[] fractional, long[,] m, double tolerance, bool skipIntegerTranslations)
    {
        var n = fractional.Length;
        var mapped = new Vec3[n];
        for (var i = 0; i < n; i++)
        {
            var f = fractional[i];
            mapped[i] = new Vec3(
                (f.X * m[0, 0]) + (f.Y * m[1, 0]) + (f.Z * m[2, 0]),
                (f.X * m[0, 1]) + (f.Y * m[1, 1]) + (f.Z * m[2, 1]),
                (f.X * m[0, 2]) + (f.Y * m[1, 2]) + (f.Z * m[2, 2]));
        }

        for (var target = 0; target < n; target++)
        {
            if (crystal.AtomicNumbers[target] != crystal.AtomicNumbers[0])
            {
                continue;
            }

            var translation = fractional[target] - mapped[0];
            if (skipIntegerTranslations && IsLatticeVector(crystal.Cell, translation, tolerance))
            {
                continue;
            }

            var all = true;
            for (var i = 0; i < n && all; i++)
            {
                var found = false;
                for (var j = 0; j < n && !found; j++)
                {
                    found = crystal.AtomicNumbers[i] == crystal.AtomicNumbers[j]
                        && IsLatticeVector(crystal.Cell, mapped[i] + translation - fractional[j], tolerance);
                }

                all = found;
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLatticeVector(Cell cell, Vec3 fractional, double tolerance) =>
        cell.MinimumImage(cell.ToCartesian(fractional), Pbc.All).Length <= tolerance;

    private static Mat3 Transform(long[,] u, Mat3 metric)
    {
        var values = new double[9];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < 3; k++)
                {
                    for (var l = 0; l < 3; l++)
                    {
                        sum += u[i, k] * metric[k, l] * u[j, l];
                    }
                }

                values[(3 * i) + j] = sum;
            }
        }

        return Mat3.FromRowMajor(values);
    }

    private static bool PreservesMetric(long[,] m, Mat3 metric, double[] lengths, double tolerance)
    {
        var image = Transform(m, metric);
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                // A tolerance δ on lengths allows about (|a_i| + |a_j|)·δ on a metric entry.
                if (Math.Abs(image[i, j] - metric[i, j]) > (lengths[i] + lengths[j]) * tolerance)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
