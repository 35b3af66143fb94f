namespace ActiveLearning.Atomistics.Formats;

/// <summary>
/// Reads a text source line by line without allocating a string per line, counting lines for error messages.
/// </summary>
/// <remarks>
/// A returned line is a view into an internal buffer: it is valid until the next call that reads. Line endings
/// (<c>\n</c> or <c>\r\n</c>) are removed. One line can be pushed back for look-ahead.
/// </remarks>
public sealed class LineReader : IDisposable
{
    private readonly TextReader reader;
    private char[] buffer;
    private int start;
    private int end;
    private bool endOfSource;
    private int lineStart;
    private int lineLength;
    private bool pushedBack;

    /// <summary>Creates a reader over <paramref name="reader"/>, which it disposes.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">Name used in error messages, normally the file path.</param>
    /// <param name="bufferSize">Initial buffer in chars; it grows for longer lines.</param>
    public LineReader(TextReader reader, string sourceName, int bufferSize = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(reader);
        this.reader = reader;
        SourceName = sourceName;
        buffer = new char[Math.Max(bufferSize, 16)];
    }

    /// <summary>Name of the source in error messages.</summary>
    public string SourceName { get; }

    /// <summary>1-based number of the line returned last (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line; returns <see langword="false"/> at the end of the source.</summary>
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        if (pushedBack)
        {
            pushedBack = false;
            LineNumber++;
            line = buffer.AsSpan(lineStart, lineLength);
            return true;
        }

        var searchFrom = start;
        while (true)
        {
            var newline = Array.IndexOf(buffer, '\n', searchFrom, end - searchFrom);
            if (newline >= 0)
            {
                SetLine(start, newline - start);
                start = newline + 1;
                break;
            }

            if (endOfSource)
            {
                if (start == end)
                {
                    line = default;
                    return false;
                }

                SetLine(start, end - start);
                start = end;
                break;
            }

            searchFrom = Refill();
        }

        LineNumber++;
        line = buffer.AsSpan(lineStart, lineLength);
        return true;
    }

    /// <summary>Reads the next line or fails with a message saying what was expected.</summary>
    /// <exception cref="StructureFormatException">The source ended.</exception>
    public ReadOnlySpan<char> ReadLine(string expected)
    {
        if (!TryReadLine(out var line))
        {
            throw new StructureFormatException(SourceName, LineNumber + 1, $"unexpected end of file; expected {expected}");
        }

        return line;
    }

    /// <summary>Makes the next read return the last line again.</summary>
    /// <exception cref="InvalidOperationException">No line has been read, or one is already pushed back.</exception>
    public void PushBack()
    {
        if (pushedBack || LineNumber == 0)
        {
            throw new InvalidOperationException("Only the last line read can be pushed back, once.");
        }

        pushedBack = true;
        LineNumber--;
    }

    /// <summary>An error at the current line.</summary>
    public StructureFormatException Error(string detail) => new(SourceName, LineNumber, detail);

    /// <summary>An error at a given line.</summary>
    public StructureFormatException Error(long line, string detail) => new(SourceName, line, detail);

    private void SetLine(int from, int length)
    {
        if (length > 0 && buffer[from + length - 1] == '\r')
        {
            length--;
        }

        lineStart = from;
        lineLength = length;
    }

    // Moves the unread tail to the front (growing the buffer when a line fills it) and reads more.
    // Returns where the search for a newline continues.
    private int Refill()
    {
        var pending = end - start;
        if (pending == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }
        else if (start > 0)
        {
            Array.Copy(buffer, start, buffer, 0, pending);
        }

        start = 0;
        end = pending;
        var read = reader.Read(buffer, end, buffer.Length - end);
        if (read == 0)
        {
            endOfSource = true;
        }

        end += read;
        return pending;
    }

    /// <inheritdoc/>
    public void Dispose() => reader.Dispose();
}
