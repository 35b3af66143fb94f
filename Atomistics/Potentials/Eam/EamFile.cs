using System.Globalization;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Atomistics.Potentials.Eam;

/// <summary>The two multi-element DYNAMO table formats LAMMPS reads.</summary>
public enum EamFileFormat
{
    /// <summary>setfl (<c>pair_style eam/alloy</c>): one electron-density function per element.</summary>
    Setfl,

    /// <summary>Finnis–Sinclair (<c>pair_style eam/fs</c>): a density function per pair of elements.</summary>
    FinnisSinclair,
}

/// <summary>An element's header line in an EAM file.</summary>
/// <param name="Name">The name on line 4, which <c>pair_coeff</c>-style selections refer to.</param>
/// <param name="AtomicNumber">The atomic number: that of <paramref name="Name"/> when it is an element symbol, else the file's.</param>
/// <param name="Mass">Mass in amu as the file gives it.</param>
/// <param name="LatticeConstant">Lattice constant in Å (0 when the file omits it); informational.</param>
/// <param name="LatticeType">Lattice type, e.g. <c>FCC</c> (empty when omitted); informational.</param>
public sealed record EamElement(string Name, int AtomicNumber, double Mass, double LatticeConstant, string LatticeType);

/// <summary>
/// The tables of a DYNAMO setfl (<c>eam/alloy</c>) or Finnis–Sinclair (<c>eam/fs</c>) file as LAMMPS documents them:
/// three comment lines; the element count and names; <c>Nrho drho Nr dr cutoff</c>; per element a line
/// <c>Z mass lattice-constant lattice-type</c>, Nrho values of the embedding energy F(ρ) (eV) and Nr values of the
/// electron density ρ(r) — Finnis–Sinclair: one per element, N functions — and finally, for every pair i ≥ j in the order
/// (1,1), (2,1), (2,2), (3,1) …, Nr values of r·φ(r) (eV·Å). Densities are tabulated at ρ = k·drho, distances at
/// r = k·dr (k from 0). Numbers may be laid out any number per line.
/// </summary>
public sealed class EamFile
{
    /// <summary>The largest table the reader accepts, so that a corrupt count fails instead of exhausting memory.</summary>
    public const int MaxPoints = 10_000_000;

    private readonly double[][] embedding;
    private readonly double[][] density;
    private readonly double[][] pair;

    private EamFile(
        string source,
        EamFileFormat format,
        string[] comments,
        EamElement[] elements,
        (int Points, double Spacing) densityGrid,
        (int Points, double Spacing) distanceGrid,
        double cutoff,
        double[][] embedding,
        double[][] density,
        double[][] pair)
    {
        Source = source;
        Format = format;
        Comments = comments;
        Elements = elements;
        DensityPoints = densityGrid.Points;
        DensitySpacing = densityGrid.Spacing;
        DistancePoints = distanceGrid.Points;
        DistanceSpacing = distanceGrid.Spacing;
        Cutoff = cutoff;
        this.embedding = embedding;
        this.density = density;
        this.pair = pair;
    }

    /// <summary>The line that lists the elements (errors about element selections point at it).</summary>
    public const int ElementsLine = 4;

    /// <summary>The file name the tables came from.</summary>
    public string Source { get; }

    /// <summary>setfl or Finnis–Sinclair.</summary>
    public EamFileFormat Format { get; }

    /// <summary>The three comment lines.</summary>
    public IReadOnlyList<string> Comments { get; }

    /// <summary>The elements in file order.</summary>
    public IReadOnlyList<EamElement> Elements { get; }

    /// <summary>Nrho: number of embedding-function values.</summary>
    public int DensityPoints { get; }

    /// <summary>drho: spacing of the embedding-function grid (electron-density units).</summary>
    public double DensitySpacing { get; }

    /// <summary>Nr: number of values of each distance function.</summary>
    public int DistancePoints { get; }

    /// <summary>dr: spacing of the distance grid in Å.</summary>
    public double DistanceSpacing { get; }

    /// <summary>The interaction cutoff in Å.</summary>
    public double Cutoff { get; }

    /// <summary>F(ρ) of element <paramref name="element"/> (file index) in eV at ρ = k·drho.</summary>
    public ReadOnlySpan<double> Embedding(int element) => embedding[element];

    /// <summary>
    /// The electron density at an atom of element <paramref name="atElement"/> due to a neighbour of element
    /// <paramref name="fromElement"/> (file indices), at r = k·dr. In a setfl file it depends on the neighbour only; in a
    /// Finnis–Sinclair file it is the <paramref name="atElement"/>-th function in <paramref name="fromElement"/>'s block,
    /// which is how LAMMPS' <c>eam/fs</c> uses the tables.
    /// </summary>
    public ReadOnlySpan<double> Density(int atElement, int fromElement) =>
        Format == EamFileFormat.Setfl ? density[fromElement] : density[(fromElement * Elements.Count) + atElement];

