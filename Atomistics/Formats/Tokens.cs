namespace ActiveLearning.Atomistics.Formats;

/// <summary>Splits a line into white-space separated tokens without allocating.</summary>
public ref struct Tokens
{
    private readonly ReadOnlySpan<char> line;
    private int position;

    /// <summary>Tokens of <paramref name="line"/>.</summary>
    public Tokens(ReadOnlySpan<char> line)
    {
        this.line = line;
        position = 0;
    }

    /// <summary>The next token; <see langword="false"/> when the line has no more.</summary>
    public bool TryNext(out ReadOnlySpan<char> token)
    {
        while (position < line.Length && char.IsWhiteSpace(line[position]))
        {
            position++;
        }

        if (position == line.Length)
        {
            token = default;
            return false;
        }

        var from = position;
        while (position < line.Length && !char.IsWhiteSpace(line[position]))
        {
            position++;
        }

        token = line[from..position];
        return true;
    }

    /// <summary>The rest of the line after the tokens read so far, trimmed.</summary>
    public readonly ReadOnlySpan<char> Rest => line[position..].Trim();

    /// <summary>Counts the tokens of a line.</summary>
    public static int Count(ReadOnlySpan<char> line)
    {
        var tokens = new Tokens(line);
        var count = 0;
        while (tokens.TryNext(out _))
        {
            count++;
        }

        return count;
    }
}
