using System.Globalization;
using System.Text;

namespace ActiveLearning.Atomistics.Formats.Lammps;

/// <summary>
/// The numbering of LAMMPS atom types (1, 2, …) for writers: the species map when one is given, else the elements in
/// order of first appearance. One instance numbers all frames of a file, so a type means the same element throughout.
/// </summary>
internal sealed class LammpsTypeNumbering
{
    private readonly Dictionary<int, int> typeOfElement = [];
    private readonly List<int> elementOfType = [];
    private readonly bool fixedByMap;

    public LammpsTypeNumbering(IReadOnlyList<int>? speciesMap)
    {
        if (speciesMap is null)
        {
            return;
        }

        fixedByMap = true;
        foreach (var element in speciesMap)
        {
            elementOfType.Add(element);

            // A map that repeats an element gives it its first type.
            typeOfElement.TryAdd(element, elementOfType.Count);
        }
    }

    /// <summary>The element (atomic number) of each type, type 1 first.</summary>
    public IReadOnlyList<int> ElementOfType => elementOfType;

    /// <summary>The 1-based type of an element, numbering a new element when no species map fixes the types.</summary>
    /// <exception cref="StructureFormatException">The species map lacks the element.</exception>
    public int TypeOf(int atomicNumber, string destinationName)
    {
        if (typeOfElement.TryGetValue(atomicNumber, out var type))
        {
            return type;
        }

        if (fixedByMap)
        {
            throw new StructureFormatException(destinationName, 0,
                $"the species map ({string.Join(',', elementOfType.Select(Elements.Symbol))}) has no type for element " +
                $"{Elements.Symbol(atomicNumber)}; add it to --species-map");
        }

        elementOfType.Add(atomicNumber);
        typeOfElement.Add(atomicNumber, elementOfType.Count);
        return elementOfType.Count;
    }
}

/// <summary>Text helpers shared by the LAMMPS readers and writers.</summary>
internal static class LammpsText
{
    /// <summary>How far (amu) a mass may be from an element's standard mass to identify the element.</summary>
    public const double MassTolerance = 0.05;

    /// <summary>Writes an integer in invariant culture without allocating.</summary>
    public static void WriteInteger(TextWriter writer, long value)
    {
        Span<char> text = stackalloc char[24];
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        writer.Write(text[..length]);
    }

    /// <summary>Splits a line at its first <c>#</c> into the content and the comment (both trimmed).</summary>
    public static ReadOnlySpan<char> SplitComment(ReadOnlySpan<char> line, out ReadOnlySpan<char> comment)
    {
        var hash = line.IndexOf('#');
        if (hash < 0)
        {
            comment = default;
            return line.Trim();
        }

        comment = line[(hash + 1)..].Trim();
        return line[..hash].Trim();
    }

    /// <summary>
    /// The element whose standard mass lies within <see cref="MassTolerance"/> of <paramref name="mass"/> (amu).
    /// </summary>
    /// <returns><see langword="null"/> and a reason when no element or more than one element matches.</returns>
    public static int? ElementOfMass(double mass, out string? problem)
    {
        int? match = null;
        var candidates = new StringBuilder();
        var matches = 0;

        // Atomic number 0 (the dummy X, mass 1) is skipped: a mass near 1 amu means hydrogen.
        for (var z = 1; z <= Elements.MaxAtomicNumber; z++)
        {
            if (Math.Abs(Elements.Mass(z) - mass) <= MassTolerance)
            {
                matches++;
                match = z;
                candidates.Append(candidates.Length == 0 ? string.Empty : ", ")
                    .Append(CultureInfo.InvariantCulture, $"{Elements.Symbol(z)} ({Elements.Mass(z):R})");
            }
        }

        if (matches == 1)
        {
            problem = null;
            return match;
        }

        problem = matches == 0
            ? FormattableString.Invariant($"no element has a standard mass within {MassTolerance} amu of {mass:R}")
            : FormattableString.Invariant($"the mass {mass:R} fits several elements: {candidates}");
        return null;
    }
}
