using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// Reads and writes MLIP-2 <c>.mtp</c> files (format version 1.1.0), trained or untrained.
/// </summary>
/// <remarks>
/// <para>
/// The file starts with a line <c>MTP</c>, followed by <c>key = value</c> lines (leading tabs or spaces are ignored):
/// <c>version</c>, optional <c>potential_name</c> and <c>scaling</c>, <c>species_count</c>, <c>potential_tag</c> (may be
/// empty; its value is not kept), <c>radial_basis_type</c>, <c>min_dist</c>, <c>max_dist</c>, <c>radial_basis_size</c>,
/// <c>radial_funcs_count</c>; in a trained file the line <c>radial_coeffs</c> and one block per ordered species pair — a line
/// <c>i-j</c> (centre type i, neighbour type j) and <c>radial_funcs_count</c> lines <c>{c_0, …, c_{K−1}}</c>; then
/// <c>alpha_moments_count</c>, <c>alpha_index_basic_count</c>, <c>alpha_index_basic = {{μ, a, b, c}, …}</c>,
/// <c>alpha_index_times_count</c>, <c>alpha_index_times = {{i, j, multiplicity, k}, …}</c>, <c>alpha_scalar_moments</c>,
/// <c>alpha_moment_mapping = {…}</c> and, trained, <c>species_coeffs = {…}</c> and <c>moment_coeffs = {…}</c>.
/// A brace list may continue over several lines.
/// </para>
/// <para>
/// Numbers are written as the shortest text that reads back to the same double, so that writing and reading again gives a
/// bit-identical model.
/// </para>
/// </remarks>
public static class MtpFile
{
    private static readonly string[] RequiredKeys =
    [
        "version", "species_count", "radial_basis_type", "min_dist", "max_dist", "radial_basis_size", "radial_funcs_count",
        "alpha_moments_count", "alpha_index_basic_count", "alpha_index_basic", "alpha_index_times_count", "alpha_index_times",
        "alpha_scalar_moments", "alpha_moment_mapping",
    ];

