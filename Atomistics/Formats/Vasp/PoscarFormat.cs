namespace ActiveLearning.Atomistics.Formats.Vasp;

/// <summary>
/// VASP's POSCAR/CONTCAR: one periodic structure per file, with optional selective-dynamics flags and velocities.
/// </summary>
/// <remarks>
/// <para>
/// Reading accepts VASP 4 and 5 layouts: a comment line (kept as the string <c>Info["comment"]</c> unless empty), the
/// scaling line (one positive factor; one negative number, read as the target cell volume in Å³; or three positive
/// per-Cartesian-axis factors), three lattice rows, an optional species line (names may repeat, e.g. <c>Si O Si</c>;
/// POTCAR-style suffixes such as <c>Fe_pv</c> or <c>Si/1a2b</c> are cut off), the counts line, an optional
/// <c>Selective dynamics</c> line, the coordinate mode (<c>D</c>irect or <c>C</c>artesian/<c>K</c>, Cartesian being
/// scaled as well) and one coordinate line per atom (text after the coordinates and flags is ignored). A VASP 4 file
/// without a species line takes its elements from <see cref="FormatOptions.SpeciesMap"/> (entry i for count group i),
/// else from the comment line's first words when they are all element symbols, else it fails asking for a species map.
/// After the coordinates, CONTCAR's optional sections are understood: a lattice-velocity block (started by a line
/// beginning with <c>L</c>, skipped) and ion velocities (after a blank line or a <c>Cartesian</c> line in Å/fs, after a
/// <c>Direct</c> line in lattice fractions per fs); anything after the velocities (the MD predictor-corrector block) is
/// ignored. The structure is always periodic along all three lattice vectors.
/// </para>
/// <para>
/// Selective dynamics flags become the Boolean per-atom array <see cref="MoveMaskArrayName"/> with three columns, true
/// where the atom may move along that axis — the array ASE's extended XYZ uses for constraints, so the flags survive a
/// trip through extended XYZ. VASP applies the flags along the lattice vectors, ASE's <c>move_mask</c> along Cartesian
/// axes; the two agree for orthorhombic cells in the standard orientation.
/// </para>
/// <para>
/// Writing produces VASP 5 files: the comment (<c>Info["comment"]</c> when it is a string, else the formula), scale
/// 1.0, lattice rows and Cartesian coordinates with every digit needed to read back the same doubles, a species line
/// with one entry per run of equal consecutive elements (so atom order is kept exactly), <c>Selective dynamics</c> when
/// the structure has a Boolean <see cref="MoveMaskArrayName"/> array with one or three columns, and the velocities after
/// a blank line as CONTCAR has them. Labels, other info and other arrays have no place in the format and are not
/// written. A structure without a 3-D cell, without atoms, or a second structure is refused.
/// </para>
/// </remarks>
public sealed class PoscarFormat : StructureFormat
{
    /// <summary>
    /// The per-atom Boolean array holding selective-dynamics flags: one column per axis (or one for all three), true
    /// where the atom may move.
    /// </summary>
    public const string MoveMaskArrayName = "move_mask";

    /// <inheritdoc/>
    public override string Name => "poscar";

    /// <inheritdoc/>
    public override string Description => "VASP POSCAR/CONTCAR (one structure; selective dynamics, velocities)";

    /// <inheritdoc/>
    public override bool HoldsManyFrames => false;

    /// <summary>
    /// <c>*.vasp</c>, <c>*.poscar</c>, and names starting with <c>POSCAR</c> or <c>CONTCAR</c> (any case) unless they end in
    /// an alphabetic extension of another format (<c>POSCAR.cfg</c> is left to the format of <c>.cfg</c>; <c>POSCAR-001</c>
    /// and <c>CONTCAR.1</c> are POSCARs).
    /// </summary>
    public override bool MatchesFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var extension = Path.GetExtension(fileName.AsSpan());
        if (extension.Equals(".vasp", StringComparison.OrdinalIgnoreCase) || extension.Equals(".poscar", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var named = fileName.StartsWith("POSCAR", StringComparison.OrdinalIgnoreCase)
            || fileName.StartsWith("CONTCAR", StringComparison.OrdinalIgnoreCase);
        return named && !IsAlphabeticExtension(extension);
    }

    private static bool IsAlphabeticExtension(ReadOnlySpan<char> extension)
    {
        if (extension.Length < 2)
        {
            return false;
        }

        foreach (var c in extension[1..])
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the file's one structure (lazily, when enumerated).</summary>
    /// <exception cref="StructureFormatException">
    /// The file is malformed: a missing or non-numeric value, a wrong number of values on a line, an unknown element, counts
    /// that do not match the species or the coordinate lines, a VASP 4 file whose elements cannot be told, a non-positive
    /// volume (raised while enumerating; the message names the line).
    /// </exception>
    public override IEnumerable<Structure> Read(LineReader reader, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        return ReadOne(reader, options);
    }

    private static IEnumerable<Structure> ReadOne(LineReader reader, FormatOptions options)
    {
        yield return new PoscarReader(reader, options).Read();
    }

    /// <inheritdoc/>
    protected override IStructureWriter CreateFormatWriter(TextWriter writer, string destinationName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(destinationName);
        return new PoscarWriter(writer, destinationName);
    }
}
