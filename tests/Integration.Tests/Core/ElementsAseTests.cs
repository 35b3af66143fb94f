using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Core;

public sealed class ElementsAseTests
{
    [Fact]
    public async Task Symbols_and_masses_equal_ases_tables()
    {
        var json = await Ase.RunAsync(
            "import json; from ase.data import chemical_symbols, atomic_masses; print(json.dumps([list(chemical_symbols), [float(m) for m in atomic_masses]]))");
        using var document = JsonDocument.Parse(json);
        var symbols = document.RootElement[0].EnumerateArray().Select(s => s.GetString()!).ToList();
        var masses = document.RootElement[1].EnumerateArray().Select(m => m.GetDouble()).ToList();

        symbols.Should().HaveCount(Elements.MaxAtomicNumber + 1);
        for (var z = 0; z <= Elements.MaxAtomicNumber; z++)
        {
            Elements.Symbol(z).Should().Be(symbols[z]);
            Elements.Mass(z).Should().Be(masses[z], $"the mass of {symbols[z]}");
        }
    }
}
