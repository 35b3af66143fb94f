using Xunit;
using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.TestSupport;

/// <summary>A directed pair: atom <see cref="I"/> and the image of atom <see cref="J"/> translated by <see cref="Shift"/>.</summary>
public readonly record struct NeighbourPair(int I, int J, ImageShift Shift);

/// <summary>
/// The reference the neighbour list is judged by: every atom pair, every lattice shift that could possibly be within the
/// cutoff, distance measured directly. O(N² · images), independent of the linked cells.
/// </summary>
public static class BruteForceNeighbours
{
    /// <summary>
    /// All (i, j, shift) with |positions[j] + shift·cell − positions[i]| &lt; cutoff, except i with itself unshifted, and their
    /// vectors. The cell must be non-degenerate when any direction is periodic.
    /// </summary>
    public static Dictionary<NeighbourPair, Vec3> Pairs(Cell cell, Pbc pbc, IReadOnlyList<Vec3> positions, double cutoff)
    {
        var pairs = new Dictionary<NeighbourPair, Vec3>();
        var spacings = pbc.Any ? cell.PlaneSpacings : default;
        Span<int> low = stackalloc int[3];
        Span<int> high = stackalloc int[3];
        for (var i = 0; i < positions.Count; i++)
        {
            for (var j = 0; j < positions.Count; j++)
            {
                var separation = pbc.Any ? cell.ToFractional(positions[j] - positions[i]) : default;
                for (var axis = 0; axis < 3; axis++)
                {
                    low[axis] = high[axis] = 0;
                    if (pbc[axis])
                    {
                        // An image n within the cutoff has |separation + n| ≤ cutoff / spacing along the axis.
                        var reach = (int)Math.Ceiling(cutoff / spacings[axis]) + 1;
                        var centre = (int)Math.Round(-separation[axis]);
                        low[axis] = centre - reach;
                        high[axis] = centre + reach;
                    }
                }

                for (var a = low[0]; a <= high[0]; a++)
                {
                    for (var b = low[1]; b <= high[1]; b++)
                    {
                        for (var c = low[2]; c <= high[2]; c++)
                        {
                            if (i == j && a == 0 && b == 0 && c == 0)
                            {
                                continue;
                            }

                            var vector = positions[j] + cell.ToCartesian(new Vec3(a, b, c)) - positions[i];
                            if (vector.Length < cutoff)
                            {
                                pairs.Add(new NeighbourPair(i, j, new ImageShift(a, b, c)), vector);
                            }
                        }
                    }
                }
            }
        }

        return pairs;
    }

    /// <summary>The pairs of a neighbour list with their vectors and distances; fails on a pair listed twice.</summary>
    public static Dictionary<NeighbourPair, (Vec3 Vector, double Distance)> Collect(NeighbourList list)
    {
        var pairs = new Dictionary<NeighbourPair, (Vec3, double)>();
        for (var i = 0; i < list.AtomCount; i++)
        {
            var neighbours = list.NeighboursOf(i);
            var shifts = list.ShiftsOf(i);
            var vectors = list.VectorsOf(i);
            var distances = list.DistancesOf(i);
            Assert.Equal(neighbours.Length, shifts.Length);
            Assert.Equal(neighbours.Length, vectors.Length);
            Assert.Equal(neighbours.Length, distances.Length);
            for (var k = 0; k < neighbours.Length; k++)
            {
                var pair = new NeighbourPair(i, neighbours[k], shifts[k]);
                Assert.True(pairs.TryAdd(pair, (vectors[k], distances[k])), $"{pair} is listed twice");
            }
        }

        Assert.Equal(list.PairCount, pairs.Count);
        return pairs;
    }

    /// <summary>
    /// Asserts the list holds exactly the reference pairs, with vectors within <paramref name="tolerance"/> Å per component,
    /// distances equal to the vectors' lengths and below the cutoff.
    /// </summary>
    public static void AssertMatches(Dictionary<NeighbourPair, Vec3> expected, NeighbourList list, string context, double tolerance = 1e-12)
    {
        var actual = Collect(list);
        var missing = expected.Keys.Where(pair => !actual.ContainsKey(pair)).ToList();
        var extra = actual.Keys.Where(pair => !expected.ContainsKey(pair)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var message = new StringBuilder(context);
            message.Append(CultureInfo.InvariantCulture, $": {missing.Count} pairs missing, {extra.Count} extra of {expected.Count}.");
            foreach (var pair in missing.Take(5))
            {
                message.Append(CultureInfo.InvariantCulture, $"\n  missing {pair} at {expected[pair].Length:R} Å");
            }

            foreach (var pair in extra.Take(5))
            {
                message.Append(CultureInfo.InvariantCulture, $"\n  extra {pair} at {actual[pair].Distance:R} Å");
            }

            Assert.Fail(message.ToString());
        }

        foreach (var (pair, vector) in expected)
        {
            var (actualVector, distance) = actual[pair];
            var error = (actualVector - vector).MaxAbs;
            Assert.True(error <= tolerance, FormattableString.Invariant($"{context}: {pair} vector {actualVector}, expected {vector}"));
            Assert.True(
                Math.Abs(distance - actualVector.Length) <= tolerance,
                FormattableString.Invariant($"{context}: {pair} distance {distance:R} but |vector| = {actualVector.Length:R}"));
            Assert.True(distance < list.Cutoff, FormattableString.Invariant($"{context}: {pair} distance {distance:R} ≥ cutoff"));
        }
    }
}
