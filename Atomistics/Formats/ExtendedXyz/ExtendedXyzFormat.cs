namespace ActiveLearning.Atomistics.Formats.ExtendedXyz;

/// <summary>
/// Extended XYZ exactly as ASE reads and writes it: <c>Lattice</c>, <c>Properties</c> with any R/I/S/L columns,
/// <c>pbc</c>, free-form typed info keys, calculator results (<c>energy</c>, <c>free_energy</c>, <c>stress</c>, the
/// <c>forces</c> column) and our reference labels (<c>REF_energy</c>, <c>REF_free_energy</c>, <c>REF_stress</c>,
/// the <c>REF_forces</c> column).
/// </summary>
/// <remarks>
/// <para>Mapping: the <c>species</c> column (or <c>Z</c> without it) gives the elements, <c>pos</c> the positions, <c>momenta</c>
/// (ASE's units, amu·Å per ASE time unit) or <c>velo</c> (Å/fs) the velocities, which are written back as <c>momenta</c>;
/// every other column becomes a <see cref="AtomArray"/> and every other key an info value, typed as ASE types them. The
/// <c>virial</c> key stays an info value (9 numbers, file order), as in ASE.</para>
/// <para>Numbers are written with the shortest text that reads back to the same double, so a write→read round trip is exact.
/// Stress-like 3×3 values are written in Fortran order, as ASE does.</para>
/// </remarks>
public sealed class ExtendedXyzFormat : StructureFormat
{
    /// <inheritdoc/>
    public override string Name => "extxyz";

    /// <inheritdoc/>
    public override string Description => "extended XYZ as ASE reads/writes it (.xyz, .extxyz); many frames";

    /// <inheritdoc/>
    public override bool HoldsManyFrames => true;

    /// <inheritdoc/>
    public override bool MatchesFileName(string fileName) =>
        fileName.EndsWith(".xyz", StringComparison.OrdinalIgnoreCase) ||
        fileName.EndsWith(".extxyz", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override IEnumerable<Structure> Read(LineReader reader, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (ExtendedXyzReader.TryReadFrame(reader, out var structure))
        {
            yield return structure;
        }
    }

    /// <inheritdoc/>
    protected override IStructureWriter CreateFormatWriter(TextWriter writer, string destinationName, FormatOptions options) =>
        new ExtendedXyzWriter(writer, destinationName);

    /// <summary>Names of the info keys that the format maps to typed fields and that free-form info therefore may not use.</summary>
    internal static readonly HashSet<string> ReservedKeys = new(StringComparer.Ordinal)
    {
        "Lattice", "Properties", "pbc",
        "energy", "free_energy", "stress",
        "REF_energy", "REF_free_energy", "REF_stress",
    };

    /// <summary>Column names mapped to typed fields.</summary>
    internal static readonly HashSet<string> ReservedColumns = new(StringComparer.Ordinal)
    {
        "species", "pos", "momenta", "velo", "forces", "REF_forces",
    };
}
