namespace ActiveLearning.Atomistics.Formats;

/// <summary>Which of a structure's label sets a format with room for only one set writes.</summary>
public enum LabelChoice
{
    /// <summary>The reference labels when the structure has them, else the calculated results.</summary>
    Auto,

    /// <summary>Only the reference labels.</summary>
    Reference,

    /// <summary>Only the calculated results.</summary>
    Calculated,
}

/// <summary>Options shared by the readers and writers.</summary>
public sealed record FormatOptions
{
    /// <summary>The default options.</summary>
    public static FormatOptions Default { get; } = new();

    /// <summary>
    /// Atomic number of each atom type, in type order, for formats that store types instead of elements: MLIP <c>.cfg</c> type
    /// 0 and LAMMPS type 1 are the first entry. <see langword="null"/> (default): formats infer the map where the file
    /// allows it (LAMMPS masses, an element column, our <c>.cfg</c> species feature) and fail with a request for a map otherwise;
    /// writers number the species in order of first appearance.
    /// </summary>
    public IReadOnlyList<int>? SpeciesMap { get; init; }

    /// <summary>
    /// Which label set a single-label format (MLIP <c>.cfg</c>, LAMMPS dump) writes; such formats read their labels into
    /// <see cref="Structure.Calculated"/> unless this is <see cref="LabelChoice.Reference"/>. Default <see cref="LabelChoice.Auto"/>.
    /// </summary>
    public LabelChoice Labels { get; init; } = LabelChoice.Auto;

    /// <summary>The label set of <paramref name="structure"/> that a single-label format writes, by <see cref="Labels"/>.</summary>
    public LabelSet? PickLabels(Structure structure) => Labels switch
    {
        LabelChoice.Reference => structure.Reference,
        LabelChoice.Calculated => structure.Calculated,
        _ => structure.Reference ?? structure.Calculated,
    };

    /// <summary>Stores labels read from a single-label format where <see cref="Labels"/> says.</summary>
    public void StoreLabels(Structure structure, LabelSet? labels)
    {
        if (labels is null || labels.IsEmpty)
        {
            return;
        }

        if (Labels == LabelChoice.Reference)
        {
            structure.Reference = labels;
        }
        else
        {
            structure.Calculated = labels;
        }
    }
}

/// <summary>Writes structures one at a time into an open text destination.</summary>
public interface IStructureWriter
{
    /// <summary>Appends one structure.</summary>
    /// <exception cref="StructureFormatException">The format cannot hold this structure (e.g. a second frame in POSCAR).</exception>
    void Write(Structure structure);
}

/// <summary>A file format for structures: how to recognise, read and write it.</summary>
/// <remarks>Readers stream: they yield one frame at a time and never hold the whole file.</remarks>
public abstract class StructureFormat
{
    /// <summary>The format's name as users type it after <c>--format</c> (e.g. <c>extxyz</c>).</summary>
    public abstract string Name { get; }

    /// <summary>A one-line description for help texts.</summary>
    public abstract string Description { get; }

    /// <summary>Whether one file can hold several structures.</summary>
    public abstract bool HoldsManyFrames { get; }

    /// <summary>Whether a file name (without directory) looks like this format.</summary>
    public abstract bool MatchesFileName(string fileName);

    /// <summary>Reads all structures, lazily.</summary>
    /// <exception cref="StructureFormatException">The text is malformed (raised while enumerating).</exception>
    public abstract IEnumerable<Structure> Read(LineReader reader, FormatOptions options);

    /// <summary>Creates a writer into <paramref name="writer"/>.</summary>
    /// <remarks>
    /// For a format that holds one structure per file (<see cref="HoldsManyFrames"/> false) the writer throws
    /// <see cref="StructureFormatException"/> on a second structure, naming the multi-frame formats to use instead.
    /// </remarks>
    public IStructureWriter CreateWriter(TextWriter writer, string destinationName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(destinationName);
        ArgumentNullException.ThrowIfNull(options);
        var formatWriter = CreateFormatWriter(writer, destinationName, options);
        return HoldsManyFrames ? formatWriter : new SingleStructureWriter(formatWriter, Name, destinationName);
    }

    /// <summary>Creates the format's own writer; arguments are checked by <see cref="CreateWriter"/>.</summary>
    protected abstract IStructureWriter CreateFormatWriter(TextWriter writer, string destinationName, FormatOptions options);

    private sealed class SingleStructureWriter(IStructureWriter inner, string format, string destinationName) : IStructureWriter
    {
        private bool written;

        public void Write(Structure structure)
        {
            if (written)
            {
                var multiFrame = string.Join(", ", StructureFormats.All.Where(f => f.HoldsManyFrames).Select(f => f.Name));
                throw new StructureFormatException(destinationName, 0,
                    $"a {format} file holds one structure, but a second one was given; write several structures to a " +
                    $"multi-frame format ({multiFrame}) or to one file each");
            }

            inner.Write(structure);
            written = true;
        }
    }
}
