namespace ActiveLearning.Atomistics.Formats.ExtendedXyz;

/// <summary>Receives the tokens of one Properties column, atom by atom, into its destination array.</summary>
internal abstract class ColumnSink
{
    public abstract void Accept(LineReader reader, ReadOnlySpan<char> line, ReadOnlySpan<Range> tokens, int atom, string name);

    public static ColumnSink Species(int[] numbers) => new SpeciesSink(numbers);

    public static ColumnSink AtomicNumbers(int[] numbers) => new AtomicNumberSink(numbers);

    public static VectorSink Vectors(Vec3[] vectors) => new(vectors);

    public static GenericSink Generic(string name, char type, int columns, int atoms) => new(name, type, columns, atoms);

    private sealed class SpeciesSink(int[] numbers) : ColumnSink
    {
        public override void Accept(LineReader reader, ReadOnlySpan<char> line, ReadOnlySpan<Range> tokens, int atom, string name)
        {
            var symbol = line[tokens[0]];
            if (!Elements.TryParseSymbol(symbol, out numbers[atom]))
            {
                throw reader.Error($"'{ExtendedXyzReader.Shorten(symbol)}' in column 'species' is not a chemical element symbol");
            }
        }
    }

    private sealed class AtomicNumberSink(int[] numbers) : ColumnSink
    {
        public override void Accept(LineReader reader, ReadOnlySpan<char> line, ReadOnlySpan<Range> tokens, int atom, string name)
        {
            var z = NumberText.ParseInteger(line[tokens[0]], reader, "column 'Z'");
            if (z < 0 || z > Elements.MaxAtomicNumber)
            {
                throw reader.Error($"column 'Z': {z} is not an atomic number (0–{Elements.MaxAtomicNumber})");
            }

            numbers[atom] = (int)z;
        }
    }

    public sealed class VectorSink(Vec3[] vectors) : ColumnSink
    {
        public Vec3[] Values => vectors;

        public override void Accept(LineReader reader, ReadOnlySpan<char> line, ReadOnlySpan<Range> tokens, int atom, string name)
        {
            vectors[atom] = new Vec3(
                Real(reader, line[tokens[0]], name),
                Real(reader, line[tokens[1]], name),
                Real(reader, line[tokens[2]], name));
        }
    }

    public sealed class GenericSink : ColumnSink
    {
        private readonly double[]? reals;
        private readonly long[]? integers;
        private readonly string[]? strings;
        private readonly bool[]? booleans;

        public GenericSink(string name, char type, int columns, int atoms)
        {
            Name = name;
            Columns = columns;
            switch (type)
            {
                case 'R': reals = new double[columns * atoms]; break;
                case 'I': integers = new long[columns * atoms]; break;
                case 'S': strings = new string[columns * atoms]; break;
                default: booleans = new bool[columns * atoms]; break;
            }
        }

        public string Name { get; }

        public int Columns { get; }

        public override void Accept(LineReader reader, ReadOnlySpan<char> line, ReadOnlySpan<Range> tokens, int atom, string name)
        {
            var offset = atom * Columns;
            for (var c = 0; c < tokens.Length; c++)
            {
                var token = line[tokens[c]];
                if (reals is not null)
                {
                    reals[offset + c] = Real(reader, token, name);
                }
                else if (integers is not null)
                {
                    integers[offset + c] = NumberText.ParseInteger(token, reader, $"column '{name}'");
                }
                else if (strings is not null)
                {
                    strings[offset + c] = token.ToString();
                }
                else
                {
                    booleans![offset + c] = token switch
                    {
                        "T" or "True" => true,
                        "F" or "False" => false,
                        _ => throw reader.Error($"column '{name}': '{ExtendedXyzReader.Shorten(token)}' is not T or F"),
                    };
                }
            }
        }

        public AtomArray ToArray() =>
            reals is not null ? AtomArray.OfReals(Name, Columns, reals)
            : integers is not null ? AtomArray.OfIntegers(Name, Columns, integers)
            : strings is not null ? AtomArray.OfStrings(Name, Columns, strings)
            : AtomArray.OfBooleans(Name, Columns, booleans!);
    }

    private static double Real(LineReader reader, ReadOnlySpan<char> token, string name) =>
        NumberText.TryParseReal(token, out var value)
            ? value
            : throw reader.Error($"column '{name}': '{ExtendedXyzReader.Shorten(token)}' is not a number");
}
