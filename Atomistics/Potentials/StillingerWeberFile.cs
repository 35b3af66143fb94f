using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// One entry of a Stillinger–Weber parameter set, for the triplet (<see cref="Center"/>, <see cref="Second"/>,
/// <see cref="Third"/>) with <see cref="Center"/> the vertex of the angle, in LAMMPS' <c>pair_style sw</c> meaning and metal
/// units.
/// </summary>
/// <remarks>
/// The two-body parameters of the pair i–j (ε, σ, a, A, B, p, q) and the pair parameters of the three-body screening (γ, σ,
/// a) come from the entry (i, j, j); the angular parameters of the angle j–i–k (λ, ε, cos θ₀) from the entry (i, j, k).
/// </remarks>
/// <param name="Center">Atomic number of the central atom i.</param>
/// <param name="Second">Atomic number of the neighbour j.</param>
/// <param name="Third">Atomic number of the neighbour k.</param>
/// <param name="Epsilon">ε, energy scale in eV.</param>
/// <param name="Sigma">σ, length scale in Å.</param>
/// <param name="CutoffRatio">a: the pair cutoff is a·σ.</param>
/// <param name="Lambda">λ, strength of the angular term.</param>
/// <param name="Gamma">γ, decay of the three-body screening.</param>
/// <param name="CosTheta0">cos θ₀, the preferred angle's cosine.</param>
/// <param name="PairA">A, prefactor of the two-body term.</param>
/// <param name="PairB">B, weight of the repulsive power.</param>
/// <param name="P">p, repulsive power.</param>
/// <param name="Q">q, attractive power.</param>
public sealed record StillingerWeberParameters(
    int Center,
    int Second,
    int Third,
    double Epsilon,
    double Sigma,
    double CutoffRatio,
    double Lambda,
    double Gamma,
    double CosTheta0,
    double PairA,
    double PairB,
    double P,
    double Q);

/// <summary>
/// Reads LAMMPS <c>pair_style sw</c> parameter files (<c>*.sw</c>): '#' starts a comment, blank lines are skipped, and each
/// entry is 14 words <c>element1 element2 element3 epsilon sigma a lambda gamma costheta0 A B p q tol</c>, possibly split over
/// several lines (words are collected until there are 14).
/// </summary>
public static class StillingerWeberFile
{
    private const int WordsPerEntry = 14;

    private static readonly string[] ParameterNames =
        ["epsilon", "sigma", "a", "lambda", "gamma", "costheta0", "A", "B", "p", "q", "tol"];

