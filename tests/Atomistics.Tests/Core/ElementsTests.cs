namespace ActiveLearning.Atomistics.Tests.Core;

public sealed class ElementsTests
{
    [Theory]
    [InlineData("Si", 14)]
    [InlineData("si", 14)]
    [InlineData("SI", 14)]
    [InlineData("X", 0)]
    [InlineData("Og", 118)]
    [InlineData("h", 1)]
    public void Symbols_are_read_capitalised_as_ase_does(string symbol, int number)
    {
        Elements.TryParseSymbol(symbol, out var z).Should().BeTrue();
        z.Should().Be(number);
        Elements.Symbol(number).Should().Be(symbol.Length == 1 ? symbol.ToUpperInvariant() : char.ToUpperInvariant(symbol[0]) + symbol[1..].ToLowerInvariant());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Qq")]
    [InlineData("Silicon")]
    [InlineData("1")]
    public void Other_text_is_not_an_element(string text)
    {
        Elements.TryParseSymbol(text, out _).Should().BeFalse();
        var parse = () => Elements.AtomicNumber(text);
        parse.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Masses_are_standard_atomic_weights()
    {
        Elements.Mass(1).Should().Be(1.008);
        Elements.Mass(14).Should().Be(28.085);
        Elements.Mass(79).Should().Be(196.966569);
        Elements.MaxAtomicNumber.Should().Be(118);
        var outOfRange = () => Elements.Mass(119);
        outOfRange.Should().Throw<ArgumentOutOfRangeException>();
    }
}
