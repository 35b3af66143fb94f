namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>A moment tensor M_{μ,ν} (radial function μ, rank ν) as a factor of a basis function.</summary>
internal readonly record struct MomentTensor(int Mu, int Nu) : IComparable<MomentTensor>
{
    /// <summary>lev(M_{μ,ν}) = 2 + 4μ + ν.</summary>
    public int Level => 2 + (4 * Mu) + Nu;

    /// <inheritdoc/>
    public int CompareTo(MomentTensor other) => Mu != other.Mu ? Mu.CompareTo(other.Mu) : Nu.CompareTo(other.Nu);
}

/// <summary>
/// One connected scalar contraction of moment tensors: the vertices are the tensor factors and an edge of multiplicity
/// e between two of them says that e indices of one are summed against e indices of the other. Every index takes part in
/// exactly one edge (a vertex's degree is its rank ν), and no index is summed against another of the same tensor
/// (a self-loop would only reproduce M_{μ,ν−2}, as r̂·r̂ = 1).
/// </summary>
internal sealed class ContractionGraph
{
    public ContractionGraph(MomentTensor[] vertices, int[] edges)
    {
        Vertices = vertices;
        Edges = edges;
        foreach (var vertex in vertices)
        {
            Level += vertex.Level;
        }
    }

    /// <summary>The tensor factors, sorted.</summary>
    public MomentTensor[] Vertices { get; }

    /// <summary>Edge multiplicities, n×n symmetric, zero diagonal.</summary>
    public int[] Edges { get; }

    /// <summary>The level: the sum of the factors' levels.</summary>
    public int Level { get; }

    public int VertexCount => Vertices.Length;

    public int Edge(int i, int j) => Edges[(i * Vertices.Length) + j];

    /// <summary>
    /// All connected contractions with at most <paramref name="maxVertices"/> factors and level at most
    /// <paramref name="maxLevel"/>, one per isomorphism class, ordered by level, then number of factors, then factors.
    /// </summary>
    public static List<ContractionGraph> EnumerateConnected(int maxLevel, int maxVertices)
    {
        var tensors = new List<MomentTensor>();
        for (var mu = 0; 2 + (4 * mu) <= maxLevel; mu++)
        {
            for (var nu = 0; 2 + (4 * mu) + nu <= maxLevel; nu++)
            {
                tensors.Add(new MomentTensor(mu, nu));
            }
        }

        var graphs = new List<ContractionGraph>();
        foreach (var tensor in tensors)
        {
            if (tensor.Nu == 0)
            {
                graphs.Add(new ContractionGraph([tensor], [0]));
            }
        }

        var indexed = tensors.Where(t => t.Nu > 0).ToArray();
        var chosen = new MomentTensor[maxVertices];
        for (var n = 2; n <= maxVertices; n++)
        {
            ChooseVertices(indexed, chosen, n, 0, 0, maxLevel, graphs);
        }

        // OrderBy is stable, so equal keys keep the (deterministic) enumeration order.
        return [.. graphs.OrderBy(g => g.Level).ThenBy(g => g.VertexCount)];
    }

    private static void ChooseVertices(MomentTensor[] tensors, MomentTensor[] chosen, int n, int depth, int firstTensor, int levelLeft, List<ContractionGraph> graphs)
    {
        if (depth == n)
        {
            AddAllEdgings(chosen[..n], graphs);
            return;
        }

        for (var t = firstTensor; t < tensors.Length; t++)
        {
            // Each remaining factor costs at least lev(M_{0,1}) = 3.
            if (tensors[t].Level + (3 * (n - depth - 1)) > levelLeft)
            {
                continue;
            }

            chosen[depth] = tensors[t];
            ChooseVertices(tensors, chosen, n, depth + 1, t, levelLeft - tensors[t].Level, graphs);
        }
    }

