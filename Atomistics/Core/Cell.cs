namespace ActiveLearning.Atomistics;

/// <summary>
/// A simulation cell: three lattice vectors a, b, c in Å, stored as the rows of a matrix (ASE's convention), so that a
/// Cartesian position is <c>fractional · Matrix</c>.
/// </summary>
/// <remarks>
/// A cell may be degenerate (zero vectors for a molecule in vacuum); the operations that need an inverse then throw.
/// Instances are immutable.
/// </remarks>
public sealed class Cell : IEquatable<Cell>
{
    private readonly Mat3? inverse;

    /// <summary>Creates a cell from its lattice vectors (Å).</summary>
    public Cell(Vec3 a, Vec3 b, Vec3 c)
        : this(Mat3.FromRows(a, b, c))
    {
    }

    /// <summary>Creates a cell whose rows are the lattice vectors (Å).</summary>
    public Cell(Mat3 matrix)
    {
        Matrix = matrix;
        var det = matrix.Determinant;
        var scale = matrix.Row(0).Length * matrix.Row(1).Length * matrix.Row(2).Length;
        IsDegenerate = scale == 0 || Math.Abs(det) <= 1e-12 * scale || !double.IsFinite(det);
        inverse = IsDegenerate ? null : matrix.Inverse();
    }

    /// <summary>The all-zero cell of a non-periodic structure.</summary>
    public static Cell Empty { get; } = new(default(Mat3));

    /// <summary>An orthorhombic cell with the given edge lengths (Å).</summary>
    public static Cell Orthorhombic(double a, double b, double c) => new(new Vec3(a, 0, 0), new Vec3(0, b, 0), new Vec3(0, 0, c));