    /// <summary>Reads a <c>.mtp</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model; <see cref="MtpModel.IsTrained"/> tells whether it has coefficients.</returns>
    /// <exception cref="StructureFormatException">
    /// The file is malformed (<c>file:line: ...</c>): no <c>MTP</c> first line, an unknown or repeated key, a value that is not
    /// a number, a count that does not match its table, an index out of range, a missing or incomplete radial-coefficient
    /// block, or a required key missing at the end of the file.
    /// </exception>
    public static MtpModel Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(new StreamReader(path), path);
    }

    /// <summary>Reads a <c>.mtp</c> file's text from a reader, which it disposes.</summary>
    /// <param name="text">The text.</param>
    /// <param name="sourceName">Name of the source in error messages.</param>
    /// <returns>The model.</returns>
    /// <exception cref="StructureFormatException">As for <see cref="Read(string)"/>.</exception>
    public static MtpModel Read(TextReader text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new LineReader(text, sourceName);
        return new Parser(reader).Parse();
    }

    /// <summary>Writes <paramref name="model"/> to a file in MLIP-2's layout, atomically (temporary file, then rename).</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (<see cref="MtpModel.Problem"/>).</exception>
    public static void Write(MtpModel model, string path) => AtomicTextFile.Write(path, writer => Write(model, writer));

    /// <summary>Writes <paramref name="model"/> to a text writer (with <c>\n</c> line ends), leaving it open.</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (<see cref="MtpModel.Problem"/>).</exception>
    public static void Write(MtpModel model, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(writer);
        var problem = model.Problem();
        if (problem is not null)
        {
            throw new ArgumentException($"The MTP model cannot be written: {problem}.", nameof(model));
        }

        void Line(string text)
        {
            writer.Write(text);
            writer.Write('\n');
        }

        Line("MTP");
        Line($"version = {model.Version}");
        if (model.PotentialName is not null)
        {
            Line($"potential_name = {model.PotentialName}");
        }

        if (model.HasScaling || model.Scaling != 1.0)
        {
            Line($"scaling = {Real(model.Scaling)}");
        }

        Line(Invariant($"species_count = {model.SpeciesCount}"));
        Line("potential_tag = ");
        Line($"radial_basis_type = {model.RadialBasisType}");
        Line($"\tmin_dist = {Real(model.MinDist)}");
        Line($"\tmax_dist = {Real(model.MaxDist)}");
        Line(Invariant($"\tradial_basis_size = {model.RadialBasisSize}"));
        Line(Invariant($"\tradial_funcs_count = {model.RadialFuncsCount}"));
        if (model.RadialCoeffs is { } radial)
        {
            Line("\tradial_coeffs");
            var size = model.RadialBasisSize;
            for (var centre = 0; centre < model.SpeciesCount; centre++)
            {
                for (var neighbour = 0; neighbour < model.SpeciesCount; neighbour++)
                {
                    Line(Invariant($"\t\t{centre}-{neighbour}"));
                    for (var mu = 0; mu < model.RadialFuncsCount; mu++)
                    {
                        var first = ((((centre * model.SpeciesCount) + neighbour) * model.RadialFuncsCount) + mu) * size;
                        Line("\t\t\t" + Reals(radial.AsSpan(first, size)));
                    }
                }
            }
        }

        Line(Invariant($"alpha_moments_count = {model.AlphaMomentsCount}"));
        Line(Invariant($"alpha_index_basic_count = {model.AlphaIndexBasic.Length}"));
        Line($"alpha_index_basic = {Groups(model.AlphaIndexBasic)}");
        Line(Invariant($"alpha_index_times_count = {model.AlphaIndexTimes.Length}"));
        Line($"alpha_index_times = {Groups(model.AlphaIndexTimes)}");
        Line(Invariant($"alpha_scalar_moments = {model.AlphaMomentMapping.Length}"));
        Line($"alpha_moment_mapping = {Integers(model.AlphaMomentMapping)}");
        if (model.SpeciesCoeffs is { } species)
        {
            Line($"species_coeffs = {Reals(species)}");
        }

        if (model.MomentCoeffs is { } moments)
        {
            Line($"moment_coeffs = {Reals(moments)}");
        }

        writer.Flush();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Real(double value) => NumberText.FormatReal(value);

    private static string Reals(ReadOnlySpan<double> values)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < values.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(Real(values[i]));
        }

        return text.Append('}').ToString();
    }

    private static string Integers(ReadOnlySpan<int> values)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < values.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(values[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append('}').ToString();
    }

    private static string Groups(int[][] groups)
    {
        var text = new StringBuilder("{");
        for (var g = 0; g < groups.Length; g++)
        {
            text.Append(g == 0 ? string.Empty : ", ").Append(Integers(groups[g]));
        }

        return text.Append('}').ToString();
    }

    private sealed class Parser(LineReader reader)
    {
        private readonly Dictionary<string, long> lineOf = new(StringComparer.Ordinal);
        private readonly MtpModel model = new();
        private int basicCount = -1;
        private int timesCount = -1;
        private int scalarCount = -1;

        public MtpModel Parse()
        {
            if (!NextContentLine(out var first) || first != "MTP")
            {
                throw reader.Error(Math.Max(reader.LineNumber, 1), "an MLIP-2 .mtp file starts with the line 'MTP'");
            }

            while (NextContentLine(out var line))
            {
                if (line == "radial_coeffs")
                {
                    Remember("radial_coeffs");
                    ReadRadialCoefficients();
                    continue;
                }

                var equals = line.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    throw reader.Error($"expected 'key = value', found '{line}'");
                }

                var key = line[..equals].Trim();
                var value = line[(equals + 1)..].Trim();
                Remember(key);
                Assign(key, value);
            }

            foreach (var key in RequiredKeys)
            {
                if (!lineOf.ContainsKey(key))
                {
                    throw reader.Error(reader.LineNumber, $"the file ends without '{key}'");
                }
            }

            CheckCounts();
            return model;
        }

        // The next line that is not blank, trimmed, as a string (the reader's span is only valid until the next read).
        private bool NextContentLine(out string line)
        {
            while (reader.TryReadLine(out var span))
            {
                var trimmed = span.Trim();
                if (!trimmed.IsEmpty)
                {
                    line = trimmed.ToString();
                    return true;
                }
            }

            line = string.Empty;
            return false;
        }

        private void Remember(string key)
        {
            if (!lineOf.TryAdd(key, reader.LineNumber))
            {
                throw reader.Error($"'{key}' appears twice (first on line {lineOf[key]})");
            }
        }

        private void Assign(string key, string value)
        {
            switch (key)
            {
                case "version":
                    if (value != "1.1.0")
                    {
                        throw reader.Error($"version '{value}' is not supported (only 1.1.0)");
                    }

                    model.Version = value;
                    break;
                case "potential_name":
                    model.PotentialName = value;
                    break;
                case "potential_tag":
                    break;
                case "scaling":
                    model.Scaling = Real(value, key);
                    model.HasScaling = true;
                    break;
                case "species_count":
                    model.SpeciesCount = Count(value, key, minimum: 1);
                    break;
                case "radial_basis_type":
                    if (value != "RBChebyshev")
                    {
                        throw reader.Error($"radial_basis_type '{value}' is not supported (only RBChebyshev)");
                    }

                    model.RadialBasisType = value;
                    break;
                case "min_dist":
                    model.MinDist = Real(value, key);
                    break;
                case "max_dist":
                    model.MaxDist = Real(value, key);
                    break;
                case "radial_basis_size":
                    model.RadialBasisSize = Count(value, key, minimum: 2);
                    break;
                case "radial_funcs_count":
                    model.RadialFuncsCount = Count(value, key, minimum: 1);
                    break;
                case "alpha_moments_count":
                    model.AlphaMomentsCount = Count(value, key, minimum: 1);
                    break;
                case "alpha_index_basic_count":
                    basicCount = Count(value, key, minimum: 0);
                    break;
                case "alpha_index_basic":
                    model.AlphaIndexBasic = Groups(Complete(value), key);
                    break;
                case "alpha_index_times_count":
                    timesCount = Count(value, key, minimum: 0);
                    break;
                case "alpha_index_times":
                    model.AlphaIndexTimes = Groups(Complete(value), key);
                    break;
                case "alpha_scalar_moments":
                    scalarCount = Count(value, key, minimum: 0);
                    break;
                case "alpha_moment_mapping":
                    model.AlphaMomentMapping = Integers(Complete(value), key);
                    break;
                case "species_coeffs":
                    model.SpeciesCoeffs = Reals(Complete(value), key);
                    break;
                case "moment_coeffs":
                    model.MomentCoeffs = Reals(Complete(value), key);
                    break;
                default:
                    throw reader.Error($"unknown key '{key}'");
            }
        }

        private void ReadRadialCoefficients()
        {
            foreach (var needed in new[] { "species_count", "radial_basis_size", "radial_funcs_count" })
            {
                if (!lineOf.ContainsKey(needed))
                {
                    throw reader.Error($"radial_coeffs must come after {needed}");
                }
            }

            int species = model.SpeciesCount, functions = model.RadialFuncsCount, size = model.RadialBasisSize;
            var coefficients = new double[species * species * functions * size];
            var seen = new bool[species * species];
            for (var block = 0; block < species * species; block++)
            {
                if (!NextContentLine(out var label))
                {
                    throw reader.Error(reader.LineNumber + 1, $"the file ends inside radial_coeffs: {block} of {species * species} species pairs read");
                }

                var dash = label.IndexOf('-', StringComparison.Ordinal);
                if (dash <= 0 || !int.TryParse(label.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var centre)
                    || !int.TryParse(label.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var neighbour))
                {
                    throw reader.Error($"expected a species pair 'i-j' of radial_coeffs ({block} of {species * species} read), found '{label}'");
                }

                if (centre >= species || neighbour >= species)
                {
                    throw reader.Error($"species pair {label} is outside species_count = {species}");
                }

                var pair = (centre * species) + neighbour;
                if (seen[pair])
                {
                    throw reader.Error($"species pair {label} appears twice in radial_coeffs");
                }

                seen[pair] = true;
                for (var mu = 0; mu < functions; mu++)
                {
                    if (!NextContentLine(out var line) || !line.StartsWith('{'))
                    {
                        throw reader.Error(
                            Math.Max(reader.LineNumber, 1),
                            $"species pair {label} has {mu} radial functions; radial_funcs_count is {functions}");
                    }

                    var values = Reals(Complete(line), $"radial_coeffs {label}");
                    if (values.Length != size)
                    {
                        throw reader.Error($"radial_coeffs {label} function {mu} has {values.Length} values; radial_basis_size is {size}");
                    }

                    values.CopyTo(coefficients, ((pair * functions) + mu) * size);
                }
            }

            model.RadialCoeffs = coefficients;
        }

        private void CheckCounts()
        {
            if (model.AlphaIndexBasic.Length != basicCount)
            {
                throw At("alpha_index_basic", $"alpha_index_basic has {model.AlphaIndexBasic.Length} entries; alpha_index_basic_count is {basicCount}");
            }

            if (model.AlphaIndexTimes.Length != timesCount)
            {
                throw At("alpha_index_times", $"alpha_index_times has {model.AlphaIndexTimes.Length} entries; alpha_index_times_count is {timesCount}");
            }

            if (model.AlphaMomentMapping.Length != scalarCount)
            {
                throw At("alpha_moment_mapping", $"alpha_moment_mapping has {model.AlphaMomentMapping.Length} entries; alpha_scalar_moments is {scalarCount}");
            }

            CheckWidths(model.AlphaIndexBasic, "alpha_index_basic");
            CheckWidths(model.AlphaIndexTimes, "alpha_index_times");
            var problem = model.Problem();
            if (problem is not null)
            {
                // Point at the line of the key the problem is about: the one it names first (the longer one at the same place,
                // so that alpha_index_basic_count does not claim a problem of alpha_index_basic).
                string? named = null;
                var namedAt = int.MaxValue;
                foreach (var key in lineOf.Keys)
                {
                    var at = problem.IndexOf(key, StringComparison.Ordinal);
                    if (at >= 0 && (at < namedAt || (at == namedAt && key.Length > named!.Length)))
                    {
                        (named, namedAt) = (key, at);
                    }
                }

                throw named is null ? reader.Error(0, problem) : At(named, problem);
            }
        }

        private void CheckWidths(int[][] groups, string key)
        {
            for (var g = 0; g < groups.Length; g++)
            {
                if (groups[g].Length != 4)
                {
                    throw At(key, $"{key} entry {g} has {groups[g].Length} numbers; expected 4");
                }
            }
        }

        private StructureFormatException At(string key, string detail) => reader.Error(lineOf[key], detail);

        // A brace list may continue over following lines until its braces balance.
        private string Complete(string value)
        {
            var depth = Depth(value);
            if (depth == 0)
            {
                return value;
            }

            var text = new StringBuilder(value);
            var start = reader.LineNumber;
            while (depth > 0)
            {
                if (!reader.TryReadLine(out var more))
                {
                    throw reader.Error(start, "the file ends inside an unclosed '{'");
                }

                text.Append(' ').Append(more);
                depth += Depth(more);
            }

            return text.ToString();
        }

        private static int Depth(ReadOnlySpan<char> text)
        {
            var depth = 0;
            foreach (var c in text)
            {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }

            return depth;
        }

        private double Real(ReadOnlySpan<char> text, string key) =>
            NumberText.TryParseReal(text, out var value) && double.IsFinite(value)
                ? value
                : throw reader.Error($"{key}: '{text}' is not a finite number");

        private int Count(ReadOnlySpan<char> text, string key, int minimum)
        {
            var value = Integer(text, key);
            return value >= minimum ? value : throw reader.Error($"{key} is {value}; it must be at least {minimum}");
        }

        private int Integer(ReadOnlySpan<char> text, string key) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw reader.Error($"{key}: '{text}' is not an integer");

        // The items of a flat list "{a, b, c}" (the braces may be left out), trimmed; "{}" has none.
        private List<string> Items(string text, string key)
        {
            var body = text.AsSpan().Trim();
            if (body.Length > 0 && body[0] == '{')
            {
                if (body[^1] != '}')
                {
                    throw reader.Error($"{key}: the list does not end with '}}'");
                }

                body = body[1..^1].Trim();
            }

            var items = new List<string>();
            if (body.IsEmpty)
            {
                return items;
            }

            foreach (var range in body.Split(','))
            {
                var item = body[range].Trim();
                if (item.IsEmpty || item.IndexOfAny('{', '}') >= 0)
                {
                    throw reader.Error($"{key}: '{body.ToString()}' is not a list of numbers separated by commas");
                }

                items.Add(item.ToString());
            }

            return items;
        }

        private double[] Reals(string text, string key)
        {
            var items = Items(text, key);
            var values = new double[items.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Real(items[i], key);
            }

            return values;
        }

        private int[] Integers(string text, string key)
        {
            var items = Items(text, key);
            var values = new int[items.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Integer(items[i], key);
            }

            return values;
        }

        // "{{1, 2}, {3, 4}}" → [[1, 2], [3, 4]]; "{}" → [].
        private int[][] Groups(string text, string key)
        {
            var body = text.AsSpan().Trim();
            if (body.Length < 2 || body[0] != '{' || body[^1] != '}')
            {
                throw reader.Error($"{key}: expected a list of groups {{{{...}}, {{...}}}}");
            }

            body = body[1..^1].Trim();
            var groups = new List<int[]>();
            while (!body.IsEmpty)
            {
                if (body[0] != '{')
                {
                    throw reader.Error($"{key}: expected '{{' at '{body.ToString()}'");
                }

                var close = body.IndexOf('}');
                if (close < 0)
                {
                    throw reader.Error($"{key}: a group is not closed");
                }

                groups.Add(Integers(body[..(close + 1)].ToString(), key));
                body = body[(close + 1)..].TrimStart();
                if (!body.IsEmpty)
                {
                    if (body[0] != ',')
                    {
                        throw reader.Error($"{key}: expected ',' between groups at '{body.ToString()}'");
                    }

                    body = body[1..].TrimStart();
                }
            }

            return [.. groups];
        }
    }
}
