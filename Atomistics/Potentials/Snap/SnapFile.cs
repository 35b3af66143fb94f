using System.Globalization;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Atomistics.Potentials.Snap;

/// <summary>
/// The hyper-parameters of a SNAP model, as LAMMPS' <c>.snapparam</c> file states them.
/// </summary>
/// <param name="CutoffFactor">rcutfac: the cutoff of a pair i–k is rcutfac·(R_i + R_k) with R the element radii (dimensionless).</param>
/// <param name="TwoJMax">twojmax: twice the largest angular momentum of the bispectrum (an integer ≥ 0).</param>
/// <param name="RadialFactor">rfac0: the fraction of π the distance is mapped to on the 3-sphere (0 &lt; rfac0 ≤ 1).</param>
/// <param name="InnerRadius">rmin0 in Å: distances are mapped relative to it; default 0.</param>
/// <param name="Switched">switchflag: whether neighbour contributions fade with a cosine to zero at the cutoff; default true.</param>
/// <param name="SubtractSelf">bzeroflag: whether the bispectrum of an isolated atom is subtracted; default true.</param>
/// <param name="Quadratic">quadraticflag: whether the energy has the quadratic terms; default false.</param>
public sealed record SnapHyperParameters(
    double CutoffFactor,
    int TwoJMax,
    double RadialFactor,
    double InnerRadius,
    bool Switched,
    bool SubtractSelf,
    bool Quadratic);

/// <summary>One element of a SNAP model, as its block in LAMMPS' <c>.snapcoeff</c> file.</summary>
/// <param name="AtomicNumber">The element.</param>
/// <param name="Radius">R, its radius (dimensionless; scaled by rcutfac into Å).</param>
/// <param name="Weight">w, the weight of its atoms in the neighbour density of others.</param>
/// <param name="Coefficients">β: the constant (eV), then one per bispectrum component, then (quadratic models) one per pair k ≤ l.</param>
public sealed record SnapElement(int AtomicNumber, double Radius, double Weight, double[] Coefficients);

/// <summary>A SNAP model: hyper-parameters and the elements with their coefficients.</summary>
/// <param name="Parameters">The hyper-parameters.</param>
/// <param name="Elements">The elements, in the order the potential was asked for.</param>
public sealed record SnapModel(SnapHyperParameters Parameters, IReadOnlyList<SnapElement> Elements);

