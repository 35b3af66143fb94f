namespace ActiveLearning.Atomistics.Formats.Lammps;

/// <summary>
/// A LAMMPS simulation box in the restricted triclinic form LAMMPS requires: lattice vectors a = (lx, 0, 0),
/// b = (xy, ly, 0), c = (xz, yz, lz) with lx, ly, lz &gt; 0, all in Å. An orthogonal box has xy = xz = yz = 0.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FromCell"/> brings any cell into this form with an orthogonal transformation Q (<see cref="Rotation"/>):
/// every vector of the structure — positions, velocities, forces — becomes Q·v and a stress tensor becomes Q·σ·Qᵀ, so
/// distances, force magnitudes and the stress invariants are unchanged. Q is a proper rotation for a right-handed cell; a
/// left-handed cell (negative determinant) cannot be rotated into LAMMPS' right-handed box and is mirrored instead
/// (det Q = −1), which still preserves all distances and angles.
/// </para>
/// <para>A cell already in the standard orientation is taken as it is, without arithmetic, so it round-trips bit for bit.</para>
/// </remarks>
public sealed class LammpsBox
{
    /// <summary>A box in the standard orientation (no rotation).</summary>
    /// <param name="lx">Length of a along x (Å), &gt; 0.</param>
    /// <param name="ly">y component of b (Å), &gt; 0.</param>
    /// <param name="lz">z component of c (Å), &gt; 0.</param>
    /// <param name="xy">Tilt: x component of b (Å).</param>
    /// <param name="xz">Tilt: x component of c (Å).</param>
    /// <param name="yz">Tilt: y component of c (Å).</param>
    /// <exception cref="ArgumentException">A length is not positive, or a value is not finite.</exception>
    public LammpsBox(double lx, double ly, double lz, double xy = 0, double xz = 0, double yz = 0)
        : this(lx, ly, lz, xy, xz, yz, rotation: null)
    {
    }