    /// <summary>r·φ(r) in eV·Å between elements <paramref name="first"/> and <paramref name="second"/> (file indices; symmetric).</summary>
    public ReadOnlySpan<double> ScaledPair(int first, int second)
    {
        var (high, low) = first >= second ? (first, second) : (second, first);
        return pair[(high * (high + 1) / 2) + low];
    }

    /// <summary>The file index of the element named <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name)
    {
        for (var e = 0; e < Elements.Count; e++)
        {
            if (string.Equals(Elements[e].Name, name, StringComparison.Ordinal))
            {
                return e;
            }
        }

        return -1;
    }

    /// <summary>Reads a file; the format follows the extension (<c>.fs</c> → Finnis–Sinclair, else setfl) unless given.</summary>
    /// <exception cref="StructureFormatException">The file is malformed; the message starts with <c>file:line:</c>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static EamFile Read(string path, EamFileFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var chosen = format ?? (path.EndsWith(".fs", StringComparison.OrdinalIgnoreCase) ? EamFileFormat.FinnisSinclair : EamFileFormat.Setfl);
        using var reader = new LineReader(File.OpenText(path), path);
        return Read(reader, chosen);
    }

    /// <summary>Reads tables from text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="StructureFormatException">The text is malformed; the message starts with <c>source:line:</c>.</exception>
    public static EamFile Read(TextReader text, string sourceName, EamFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new LineReader(text, sourceName);
        return Read(reader, format);
    }

    private static EamFile Read(LineReader reader, EamFileFormat format)
    {
        var comments = new string[3];
        for (var c = 0; c < 3; c++)
        {
            comments[c] = reader.ReadLine($"comment line {c + 1} of 3").ToString();
        }

        var names = ReadElementNames(reader);
        var n = names.Length;
        var grid = new Tokens(reader.ReadLine("the grid line 'Nrho drho Nr dr cutoff'"));
        var densityPoints = ReadPoints(ref grid, reader, "Nrho");
        var densitySpacing = ReadPositive(ref grid, reader, "drho");
        var distancePoints = ReadPoints(ref grid, reader, "Nr");
        var distanceSpacing = ReadPositive(ref grid, reader, "dr");
        var cutoff = ReadPositive(ref grid, reader, "cutoff");
        if (grid.TryNext(out var extra))
        {
            throw reader.Error($"the grid line has 5 values (Nrho drho Nr dr cutoff); found an extra '{extra}'");
        }

        var densitiesPerElement = format == EamFileFormat.Setfl ? 1 : n;
        var elements = new EamElement[n];
        var embedding = new double[n][];
        var density = new double[n * densitiesPerElement][];
        var numbers = new NumberStream(reader);
        for (var e = 0; e < n; e++)
        {
            elements[e] = ReadElementLine(reader, names[e]);
            embedding[e] = numbers.Read(densityPoints, $"F(ρ) of {names[e]}");
            for (var d = 0; d < densitiesPerElement; d++)
            {
                var what = format == EamFileFormat.Setfl ? $"ρ(r) of {names[e]}" : $"ρ(r) of {names[e]} block, function {d + 1} ({names[d]})";
                density[(e * densitiesPerElement) + d] = numbers.Read(distancePoints, what);
            }

            numbers.EndOfLine();
        }

        var pair = new double[n * (n + 1) / 2][];
        for (int i = 0, slot = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++, slot++)
            {
                pair[slot] = numbers.Read(distancePoints, $"r·φ(r) of {names[i]}-{names[j]}");
            }
        }

        numbers.EndOfFile();
        return new EamFile(
            reader.SourceName, format, comments, elements, (densityPoints, densitySpacing), (distancePoints, distanceSpacing), cutoff, embedding, density, pair);
    }

    private static string[] ReadElementNames(LineReader reader)
    {
        var tokens = new Tokens(reader.ReadLine("the element line 'N name1 … nameN'"));
        if (!tokens.TryNext(out var countText))
        {
            throw reader.Error("expected the number of elements and their names, found an empty line");
        }

        var count = NumberText.ParseInteger(countText, reader, "number of elements");
        if (count < 1 || count > 118)
        {
            throw reader.Error(FormattableString.Invariant($"the number of elements must be 1–118, not {count}"));
        }

        var names = new List<string>((int)count);
        while (tokens.TryNext(out var name))
        {
            names.Add(name.ToString());
        }

        if (names.Count != count)
        {
            throw reader.Error(FormattableString.Invariant($"{count} elements announced but {names.Count} names given"));
        }

        for (var a = 0; a < names.Count; a++)
        {
            for (var b = 0; b < a; b++)
            {
                if (string.Equals(names[a], names[b], StringComparison.Ordinal))
                {
                    throw reader.Error($"element {names[a]} is listed twice");
                }
            }
        }

        return [.. names];
    }

    private static int ReadPoints(ref Tokens tokens, LineReader reader, string what)
    {
        if (!tokens.TryNext(out var token))
        {
            throw reader.Error($"the grid line 'Nrho drho Nr dr cutoff' ends before {what}");
        }

        var points = NumberText.ParseInteger(token, reader, what);
        if (points < 5 || points > MaxPoints)
        {
            throw reader.Error(FormattableString.Invariant($"{what} must be 5–{MaxPoints}, not {points}"));
        }

        return (int)points;
    }

    private static double ReadPositive(ref Tokens tokens, LineReader reader, string what)
    {
        if (!tokens.TryNext(out var token))
        {
            throw reader.Error($"the grid line 'Nrho drho Nr dr cutoff' ends before {what}");
        }

        var value = NumberText.ParseReal(token, reader, what);
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw reader.Error(FormattableString.Invariant($"{what} must be positive and finite, not {value}"));
        }

        return value;
    }

    private static EamElement ReadElementLine(LineReader reader, string name)
    {
        var tokens = new Tokens(reader.ReadLine($"the line 'Z mass lattice-constant lattice-type' of {name}"));
        if (!tokens.TryNext(out var zText) || !tokens.TryNext(out var massText))
        {
            throw reader.Error($"the line of {name} needs at least 'Z mass'");
        }

        var z = NumberText.ParseInteger(zText, reader, $"atomic number of {name}");
        var mass = NumberText.ParseReal(massText, reader, $"mass of {name}");
        var latticeConstant = tokens.TryNext(out var aText) ? NumberText.ParseReal(aText, reader, $"lattice constant of {name}") : 0;
        var latticeType = tokens.TryNext(out var typeText) ? typeText.ToString() : string.Empty;
        int atomicNumber;
        if (!Atomistics.Elements.TryParseSymbol(name, out atomicNumber))
        {
            if (z < 1 || z > Atomistics.Elements.MaxAtomicNumber)
            {
                throw reader.Error(FormattableString.Invariant($"{name} is not an element symbol and its atomic number {z} is not 1–118"));
            }

            atomicNumber = (int)z;
        }

        return new EamElement(name, atomicNumber, mass, latticeConstant, latticeType);
    }

    // Reads numbers regardless of how they are spread over lines, remembering the line of each for error messages.
    private sealed class NumberStream(LineReader reader)
    {
        private string line = string.Empty;
        private int position;

        public double[] Read(int count, string what)
        {
            var values = new double[count];
            for (var k = 0; k < count; k++)
            {
                if (!NextToken(out var from, out var length))
                {
                    throw reader.Error(
                        reader.LineNumber + 1,
                        FormattableString.Invariant($"the file ends after {k} of the {count} values of {what}"));
                }

                var token = line.AsSpan(from, length);
                if (!NumberText.TryParseReal(token, out values[k]) || !double.IsFinite(values[k]))
                {
                    throw reader.Error(FormattableString.Invariant($"value {k + 1} of the {count} values of {what}: '{token.ToString()}' is not a finite number"));
                }
            }

            return values;
        }

        // Tables that a header line follows must end with their line: leftovers mean a count does not match the file.
        public void EndOfLine()
        {
            if (SkipSpace())
            {
                throw reader.Error($"unexpected extra value '{Rest()}' after the end of a table (is Nrho or Nr wrong?)");
            }

            position = line.Length;
        }

        public void EndOfFile()
        {
            EndOfLine();
            while (reader.TryReadLine(out var next))
            {
                if (!next.IsWhiteSpace())
                {
                    line = next.ToString();
                    position = 0;
                    SkipSpace();
                    throw reader.Error($"unexpected extra value '{Rest()}' after the last pair table (is Nr wrong?)");
                }
            }
        }

        private string Rest()
        {
            var end = position;
            while (end < line.Length && !char.IsWhiteSpace(line[end]))
            {
                end++;
            }

            return line[position..end];
        }

        private bool SkipSpace()
        {
            while (position < line.Length && char.IsWhiteSpace(line[position]))
            {
                position++;
            }

            return position < line.Length;
        }

        private bool NextToken(out int from, out int length)
        {
            while (!SkipSpace())
            {
                if (!reader.TryReadLine(out var next))
                {
                    from = length = 0;
                    return false;
                }

                line = next.ToString();
                position = 0;
            }

            from = position;
            while (position < line.Length && !char.IsWhiteSpace(line[position]))
            {
                position++;
            }

            length = position - from;
            return true;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Path.GetFileName(Source)} ({Format}, {string.Join(" ", Elements.Select(e => e.Name))}, cutoff {Cutoff} Å)");
}
