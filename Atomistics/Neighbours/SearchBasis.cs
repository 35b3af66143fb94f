namespace ActiveLearning.Atomistics.Neighbours;

/// <summary>
/// The lattice the neighbour search bins in: the periodic lattice vectors of the cell as given, and in place of each
/// non-periodic one a unit vector orthogonal to all the others, so that molecules (<see cref="Cell.Empty"/>), slabs with
/// a zero or skewed vacuum vector and wires all get an invertible basis. Fractional coordinates along a substituted axis
/// are therefore plain Cartesian lengths (Å) along it.
/// </summary>
internal readonly struct SearchBasis
{
    // Periodic vectors this close to linear dependence (relative to their lengths) span no lattice worth searching.
    private const double DependenceTolerance = 1e-12;

    private SearchBasis(Mat3 matrix, Pbc pbc)
    {
        Matrix = matrix;
        Pbc = pbc;
        Inverse = matrix.Inverse();
        // The reciprocal vectors are the columns of the inverse; a face-to-face width is 1 / |reciprocal vector|.
        PlaneSpacings = new Vec3(
            1 / new Vec3(Inverse.XX, Inverse.YX, Inverse.ZX).Length,
            1 / new Vec3(Inverse.XY, Inverse.YY, Inverse.ZY).Length,
            1 / new Vec3(Inverse.XZ, Inverse.YZ, Inverse.ZZ).Length);
    }

    /// <summary>The basis vectors as rows (Å); the periodic rows are the cell's own.</summary>
    public Mat3 Matrix { get; }

    /// <summary>The inverse of <see cref="Matrix"/>: Cartesian (Å) times it gives fractional coordinates.</summary>
    public Mat3 Inverse { get; }

    /// <summary>Distances between opposite faces of the basis cell along each axis (Å).</summary>
    public Vec3 PlaneSpacings { get; }

    /// <summary>The periodic directions.</summary>
    public Pbc Pbc { get; }

    /// <summary>The search basis for a cell with the given periodicity.</summary>
    /// <exception cref="ArgumentException">A periodic lattice vector is zero or not finite, or the periodic vectors are linearly dependent.</exception>
    public static SearchBasis For(Cell cell, Pbc pbc)
    {
        Span<Vec3> rows = [cell.A, cell.B, cell.C];
        Span<int> periodicAxes = stackalloc int[3];
        Span<int> openAxes = stackalloc int[3];
        int periodicCount = 0, openCount = 0;
        for (var axis = 0; axis < 3; axis++)
        {
            if (!pbc[axis])
            {
                openAxes[openCount++] = axis;
                continue;
            }

            var vector = rows[axis];
            if (!double.IsFinite(vector.X) || !double.IsFinite(vector.Y) || !double.IsFinite(vector.Z) || vector.LengthSquared == 0)
            {
                throw new ArgumentException(
                    $"Lattice vector {AxisName(axis)} is {vector} but the cell is periodic along it; a periodic direction needs a non-zero, finite lattice vector.",
                    nameof(cell));
            }

            periodicAxes[periodicCount++] = axis;
        }

        switch (periodicCount)
        {
            case 3:
                if (cell.IsDegenerate)
                {
                    throw new ArgumentException(
                        $"The periodic lattice vectors of {cell} span no volume.", nameof(cell));
                }

                break;

            case 2:
            {
                var first = rows[periodicAxes[0]];
                var second = rows[periodicAxes[1]];
                var normal = first.Cross(second);
                if (normal.Length <= DependenceTolerance * first.Length * second.Length)
                {
                    throw new ArgumentException(
                        $"The periodic lattice vectors {AxisName(periodicAxes[0])} = {first} and {AxisName(periodicAxes[1])} = {second} are parallel.",
                        nameof(cell));
                }

                rows[openAxes[0]] = normal / normal.Length;
                break;
            }

            case 1:
            {
                var along = rows[periodicAxes[0]];
                along /= along.Length;
                // Crossing with the Cartesian axis least aligned with the vector keeps the complement well conditioned.
                var helper = Math.Abs(along.X) <= Math.Abs(along.Y) && Math.Abs(along.X) <= Math.Abs(along.Z) ? new Vec3(1, 0, 0)
                    : Math.Abs(along.Y) <= Math.Abs(along.Z) ? new Vec3(0, 1, 0)
                    : new Vec3(0, 0, 1);
                var across = along.Cross(helper);
                across /= across.Length;
                rows[openAxes[0]] = across;
                rows[openAxes[1]] = along.Cross(across);
                break;
            }

            default:
                rows[0] = new Vec3(1, 0, 0);
                rows[1] = new Vec3(0, 1, 0);
                rows[2] = new Vec3(0, 0, 1);
                break;
        }

        return new SearchBasis(Mat3.FromRows(rows[0], rows[1], rows[2]), pbc);
    }

    private static char AxisName(int axis) => (char)('a' + axis);
}