    /// <summary>Adds every connected, pairwise non-isomorphic way of matching the vertices' indices.</summary>
    private static void AddAllEdgings(MomentTensor[] vertices, List<ContractionGraph> graphs)
    {
        var n = vertices.Length;
        var degreeSum = 0;
        foreach (var vertex in vertices)
        {
            degreeSum += vertex.Nu;
        }

        if (degreeSum % 2 != 0)
        {
            return;
        }

        var pairs = new List<(int I, int J)>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                pairs.Add((i, j));
            }
        }

        // The last pair that involves each vertex: its remaining degree must be zero once that pair is decided.
        var lastPairOf = new int[n];
        for (var p = 0; p < pairs.Count; p++)
        {
            lastPairOf[pairs[p].I] = p;
            lastPairOf[pairs[p].J] = p;
        }

        var symmetries = TypePreservingPermutations(vertices);
        var seen = new HashSet<long>();
        var remaining = vertices.Select(v => v.Nu).ToArray();
        var multiplicities = new int[pairs.Count];

        void Assign(int p)
        {
            if (p == pairs.Count)
            {
                if (IsConnected(n, pairs, multiplicities) && seen.Add(CanonicalCode(n, pairs, multiplicities, symmetries)))
                {
                    var edges = new int[n * n];
                    for (var q = 0; q < pairs.Count; q++)
                    {
                        edges[(pairs[q].I * n) + pairs[q].J] = multiplicities[q];
                        edges[(pairs[q].J * n) + pairs[q].I] = multiplicities[q];
                    }

                    graphs.Add(new ContractionGraph(vertices, edges));
                }

                return;
            }

            var (i, j) = pairs[p];
            for (var m = Math.Min(remaining[i], remaining[j]); m >= 0; m--)
            {
                remaining[i] -= m;
                remaining[j] -= m;
                if ((lastPairOf[i] != p || remaining[i] == 0) && (lastPairOf[j] != p || remaining[j] == 0))
                {
                    multiplicities[p] = m;
                    Assign(p + 1);
                }

                remaining[i] += m;
                remaining[j] += m;
            }
        }

        Assign(0);
    }

    private static List<int[]> TypePreservingPermutations(MomentTensor[] vertices)
    {
        var result = new List<int[]>();
        var permutation = new int[vertices.Length];
        var used = new bool[vertices.Length];

        void Extend(int position)
        {
            if (position == vertices.Length)
            {
                result.Add((int[])permutation.Clone());
                return;
            }

            for (var v = 0; v < vertices.Length; v++)
            {
                if (!used[v] && vertices[v] == vertices[position])
                {
                    used[v] = true;
                    permutation[position] = v;
                    Extend(position + 1);
                    used[v] = false;
                }
            }
        }

        Extend(0);
        return result;
    }

    /// <summary>The smallest edge code over relabellings that keep each vertex's tensor (6 bits per pair).</summary>
    private static long CanonicalCode(int n, List<(int I, int J)> pairs, int[] multiplicities, List<int[]> symmetries)
    {
        var matrix = new int[n, n];
        for (var p = 0; p < pairs.Count; p++)
        {
            matrix[pairs[p].I, pairs[p].J] = multiplicities[p];
            matrix[pairs[p].J, pairs[p].I] = multiplicities[p];
        }

        var best = long.MaxValue;
        foreach (var permutation in symmetries)
        {
            long code = 0;
            foreach (var (i, j) in pairs)
            {
                code = (code << 6) | (long)matrix[permutation[i], permutation[j]];
            }

            best = Math.Min(best, code);
        }

        return best;
    }

    private static bool IsConnected(int n, List<(int I, int J)> pairs, int[] multiplicities)
    {
        var reached = 1;
        for (var sweep = 0; sweep < n; sweep++)
        {
            for (var p = 0; p < pairs.Count; p++)
            {
                if (multiplicities[p] > 0 && ((reached >> pairs[p].I) & 1) != ((reached >> pairs[p].J) & 1))
                {
                    reached |= (1 << pairs[p].I) | (1 << pairs[p].J);
                }
            }
        }

        return reached == (1 << n) - 1;
    }
}
