using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>The checks every potential makes before it computes, so that bad input fails clearly instead of producing NaN.</summary>
public static class PotentialGuards
{
    /// <summary>
    /// Atoms closer than this (0.1 Å) are taken to overlap: no physical configuration has them, and potentials would return
    /// meaningless or infinite numbers.
    /// </summary>
    public const double MinimumSeparation = 0.1;

    /// <summary>Fails on elements outside <paramref name="species"/> and on non-finite positions.</summary>
    /// <exception cref="PotentialException">With the atom, its element and the elements the potential knows.</exception>
    public static void CheckStructure(Structure structure, string potential, SpeciesIndex species)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(species);
        var numbers = structure.AtomicNumbers;
        var positions = structure.Positions;
        for (var i = 0; i < numbers.Length; i++)
        {
            if (species[numbers[i]] < 0)
            {
                throw new PotentialException(
                    $"{potential} does not describe {Elements.Symbol(numbers[i])} (atom {i + 1}); it describes {species.Describe()}.");
            }

            var p = positions[i];
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y) || !double.IsFinite(p.Z))
            {
                throw new PotentialException($"Atom {i + 1} has a non-finite position {p}.");
            }
        }
    }

    /// <summary>Fails when two atoms (or an atom and its own image) are closer than <see cref="MinimumSeparation"/>.</summary>
    /// <exception cref="PotentialException">Naming the two atoms and their distance.</exception>
    public static void CheckSeparations(NeighbourList neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        var offsets = neighbours.Offsets;
        var distances = neighbours.Distances;
        var indices = neighbours.Neighbours;
        for (var i = 0; i < neighbours.AtomCount; i++)
        {
            for (var k = offsets[i]; k < offsets[i + 1]; k++)
            {
                if (distances[k] < MinimumSeparation)
                {
                    throw new PotentialException(FormattableString.Invariant(
                        $"Atoms {i + 1} and {indices[k] + 1} overlap: they are {distances[k]:G3} Å apart (less than {MinimumSeparation} Å)."));
                }
            }
        }
    }
}

/// <summary>Maps atomic numbers to a potential's own element indices (−1 for elements it does not describe).</summary>
public sealed class SpeciesIndex
{
    private readonly int[] indexOf;

    /// <summary>Creates the map for the potential's elements, in the potential's order.</summary>
    /// <exception cref="ArgumentException">An element is listed twice.</exception>
    public SpeciesIndex(IReadOnlyList<int> species)
    {
        ArgumentNullException.ThrowIfNull(species);
        Species = [.. species];
        indexOf = new int[Elements.MaxAtomicNumber + 1];
        Array.Fill(indexOf, -1);
        for (var s = 0; s < species.Count; s++)
        {
            if (indexOf[species[s]] >= 0)
            {
                throw new ArgumentException($"Element {Elements.Symbol(species[s])} is listed twice.", nameof(species));
            }

            indexOf[species[s]] = s;
        }
    }

    /// <summary>The elements in the potential's order.</summary>
    public IReadOnlyList<int> Species { get; }

    /// <summary>The potential's index of an atomic number, or −1.</summary>
    public int this[int atomicNumber] => indexOf[atomicNumber];

    /// <summary>The potential's element index of every atom.</summary>
    public int[] Map(ReadOnlySpan<int> atomicNumbers, int[]? reuse = null)
    {
        var result = reuse is not null && reuse.Length == atomicNumbers.Length ? reuse : new int[atomicNumbers.Length];
        for (var i = 0; i < atomicNumbers.Length; i++)
        {
            result[i] = indexOf[atomicNumbers[i]];
        }

        return result;
    }

    /// <summary>The elements as text, e.g. <c>Si, C</c>.</summary>
    public string Describe() => string.Join(", ", Species.Select(Elements.Symbol));
}
