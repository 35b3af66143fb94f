using System.Globalization;

namespace ActiveLearning.Atomistics.Generators.NonDiagonal;

/// <summary>A point of an N1×N2×N3 q-grid: q = (I/N1, J/N2, K/N3) in fractional reciprocal-lattice coordinates.</summary>
/// <param name="I">Index along the first reciprocal vector, 0 ≤ I &lt; N1.</param>
/// <param name="J">Index along the second reciprocal vector, 0 ≤ J &lt; N2.</param>
/// <param name="K">Index along the third reciprocal vector, 0 ≤ K &lt; N3.</param>
public readonly record struct GridQPoint(int I, int J, int K)
{
    /// <summary>The fractional coordinates (I/N1, J/N2, K/N3).</summary>
    public Vec3 Fractional(int n1, int n2, int n3) => new((double)I / n1, (double)J / n2, (double)K / n3);

    /// <summary>Reduced fractions, e.g. <c>1/4 0 1/2</c>.</summary>
    public string ToText(int n1, int n2, int n3) =>
        string.Join(' ', Fraction(I, n1), Fraction(J, n2), Fraction(K, n3));

    private static string Fraction(int numerator, int denominator)
    {
        if (numerator == 0)
        {
            return "0";
        }

        var g = (int)IntegerMatrix.Gcd(numerator, denominator);
        return denominator / g == 1
            ? (numerator / g).ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{numerator / g}/{denominator / g}");
    }
}

/// <summary>One non-diagonal supercell of a plan and the q-points it samples.</summary>
public sealed class PlannedSupercell
{
    private readonly int[,] hermiteNormalForm;
    private readonly int[,] matrix;

    internal PlannedSupercell(int[,] hermiteNormalForm, int[,] matrix, GridQPoint target, IReadOnlyList<GridQPoint> commensurate, IReadOnlyList<GridQPoint> equivalentBySymmetry)
    {
        this.hermiteNormalForm = hermiteNormalForm;
        this.matrix = matrix;
        Target = target;
        Commensurate = commensurate;
        EquivalentBySymmetry = equivalentBySymmetry;
        Size = hermiteNormalForm[0, 0] * hermiteNormalForm[1, 1] * hermiteNormalForm[2, 2];
    }

    /// <summary>
    /// The supercell matrix S in Hermite normal form (lower triangular, 0 ≤ S[i, j] &lt; S[j, j] for j &lt; i): supercell
    /// rows = S · primitive rows. It identifies the supercell lattice uniquely. A copy is returned.
    /// </summary>
    public int[,] HermiteNormalForm => (int[,])hermiteNormalForm.Clone();

    /// <summary>
    /// A lattice-reduced matrix of the same supercell (rows sorted by length, determinant = <see cref="Size"/> &gt; 0): the
    /// one <see cref="NonDiagonalSupercells.BuildSupercell"/> uses. A copy is returned.
    /// </summary>
    public int[,] Matrix => (int[,])matrix.Clone();

    /// <summary>The number of primitive cells in the supercell (det S), equal to the order of <see cref="Target"/>.</summary>
    public int Size { get; }

    /// <summary>The q-point the supercell was chosen for.</summary>
    public GridQPoint Target { get; }

    /// <summary>Every grid q-point commensurate with the supercell (S·q integer), <see cref="Target"/> and Γ included.</summary>
    public IReadOnlyList<GridQPoint> Commensurate { get; }

    /// <summary>
    /// Grid q-points not commensurate with this supercell but related by a point-group operation to one that is, and not
    /// already covered by an earlier supercell of the plan.
    /// </summary>
    public IReadOnlyList<GridQPoint> EquivalentBySymmetry { get; }
}

/// <summary>The set of non-diagonal supercells that together sample an N1×N2×N3 q-grid.</summary>
public sealed class NonDiagonalPlan
{
    internal NonDiagonalPlan(int n1, int n2, int n3, int pointGroupOrder, int irreducibleCount, IReadOnlyList<PlannedSupercell> supercells)
    {
        N1 = n1;
        N2 = n2;
        N3 = n3;
        PointGroupOrder = pointGroupOrder;
        IrreducibleQPointCount = irreducibleCount;
        Supercells = supercells;
    }

    /// <summary>Grid size along the first reciprocal vector.</summary>
    public int N1 { get; }

    /// <summary>Grid size along the second reciprocal vector.</summary>
    public int N2 { get; }

    /// <summary>Grid size along the third reciprocal vector.</summary>
    public int N3 { get; }

    /// <summary>The number of point-group operations used to reduce the grid (1 when symmetry is off; q ≡ −q is always used).</summary>
    public int PointGroupOrder { get; }

    /// <summary>The number of q-points left after the reduction by symmetry and q ≡ −q.</summary>
    public int IrreducibleQPointCount { get; }

    /// <summary>The supercells, largest first; no two span the same lattice.</summary>
    public IReadOnlyList<PlannedSupercell> Supercells { get; }

    /// <summary>Primitive cells of the equivalent diagonal N1×N2×N3 supercell.</summary>
    public int DiagonalSize => N1 * N2 * N3;

    /// <summary>Primitive cells summed over all supercells of the plan.</summary>
    public int TotalSize
    {
        get
        {
            var total = 0;
            foreach (var s in Supercells)
            {
                total += s.Size;
            }

            return total;
        }
    }
}