    private LammpsBox(double lx, double ly, double lz, double xy, double xz, double yz, Mat3? rotation)
    {
        if (!(lx > 0 && ly > 0 && lz > 0) || !double.IsFinite(lx) || !double.IsFinite(ly) || !double.IsFinite(lz))
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"A LAMMPS box needs finite positive lengths lx, ly, lz; got {lx:R}, {ly:R}, {lz:R} Å."));
        }

        if (!double.IsFinite(xy) || !double.IsFinite(xz) || !double.IsFinite(yz))
        {
            throw new ArgumentException(FormattableString.Invariant($"The tilts xy, xz, yz must be finite; got {xy:R}, {xz:R}, {yz:R} Å."));
        }

        Lx = lx;
        Ly = ly;
        Lz = lz;
        Xy = xy;
        Xz = xz;
        Yz = yz;
        Rotation = rotation;
    }

    /// <summary>Length of a along x (Å).</summary>
    public double Lx { get; }

    /// <summary>y component of b (Å).</summary>
    public double Ly { get; }

    /// <summary>z component of c (Å).</summary>
    public double Lz { get; }

    /// <summary>Tilt factor xy: x component of b (Å).</summary>
    public double Xy { get; }

    /// <summary>Tilt factor xz: x component of c (Å).</summary>
    public double Xz { get; }

    /// <summary>Tilt factor yz: y component of c (Å).</summary>
    public double Yz { get; }

    /// <summary>Whether all tilt factors are zero (LAMMPS then needs no <c>xy xz yz</c> line).</summary>
    public bool IsOrthogonal => Xy == 0 && Xz == 0 && Yz == 0;

    /// <summary>
    /// The orthogonal matrix Q that maps a vector of the original structure into the box's frame (v' = Q·v), or
    /// <see langword="null"/> when the cell was already in standard orientation and nothing needs to change.
    /// </summary>
    public Mat3? Rotation { get; }

    /// <summary>The box as a cell in the standard orientation (Å).</summary>
    public Cell Cell => new(new Vec3(Lx, 0, 0), new Vec3(Xy, Ly, 0), new Vec3(Xz, Yz, Lz));

    /// <summary>Whether a cell is already in LAMMPS' standard orientation: a along +x, b in the xy plane with b_y &gt; 0, c_z &gt; 0.</summary>
    public static bool IsStandardOrientation(Cell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var m = cell.Matrix;
        return m.XY == 0 && m.XZ == 0 && m.YZ == 0 && m.XX > 0 && m.YY > 0 && m.ZZ > 0;
    }

    /// <summary>The LAMMPS box of a cell, with the rotation (or mirroring) that brings the cell into standard orientation.</summary>
    /// <exception cref="ArgumentException">The cell is degenerate: LAMMPS needs a box with volume.</exception>
    public static LammpsBox FromCell(Cell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.IsDegenerate)
        {
            throw new ArgumentException(
                "LAMMPS needs a simulation box, but the structure's cell is degenerate (no volume); give the structure a cell first.");
        }

        if (IsStandardOrientation(cell))
        {
            return new LammpsBox(cell.A.X, cell.B.Y, cell.C.Z, cell.B.X, cell.C.X, cell.C.Y, rotation: null);
        }

        // Gram–Schmidt on a and b gives the new x and y axes; z completes a frame in which c has a positive z component.
        var a = cell.A;
        var b = cell.B;
        var c = cell.C;
        var xAxis = a / a.Length;
        var bAcross = b - (b.Dot(xAxis) * xAxis);
        var yAxis = bAcross / bAcross.Length;
        var zAxis = xAxis.Cross(yAxis);
        if (c.Dot(zAxis) < 0)
        {
            zAxis = -zAxis;
        }

        var rotation = Mat3.FromRows(xAxis, yAxis, zAxis);
        return new LammpsBox(a.Length, b.Dot(yAxis), c.Dot(zAxis), b.Dot(xAxis), c.Dot(xAxis), c.Dot(yAxis), rotation);
    }

    /// <summary>A vector of the original structure (position Å, velocity, force) in the box's frame.</summary>
    public Vec3 Rotate(Vec3 vector) => Rotation is { } q ? q * vector : vector;

    /// <summary>A tensor of the original structure (stress eV/Å³) in the box's frame: Q·σ·Qᵀ.</summary>
    public Mat3 Rotate(Mat3 tensor) => Rotation is { } q ? q * tensor * q.Transpose() : tensor;

    /// <summary>
    /// A copy of <paramref name="structure"/> turned into LAMMPS' standard orientation: cell, positions, velocities, and the
    /// forces and stress of both label sets are transformed by <see cref="Rotation"/>; info and per-atom arrays are copied
    /// unchanged (a vector-valued array is not rotated). A structure already in standard orientation is copied exactly.
    /// </summary>
    /// <exception cref="ArgumentException">The cell is degenerate.</exception>
    public static Structure ToStandardOrientation(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var box = FromCell(structure.Cell);
        var copy = structure.Clone();
        if (box.Rotation is null)
        {
            return copy;
        }

        copy.Cell = box.Cell;
        RotateInPlace(box, copy.Positions);
        if (copy.Velocities is { } velocities)
        {
            RotateInPlace(box, velocities);
        }

        copy.Reference = RotateLabels(box, copy.Reference);
        copy.Calculated = RotateLabels(box, copy.Calculated);
        return copy;
    }

    private static void RotateInPlace(LammpsBox box, Vec3[] vectors)
    {
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = box.Rotate(vectors[i]);
        }
    }

    private static LabelSet? RotateLabels(LammpsBox box, LabelSet? labels)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Forces is { } forces)
        {
            RotateInPlace(box, forces);
        }

        return labels.Stress is { } stress ? labels with { Stress = box.Rotate(stress) } : labels;
    }
}
