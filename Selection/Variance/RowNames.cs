using System.Globalization;

namespace ActiveLearning.Selection.Variance;

/// <summary>How error messages name a row, frame or model: by the caller's id when one was given, else by position.</summary>
internal static class RowNames
{
    public static string Of(IReadOnlyList<string>? ids, int index, string noun = "row")
    {
        if (ids is not null && index < ids.Count)
        {
            return $"{noun} '{ids[index]}'";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{noun} {index}");
    }

    public static string Of(string? id, int index, string noun = "row") =>
        id is null ? string.Create(CultureInfo.InvariantCulture, $"{noun} {index}") : $"{noun} '{id}'";

    public static void CheckIds(IReadOnlyList<string>? ids, int count, string parameterName)
    {
        if (ids is not null && ids.Count != count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{ids.Count} ids were given for {count} rows."), parameterName);
        }
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Index of the first non-finite value, or −1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
