namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// The independent components of a symmetric Cartesian tensor of rank r, named by the monomial x^a·y^b·z^c (a+b+c = r)
/// they multiply, in MLIP's order: a descending, then b descending ((2,0,0), (1,1,0), (1,0,1), (0,2,0), (0,1,1), (0,0,2)).
/// </summary>
internal static class Monomials
{
    /// <summary>Number of components of a symmetric rank-r tensor: (r+1)(r+2)/2.</summary>
    public static int Count(int rank) => (rank + 1) * (rank + 2) / 2;

    /// <summary>Position of x^a·y^b·z^c among the monomials of rank a+b+c.</summary>
    public static int IndexOf(int a, int b, int c)
    {
        var rank = a + b + c;
        var fewerX = rank - a;
        return (fewerX * (fewerX + 1) / 2) + (fewerX - b);
    }

    /// <summary>Position of a monomial among those of its rank.</summary>
    public static int IndexOf(Monomial monomial) => IndexOf(monomial.X, monomial.Y, monomial.Z);

    /// <summary>All monomials of a rank, in MLIP's order.</summary>
    public static Monomial[] OfRank(int rank)
    {
        var all = new Monomial[Count(rank)];
        var n = 0;
        for (var a = rank; a >= 0; a--)
        {
            for (var b = rank - a; b >= 0; b--)
            {
                all[n++] = new Monomial(a, b, rank - a - b);
            }
        }

        return all;
    }

    /// <summary>
    /// The number of index sequences (i_1 … i_r) ∈ {x, y, z}^r with this monomial, r!/(a!·b!·c!): how many equal
    /// components of a symmetric tensor one independent component stands for.
    /// </summary>
    public static long Multiplicity(Monomial monomial) =>
        Binomial(monomial.Rank, monomial.X) * Binomial(monomial.Y + monomial.Z, monomial.Y);

    private static long Binomial(int n, int k)
    {
        long result = 1;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}

/// <summary>The monomial x^X·y^Y·z^Z naming one component of a symmetric tensor.</summary>
internal readonly record struct Monomial(int X, int Y, int Z)
{
    /// <summary>The tensor rank X+Y+Z.</summary>
    public int Rank => X + Y + Z;

    /// <summary>The product monomial (the component of the tensor product).</summary>
    public static Monomial operator +(Monomial left, Monomial right) => new(left.X + right.X, left.Y + right.Y, left.Z + right.Z);
}
