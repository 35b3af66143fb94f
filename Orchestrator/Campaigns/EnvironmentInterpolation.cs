using System.Text;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>A problem with a <c>${…}</c> reference in a value.</summary>
/// <param name="Offset">Position of the reference's <c>$</c> in the value (0-based).</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record InterpolationProblem(int Offset, string Message);

/// <summary>
/// Environment variables in campaign, reference and cluster files, shell style: <c>${NAME}</c> is the variable's value (an
/// error when it is not set), <c>${NAME:-default}</c> the value or, when it is unset or empty, the default (which may be
/// empty), and <c>$$</c> a literal <c>$</c>. Any other <c>$</c> stays as it is. Names are letters, digits and <c>_</c>, not
/// starting with a digit; a default runs to the first <c>}</c>.
/// </summary>
public static class EnvironmentInterpolation
{
    /// <summary>Whether <paramref name="text"/> holds a reference or <c>$$</c> (anything <see cref="Expand"/> would change).</summary>
    public static bool HasReferences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("${", StringComparison.Ordinal) || text.Contains("$$", StringComparison.Ordinal);
    }

    /// <summary>Expands the references of <paramref name="text"/>; each problem is added to <paramref name="problems"/> and leaves its reference as written.</summary>
    /// <param name="text">The value.</param>
    /// <param name="lookup">The environment: a variable's value, or null when it is not set.</param>
    /// <param name="problems">Receives the problems, in order.</param>
    public static string Expand(string text, Func<string, string?> lookup, ICollection<InterpolationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(problems);
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length || text[i + 1] is not ('$' or '{'))
            {
                result.Append(c);
                i++;
                continue;
            }

            if (text[i + 1] == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                problems.Add(new InterpolationProblem(i, "'${' is not closed; expected ${NAME} or ${NAME:-default} (write $$ for a literal $)"));
                result.Append(text, i, text.Length - i);
                break;
            }

            var inner = text.AsSpan(i + 2, close - i - 2);
            var separator = inner.IndexOf(":-", StringComparison.Ordinal);
            var name = (separator < 0 ? inner : inner[..separator]).ToString();
            string? fallback = separator < 0 ? null : inner[(separator + 2)..].ToString();
            if (!IsName(name))
            {
                problems.Add(new InterpolationProblem(i, $"'{text[i..(close + 1)]}': '{name}' is not a variable name; expected letters, digits and _ (not starting with a digit), as in ${{NAME}} or ${{NAME:-default}}"));
                result.Append(text, i, close + 1 - i);
            }
            else
            {
                var value = lookup(name);
                if (fallback is not null)
                {
                    result.Append(string.IsNullOrEmpty(value) ? fallback : value);
                }
                else if (value is null)
                {
                    problems.Add(new InterpolationProblem(i, $"the environment variable {name} is not set; expected it set, or a default as in ${{{name}:-value}}"));
                    result.Append(text, i, close + 1 - i);
                }
                else
                {
                    result.Append(value);
                }
            }

            i = close + 1;
        }

        return result.ToString();
    }

    private static bool IsName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
