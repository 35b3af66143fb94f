using System.Text;

namespace ActiveLearning.Atomistics.Formats.ExtendedXyz;

/// <summary>
/// Splits an extended XYZ comment line into key/value texts with the same rules as ASE's reader: values may be quoted
/// with <c>"</c>, <c>'</c>, <c>{}</c> or <c>[]</c>; a backslash takes the next character verbatim; spaces around '=' are
/// allowed; a bare key means <c>T</c>.
/// </summary>
internal static class CommentLine
{
    /// <summary>The pairs in line order; a later duplicate key replaces an earlier one, as in ASE.</summary>
    /// <exception cref="FormatException">A quote or bracket is not closed.</exception>
    public static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<char> line)
    {
        // Each entry is a key followed by zero or more '='-separated value parts.
        var pairs = new List<List<StringBuilder>> { new() { new StringBuilder() } };
        char? closing = null;
        var escaped = false;
        foreach (var c in line.Trim())
        {
            var current = pairs[^1];
            if (escaped)
            {
                current[^1].Append(c);
                escaped = false;
            }
            else if (c == '\\')
            {
                escaped = true;
            }
            else if (closing is { } close)
            {
                if (c == close)
                {
                    closing = null;
                }
                else
                {
                    current[^1].Append(c);
                }
            }
            else if (c is '"' or '\'' or '{' or '[')
            {
                closing = c switch { '{' => '}', '[' => ']', _ => c };
            }
            else if (char.IsWhiteSpace(c))
            {
                if (current[^1].Length > 0)
                {
                    pairs.Add([new StringBuilder()]);
                }
            }
            else if (c == '=')
            {
                // "key = value": the space before '=' started an empty entry; '=' belongs to the previous key.
                if (current.Count == 1 && current[0].Length == 0 && pairs.Count > 1)
                {
                    pairs.RemoveAt(pairs.Count - 1);
                    current = pairs[^1];
                }

                current.Add(new StringBuilder());
            }
            else
            {
                current[^1].Append(c);
            }
        }

        if (closing is { } unclosed)
        {
            throw new FormatException($"a value opened with a quote or bracket is not closed (expected '{unclosed}')");
        }

        var result = new List<KeyValuePair<string, string>>(pairs.Count);
        foreach (var pair in pairs)
        {
            var key = pair[0].ToString();
            if (pair.Count == 1 && key.Length == 0)
            {
                continue;
            }

            var value = pair.Count == 1 ? "T" : string.Join('=', pair.Skip(1).Select(part => part.ToString()));
            var existing = result.FindIndex(p => p.Key == key);
            if (existing >= 0)
            {
                result[existing] = KeyValuePair.Create(key, value);
            }
            else
            {
                result.Add(KeyValuePair.Create(key, value));
            }
        }

        return result;
    }
}
