namespace ActiveLearning.Atomistics;

/// <summary>The element type of a per-atom array, following extended XYZ's R, I, S and L column types.</summary>
public enum AtomArrayKind
{
    /// <summary>Doubles (R).</summary>
    Real,

    /// <summary>64-bit integers (I).</summary>
    Integer,

    /// <summary>Text without white space (S).</summary>
    String,

    /// <summary>T/F (L).</summary>
    Boolean,
}

/// <summary>
/// A free-form per-atom property that the structure model has no typed field for (charges, tags, per-atom γ, …),
/// with one or more columns per atom, stored atom-major: element (atom, column) is at <c>atom * Columns + column</c>.
/// </summary>
public sealed class AtomArray
{
    private AtomArray(string name, AtomArrayKind kind, int columns, Array data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (data.Length % columns != 0)
        {
            throw new ArgumentException($"Array '{name}' has {data.Length} values, not a multiple of its {columns} columns.");
        }

        Name = name;
        Kind = kind;
        Columns = columns;
        Data = data;
    }

    /// <summary>The property's name (an extended XYZ column name).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public AtomArrayKind Kind { get; }

    /// <summary>Values per atom.</summary>
    public int Columns { get; }

    /// <summary>Number of atoms covered.</summary>
    public int AtomCount => Data.Length / Columns;

    /// <summary>The values: <c>double[]</c>, <c>long[]</c>, <c>string[]</c> or <c>bool[]</c> according to <see cref="Kind"/>.</summary>
    public Array Data { get; }

    /// <summary>A real-valued array (the data is not copied).</summary>
    public static AtomArray OfReals(string name, int columns, double[] data) => new(name, AtomArrayKind.Real, columns, data);

    /// <summary>An integer array (the data is not copied).</summary>
    public static AtomArray OfIntegers(string name, int columns, long[] data) => new(name, AtomArrayKind.Integer, columns, data);

    /// <summary>A text array (the data is not copied).</summary>
    public static AtomArray OfStrings(string name, int columns, string[] data) => new(name, AtomArrayKind.String, columns, data);

    /// <summary>A boolean array (the data is not copied).</summary>
    public static AtomArray OfBooleans(string name, int columns, bool[] data) => new(name, AtomArrayKind.Boolean, columns, data);

    /// <summary>A deep copy.</summary>
    public AtomArray Clone() => new(Name, Kind, Columns, (Array)Data.Clone());

    /// <summary>The same data restricted to the given atoms, in the given order.</summary>
    public AtomArray Select(ReadOnlySpan<int> atoms)
    {
        var result = Array.CreateInstance(Data.GetType().GetElementType()!, atoms.Length * Columns);
        for (var i = 0; i < atoms.Length; i++)
        {
            Array.Copy(Data, atoms[i] * Columns, result, i * Columns, Columns);
        }

        return new AtomArray(Name, Kind, Columns, result);
    }
}