/// <summary>
/// Reads and writes LAMMPS SNAP files: <c>.snapparam</c> (lines <c>keyword value</c>; '#' starts a comment) and <c>.snapcoeff</c> (a line
/// <c>nelements ncoeff</c>, then per element a line <c>Symbol radius weight</c> followed by ncoeff numbers).
/// </summary>
/// <remarks>
/// Only the features this implementation evaluates are accepted: chemflag, bnormflag, wselfallflag and switchinnerflag must be
/// 0 (absent), and any other keyword is refused rather than silently ignored.
/// </remarks>
public static class SnapFile
{
    /// <summary>Number of bispectrum components for twojmax (55 for 8, 30 for 6).</summary>
    public static int ComponentCount(int twoJMax)
    {
        var count = 0;
        for (var j1 = 0; j1 <= twoJMax; j1++)
        {
            for (var j2 = 0; j2 <= j1; j2++)
            {
                for (var j = j1 - j2; j <= Math.Min(twoJMax, j1 + j2); j += 2)
                {
                    if (j >= j1)
                    {
                        count++;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>Reads a model for the given elements from a <c>.snapcoeff</c> file and the <c>.snapparam</c> beside it.</summary>
    /// <param name="coefficientPath">The <c>.snapcoeff</c> file; the parameters are read from the same path ending in <c>.snapparam</c>.</param>
    /// <param name="species">The elements to take, as LAMMPS' <c>pair_coeff * * COEFF PARAM Si</c>.</param>
    /// <exception cref="StructureFormatException">A file is malformed or lacks an element (<c>file:line: ...</c>).</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static SnapModel Read(string coefficientPath, IReadOnlyList<int> species)
    {
        ArgumentNullException.ThrowIfNull(coefficientPath);
        var parameterPath = Path.ChangeExtension(coefficientPath, ".snapparam");
        var parameters = ReadParameters(File.ReadAllLines(parameterPath), parameterPath);
        return new SnapModel(parameters, ReadCoefficients(File.ReadAllLines(coefficientPath), coefficientPath, parameters, species));
    }

    /// <summary>Parses the lines of a <c>.snapparam</c> file.</summary>
    /// <param name="lines">The file's lines.</param>
    /// <param name="source">The file name for error messages.</param>
    /// <exception cref="StructureFormatException">An unknown or unsupported keyword, a bad or repeated value, or a missing required keyword.</exception>
    public static SnapHyperParameters ReadParameters(IReadOnlyList<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var values = new Dictionary<string, (double Value, int Line)>(StringComparer.Ordinal);
        for (var n = 0; n < lines.Count; n++)
        {
            var words = Words(lines[n]);
            if (words.Length == 0)
            {
                continue;
            }

            if (words.Length != 2)
            {
                throw new StructureFormatException(source, n + 1, $"expected 'keyword value', found '{lines[n].Trim()}'.");
            }

            var key = words[0];
            if (key is not ("rcutfac" or "twojmax" or "rfac0" or "rmin0" or "switchflag" or "bzeroflag" or "quadraticflag"
                or "chemflag" or "bnormflag" or "wselfallflag" or "switchinnerflag"))
            {
                throw new StructureFormatException(source, n + 1, $"unknown or unsupported SNAP keyword '{key}'.");
            }

            if (values.ContainsKey(key))
            {
                throw new StructureFormatException(source, n + 1, $"'{key}' is given twice.");
            }

            values[key] = (Number(words[1], source, n + 1), n + 1);
        }

        foreach (var unsupported in (string[])["chemflag", "bnormflag", "wselfallflag", "switchinnerflag"])
        {
            if (values.TryGetValue(unsupported, out var given) && given.Value != 0)
            {
                throw new StructureFormatException(source, given.Line, $"{unsupported} {given.Value.ToString(CultureInfo.InvariantCulture)} is not supported (only 0).");
            }
        }

        double Required(string key) => values.TryGetValue(key, out var v)
            ? v.Value
            : throw new StructureFormatException(source, 0, $"the required keyword '{key}' is missing.");
        bool Flag(string key, bool fallback)
        {
            if (!values.TryGetValue(key, out var v))
            {
                return fallback;
            }

            return v.Value switch
            {
                0 => false,
                1 => true,
                _ => throw new StructureFormatException(source, v.Line, $"{key} must be 0 or 1."),
            };
        }

        var rcutfac = Required("rcutfac");
        var twojmax = Required("twojmax");
        if (!(rcutfac > 0) || twojmax < 0 || twojmax != Math.Floor(twojmax) || twojmax > 20)
        {
            throw new StructureFormatException(source, values["twojmax"].Line, "rcutfac must be positive and twojmax an integer in 0..20.");
        }

        var rfac0 = values.TryGetValue("rfac0", out var r) ? r.Value : 0.99363;
        var rmin0 = values.TryGetValue("rmin0", out var m) ? m.Value : 0;
        if (!(rfac0 > 0 && rfac0 <= 1) || !(rmin0 >= 0))
        {
            throw new StructureFormatException(source, 0, "rfac0 must lie in (0, 1] and rmin0 must be ≥ 0.");
        }

        return new SnapHyperParameters(rcutfac, (int)twojmax, rfac0, rmin0, Flag("switchflag", true), Flag("bzeroflag", true), Flag("quadraticflag", false));
    }

    /// <summary>Parses the lines of a <c>.snapcoeff</c> file and takes the given elements.</summary>
    /// <param name="lines">The file's lines.</param>
    /// <param name="source">The file name for error messages.</param>
    /// <param name="parameters">The hyper-parameters, which fix the number of coefficients per element.</param>
    /// <param name="species">The elements to take, in the potential's order.</param>
    /// <exception cref="StructureFormatException">A malformed header or element line, a wrong coefficient count, a repeated or missing element.</exception>
    public static IReadOnlyList<SnapElement> ReadCoefficients(
        IReadOnlyList<string> lines, string source, SnapHyperParameters parameters, IReadOnlyList<int> species)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(species);
        var tokens = new List<(string Word, int Line)>();
        for (var n = 0; n < lines.Count; n++)
        {
            foreach (var word in Words(lines[n]))
            {
                tokens.Add((word, n + 1));
            }
        }

        var position = 0;
        (string Word, int Line) Next(string what) => position < tokens.Count
            ? tokens[position++]
            : throw new StructureFormatException(source, lines.Count, $"the file ends where {what} was expected.");

        var header = Next("the element count");
        var elementCount = Integer(header.Word, source, header.Line);
        var countToken = Next("the coefficient count");
        var coefficientCount = Integer(countToken.Word, source, countToken.Line);
        var components = ComponentCount(parameters.TwoJMax);
        var expected = 1 + components + (parameters.Quadratic ? components * (components + 1) / 2 : 0);
        if (coefficientCount != expected)
        {
            throw new StructureFormatException(source, countToken.Line,
                $"{coefficientCount} coefficients per element, but twojmax {parameters.TwoJMax}{(parameters.Quadratic ? " with quadratic terms" : string.Empty)} needs {expected}.");
        }

        var found = new Dictionary<int, SnapElement>();
        for (var e = 0; e < elementCount; e++)
        {
            var symbol = Next("an element symbol");
            if (!Elements.TryParseSymbol(symbol.Word, out var number))
            {
                throw new StructureFormatException(source, symbol.Line, $"'{symbol.Word}' is not an element symbol.");
            }

            var radiusToken = Next("the element radius");
            var weightToken = Next("the element weight");
            var radius = Number(radiusToken.Word, source, radiusToken.Line);
            var weight = Number(weightToken.Word, source, weightToken.Line);
            if (!(radius > 0))
            {
                throw new StructureFormatException(source, radiusToken.Line, $"the radius of {symbol.Word} must be positive.");
            }

            var coefficients = new double[coefficientCount];
            for (var c = 0; c < coefficientCount; c++)
            {
                var token = Next($"coefficient {c + 1} of {symbol.Word}");
                coefficients[c] = Number(token.Word, source, token.Line);
            }

            if (!found.TryAdd(number, new SnapElement(number, radius, weight, coefficients)))
            {
                throw new StructureFormatException(source, symbol.Line, $"element {symbol.Word} is given twice.");
            }
        }

        if (position != tokens.Count)
        {
            throw new StructureFormatException(source, tokens[position].Line, $"unexpected '{tokens[position].Word}' after the {elementCount} element blocks.");
        }

        var result = new SnapElement[species.Count];
        for (var s = 0; s < species.Count; s++)
        {
            result[s] = found.TryGetValue(species[s], out var element)
                ? element
                : throw new StructureFormatException(source, 0, $"has no coefficients for {Elements.Symbol(species[s])}.");
        }

        return result;
    }

    /// <summary>Number of coefficients per element: the constant, one per bispectrum component and (quadratic models) one per pair k ≤ l.</summary>
    public static int CoefficientCount(SnapHyperParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var components = ComponentCount(parameters.TwoJMax);
        return 1 + components + (parameters.Quadratic ? components * (components + 1) / 2 : 0);
    }

    /// <summary>
    /// Writes <paramref name="model"/> as a <c>.snapcoeff</c> file and the <c>.snapparam</c> beside it (both overwritten), in
    /// the format LAMMPS reads; <see cref="Read"/> with the model's elements gives the same model back, every number
    /// unchanged to the last bit.
    /// </summary>
    /// <param name="coefficientPath">The <c>.snapcoeff</c> file; the parameters go to the same path ending in <c>.snapparam</c>.</param>
    /// <param name="model">The model, e.g. <see cref="SnapPotential.Model"/> of a fitted potential.</param>
    /// <param name="comment">A first comment line for both files (e.g. where the model comes from), or none.</param>
    /// <exception cref="ArgumentException">An element has the wrong number of coefficients for the hyper-parameters, appears twice,
    /// has a radius that is not positive, or a number is not finite.</exception>
    public static void Write(string coefficientPath, SnapModel model, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(coefficientPath);
        ArgumentNullException.ThrowIfNull(model);
        var coefficients = new StringWriter(CultureInfo.InvariantCulture);
        WriteCoefficients(coefficients, model, comment);
        var parameters = new StringWriter(CultureInfo.InvariantCulture);
        WriteParameters(parameters, model.Parameters, comment);
        File.WriteAllText(Path.ChangeExtension(coefficientPath, ".snapparam"), parameters.ToString());
        File.WriteAllText(coefficientPath, coefficients.ToString());
    }

    /// <summary>Writes the <c>.snapparam</c> text of <paramref name="parameters"/> (every keyword, '\n' line ends).</summary>
    /// <param name="writer">Where the text goes.</param>
    /// <param name="parameters">The hyper-parameters.</param>
    /// <param name="comment">A first comment line, or none.</param>
    public static void WriteParameters(TextWriter writer, SnapHyperParameters parameters, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(parameters);
        var p = parameters;
        var text = new System.Text.StringBuilder(Header(comment));
        text.Append(CultureInfo.InvariantCulture, $"rcutfac {Exact(p.CutoffFactor)}\n");
        text.Append(CultureInfo.InvariantCulture, $"twojmax {p.TwoJMax}\n");
        text.Append(CultureInfo.InvariantCulture, $"rfac0 {Exact(p.RadialFactor)}\n");
        text.Append(CultureInfo.InvariantCulture, $"rmin0 {Exact(p.InnerRadius)}\n");
        text.Append(CultureInfo.InvariantCulture, $"switchflag {(p.Switched ? 1 : 0)}\n");
        text.Append(CultureInfo.InvariantCulture, $"bzeroflag {(p.SubtractSelf ? 1 : 0)}\n");
        text.Append(CultureInfo.InvariantCulture, $"quadraticflag {(p.Quadratic ? 1 : 0)}\n");
        writer.Write(text.ToString());
    }

    /// <summary>Writes the <c>.snapcoeff</c> text of <paramref name="model"/> ('\n' line ends, every number exact).</summary>
    /// <param name="writer">Where the text goes.</param>
    /// <param name="model">The model.</param>
    /// <param name="comment">A first comment line, or none.</param>
    /// <exception cref="ArgumentException">As <see cref="Write"/>; nothing is written then.</exception>
    public static void WriteCoefficients(TextWriter writer, SnapModel model, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(model);
        var expected = CoefficientCount(model.Parameters);
        var seen = new HashSet<int>();
        foreach (var element in model.Elements)
        {
            var symbol = Elements.Symbol(element.AtomicNumber);
            if (element.Coefficients.Length != expected)
            {
                throw new ArgumentException($"{symbol} has {element.Coefficients.Length} coefficients, but the model needs {expected}.", nameof(model));
            }

            if (!seen.Add(element.AtomicNumber))
            {
                throw new ArgumentException($"{symbol} appears twice.", nameof(model));
            }

            if (!(element.Radius > 0) || !double.IsFinite(element.Weight) || !element.Coefficients.All(double.IsFinite))
            {
                throw new ArgumentException($"{symbol} needs a positive radius and finite weight and coefficients.", nameof(model));
            }
        }

        var coefficients = new System.Text.StringBuilder(Header(comment));
        coefficients.Append(CultureInfo.InvariantCulture, $"{model.Elements.Count} {expected}\n");
        foreach (var element in model.Elements)
        {
            coefficients.Append(CultureInfo.InvariantCulture, $"{Elements.Symbol(element.AtomicNumber)} {Exact(element.Radius)} {Exact(element.Weight)}\n");
            foreach (var c in element.Coefficients)
            {
                coefficients.Append(Exact(c)).Append('\n');
            }
        }

        writer.Write(coefficients.ToString());
    }

    private static string Header(string? comment) => comment is null ? string.Empty : $"# {comment.ReplaceLineEndings(" ")}\n";

    // The shortest text that parses back to the same double.
    private static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string[] Words(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        var content = hash >= 0 ? line[..hash] : line;
        return content.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static double Number(string word, string source, int line) =>
        double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new StructureFormatException(source, line, $"'{word}' is not a finite number.");

    private static int Integer(string word, string source, int line) =>
        int.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new StructureFormatException(source, line, $"'{word}' is not a positive integer.");
}
