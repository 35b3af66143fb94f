namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// Builds MLIP's moment tables (alpha_index_basic, alpha_index_times) that evaluate given contractions of moment tensors.
/// </summary>
/// <remarks>
/// A connected contraction is evaluated by merging its factors one at a time into a partial result. The partial result's
/// free indices are grouped by the factor they will later be summed against; since that factor is a symmetric tensor,
/// only the sum of the partial result over all index orders within a group matters. The partial result is therefore
/// stored as one moment per combination of group monomials, holding that sum ("summed form"), which keeps every
/// multiplicity an integer: merging factor w into partial result T gives, for output group monomials γ_u = α_u + ω_u,
/// Σ_λ T[λ; α] · w[λ + Σω] · Π mult(ω_u), where λ runs over the monomials of the group summed against w and mult(ω) is
/// the number of index orders of ω. A raw moment tensor as T contributes mult(λ)·Π mult(α_u) instead, as its components
/// stand for all their index orders. Partial results and scalars are shared between basis functions.
/// </remarks>
internal sealed class MomentTableBuilder
{
    private static readonly int[][][] Permutations = [[], [[0]], AllPermutations(2), AllPermutations(3), AllPermutations(4)];

    private readonly List<int[]> basic = [];
    private readonly List<int[]> times = [];
    private readonly Dictionary<MomentTensor, int> basicStart = [];
    private readonly Dictionary<string, int> partialStart = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, int, int), long> mergeTerms = [];
    private readonly List<Monomial[]> monomialsOfRank = [];
    private readonly List<long[]> multiplicitiesOfRank = [];

    /// <summary>Registers all components of the given tensors as the basic moments, in MLIP's order (by μ, then ν).</summary>
    public MomentTableBuilder(IEnumerable<MomentTensor> tensors)
    {
        foreach (var tensor in tensors.Distinct().Order())
        {
            basicStart[tensor] = basic.Count;
            foreach (var monomial in Monomials.OfRank(tensor.Nu))
            {
                basic.Add([tensor.Mu, monomial.X, monomial.Y, monomial.Z]);
            }
        }

        MomentCount = basic.Count;
    }

    /// <summary>Number of moments so far (basic and products).</summary>
    public int MomentCount { get; private set; }

    /// <summary>The alpha_index_basic table.</summary>
    public int[][] Basic => [.. basic];

    /// <summary>The alpha_index_times table.</summary>
    public int[][] Times => [.. times];

    /// <summary>The moment that holds a connected contraction's value, adding the products it needs.</summary>
    public int Contract(ContractionGraph graph)
    {
        if (graph.VertexCount == 1)
        {
            return basicStart[graph.Vertices[0]];
        }

        var order = CheapestOrder(graph);
        var n = order.Length;
        var start = basicStart[graph.Vertices[order[0]]];
        var raw = true;
        for (var k = 1; k < n; k++)
        {
            var key = PartialKey(graph, order, k + 1);
            if (partialStart.TryGetValue(key, out var known))
            {
                start = known;
                raw = false;
                continue;
            }

            var w = order[k];
            var contracted = 0;
            for (var s = 0; s < k; s++)
            {
                contracted += graph.Edge(order[s], w);
            }

            var later = n - k - 1;
            var fromPartial = new int[later];
            var fromW = new int[later];
            for (var u = 0; u < later; u++)
            {
                for (var s = 0; s < k; s++)
                {
                    fromPartial[u] += graph.Edge(order[s], order[k + 1 + u]);
                }

                fromW[u] = graph.Edge(w, order[k + 1 + u]);
            }

            var partialTensor = raw ? graph.Vertices[order[0]] : default;
            start = Merge(raw, start, partialTensor, contracted, fromPartial, graph.Vertices[w], fromW);
            partialStart[key] = start;
            raw = false;
        }

        return start;
    }

    /// <summary>A new moment holding the product of two scalar moments.</summary>
    public int Multiply(int left, int right)
    {
        var product = MomentCount++;
        times.Add([left, right, 1, product]);
        return product;
    }

    /// <summary>Adds the products that merge factor w into partial result T; returns the first moment of the result.</summary>
    /// <param name="raw">Whether T is a single moment tensor (then <paramref name="partialTensor"/>) rather than a summed-form partial result at <paramref name="partialStart"/>.</param>
    /// <param name="partialStart">First moment of T when not raw; its groups are (contracted, later groups…) in that order.</param>
    /// <param name="partialTensor">T when raw.</param>
    /// <param name="contracted">Number of T's indices summed against w.</param>
    /// <param name="fromPartial">Per later factor u, the number of T's indices that go to u.</param>
    /// <param name="w">The merged factor.</param>
    /// <param name="fromW">Per later factor u, the number of w's indices that go to u.</param>
    private int Merge(bool raw, int partialStart, MomentTensor partialTensor, int contracted, int[] fromPartial, MomentTensor w, int[] fromW)
    {
        var groups = fromPartial.Length;
        var partialStrides = new int[groups + 1];
        var outputStrides = new int[groups];
        var partialStride = 1;
        var outputStride = 1;
        for (var g = groups - 1; g >= 0; g--)
        {
            partialStrides[g + 1] = partialStride;
            partialStride *= Monomials.Count(fromPartial[g]);
            outputStrides[g] = outputStride;
            outputStride *= Monomials.Count(fromPartial[g] + fromW[g]);
        }

        partialStrides[0] = partialStride;
        var outputStart = MomentCount;
        MomentCount += outputStride;

        var partialMonomials = fromPartial.Select(OfRank).ToArray();
        var partialMultiplicities = fromPartial.Select(MultiplicitiesOfRank).ToArray();
        var wMonomials = fromW.Select(OfRank).ToArray();
        var wMultiplicities = fromW.Select(MultiplicitiesOfRank).ToArray();
        var tensorBase = raw ? basicStart[partialTensor] : partialStart;
        var wBase = basicStart[w];
        mergeTerms.Clear();

        void Split(int g, Monomial lambda, Monomial alphaSum, Monomial omegaSum, int partialOffset, int outputOffset, long multiplicity)
        {
            if (g == groups)
            {
                var tensorMoment = raw ? tensorBase + Monomials.IndexOf(lambda + alphaSum) : tensorBase + partialOffset;
                var wMoment = wBase + Monomials.IndexOf(lambda + omegaSum);
                var key = (Math.Min(tensorMoment, wMoment), Math.Max(tensorMoment, wMoment), outputStart + outputOffset);
                mergeTerms[key] = mergeTerms.GetValueOrDefault(key) + multiplicity;
                return;
            }

            var alphas = partialMonomials[g];
            var omegas = wMonomials[g];
            for (var a = 0; a < alphas.Length; a++)
            {
                var alphaMultiplicity = raw ? partialMultiplicities[g][a] : 1;
                for (var o = 0; o < omegas.Length; o++)
                {
                    Split(
                        g + 1,
                        lambda,
                        alphaSum + alphas[a],
                        omegaSum + omegas[o],
                        partialOffset + (a * partialStrides[g + 1]),
                        outputOffset + (Monomials.IndexOf(alphas[a] + omegas[o]) * outputStrides[g]),
                        multiplicity * alphaMultiplicity * wMultiplicities[g][o]);
                }
            }
        }

        var lambdas = OfRank(contracted);
        var lambdaMultiplicities = MultiplicitiesOfRank(contracted);
        for (var l = 0; l < lambdas.Length; l++)
        {
            Split(0, lambdas[l], default, default, l * partialStrides[0], 0, raw ? lambdaMultiplicities[l] : 1);
        }

        var terms = new (int Target, int First, int Second, long Multiplicity)[mergeTerms.Count];
        var n = 0;
        foreach (var ((first, second, target), multiplicity) in mergeTerms)
        {
            terms[n++] = (target, first, second, multiplicity);
        }

        // Grouped by target so that each moment is complete before anything uses it.
        Array.Sort(terms);
        foreach (var (target, first, second, multiplicity) in terms)
        {
            times.Add([first, second, checked((int)multiplicity), target]);
        }

        return outputStart;
    }

    private Monomial[] OfRank(int rank)
    {
        while (monomialsOfRank.Count <= rank)
        {
            var monomials = Monomials.OfRank(monomialsOfRank.Count);
            monomialsOfRank.Add(monomials);
            multiplicitiesOfRank.Add([.. monomials.Select(Monomials.Multiplicity)]);
        }

        return monomialsOfRank[rank];
    }

    private long[] MultiplicitiesOfRank(int rank)
    {
        OfRank(rank);
        return multiplicitiesOfRank[rank];
    }

    /// <summary>
    /// Identifies the partial result after merging the first <paramref name="merged"/> factors of an order: their tensors,
    /// the edges among them and, per later factor, how many indices each merged factor sends to it.
    /// </summary>
    private static string PartialKey(ContractionGraph graph, int[] order, int merged)
    {
        var key = new List<char>();
        for (var i = 0; i < merged; i++)
        {
            var tensor = graph.Vertices[order[i]];
            key.Add((char)tensor.Mu);
            key.Add((char)tensor.Nu);
        }

        key.Add('|');
        for (var i = 0; i < merged; i++)
        {
            for (var j = i + 1; j < merged; j++)
            {
                key.Add((char)graph.Edge(order[i], order[j]));
            }
        }

        for (var u = merged; u < order.Length; u++)
        {
            key.Add('|');
            for (var i = 0; i < merged; i++)
            {
                key.Add((char)graph.Edge(order[i], order[u]));
            }
        }

        return new string([.. key]);
    }

    /// <summary>The merge order with the fewest products plus partial-result moments (first such order on ties).</summary>
    private static int[] CheapestOrder(ContractionGraph graph)
    {
        var n = graph.VertexCount;
        int[]? best = null;
        var bestCost = long.MaxValue;
        foreach (var order in Permutations[n])
        {
            long cost = 0;
            for (var k = 1; k < n; k++)
            {
                var w = order[k];
                var contracted = 0;
                for (var s = 0; s < k; s++)
                {
                    contracted += graph.Edge(order[s], w);
                }

                long products = Monomials.Count(contracted);
                long components = 1;
                for (var u = k + 1; u < n; u++)
                {
                    var fromPartial = 0;
                    for (var s = 0; s < k; s++)
                    {
                        fromPartial += graph.Edge(order[s], order[u]);
                    }

                    var fromW = graph.Edge(w, order[u]);
                    products *= Monomials.Count(fromPartial) * Monomials.Count(fromW);
                    components *= Monomials.Count(fromPartial + fromW);
                }

                cost += products + components;
            }

            if (cost < bestCost)
            {
                bestCost = cost;
                best = order;
            }
        }

        return best!;
    }

    private static int[][] AllPermutations(int n)
    {
        var result = new List<int[]>();
        var permutation = new int[n];
        var used = new bool[n];

        void Extend(int position)
        {
            if (position == n)
            {
                result.Add((int[])permutation.Clone());
                return;
            }

            for (var v = 0; v < n; v++)
            {
                if (!used[v])
                {
                    used[v] = true;
                    permutation[position] = v;
                    Extend(position + 1);
                    used[v] = false;
                }
            }
        }

        Extend(0);
        return [.. result];
    }
}
