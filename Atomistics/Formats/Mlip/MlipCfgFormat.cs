namespace ActiveLearning.Atomistics.Formats.Mlip;

/// <summary>
/// MLIP-2's text configuration file (<c>.cfg</c>): many frames, each between <c>BEGIN_CFG</c> and <c>END_CFG</c>, with
/// atom types instead of elements, and one set of labels (energy, forces, virial).
/// </summary>
/// <remarks>
/// <para>
/// A frame holds <c>Size</c> (the number of atoms); <c>Supercell</c> with 0–3 rows, the lattice vectors (Å) along which
/// the frame is periodic, in order (no rows: a molecule; k rows: periodic along the first k vectors, the rest of the
/// cell is zero); <c>AtomData:</c> whose header names the columns — <c>id</c>, <c>type</c> (0-based),
/// <c>cartes_x/y/z</c> (Å) or <c>direct_x/y/z</c> (lattice fractions, needing three Supercell rows), optional
/// <c>fx fy fz</c> (eV/Å), and any other column, read as a one-column real per-atom array of the same name (e.g.
/// <c>nbh_grades</c>) and written back; <c>Energy</c> (eV); <c>PlusStress:</c> the virial −σ·V (eV) in the order its
/// header gives (MLIP writes xx yy zz yz xz xy), converted to the structure's stress with the cell volume, so only in
/// 3-D periodic frames; and <c>Feature name value</c> lines, which become <see cref="Structure.Info"/> entries typed by
/// <see cref="InfoText.Parse"/> (a later feature of the same name replaces an earlier one). Blank lines between frames
/// and sections are allowed. Keywords are matched ignoring case.
/// </para>
/// <para>
/// Types are mapped to elements by <see cref="FormatOptions.SpeciesMap"/> (type t is entry t). Without it the reader
/// uses the frame's <c>Feature species_map Si,O</c>, which this writer adds to every frame and which is not turned into
/// an info entry; a frame with neither fails asking for <c>--species-map</c>. The writer numbers types by the species
/// map when given (an element outside it is an error), else in order of first appearance over the whole stream.
/// </para>
/// <para>
/// Labels are read into <see cref="Structure.Calculated"/>, or <see cref="Structure.Reference"/> when
/// <see cref="FormatOptions.Labels"/> is <see cref="LabelChoice.Reference"/>; the writer writes
/// <see cref="FormatOptions.PickLabels"/>: forces columns only when there are forces, <c>Energy</c> only when there is
/// an energy, <c>PlusStress</c> only when there is a stress and the structure is periodic in 3-D. Numbers are written
/// with every digit needed to read back the same doubles, so positions, forces and energies survive read→write→read
/// exactly (the stress passes through the virial and may differ in the last bit). The format has no place for the free
/// energy, velocities, the other label set, per-atom arrays other than one-column real ones, the cell vectors of
/// non-periodic directions, or periodicity other than along the first k vectors (the writer refuses the last).
/// </para>
/// </remarks>
public sealed class MlipCfgFormat : StructureFormat
{
    /// <summary>The feature naming the element of each type in type order, comma separated (e.g. <c>Si,O</c>).</summary>
    public const string SpeciesMapFeature = "species_map";

    /// <inheritdoc/>
    public override string Name => "cfg";

    /// <inheritdoc/>
    public override string Description => "MLIP-2 configurations (.cfg; types, energy, forces, virial, features)";

    /// <inheritdoc/>
    public override bool HoldsManyFrames => true;

    /// <summary>Names ending in <c>.cfg</c> (any case).</summary>
    public override bool MatchesFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return fileName.EndsWith(".cfg", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads the frames lazily, one at a time.</summary>
    /// <exception cref="StructureFormatException">
    /// The text is malformed (raised while enumerating; the message names the line): text outside a frame, an unknown
    /// keyword, a frame without <c>END_CFG</c>, a row with the wrong number of values, a non-numeric value, fewer or more
    /// atom rows than <c>Size</c>, a type outside the species map or no species map at all, a <c>PlusStress</c> in a frame
    /// that is not 3-D periodic.
    /// </exception>
    public override IEnumerable<Structure> Read(LineReader reader, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        return new MlipCfgReader(reader, options).ReadAll();
    }

    /// <inheritdoc/>
    protected override IStructureWriter CreateFormatWriter(TextWriter writer, string destinationName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(destinationName);
        ArgumentNullException.ThrowIfNull(options);
        return new MlipCfgWriter(writer, destinationName, options);
    }
}
