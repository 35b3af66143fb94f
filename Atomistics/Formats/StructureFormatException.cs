namespace ActiveLearning.Atomistics.Formats;

/// <summary>
/// A structure file is malformed or cannot hold what is asked of it. The message starts with <c>file:line:</c> (or
/// <c>file:</c> when no line applies) so that users and editors can jump to the place.
/// </summary>
public sealed class StructureFormatException : FormatException
{
    /// <summary>Creates the exception for a place in a file.</summary>
    /// <param name="source">The file name (or another name of the source).</param>
    /// <param name="line">The 1-based line, or 0 when the problem is not tied to a line.</param>
    /// <param name="detail">What was wrong and, where useful, what was expected.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public StructureFormatException(string source, long line, string detail, Exception? inner = null)
        : base(line > 0 ? $"{source}:{line}: {detail}" : $"{source}: {detail}", inner)
    {
        Source = source;
        Line = line;
        Detail = detail;
    }

    /// <summary>The file (or source) name.</summary>
    public new string Source { get; }

    /// <summary>The 1-based line number, 0 when not tied to a line.</summary>
    public long Line { get; }

    /// <summary>The message without the place.</summary>
    public string Detail { get; }
}