    /// <summary>
    /// The cell with edge lengths a, b, c (Å) and angles α (b,c), β (a,c), γ (a,b) in degrees, in the standard
    /// orientation: a along x, b in the xy plane (the orientation LAMMPS requires).
    /// </summary>
    /// <exception cref="ArgumentException">The angles do not form a cell.</exception>
    public static Cell FromParameters(double a, double b, double c, double alphaDegrees, double betaDegrees, double gammaDegrees)
    {
        var cosAlpha = CosDegrees(alphaDegrees);
        var cosBeta = CosDegrees(betaDegrees);
        var cosGamma = CosDegrees(gammaDegrees);
        var sinGamma = SinDegrees(gammaDegrees);
        var cx = cosBeta;
        var cy = (cosAlpha - (cosBeta * cosGamma)) / sinGamma;
        var cz2 = 1 - (cx * cx) - (cy * cy);
        if (cz2 <= 0)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"The angles α={alphaDegrees}°, β={betaDegrees}°, γ={gammaDegrees}° do not form a cell."));
        }

        return new Cell(
            new Vec3(a, 0, 0),
            new Vec3(b * cosGamma, b * sinGamma, 0),
            new Vec3(c * cx, c * cy, c * Math.Sqrt(cz2)));
    }

    // Exact values at multiples of 90° keep right-angled cells exactly orthogonal.
    private static double CosDegrees(double degrees) => degrees switch
    {
        90 => 0,
        _ => Math.Cos(degrees * Math.PI / 180),
    };

    private static double SinDegrees(double degrees) => degrees switch
    {
        90 => 1,
        _ => Math.Sin(degrees * Math.PI / 180),
    };

    /// <summary>The lattice vectors as rows (Å).</summary>
    public Mat3 Matrix { get; }

    /// <summary>Lattice vector a (Å).</summary>
    public Vec3 A => Matrix.Row(0);

    /// <summary>Lattice vector b (Å).</summary>
    public Vec3 B => Matrix.Row(1);

    /// <summary>Lattice vector c (Å).</summary>
    public Vec3 C => Matrix.Row(2);

    /// <summary>Lattice vector 0, 1 or 2 (Å).</summary>
    public Vec3 this[int index] => Matrix.Row(index);

    /// <summary>Whether the vectors span no volume (e.g. the zero cell of a molecule).</summary>
    public bool IsDegenerate { get; }

    /// <summary>The volume in Å³ (absolute value of the determinant).</summary>
    public double Volume => Math.Abs(Matrix.Determinant);

    /// <summary>Edge lengths |a|, |b|, |c| in Å.</summary>
    public Vec3 Lengths => new(A.Length, B.Length, C.Length);

    /// <summary>Angles α (between b and c), β (a, c), γ (a, b) in degrees.</summary>
    public Vec3 AnglesDegrees => new(Angle(B, C), Angle(A, C), Angle(A, B));

    private static double Angle(Vec3 u, Vec3 v) => Math.Acos(Math.Clamp(u.Dot(v) / (u.Length * v.Length), -1, 1)) * 180 / Math.PI;

    /// <summary>
    /// The reciprocal vectors without the 2π factor, as rows: <c>a_i · r_j = δ_ij</c> (1/Å).
    /// </summary>
    /// <exception cref="InvalidOperationException">The cell is degenerate.</exception>
    public Mat3 Reciprocal => InverseMatrix.Transpose();

    /// <summary>
    /// The distance between opposite faces of the cell along each lattice direction, 1/|r_i| (Å): the widths that decide how
    /// many periodic images a cutoff reaches.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cell is degenerate.</exception>
    public Vec3 PlaneSpacings
    {
        get
        {
            var r = Reciprocal;
            return new Vec3(1 / r.Row(0).Length, 1 / r.Row(1).Length, 1 / r.Row(2).Length);
        }
    }

    private Mat3 InverseMatrix => inverse ?? throw new InvalidOperationException(
        "The cell is degenerate (its lattice vectors span no volume), so fractional coordinates are undefined.");

    /// <summary>Fractional coordinates of a Cartesian position (Å).</summary>
    /// <exception cref="InvalidOperationException">The cell is degenerate.</exception>
    public Vec3 ToFractional(Vec3 cartesian) => cartesian * InverseMatrix;

    /// <summary>Cartesian position (Å) of fractional coordinates.</summary>
    public Vec3 ToCartesian(Vec3 fractional) => fractional * Matrix;

    /// <summary>
    /// Maps a position into the cell along the periodic directions (fractional coordinates in [0, 1)); non-periodic
    /// directions are left as they are.
    /// </summary>
    public Vec3 Wrap(Vec3 cartesian, Pbc pbc)
    {
        if (!pbc.Any)
        {
            return cartesian;
        }

        var f = ToFractional(cartesian);
        return ToCartesian(new Vec3(
            pbc.A ? WrapUnit(f.X) : f.X,
            pbc.B ? WrapUnit(f.Y) : f.Y,
            pbc.C ? WrapUnit(f.Z) : f.Z));
    }

    private static double WrapUnit(double x)
    {
        var w = x - Math.Floor(x);
        // x slightly below an integer can round up to exactly 1.0.
        return w >= 1.0 ? 0.0 : w;
    }

    /// <summary>
    /// The shortest vector equivalent to <paramref name="delta"/> (Å) under the periodic lattice translations, exact for any
    /// cell shape (images are searched as far as the skew of the cell requires).
    /// </summary>
    public Vec3 MinimumImage(Vec3 delta, Pbc pbc)
    {
        if (!pbc.Any)
        {
            return delta;
        }

        var f = ToFractional(delta);
        f = new Vec3(pbc.A ? f.X - Math.Round(f.X) : f.X, pbc.B ? f.Y - Math.Round(f.Y) : f.Y, pbc.C ? f.Z - Math.Round(f.Z) : f.Z);
        var best = ToCartesian(f);
        var bound = best.Length;
        var reciprocal = Reciprocal;
        // Any shorter image n must satisfy |(f + n)_i| <= bound * |r_i| along each periodic axis.
        Span<int> low = stackalloc int[3];
        Span<int> high = stackalloc int[3];
        for (var axis = 0; axis < 3; axis++)
        {
            if (!pbc[axis])
            {
                continue;
            }

            var reach = bound * reciprocal.Row(axis).Length;
            low[axis] = (int)Math.Floor(-f[axis] - reach);
            high[axis] = (int)Math.Ceiling(-f[axis] + reach);
        }

        var bestLengthSquared = best.LengthSquared;
        for (var i = low[0]; i <= high[0]; i++)
        {
            for (var j = low[1]; j <= high[1]; j++)
            {
                for (var k = low[2]; k <= high[2]; k++)
                {
                    var candidate = ToCartesian(f + new Vec3(i, j, k));
                    var lengthSquared = candidate.LengthSquared;
                    if (lengthSquared < bestLengthSquared)
                    {
                        best = candidate;
                        bestLengthSquared = lengthSquared;
                    }
                }
            }
        }

        return best;
    }

    /// <summary>This cell deformed by a strain: rows a' = a·(I + ε)ᵀ, i.e. each vector mapped by (I + ε).</summary>
    public Cell Deform(Mat3 deformationGradient) => new(Matrix * deformationGradient.Transpose());

    /// <inheritdoc/>
    public bool Equals(Cell? other) => other is not null && Matrix == other.Matrix;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Cell);

    /// <inheritdoc/>
    public override int GetHashCode() => Matrix.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"Cell[{A}, {B}, {C}]";
}
