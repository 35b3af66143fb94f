namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// Generates untrained moment tensor potentials of a given level: the basis and moment tables of MLIP-2's standard
/// templates (<c>untrained_mtps/LL.mtp</c>), written from the rule they follow rather than copied.
/// </summary>
/// <remarks>
/// <para>
/// The basis functions of level L are all scalar contractions of products of at most
/// <see cref="MaxFactorsPerBasisFunction"/> moment tensors M_{μ,ν} with Σ lev(M_{μ,ν}) ≤ L, lev(M_{μ,ν}) = 2 + 4μ + ν,
/// one per distinct way of contracting (pairwise non-isomorphic contraction graphs, with no index summed against another
/// of the same tensor). This reproduces the number of basis functions (alpha_scalar_moments) of the MLIP-2 templates at
/// every even level 2–24 (1, 2, 5, 9, 16, 29, 52, 92, 163, 288, 500, 864); at levels 26 and 28 it gives 1466 and 2455
/// where the templates have 1464 and 2445. A scalar contraction always has an even level (Σν is even), so an
/// odd level L gives the same potential as level L − 1.
/// </para>
/// <para>
/// The radial functions are μ = 0 … max μ used, so radial_funcs_count = ⌊(L − 2)/4⌋ + 1 for L ≥ 4 (2 at level 8, 4 at 16,
/// 5 at 20). Every basis function is invariant under rotations and reflections of the neighbourhood by construction
/// (full contractions of tensors built from the neighbour directions).
/// </para>
/// </remarks>
public static class MtpBasisGenerator
{
    /// <summary>The lowest level supported.</summary>
    public const int MinLevel = 2;

    /// <summary>The highest level supported.</summary>
    public const int MaxLevel = 28;

    /// <summary>The largest number of moment tensors multiplied in one basis function (as in the MLIP-2 templates).</summary>
    public const int MaxFactorsPerBasisFunction = 4;

    /// <summary>Creates an untrained MTP of the given level (no radial, species or moment coefficients).</summary>
    /// <param name="level">The MTP level, <see cref="MinLevel"/> to <see cref="MaxLevel"/>.</param>
    /// <param name="speciesCount">Number of species (atom types), at least 1.</param>
    /// <param name="minDist">Lower end of the Chebyshev interval, Å, finite and ≥ 0.</param>
    /// <param name="maxDist">Cutoff radius, Å, finite and greater than <paramref name="minDist"/>.</param>
    /// <param name="radialBasisSize">Chebyshev polynomials per radial function, 2 to 64 (MLIP's default 8).</param>
    /// <returns>A model whose <see cref="MtpModel.Problem"/> is <see langword="null"/> and that is not trained.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public static MtpModel Generate(int level, int speciesCount, double minDist, double maxDist, int radialBasisSize = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, MinLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        ArgumentOutOfRangeException.ThrowIfLessThan(speciesCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(radialBasisSize, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radialBasisSize, 64);
        if (!double.IsFinite(minDist) || minDist < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minDist), minDist, "min_dist must be finite and at least 0 Å.");
        }

        if (!double.IsFinite(maxDist) || maxDist <= minDist)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDist), maxDist, $"max_dist must be finite and greater than min_dist = {minDist.ToString(System.Globalization.CultureInfo.InvariantCulture)} Å.");
        }

        var connected = ContractionGraph.EnumerateConnected(level, MaxFactorsPerBasisFunction);
        var builder = new MomentTableBuilder(connected.SelectMany(g => g.Vertices));

        // Connected contractions first (by level), then their products (by level); a product is its first (smallest)
        // factor times the product of the others, which is itself a basis function of lower level and so already built.
        var moments = new Dictionary<string, int>(StringComparer.Ordinal);
        var mapping = new List<int>();
        foreach (var factors in BasisFunctions(connected, level))
        {
            int moment;
            if (factors.Length == 1)
            {
                moment = builder.Contract(connected[factors[0]]);
            }
            else
            {
                var rest = moments[Key(factors[1..])];
                moment = builder.Multiply(moments[Key(factors[..1])], rest);
            }

            moments[Key(factors)] = moment;
            mapping.Add(moment);
        }

        mapping.Sort();
        var basic = builder.Basic;
        var radialFunctions = 0;
        foreach (var entry in basic)
        {
            radialFunctions = Math.Max(radialFunctions, entry[0] + 1);
        }

        return new MtpModel
        {
            SpeciesCount = speciesCount,
            MinDist = minDist,
            MaxDist = maxDist,
            RadialBasisSize = radialBasisSize,
            RadialFuncsCount = radialFunctions,
            AlphaMomentsCount = builder.MomentCount,
            AlphaIndexBasic = basic,
            AlphaIndexTimes = builder.Times,
            AlphaMomentMapping = [.. mapping],
        };
    }

    /// <summary>
    /// The basis functions as multisets of connected contractions (indices into <paramref name="connected"/>, ascending)
    /// with at most <see cref="MaxFactorsPerBasisFunction"/> tensors and level ≤ <paramref name="level"/>: single
    /// contractions first, then products, each group by level.
    /// </summary>
    private static List<int[]> BasisFunctions(List<ContractionGraph> connected, int level)
    {
        var products = new List<(int Level, int[] Factors)>();
        var chosen = new List<int>();

        void Extend(int first, int factorsLeft, int levelLeft, int levelSoFar)
        {
            if (chosen.Count > 1)
            {
                products.Add((levelSoFar, [.. chosen]));
            }

            for (var c = first; c < connected.Count; c++)
            {
                var graph = connected[c];
                if (graph.VertexCount <= factorsLeft && graph.Level <= levelLeft)
                {
                    chosen.Add(c);
                    Extend(c, factorsLeft - graph.VertexCount, levelLeft - graph.Level, levelSoFar + graph.Level);
                    chosen.RemoveAt(chosen.Count - 1);
                }
            }
        }

        Extend(0, MaxFactorsPerBasisFunction, level, 0);
        var all = new List<int[]>();
        for (var c = 0; c < connected.Count; c++)
        {
            all.Add([c]);
        }

        all.AddRange(products.OrderBy(p => p.Level).Select(p => p.Factors));
        return all;
    }

    private static string Key(int[] factors)
    {
        var chars = new char[factors.Length];
        for (var i = 0; i < factors.Length; i++)
        {
            chars[i] = (char)factors[i];
        }

        return new string(chars);
    }
}
