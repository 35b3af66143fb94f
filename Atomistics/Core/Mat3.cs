namespace ActiveLearning.Atomistics;

/// <summary>A 3×3 matrix of doubles stored by rows (a cell's lattice vectors, a stress tensor, a strain).</summary>
public readonly record struct Mat3(
    double XX, double XY, double XZ,
    double YX, double YY, double YZ,
    double ZX, double ZY, double ZZ)
{
    /// <summary>The matrix whose rows are the given vectors.</summary>
    public static Mat3 FromRows(Vec3 r0, Vec3 r1, Vec3 r2) => new(r0.X, r0.Y, r0.Z, r1.X, r1.Y, r1.Z, r2.X, r2.Y, r2.Z);

    /// <summary>The identity.</summary>
    public static Mat3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>
    /// A symmetric matrix from Voigt order xx, yy, zz, yz, xz, xy (ASE's and MLIP's order for stress).
    /// </summary>
    public static Mat3 FromVoigt(double xx, double yy, double zz, double yz, double xz, double xy) =>
        new(xx, xy, xz, xy, yy, yz, xz, yz, zz);

    /// <summary>Row 0, 1 or 2.</summary>
    public Vec3 Row(int index) => index switch
    {
        0 => new Vec3(XX, XY, XZ),
        1 => new Vec3(YX, YY, YZ),
        2 => new Vec3(ZX, ZY, ZZ),
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A 3×3 matrix has rows 0, 1 and 2."),
    };

    /// <summary>Element (row, column).</summary>
    public double this[int row, int column] => Row(row)[column];

    /// <summary>The transpose.</summary>
    public Mat3 Transpose() => new(XX, YX, ZX, XY, YY, ZY, XZ, YZ, ZZ);

    /// <summary>The determinant.</summary>
    public double Determinant =>
        (XX * ((YY * ZZ) - (YZ * ZY))) - (XY * ((YX * ZZ) - (YZ * ZX))) + (XZ * ((YX * ZY) - (YY * ZX)));

    /// <summary>The trace.</summary>
    public double Trace => XX + YY + ZZ;

    /// <summary>The inverse.</summary>
    /// <exception cref="InvalidOperationException">The matrix is singular.</exception>
    public Mat3 Inverse()
    {
        var det = Determinant;
        if (det == 0 || !double.IsFinite(det))
        {
            throw new InvalidOperationException("The matrix is singular and has no inverse.");
        }

        var s = 1.0 / det;
        return new Mat3(
            s * ((YY * ZZ) - (YZ * ZY)), s * ((XZ * ZY) - (XY * ZZ)), s * ((XY * YZ) - (XZ * YY)),
            s * ((YZ * ZX) - (YX * ZZ)), s * ((XX * ZZ) - (XZ * ZX)), s * ((XZ * YX) - (XX * YZ)),
            s * ((YX * ZY) - (YY * ZX)), s * ((XY * ZX) - (XX * ZY)), s * ((XX * YY) - (XY * YX)));
    }

    /// <summary>Matrix times column vector.</summary>
    public static Vec3 operator *(Mat3 m, Vec3 v) => new(
        (m.XX * v.X) + (m.XY * v.Y) + (m.XZ * v.Z),
        (m.YX * v.X) + (m.YY * v.Y) + (m.YZ * v.Z),
        (m.ZX * v.X) + (m.ZY * v.Y) + (m.ZZ * v.Z));

    /// <summary>Row vector times matrix (v·M), e.g. fractional coordinates times the lattice-vector rows.</summary>
    public static Vec3 operator *(Vec3 v, Mat3 m) => new(
        (v.X * m.XX) + (v.Y * m.YX) + (v.Z * m.ZX),
        (v.X * m.XY) + (v.Y * m.YY) + (v.Z * m.ZY),
        (v.X * m.XZ) + (v.Y * m.YZ) + (v.Z * m.ZZ));

    /// <summary>Matrix product.</summary>
    public static Mat3 operator *(Mat3 a, Mat3 b) => FromRows(a.Row(0) * b, a.Row(1) * b, a.Row(2) * b);

    /// <summary>Scaling.</summary>
    public static Mat3 operator *(double s, Mat3 m) => new(
        s * m.XX, s * m.XY, s * m.XZ, s * m.YX, s * m.YY, s * m.YZ, s * m.ZX, s * m.ZY, s * m.ZZ);

    /// <summary>Sum.</summary>
    public static Mat3 operator +(Mat3 a, Mat3 b) => new(
        a.XX + b.XX, a.XY + b.XY, a.XZ + b.XZ, a.YX + b.YX, a.YY + b.YY, a.YZ + b.YZ, a.ZX + b.ZX, a.ZY + b.ZY, a.ZZ + b.ZZ);

    /// <summary>The nine elements in row-major order.</summary>
    public double[] ToRowMajorArray() => [XX, XY, XZ, YX, YY, YZ, ZX, ZY, ZZ];

    /// <summary>The matrix from nine elements in row-major order.</summary>
    public static Mat3 FromRowMajor(ReadOnlySpan<double> v)
    {
        if (v.Length != 9)
        {
            throw new ArgumentException("A 3×3 matrix needs exactly nine values.", nameof(v));
        }

        return new Mat3(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }
}
