using System.Text;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>POSIX shell quoting: text that a shell passes on as one literal word, whatever it contains.</summary>
public static class PosixShell
{
    /// <summary>
    /// Quotes <paramref name="text"/> in single quotes, writing an embedded <c>'</c> as <c>'\''</c>, so that
    /// <c>$</c>, backquotes, <c>;</c>, spaces, double quotes and globs are not interpreted. Plain words made only
    /// of letters, digits and <c>_-./=:,@%+</c> are returned unchanged for readability.
    /// </summary>
    /// <exception cref="ArgumentException">The text contains a NUL character, which no shell word can hold.</exception>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException("A shell word cannot contain a NUL character.", nameof(text));
        if (text.Length > 0 && IsPlainWord(text)) return text;
        return "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Joins arguments into one command line with every argument quoted by <see cref="Quote"/>.</summary>
    public static string CommandLine(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var line = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (line.Length > 0) line.Append(' ');
            line.Append(Quote(argument));
        }
        return line.ToString();
    }

    private static bool IsPlainWord(string text)
    {
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c)) continue;
            if ("_-./=:,@%+".Contains(c, StringComparison.Ordinal)) continue;
            return false;
        }
        return true;
    }
}
