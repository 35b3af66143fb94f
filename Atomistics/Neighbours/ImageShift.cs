namespace ActiveLearning.Atomistics.Neighbours;

/// <summary>
/// A periodic image: the lattice translation <c>A·a + B·b + C·c</c> (in whole lattice vectors) applied to a neighbour, as in
/// ASE's <c>neighbor_list</c> shift vectors. Components along non-periodic directions are always zero.
/// </summary>
/// <param name="A">Whole lattice vectors a.</param>
/// <param name="B">Whole lattice vectors b.</param>
/// <param name="C">Whole lattice vectors c.</param>
public readonly record struct ImageShift(int A, int B, int C)
{
    /// <summary>No translation: the neighbour in the cell itself.</summary>
    public static ImageShift Zero => default;

    /// <summary>Whether this is the zero translation.</summary>
    public bool IsZero => A == 0 && B == 0 && C == 0;

    /// <summary>Component along lattice vector 0, 1 or 2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is not 0, 1 or 2.</exception>
    public int this[int axis] => axis switch
    {
        0 => A,
        1 => B,
        2 => C,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "There are three lattice vectors: 0, 1 and 2."),
    };

    /// <summary>The translation in Å for the given cell: <c>A·a + B·b + C·c</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="cell"/> is null.</exception>
    public Vec3 ToCartesian(Cell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.ToCartesian(new Vec3(A, B, C));
    }

    /// <summary>The opposite translation (the shift of the reverse pair j→i).</summary>
    public static ImageShift operator -(ImageShift shift) => new(-shift.A, -shift.B, -shift.C);

    /// <summary>Sum of translations.</summary>
    public static ImageShift operator +(ImageShift left, ImageShift right) =>
        new(left.A + right.A, left.B + right.B, left.C + right.C);

    /// <summary>Difference of translations.</summary>
    public static ImageShift operator -(ImageShift left, ImageShift right) =>
        new(left.A - right.A, left.B - right.B, left.C - right.C);

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"({A}, {B}, {C})");
}
