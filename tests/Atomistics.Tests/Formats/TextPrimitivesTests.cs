using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Atomistics.Tests.Formats;

public sealed class TextPrimitivesTests
{
    [Fact]
    public void Line_reader_handles_crlf_long_lines_a_missing_final_newline_and_push_back()
    {
        var longLine = new string('x', 100_000);
        using var reader = new LineReader(new StringReader($"first\r\n{longLine}\n\nlast"), "t.txt", bufferSize: 16);

        reader.ReadLine("a").ToString().Should().Be("first");
        reader.ReadLine("b").ToString().Should().Be(longLine);
        reader.LineNumber.Should().Be(2);
        reader.PushBack();
        reader.LineNumber.Should().Be(1);
        reader.ReadLine("b again").ToString().Should().Be(longLine);
        reader.ReadLine("c").ToString().Should().BeEmpty();
        reader.ReadLine("d").ToString().Should().Be("last");
        reader.TryReadLine(out _).Should().BeFalse();
        Action past = () => reader.ReadLine("the end");
        past.Should().Throw<StructureFormatException>().WithMessage("t.txt:5: unexpected end of file; expected the end");
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-2e-3", -0.002)]
    [InlineData("1.0D+02", 100.0)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("  3", 3.0)]
    public void Reals_parse_as_python_float_does(string text, double expected)
    {
        NumberText.TryParseReal(text.Trim(), out var value).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Fact]
    public void Reals_are_written_exactly_and_typed()
    {
        var random = new Random(1);
        for (var i = 0; i < 1000; i++)
        {
            var x = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30));
            NumberText.TryParseReal(NumberText.FormatRealTyped(x), out var back).Should().BeTrue();
            back.Should().Be(x);
        }

        NumberText.FormatRealTyped(2).Should().Be("2.0");
        NumberText.FormatRealTyped(1e-5).Should().Be("1E-05");
        NumberText.FormatReal(2).Should().Be("2");
    }

    [Theory]
    [InlineData("3", InfoKind.Integer)]
    [InlineData("-3.5", InfoKind.Real)]
    [InlineData("1e5", InfoKind.Real)]
    [InlineData("T", InfoKind.Boolean)]
    [InlineData("1 2 3", InfoKind.IntegerArray)]
    [InlineData("1,2.5", InfoKind.RealArray)]
    [InlineData("T F F", InfoKind.BooleanArray)]
    [InlineData("True", InfoKind.String)]
    [InlineData("bulk Si", InfoKind.String)]
    public void Info_text_is_typed_like_ase(string text, InfoKind kind)
    {
        var value = InfoText.Parse(text);

        value.Kind.Should().Be(kind);
        InfoText.Parse(InfoText.Format(value)).Should().Be(value);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("", "\"\"")]
    public void Quoting_is_applied_only_where_needed(string text, string quoted)
    {
        InfoText.Quote(text).Should().Be(quoted);
    }
}
