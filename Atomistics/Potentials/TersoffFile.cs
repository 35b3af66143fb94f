using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// One entry of a Tersoff parameter file, for the ordered element triplet (i, j, k), in LAMMPS metal units and with the
/// meaning LAMMPS' <c>pair_style tersoff</c> gives it: the pair parameters (n, β, λ1, A, λ2, B, and R, D for the bond
/// i–j) are used from the entry (i, j, j); the three-body parameters (m, γ, λ3, c, d, cos θ0, and R, D for the bond i–k)
/// from the entry (i, j, k).
/// </summary>
/// <param name="Element1">Atomic number of the central atom i.</param>
/// <param name="Element2">Atomic number of the bonded atom j.</param>
/// <param name="Element3">Atomic number of the third atom k.</param>
/// <param name="M">Exponent m of exp[λ3^m (r_ij − r_ik)^m]: 3 or 1.</param>
/// <param name="Gamma">γ, the scale of the angular function g(θ) (dimensionless).</param>
/// <param name="Lambda3">λ3 in 1/Å.</param>
/// <param name="C">c of g(θ) (dimensionless).</param>
/// <param name="D">d of g(θ) (dimensionless).</param>
/// <param name="CosTheta0">cos θ0 of g(θ) (LAMMPS' h).</param>
/// <param name="N">n of the bond order b_ij = (1 + β^n ζ^n)^(−1/2n).</param>
/// <param name="Beta">β of the bond order.</param>
/// <param name="Lambda2">λ2 of the attractive term −B exp(−λ2 r), in 1/Å.</param>
/// <param name="B">B of the attractive term, in eV.</param>
/// <param name="CutoffRadius">R, the middle of the smooth cutoff, in Å.</param>
/// <param name="CutoffWidth">D, the half-width of the smooth cutoff, in Å (the cutoff ends at R + D).</param>
/// <param name="Lambda1">λ1 of the repulsive term A exp(−λ1 r), in 1/Å.</param>
/// <param name="A">A of the repulsive term, in eV.</param>
public sealed record TersoffEntry(
    int Element1,
    int Element2,
    int Element3,
    double M,
    double Gamma,
    double Lambda3,
    double C,
    double D,
    double CosTheta0,
    double N,
    double Beta,
    double Lambda2,
    double B,
    double CutoffRadius,
    double CutoffWidth,
    double Lambda1,
    double A)
{
    /// <summary>The parameters as a Tersoff file writes them after the three elements, in file order.</summary>
    public double[] Values() => [M, Gamma, Lambda3, C, D, CosTheta0, N, Beta, Lambda2, B, CutoffRadius, CutoffWidth, Lambda1, A];

    /// <summary>What is wrong with the parameters as LAMMPS would refuse them, or <see langword="null"/>.</summary>
    public string? Problem()
    {
        if (M != 3 && M != 1)
        {
            return $"m must be 3 or 1, not {M.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        if (Gamma < 0 || C < 0 || D < 0 || N < 0 || Beta < 0 || Lambda2 < 0 || B < 0 || CutoffRadius < 0 || CutoffWidth < 0)
        {
            return "γ, c, d, n, β, λ2, B, R and D must not be negative";
        }

        if (Element2 == Element3 && N <= 0)
        {
            return "n must be positive in an entry (i, j, j), which supplies the bond order";
        }

        if (CutoffWidth > CutoffRadius)
        {
            return "D must not exceed R";
        }

        return null;
    }
}

/// <summary>
/// Reads LAMMPS <c>pair_style tersoff</c> parameter files (<c>*.tersoff</c>): <c>#</c> starts a comment, blank lines are
/// skipped, and each entry is 17 words — <c>element1 element2 element3 m gamma lambda3 c d costheta0 n beta lambda2 B R D
/// lambda1 A</c> — starting on a new line and possibly continued over the following lines.
/// </summary>
public static class TersoffFile
{
    /// <summary>Words in one entry: three element symbols and fourteen numbers.</summary>
    public const int WordsPerEntry = 17;

    /// <summary>
    /// Reads the entries of the elements chosen, as LAMMPS' <c>pair_coeff * * file elements...</c> does: entries naming any
    /// other element are skipped, and every ordered triplet of the chosen elements must occur exactly once.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="elements">
    /// Element names as the file spells them, e.g. <c>["Si", "C"]</c> or <c>["Si(D)"]</c>; compared with the file's names
    /// exactly, and mapped to atoms by their chemical symbol (see <see cref="TryParseName"/>).
    /// </param>
    /// <returns>The n³ entries, ordered by (i, j, k) in the order of <paramref name="elements"/>.</returns>
    /// <exception cref="StructureFormatException">
    /// "file:line: ..." for a malformed entry (wrong number of words, a number that is not one, a symbol that is not a
    /// element name, parameters LAMMPS refuses, a repeated triplet) and "file: ..." for a missing triplet.
    /// </exception>
    /// <exception cref="ArgumentException">A name is not an element name, or two name the same element.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<TersoffEntry> Read(string path, IReadOnlyList<string> elements)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new LineReader(new StreamReader(path), path);
        return Read(reader, elements);
    }

    /// <summary>Reads the entries of the chosen elements from an open source (see <see cref="Read(string, IReadOnlyList{string})"/>).</summary>
    /// <exception cref="StructureFormatException">As for <see cref="Read(string, IReadOnlyList{string})"/>.</exception>
    /// <exception cref="ArgumentException">A name is not an element name, or two name the same element.</exception>
    public static IReadOnlyList<TersoffEntry> Read(LineReader reader, IReadOnlyList<string> elements)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(elements);
        if (elements.Count == 0)
        {
            throw new ArgumentException("At least one element is needed.", nameof(elements));
        }

        var numbers = new int[elements.Count];
        for (var e = 0; e < elements.Count; e++)
        {
            if (!TryParseName(elements[e], out numbers[e]))
            {
                throw new ArgumentException(
                    $"'{elements[e]}' is not an element name: a chemical symbol, optionally followed by a variant in parentheses such as Si(D).",
                    nameof(elements));
            }

            if (Array.IndexOf(numbers, numbers[e], 0, e) >= 0)
            {
                throw new ArgumentException($"Element {Elements.Symbol(numbers[e])} is given twice ({elements[e]}).", nameof(elements));
            }
        }

        var count = elements.Count;
        var found = new TersoffEntry?[count * count * count];
        var words = new string[WordsPerEntry];
        var atomicNumbers = new int[3];
        while (NextEntry(reader, words, out var firstLine))
        {
            var slot = 0;
            var wanted = true;
            for (var w = 0; w < 3; w++)
            {
                if (!TryParseName(words[w], out atomicNumbers[w]))
                {
                    throw reader.Error(firstLine, $"'{words[w]}' is not an element name (a chemical symbol, optionally followed by a variant in parentheses)");
                }

                var index = IndexOf(elements, words[w]);
                wanted &= index >= 0;
                slot = (slot * count) + Math.Max(index, 0);
            }

            var values = new double[WordsPerEntry - 3];
            for (var v = 0; v < values.Length; v++)
            {
                if (!NumberText.TryParseReal(words[v + 3], out values[v]) || !double.IsFinite(values[v]))
                {
                    throw reader.Error(firstLine, $"word {v + 4} of the entry {words[0]} {words[1]} {words[2]}, '{words[v + 3]}', is not a number");
                }
            }

            if (!wanted)
            {
                continue;
            }

            var entry = new TersoffEntry(
                atomicNumbers[0], atomicNumbers[1], atomicNumbers[2],
                values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                values[7], values[8], values[9], values[10], values[11], values[12], values[13]);
            if (entry.Problem() is { } problem)
            {
                throw reader.Error(firstLine, $"entry {words[0]} {words[1]} {words[2]}: {problem}");
            }

            if (found[slot] is not null)
            {
                throw reader.Error(firstLine, $"the entry {words[0]} {words[1]} {words[2]} is given twice");
            }

            found[slot] = entry;
        }

        var entries = new TersoffEntry[found.Length];
        for (var slot = 0; slot < found.Length; slot++)
        {
            entries[slot] = found[slot] ?? throw reader.Error(
                0, $"no entry for {elements[slot / (count * count)]} {elements[slot / count % count]} {elements[slot % count]}");
        }

        return entries;
    }

    /// <summary>
    /// The element of a name in a Tersoff file or <c>pair_coeff</c> line: a chemical symbol (<c>Si</c>), optionally followed
    /// by a variant in parentheses (<c>Si(D)</c>, as in LAMMPS' <c>SiCGe.tersoff</c>).
    /// </summary>
    public static bool TryParseName(string name, out int atomicNumber)
    {
        ArgumentNullException.ThrowIfNull(name);
        var variant = name.IndexOf('(', StringComparison.Ordinal);
        if (variant >= 0 && (variant == 0 || !name.EndsWith(')')))
        {
            atomicNumber = 0;
            return false;
        }

        var symbol = variant >= 0 ? name.AsSpan(0, variant) : name.AsSpan();
        return Elements.TryParseSymbol(symbol, out atomicNumber) && symbol.SequenceEqual(Elements.Symbol(atomicNumber));
    }

    private static int IndexOf(IReadOnlyList<string> elements, string symbol)
    {
        for (var e = 0; e < elements.Count; e++)
        {
            if (string.Equals(elements[e], symbol, StringComparison.Ordinal))
            {
                return e;
            }
        }

        return -1;
    }

    // Gathers the words of the next entry, which starts on a line of its own and may continue over the next lines.
    private static bool NextEntry(LineReader reader, string[] words, out long firstLine)
    {
        var gathered = 0;
        firstLine = 0;
        while (reader.TryReadLine(out var line))
        {
            var comment = line.IndexOf('#');
            var tokens = new Tokens(comment >= 0 ? line[..comment] : line);
            while (tokens.TryNext(out var token))
            {
                if (gathered == WordsPerEntry)
                {
                    throw reader.Error($"the entry starting on line {firstLine} has more than {WordsPerEntry} words");
                }

                if (gathered == 0)
                {
                    firstLine = reader.LineNumber;
                }

                words[gathered++] = token.ToString();
            }

            if (gathered == WordsPerEntry)
            {
                return true;
            }
        }

        if (gathered > 0)
        {
            throw reader.Error(firstLine, $"the entry has {gathered} words where {WordsPerEntry} are needed (the file ends inside it)");
        }

        return false;
    }
}
