using System.Text;

namespace ActiveLearning.Atomistics.Formats;

/// <summary>
/// The text form of info values shared by extended XYZ key=value pairs and MLIP <c>.cfg</c> features, typed the way
/// ASE types them so that values round-trip through ASE: all tokens integers → integer (vector when several), else all
/// reals → real, else all <c>T</c>/<c>F</c> → boolean, else the text itself.
/// </summary>
public static class InfoText
{
    /// <summary>Types an unquoted value text. Tokens are separated by white space or commas, as ASE splits them.</summary>
    public static InfoValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = SplitTokens(text);
        if (TryAll(tokens, NumberText.TryParseInteger, out long[] integers))
        {
            return integers.Length == 1 ? InfoValue.FromInteger(integers[0]) : InfoValue.FromIntegers(integers);
        }

        if (TryAll(tokens, NumberText.TryParseReal, out double[] reals))
        {
            return reals.Length == 1 ? InfoValue.FromReal(reals[0]) : InfoValue.FromReals(reals);
        }

        if (TryAll(tokens, TryParseFlag, out bool[] flags))
        {
            return flags.Length == 1 ? InfoValue.FromBoolean(flags[0]) : InfoValue.FromBooleans(flags);
        }

        return InfoValue.FromString(text);
    }

    /// <summary>
    /// The value's text: reals exactly (shortest round-trip, always with a decimal point or exponent), booleans as T/F,
    /// vectors space-separated. Not quoted; see <see cref="Quote"/>.
    /// </summary>
    public static string Format(InfoValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Kind switch
        {
            InfoKind.Real => NumberText.FormatRealTyped(value.AsReal()),
            InfoKind.RealArray => string.Join(' ', value.AsReals().Select(NumberText.FormatRealTyped)),
            _ => value.ToString(),
        };
    }

    /// <summary>
    /// Quotes a key or value for a key=value line when it contains white space, quotes, brackets or '=' (escaping inner
    /// double quotes and backslashes); returns it unchanged otherwise.
    /// </summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text.AsSpan().IndexOfAny(" \t\"'{}[]=\\,") < 0)
        {
            return text;
        }

        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }

    private static bool TryParseFlag(ReadOnlySpan<char> token, out bool flag)
    {
        flag = token is "T";
        return token is "T" or "F";
    }

    private delegate bool TokenParser<T>(ReadOnlySpan<char> token, out T value);

    private static bool TryAll<T>(List<string> tokens, TokenParser<T> parse, out T[] values)
    {
        values = new T[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!parse(tokens[i], out values[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> SplitTokens(string text) =>
        [.. text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries)];
}
