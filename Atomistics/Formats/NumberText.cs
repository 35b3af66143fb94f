using System.Globalization;

namespace ActiveLearning.Atomistics.Formats;

/// <summary>Culture-independent parsing and exact (shortest round-trip) formatting of numbers in text formats.</summary>
public static class NumberText
{
    private const NumberStyles RealStyle = NumberStyles.Float;

    /// <summary>
    /// Parses a real number as Python's <c>float()</c> would (so files written by Python tools read identically):
    /// decimal and exponent forms, <c>inf</c>, <c>nan</c>; also Fortran's <c>D</c> exponent.
    /// </summary>
    public static bool TryParseReal(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, RealStyle, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        return TryParseSpecial(text, out value);
    }

    private static bool TryParseSpecial(ReadOnlySpan<char> text, out double value)
    {
        var negative = false;
        var body = text;
        if (body.Length > 0 && (body[0] == '+' || body[0] == '-'))
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        var exponent = text.IndexOfAny('d', 'D');
        if (exponent > 0 && text.Length <= 64)
        {
            Span<char> copy = stackalloc char[text.Length];
            text.CopyTo(copy);
            copy[exponent] = 'E';
            return double.TryParse(copy, RealStyle, CultureInfo.InvariantCulture, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>Parses a decimal integer with an optional sign.</summary>
    public static bool TryParseInteger(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses a real or fails with the place and what was being read.</summary>
    /// <exception cref="StructureFormatException">The token is not a number.</exception>
    public static double ParseReal(ReadOnlySpan<char> token, LineReader reader, string what) =>
        TryParseReal(token, out var value) ? value : throw reader.Error($"{what}: '{token}' is not a number");

    /// <summary>Parses an integer or fails with the place and what was being read.</summary>
    /// <exception cref="StructureFormatException">The token is not an integer.</exception>
    public static long ParseInteger(ReadOnlySpan<char> token, LineReader reader, string what) =>
        TryParseInteger(token, out var value) ? value : throw reader.Error($"{what}: '{token}' is not an integer");

    /// <summary>
    /// Writes the shortest text that parses back to exactly <paramref name="value"/> (e.g. <c>1.5</c>, <c>1E-05</c>, <c>2</c>).
    /// </summary>
    public static void WriteReal(TextWriter writer, double value)
    {
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        writer.Write(text[..length]);
    }

    /// <summary>
    /// Like <see cref="WriteReal"/>, but an integral value keeps a decimal point (<c>2.0</c>), so that readers that guess the
    /// type from the text (ASE's info parser) read a real, not an integer.
    /// </summary>
    public static void WriteRealTyped(TextWriter writer, double value)
    {
        Span<char> text = stackalloc char[34];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        if (text[..length].IndexOfAny('.', 'E', 'N') < 0 && text[..length].IndexOf('I') < 0)
        {
            text[length++] = '.';
            text[length++] = '0';
        }

        writer.Write(text[..length]);
    }

    /// <summary>The text <see cref="WriteRealTyped"/> writes.</summary>
    public static string FormatRealTyped(double value)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteRealTyped(writer, value);
        return writer.ToString();
    }

    /// <summary>The text <see cref="WriteReal"/> writes.</summary>
    public static string FormatReal(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