    /// <summary>Reads the entries of a file that the given elements need, indexed [i·n² + j·n + k] in the order of <paramref name="species"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="species">Atomic numbers of the potential's elements (n of them); entries for other elements are ignored.</param>
    /// <exception cref="StructureFormatException">
    /// The file is malformed (<c>file:line: ...</c>): a wrong number of words, a word that is not a number, an unknown element
    /// symbol, a negative or non-finite parameter, a non-zero tol, a repeated entry; or an entry the elements need is missing.
    /// </exception>
    public static StillingerWeberParameters[] Read(string path, IReadOnlyList<int> species)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(new StreamReader(path), path, species);
    }

    /// <summary>Reads entries as <see cref="Read(string, IReadOnlyList{int})"/> does, from a text reader (which it disposes).</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="sourceName">Name of the source in error messages.</param>
    /// <param name="species">Atomic numbers of the potential's elements.</param>
    /// <exception cref="StructureFormatException">As for <see cref="Read(string, IReadOnlyList{int})"/>.</exception>
    public static StillingerWeberParameters[] Read(TextReader text, string sourceName, IReadOnlyList<int> species)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new LineReader(text, sourceName);
        ArgumentNullException.ThrowIfNull(species);
        var index = new SpeciesIndex(species);
        var n = species.Count;
        var selected = new StillingerWeberParameters?[n * n * n];
        var firstLineOf = new Dictionary<(int, int, int), long>();
        foreach (var (entry, line) in Entries(reader))
        {
            if (!firstLineOf.TryAdd((entry.Center, entry.Second, entry.Third), line))
            {
                throw reader.Error(line, $"a second entry for {Describe(entry.Center, entry.Second, entry.Third)} (the first is at line {firstLineOf[(entry.Center, entry.Second, entry.Third)]})");
            }

            int i = index[entry.Center], j = index[entry.Second], k = index[entry.Third];
            if (i >= 0 && j >= 0 && k >= 0)
            {
                selected[(((i * n) + j) * n) + k] = entry;
            }
        }

        var result = new StillingerWeberParameters[selected.Length];
        for (var t = 0; t < selected.Length; t++)
        {
            result[t] = selected[t] ?? throw new StructureFormatException(
                sourceName,
                0,
                $"no entry for {Describe(species[t / (n * n)], species[t / n % n], species[t % n])}, which the elements {index.Describe()} need");
        }

        return result;
    }

    private static List<(StillingerWeberParameters Entry, long Line)> Entries(LineReader reader)
    {
        var entries = new List<(StillingerWeberParameters Entry, long Line)>();
        var words = new List<(string Text, long Line)>(WordsPerEntry);
        while (reader.TryReadLine(out var line))
        {
            var comment = line.IndexOf('#');
            var tokens = new Tokens(comment >= 0 ? line[..comment] : line);
            while (tokens.TryNext(out var token))
            {
                words.Add((token.ToString(), reader.LineNumber));
            }

            if (words.Count > WordsPerEntry)
            {
                throw reader.Error(
                    words[0].Line,
                    $"an entry has {WordsPerEntry} words (3 elements and {WordsPerEntry - 3} parameters), but this one has {words.Count} by line {reader.LineNumber}");
            }

            if (words.Count == WordsPerEntry)
            {
                entries.Add((Parse(words, reader), words[0].Line));
                words.Clear();
            }
        }

        if (words.Count > 0)
        {
            throw reader.Error(
                words[0].Line,
                $"the file ends inside an entry: it has {words.Count} of the {WordsPerEntry} words (3 elements and {WordsPerEntry - 3} parameters)");
        }

        return entries;
    }

    private static StillingerWeberParameters Parse(List<(string Text, long Line)> words, LineReader reader)
    {
        Span<int> elements = stackalloc int[3];
        for (var e = 0; e < 3; e++)
        {
            if (!Elements.TryParseSymbol(words[e].Text, out elements[e]) || elements[e] == 0)
            {
                throw reader.Error(words[e].Line, $"'{words[e].Text}' is not a chemical element symbol");
            }
        }

        Span<double> values = stackalloc double[WordsPerEntry - 3];
        for (var v = 0; v < values.Length; v++)
        {
            var (text, line) = words[v + 3];
            if (!NumberText.TryParseReal(text, out values[v]) || !double.IsFinite(values[v]))
            {
                throw reader.Error(line, $"{ParameterNames[v]}: '{text}' is not a finite number");
            }

            // cos θ₀ may be negative; every other parameter is a scale, a power or a ratio that LAMMPS also refuses below 0.
            if (values[v] < 0 && ParameterNames[v] != "costheta0")
            {
                throw reader.Error(line, $"{ParameterNames[v]} must not be negative, but is {text}");
            }
        }

        var tol = values[^1];
        if (tol != 0)
        {
            // tol > 0 makes LAMMPS replace the a·σ cutoff by a shorter, truncating one; only the exact potential is supported.
            throw reader.Error(words[^1].Line, $"tol is {words[^1].Text}; only tol = 0 (the exact a·σ cutoff) is supported");
        }

        return new StillingerWeberParameters(
            elements[0], elements[1], elements[2], values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9]);
    }

    private static string Describe(int i, int j, int k) => $"{Elements.Symbol(i)} {Elements.Symbol(j)} {Elements.Symbol(k)}";
}
