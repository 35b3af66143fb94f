using System.Collections.Frozen;

namespace ActiveLearning.Atomistics;

public static partial class Elements
{
    // Built in the static constructor: field initialisers of the two partial files run in no guaranteed order.
    private static readonly FrozenDictionary<string, int> NumberBySymbol;

    static Elements()
    {
        NumberBySymbol = SymbolTable
            .Select((symbol, number) => KeyValuePair.Create(symbol, number))
            .ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The highest atomic number in the table (118, Og).</summary>
    public static int MaxAtomicNumber => SymbolTable.Length - 1;

    /// <summary>The symbol of an element, e.g. <c>Si</c> for 14; <c>X</c> for 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is outside 0–118.</exception>
    public static string Symbol(int atomicNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atomicNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(atomicNumber, MaxAtomicNumber);
        return SymbolTable[atomicNumber];
    }

    /// <summary>The standard atomic mass in amu.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is outside 0–118.</exception>
    public static double Mass(int atomicNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atomicNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(atomicNumber, MaxAtomicNumber);
        return MassTable[atomicNumber];
    }

    /// <summary>
    /// Looks a symbol up the way ASE's extended XYZ reader does: capitalised first (<c>si</c>, <c>SI</c> and <c>Si</c> are
    /// all silicon).
    /// </summary>
    /// <returns><see langword="false"/> when the text is not an element symbol.</returns>
    public static bool TryParseSymbol(ReadOnlySpan<char> symbol, out int atomicNumber)
    {
        atomicNumber = 0;
        if (symbol.IsEmpty || symbol.Length > 3)
        {
            return false;
        }

        Span<char> normalised = stackalloc char[symbol.Length];
        symbol.CopyTo(normalised);
        normalised[0] = char.ToUpperInvariant(normalised[0]);
        for (var i = 1; i < normalised.Length; i++)
        {
            normalised[i] = char.ToLowerInvariant(normalised[i]);
        }

        return NumberBySymbol.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(normalised, out atomicNumber);
    }

    /// <summary>The atomic number of a symbol.</summary>
    /// <exception cref="ArgumentException">The text is not an element symbol.</exception>
    public static int AtomicNumber(string symbol) =>
        TryParseSymbol(symbol, out var number)
            ? number
            : throw new ArgumentException($"'{symbol}' is not a chemical element symbol.", nameof(symbol));
}
