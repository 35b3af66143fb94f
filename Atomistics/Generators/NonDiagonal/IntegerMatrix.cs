namespace ActiveLearning.Atomistics.Generators.NonDiagonal;

/// <summary>Exact 3×3 integer matrix arithmetic for supercell matrices (row i = integer combination of primitive rows).</summary>
internal static class IntegerMatrix
{
    public static long Determinant(long[,] m) =>
        (m[0, 0] * ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])))
        - (m[0, 1] * ((m[1, 0] * m[2, 2]) - (m[1, 2] * m[2, 0])))
        + (m[0, 2] * ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])));

    /// <summary>The adjugate, so that m · adj(m) = det(m) · I.</summary>
    public static long[,] Adjugate(long[,] m)
    {
        var adj = new long[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                // Cofactor of (j, i), using cyclic indices so the sign comes out right without a separate factor.
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                adj[i, j] = (m[r0, c0] * m[r1, c1]) - (m[r0, c1] * m[r1, c0]);
            }
        }

        return adj;
    }

    public static long[,] Multiply(long[,] a, long[,] b)
    {
        var product = new long[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                product[i, j] = (a[i, 0] * b[0, j]) + (a[i, 1] * b[1, j]) + (a[i, 2] * b[2, j]);
            }
        }

        return product;
    }

    /// <summary>The inverse of a unimodular matrix (determinant ±1), which is again integer.</summary>
    public static long[,] InverseUnimodular(long[,] m)
    {
        var det = Determinant(m);
        if (det is not (1 or -1))
        {
            throw new InvalidOperationException($"Matrix with determinant {det} is not unimodular.");
        }

        var adj = Adjugate(m);
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                adj[i, j] *= det;
            }
        }

        return adj;
    }

    /// <summary>
    /// The Hermite normal form under unimodular row operations (the same lattice of rows): lower triangular, positive
    /// diagonal, 0 ≤ h[i, j] &lt; h[j, j] for j &lt; i. Two nonsingular matrices span the same lattice exactly when their
    /// forms are equal.
    /// </summary>
    public static long[,] HermiteNormalForm(long[,] matrix)
    {
        if (Determinant(matrix) == 0)
        {
            throw new ArgumentException("A singular integer matrix has no supercell Hermite normal form.", nameof(matrix));
        }

        var h = (long[,])matrix.Clone();
        // Column c is cleared in rows 0..c-1 by Euclid's algorithm between rows, leaving the gcd on the diagonal.
        for (var c = 2; c >= 0; c--)
        {
            while (true)
            {
                var pivot = -1;
                for (var r = 0; r <= c; r++)
                {
                    if (h[r, c] != 0 && (pivot < 0 || Math.Abs(h[r, c]) < Math.Abs(h[pivot, c])))
                    {
                        pivot = r;
                    }
                }

                var done = true;
                for (var r = 0; r <= c; r++)
                {
                    if (r != pivot && h[r, c] != 0)
                    {
                        SubtractRow(h, r, pivot, h[r, c] / h[pivot, c]);
                        done = false;
                    }
                }

                if (done)
                {
                    SwapRows(h, pivot, c);
                    break;
                }
            }

            if (h[c, c] < 0)
            {
                for (var j = 0; j < 3; j++)
                {
                    h[c, j] = -h[c, j];
                }
            }
        }

        for (var i = 1; i < 3; i++)
        {
            // Row j only has entries in columns ≤ j, so reducing from the right leaves reduced columns untouched.
            for (var j = i - 1; j >= 0; j--)
            {
                SubtractRow(h, i, j, FloorDivide(h[i, j], h[j, j]));
            }
        }

        return h;
    }

    /// <summary>All lower-triangular Hermite normal forms with the given determinant: one per sublattice of that index.</summary>
    public static List<long[,]> EnumerateHermiteNormalForms(int determinant)
    {
        var forms = new List<long[,]>();
        for (var a = 1; a <= determinant; a++)
        {
            if (determinant % a != 0)
            {
                continue;
            }

            var rest = determinant / a;
            for (var b = 1; b <= rest; b++)
            {
                if (rest % b != 0)
                {
                    continue;
                }

                var c = rest / b;
                for (var d = 0; d < a; d++)
                {
                    for (var e = 0; e < a; e++)
                    {
                        for (var f = 0; f < b; f++)
                        {
                            forms.Add(new long[,] { { a, 0, 0 }, { d, b, 0 }, { e, f, c } });
                        }
                    }
                }
            }
        }

        return forms;
    }

    public static bool AreEqual(long[,] a, long[,] b)
    {
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                if (a[i, j] != b[i, j])
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static int[,] ToInt(long[,] m)
    {
        var result = new int[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                result[i, j] = checked((int)m[i, j]);
            }
        }

        return result;
    }

    public static long[,] ToLong(int[,] m)
    {
        if (m.GetLength(0) != 3 || m.GetLength(1) != 3)
        {
            throw new ArgumentException($"A supercell matrix must be 3×3, not {m.GetLength(0)}×{m.GetLength(1)}.", nameof(m));
        }

        var result = new long[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                result[i, j] = m[i, j];
            }
        }

        return result;
    }

    public static long[] RowMajor(long[,] m) => [m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2], m[2, 0], m[2, 1], m[2, 2]];

    public static long FloorDivide(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && ((a < 0) ^ (b < 0))) ? q - 1 : q;
    }

    public static long Modulo(long a, long m)
    {
        var r = a % m;
        return r < 0 ? r + m : r;
    }

    public static long Gcd(long a, long b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static void SubtractRow(long[,] m, int target, int source, long factor)
    {
        if (factor == 0)
        {
            return;
        }

        for (var j = 0; j < 3; j++)
        {
            m[target, j] -= factor * m[source, j];
        }
    }

    private static void SwapRows(long[,] m, int a, int b)
    {
        if (a == b)
        {
            return;
        }

        for (var j = 0; j < 3; j++)
        {
            (m[a, j], m[b, j]) = (m[b, j], m[a, j]);
        }
    }
}
