using System.Text;

namespace ActiveLearning.Schedulers.Transport;

/// <summary>
/// POSIX shell quoting. Every argument is wrapped in single quotes (inside which a POSIX shell interprets nothing) and each
/// embedded single quote becomes <c>'\''</c>, so paths and names containing quotes, <c>$</c>, backticks, <c>;</c>, spaces,
/// newlines or backslashes reach the program verbatim and can never inject commands.
/// </summary>
public static class ShellQuoting
{
    /// <summary>Quotes one argument for a POSIX shell (<c>sh</c>, <c>bash</c>, <c>dash</c>); the empty string becomes <c>''</c>.</summary>
    /// <exception cref="ArgumentException">The argument contains a NUL character, which no shell or exec can pass.</exception>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell argument cannot contain a NUL character.", nameof(argument));
        }

        var builder = new StringBuilder(argument.Length + 2);
        builder.Append('\'');
        foreach (var c in argument)
        {
            if (c == '\'')
            {
                builder.Append("'\\''");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('\'');
        return builder.ToString();
    }

    /// <summary>Quotes every argument and joins them with single spaces into one command line for a POSIX shell.</summary>
    /// <exception cref="ArgumentException">The list is empty or an argument contains a NUL character.</exception>
    public static string Join(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var quoted = new List<string>();
        foreach (var argument in arguments)
        {
            quoted.Add(Quote(argument));
        }

        if (quoted.Count == 0)
        {
            throw new ArgumentException("A command needs at least one word.", nameof(arguments));
        }

        return string.Join(' ', quoted);
    }
}

/// <summary>
/// Builds the single string an <c>ssh</c> remote side hands to the user's login shell. ssh concatenates its command words
/// with spaces and the remote shell re-parses them, so every word must be quoted here.
/// </summary>
public static class RemoteCommand
{
    /// <summary>The quoted command line for <paramref name="command"/> (program first, then its arguments).</summary>
    public static string Build(IReadOnlyList<string> command) => ShellQuoting.Join(command);

    /// <summary>The quoted command line that changes into <paramref name="directory"/> first and runs the command only if that worked.</summary>
    public static string InDirectory(string directory, IReadOnlyList<string> command) =>
        "cd -- " + ShellQuoting.Quote(directory) + " && " + ShellQuoting.Join(command);
}
