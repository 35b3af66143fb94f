namespace ActiveLearning.Atomistics.Generators.NonDiagonal;

/// <summary>
/// Greedy (Minkowski-type in three dimensions) reduction of an integer basis under a metric: the rows of the basis are
/// integer combinations of the primitive vectors and |v|² = v·G·vᵀ with G the primitive metric, so the integer
/// transformation stays exact while lengths are real.
/// </summary>
internal static class LatticeReduction
{
    private const int MaximumPasses = 1000;

    public static double NormSquared(long[] v, Mat3 metric)
    {
        var sum = 0.0;
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                sum += v[i] * metric[i, j] * v[j];
            }
        }

        return sum;
    }

    private static double Dot(long[] u, long[] v, Mat3 metric)
    {
        var sum = 0.0;
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                sum += u[i] * metric[i, j] * v[j];
            }
        }

        return sum;
    }

    /// <summary>A reduced basis of the same lattice as the rows of <paramref name="basis"/>, sorted by length, right-handed.</summary>
    public static long[,] Reduce(long[,] basis, Mat3 metric)
    {
        var rows = new long[3][];
        for (var i = 0; i < 3; i++)
        {
            rows[i] = [basis[i, 0], basis[i, 1], basis[i, 2]];
        }

        for (var pass = 0; pass < MaximumPasses; pass++)
        {
            Array.Sort(rows, (u, v) => NormSquared(u, metric).CompareTo(NormSquared(v, metric)));
            ReducePair(rows[0], rows[1], metric);
            if (NormSquared(rows[1], metric) < NormSquared(rows[0], metric))
            {
                (rows[0], rows[1]) = (rows[1], rows[0]);
            }

            if (!ReduceAgainstPlane(rows[2], rows[0], rows[1], metric))
            {
                break;
            }
        }

        Array.Sort(rows, (u, v) => NormSquared(u, metric).CompareTo(NormSquared(v, metric)));
        var reduced = new long[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                reduced[i, j] = rows[i][j];
            }
        }

        if (IntegerMatrix.Determinant(reduced) < 0)
        {
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    reduced[i, j] = -reduced[i, j];
                }
            }
        }

        return reduced;
    }

    // Lagrange–Gauss reduction of a two-dimensional basis.
    private static void ReducePair(long[] a, long[] b, Mat3 metric)
    {
        for (var pass = 0; pass < MaximumPasses; pass++)
        {
            if (NormSquared(b, metric) < NormSquared(a, metric))
            {
                Swap(a, b);
            }

            var k = (long)Math.Round(Dot(a, b, metric) / NormSquared(a, metric));
            if (k == 0)
            {
                return;
            }

            for (var j = 0; j < 3; j++)
            {
                b[j] -= k * a[j];
            }
        }
    }

    // Replaces c by the shortest c − i·a − j·b near the projection onto the plane of (a, b); true when c got shorter.
    private static bool ReduceAgainstPlane(long[] c, long[] a, long[] b, Mat3 metric)
    {
        var aa = NormSquared(a, metric);
        var bb = NormSquared(b, metric);
        var ab = Dot(a, b, metric);
        var ca = Dot(c, a, metric);
        var cb = Dot(c, b, metric);
        var det = (aa * bb) - (ab * ab);
        var x = ((ca * bb) - (cb * ab)) / det;
        var y = ((cb * aa) - (ca * ab)) / det;
        var original = NormSquared(c, metric);
        var best = original;
        long bestI = 0, bestJ = 0;
        var candidate = new long[3];
        for (var i = (long)Math.Floor(x) - 1; i <= (long)Math.Ceiling(x) + 1; i++)
        {
            for (var j = (long)Math.Floor(y) - 1; j <= (long)Math.Ceiling(y) + 1; j++)
            {
                for (var m = 0; m < 3; m++)
                {
                    candidate[m] = c[m] - (i * a[m]) - (j * b[m]);
                }

                var norm = NormSquared(candidate, metric);
                if (norm < best * (1 - 1e-12))
                {
                    best = norm;
                    bestI = i;
                    bestJ = j;
                }
            }
        }

        if (bestI == 0 && bestJ == 0)
        {
            return false;
        }

        for (var m = 0; m < 3; m++)
        {
            c[m] -= (bestI * a[m]) + (bestJ * b[m]);
        }

        return true;
    }

    private static void Swap(long[] a, long[] b)
    {
        for (var j = 0; j < 3; j++)
        {
            (a[j], b[j]) = (b[j], a[j]);
        }
    }
}
