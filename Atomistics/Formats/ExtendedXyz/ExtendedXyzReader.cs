namespace ActiveLearning.Atomistics.Formats.ExtendedXyz;

/// <summary>Reads one extended XYZ frame at a time.</summary>
internal static class ExtendedXyzReader
{
    private sealed record Column(string Name, char Type, int Count, int FirstToken);

    public static bool TryReadFrame(LineReader reader, out Structure structure)
    {
        structure = null!;
        ReadOnlySpan<char> countLine;
        do
        {
            if (!reader.TryReadLine(out countLine))
            {
                return false;
            }
        }
        while (countLine.IsWhiteSpace());

        var countLineNumber = reader.LineNumber;
        if (!NumberText.TryParseInteger(countLine.Trim(), out var atomCount) || atomCount < 0 || atomCount > int.MaxValue / 3)
        {
            throw reader.Error($"expected the number of atoms of a frame, found '{Shorten(countLine)}'");
        }

        var comment = reader.ReadLine("the comment line of a frame");
        var commentLine = reader.LineNumber;
        List<KeyValuePair<string, string>> pairs;
        try
        {
            pairs = CommentLine.Parse(comment);
        }
        catch (FormatException e)
        {
            throw reader.Error(e.Message);
        }

        var header = new FrameHeader(reader, commentLine);
        header.Interpret(pairs);
        var columns = ParseProperties(reader, commentLine, header.Properties);
        structure = ReadAtoms(reader, (int)atomCount, countLineNumber, columns, header);
        return true;
    }

    private static List<Column> ParseProperties(LineReader reader, long line, string properties)
    {
        var fields = properties.Split(':');
        if (fields.Length % 3 != 0)
        {
            throw reader.Error(line, $"Properties='{properties}' is not a list of name:type:count triplets");
        }

        var columns = new List<Column>(fields.Length / 3);
        var token = 0;
        for (var i = 0; i < fields.Length; i += 3)
        {
            var name = fields[i];
            if (fields[i + 1] is not ("R" or "I" or "S" or "L"))
            {
                throw reader.Error(line, $"Properties: column '{name}' has type '{fields[i + 1]}'; expected R, I, S or L");
            }

            if (!int.TryParse(fields[i + 2], out var count) || count < 1)
            {
                throw reader.Error(line, $"Properties: column '{name}' has count '{fields[i + 2]}'; expected a positive integer");
            }

            if (columns.Exists(c => c.Name == name))
            {
                throw reader.Error(line, $"Properties: column '{name}' appears twice");
            }

            columns.Add(new Column(name, fields[i + 1][0], count, token));
            token += count;
        }

        Require(reader, line, columns, "species", 'S', 1, optional: true);
        Require(reader, line, columns, "pos", 'R', 3, optional: false);
        Require(reader, line, columns, "momenta", 'R', 3, optional: true);
        Require(reader, line, columns, "velo", 'R', 3, optional: true);
        Require(reader, line, columns, "forces", 'R', 3, optional: true);
        Require(reader, line, columns, "REF_forces", 'R', 3, optional: true);
        if (!columns.Exists(c => c.Name == "species") && !columns.Exists(c => c.Name == "Z" && c.Type == 'I' && c.Count == 1))
        {
            throw reader.Error(line, "Properties has neither a 'species:S:1' nor a 'Z:I:1' column, so the elements are unknown");
        }

        return columns;
    }

    private static void Require(LineReader reader, long line, List<Column> columns, string name, char type, int count, bool optional)
    {
        var column = columns.Find(c => c.Name == name);
        if (column is null)
        {
            if (!optional)
            {
                throw reader.Error(line, $"Properties has no '{name}:{type}:{count}' column");
            }

            return;
        }

        if (column.Type != type || column.Count != count)
        {
            throw reader.Error(line, $"Properties: column '{name}' is {column.Type}:{column.Count}; expected {type}:{count}");
        }
    }

    private static Structure ReadAtoms(LineReader reader, int atomCount, long countLine, List<Column> columns, FrameHeader header)
    {
        var tokensPerLine = 0;
        foreach (var column in columns)
        {
            tokensPerLine += column.Count;
        }

        var numbers = new int[atomCount];
        var positions = new Vec3[atomCount];
        var hasSpecies = columns.Exists(c => c.Name == "species");
        var sinks = new ColumnSink[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            sinks[c] = column.Name switch
            {
                "species" => ColumnSink.Species(numbers),
                "Z" when !hasSpecies => ColumnSink.AtomicNumbers(numbers),
                "pos" => ColumnSink.Vectors(positions),
                "momenta" or "velo" or "forces" or "REF_forces" => ColumnSink.Vectors(new Vec3[atomCount]),
                _ => ColumnSink.Generic(column.Name, column.Type, column.Count, atomCount),
            };
        }

        Span<Range> ranges = tokensPerLine <= 256 ? stackalloc Range[tokensPerLine + 1] : new Range[tokensPerLine + 1];
        for (var atom = 0; atom < atomCount; atom++)
        {
            if (!reader.TryReadLine(out var line))
            {
                throw reader.Error(
                    reader.LineNumber + 1,
                    $"unexpected end of file: the frame starting at line {countLine} declares {atomCount} atoms but has only {atom}");
            }

            var found = Split(line, ranges);
            if (found != tokensPerLine)
            {
                throw reader.Error($"expected {tokensPerLine} columns ({header.Properties}), found {found}");
            }

            for (var c = 0; c < columns.Count; c++)
            {
                sinks[c].Accept(reader, line, ranges.Slice(columns[c].FirstToken, columns[c].Count), atom, columns[c].Name);
            }
        }

        return header.Build(numbers, positions, columns.Select((c, i) => (c.Name, sinks[i])).ToList(), reader, countLine);
    }

    // Splits on white space into at most ranges.Length - 1 tokens and returns the true token count.
    private static int Split(ReadOnlySpan<char> line, Span<Range> ranges)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
            {
                i++;
            }

            if (i == line.Length)
            {
                return count;
            }

            var start = i;
            while (i < line.Length && line[i] != ' ' && line[i] != '\t')
            {
                i++;
            }

            if (count < ranges.Length)
            {
                ranges[count] = new Range(start, i);
            }

            count++;
        }
    }

    internal static string Shorten(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "...");
}
