using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// The energy and force pass of a <see cref="MomentTensorPotential"/>, with each atom's neighbours taken four at a time, one
/// per lane of a <see cref="Vector256{T}"/> (the radial functions, the monomials of the unit vector and their adjoints are the
/// same arithmetic for every neighbour, only the numbers differ), and the product table run for four atoms at a time (the
/// same products for every atom, only the moments differ).
/// </summary>
/// <remarks>
/// <para>
/// Monomials: all x̂^a·ŷ^b·ẑ^c up to the table's highest rank are computed, each as its parent (one power less, the first
/// non-zero exponent of x, y, z lowered) times one component: one multiplication per monomial. The backward pass runs the same
/// tree in reverse (the adjoint of a monomial flows to its parent and to its last factor), then to the neighbour vector by
/// ∂û/∂r = (I − û·ûᵀ)/|r|, plus the radial slopes along û. Sums that would run through memory (per basic moment over the
/// neighbours, per monomial over the radial functions, per component of û) are grouped so that they stay in registers.
/// </para>
/// <para>
/// Radial functions: when the four lanes share the neighbour species (always with one species), only the non-zero
/// Chebyshev coefficients are multiplied (the default start, a single polynomial per function, has one of eight); other
/// blocks take every coefficient lane by lane. Skipping zeros changes no bit of the result.
/// </para>
/// <para>
/// Compared with the scalar pass it replaced (still the form of <see cref="MomentTensorPotential.ComputeRows"/>), only the
/// order of additions and the fusing of multiply–adds differ: results agree to rounding (about 1e-14 relative on 512-atom
/// diamond Si; the tests require 1e-10 against that scalar pass).
/// </para>
/// </remarks>
internal sealed class MtpLaneKernel
{
    private const int Width = 4;

    private readonly int speciesCount;
    private readonly int basisSize;
    private readonly int functionCount;
    private readonly int momentCount;
    private readonly int basicCount;
    private readonly int monomialCount;
    private readonly double minDist;
    private readonly double maxDist;
    private readonly double scaling;
    private readonly double[] radialCoeffs;

    // Non-zero radial coefficients of (pair, μ): terms [termStart[p·F + μ], termStart[p·F + μ + 1]) of termK/termC.
    private readonly int[] termStart;
    private readonly int[] termK;
    private readonly double[] termC;

    // Basic moment b: radial function basicMu[b] times monomial basicMonomial[b] of the full table.
    private readonly int[] basicMu;
    private readonly int[] basicMonomial;

    // The basic moments grouped by monomial (terms [byMonomialStart[m], byMonomialStart[m + 1]): basic, its μ) and by radial
    // function (terms [byRadialStart[μ], byRadialStart[μ + 1]): basic, its monomial), for the backward pass.
    private readonly int[] byMonomialStart;
    private readonly int[] byMonomialBasic;
    private readonly int[] byMonomialMu;
    private readonly int[] byRadialStart;
    private readonly int[] byRadialBasic;
    private readonly int[] byRadialMonomial;

    // Full monomial table by rank, then MLIP's order within a rank; monomial m ≥ 1 = monomial parent[m] · û[axis[m]].
    private readonly int[] parent;
    private readonly int[] axis;

    // The monomials m ≥ 1 grouped by axis[m]: [byAxisStart[a], byAxisStart[a + 1]) of byAxisMonomial.
    private readonly int[] byAxisStart;
    private readonly int[] byAxisMonomial;

    private readonly Product[] products;
    private readonly int[] mapping;
    private readonly double[] speciesCoeffs;
    private readonly double[] momentCoeffs;

    // ∂V/∂(moment) before the products are differentiated: the basis-function coefficients, the same for every atom.
    private readonly double[] baseAdjoint;

    // Offsets (in vectors) into the lane area every atom of a thread uses in turn, and its length.
    private readonly int adjointMonomialOffset;
    private readonly int weightsOffset;
    private readonly int valuesOffset;
    private readonly int slopesOffset;
    private readonly int sharedLength;
    private readonly int blockStride;

    // Offsets within one block of four neighbours: radial values, slopes, monomials, û (x, y, z), 1/r.
    private readonly int slopeInBlock;
    private readonly int monomialInBlock;
    private readonly int unitInBlock;
    private readonly int inverseInBlock;

    public MtpLaneKernel(MtpModel model)
    {
        speciesCount = model.SpeciesCount;
        basisSize = model.RadialBasisSize;
        functionCount = model.RadialFuncsCount;
        momentCount = model.AlphaMomentsCount;
        minDist = model.MinDist;
        maxDist = model.MaxDist;
        scaling = model.Scaling;
        radialCoeffs = (double[])model.RadialCoeffs!.Clone();

        var pairFunctions = speciesCount * speciesCount * functionCount;
        termStart = new int[pairFunctions + 1];
        var ks = new List<int>();
        var cs = new List<double>();
        for (var pf = 0; pf < pairFunctions; pf++)
        {
            termStart[pf] = ks.Count;
            for (var k = 0; k < basisSize; k++)
            {
                var c = radialCoeffs[(pf * basisSize) + k];
                if (c != 0)
                {
                    ks.Add(k);
                    cs.Add(c);
                }
            }
        }

        termStart[pairFunctions] = ks.Count;
        termK = [.. ks];
        termC = [.. cs];

        var basics = model.AlphaIndexBasic;
        basicCount = basics.Length;
        var maxRank = 0;
        foreach (var basic in basics)
        {
            maxRank = Math.Max(maxRank, basic[1] + basic[2] + basic[3]);
        }

        monomialCount = RankStart(maxRank + 1);
        basicMu = new int[basicCount];
        basicMonomial = new int[basicCount];
        for (var b = 0; b < basicCount; b++)
        {
            basicMu[b] = basics[b][0];
            basicMonomial[b] = FullIndex(basics[b][1], basics[b][2], basics[b][3]);
        }

        (byMonomialStart, byMonomialBasic) = Group(basicMonomial, monomialCount);
        byMonomialMu = [.. byMonomialBasic.Select(b => basicMu[b])];
        (byRadialStart, byRadialBasic) = Group(basicMu, functionCount);
        byRadialMonomial = [.. byRadialBasic.Select(b => basicMonomial[b])];

        parent = new int[monomialCount];
        axis = new int[monomialCount];
        for (var rank = 1; rank <= maxRank; rank++)
        {
            foreach (var monomial in Monomials.OfRank(rank))
            {
                var (x, y, z) = (monomial.X, monomial.Y, monomial.Z);
                var m = FullIndex(x, y, z);
                (parent[m], axis[m]) = x > 0 ? (FullIndex(x - 1, y, z), 0) : y > 0 ? (FullIndex(x, y - 1, z), 1) : (FullIndex(x, y, z - 1), 2);
            }
        }

        var axisOfHigher = axis[1..];
        (byAxisStart, byAxisMonomial) = Group(axisOfHigher, 3);
        for (var n = 0; n < byAxisMonomial.Length; n++)
        {
            byAxisMonomial[n]++;
        }

        var times = model.AlphaIndexTimes;
        products = new Product[times.Length];
        for (var t = 0; t < times.Length; t++)
        {
            products[t] = new Product(times[t][0], times[t][1], times[t][3], times[t][2]);
        }

        mapping = (int[])model.AlphaMomentMapping.Clone();
        speciesCoeffs = (double[])model.SpeciesCoeffs!.Clone();
        momentCoeffs = (double[])model.MomentCoeffs!.Clone();
        baseAdjoint = new double[momentCount];
        for (var alpha = 0; alpha < mapping.Length; alpha++)
        {
            baseAdjoint[mapping[alpha]] += momentCoeffs[alpha];
        }

        adjointMonomialOffset = 0;
        weightsOffset = adjointMonomialOffset + monomialCount;
        valuesOffset = weightsOffset + basicCount;
        slopesOffset = valuesOffset + basisSize;
        sharedLength = slopesOffset + basisSize;
        slopeInBlock = functionCount;
        monomialInBlock = 2 * functionCount;
        unitInBlock = monomialInBlock + monomialCount;
        inverseInBlock = unitInBlock + 3;
        blockStride = inverseInBlock + 1;
    }

    /// <summary>Doubles of work space one thread needs for atoms with up to <paramref name="capacity"/> neighbours.</summary>
    public int WorkLength(int capacity)
    {
        var padded = Blocks(capacity) * Width;
        // Moments and adjoints of a group of atoms (one per lane); the neighbour vectors and distances padded to whole
        // blocks; the shared lane area; each atom's blocks of neighbour data, kept from the forward to the backward pass.
        return Width * ((2 * momentCount) + padded + sharedLength + (Width * Blocks(capacity) * blockStride));
    }

    /// <summary>Adds the site energies of atoms [first, end) and their bond gradients to the accumulator.</summary>
    /// <remarks>
    /// Atoms go in groups of four: each one's neighbours fill its basic moments (lane of the group), then the product table
    /// runs forward and backward once for the four (the same products for every atom), then each atom's neighbours get their
    /// gradients.
    /// </remarks>
    public void Evaluate(int first, int end, NeighbourList neighbours, int[] types, int capacity, Span<double> work, AtomAccumulator accumulator)
    {
        var padded = Blocks(capacity) * Width;
        var atomBlocks = Blocks(capacity) * blockStride;
        var lanes = MemoryMarshal.Cast<double, Vector256<double>>(work);
        var moments = lanes[..momentCount];
        var adjoint = lanes.Slice(momentCount, momentCount);
        var gathered = MemoryMarshal.Cast<Vector256<double>, double>(lanes.Slice(2 * momentCount, padded));
        var shared = lanes.Slice((2 * momentCount) + padded, sharedLength);
        var kept = lanes.Slice((2 * momentCount) + padded + sharedLength, Width * atomBlocks);
        var momentLanes = MemoryMarshal.Cast<Vector256<double>, double>(moments);
        var adjointLanes = MemoryMarshal.Cast<Vector256<double>, double>(adjoint);
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        ref var moment0 = ref MemoryMarshal.GetReference(moments);
        ref var adjoint0 = ref MemoryMarshal.GetReference(adjoint);
        ref var product0 = ref MemoryMarshal.GetArrayDataReference(products);
        for (var group = first; group < end; group += Width)
        {
            var members = Math.Min(Width, end - group);
            moments.Clear();
            for (var lane = 0; lane < members; lane++)
            {
                var i = group + lane;
                var start = offsets[i];
                var count = offsets[i + 1] - start;
                Gather(vectors.Slice(start, count), distances.Slice(start, count), gathered, padded, Blocks(count) * Width);
                Forward(types[i], indices.Slice(start, count), types, gathered, padded, shared, kept.Slice(lane * atomBlocks, atomBlocks), momentLanes, lane);
            }

            for (var t = 0; t < products.Length; t++)
            {
                ref readonly var product = ref Unsafe.Add(ref product0, t);
                ref var target = ref Unsafe.Add(ref moment0, product.Target);
                target = Vector256.FusedMultiplyAdd(Vector256.Create(product.Multiplicity) * Unsafe.Add(ref moment0, product.First), Unsafe.Add(ref moment0, product.Second), target);
            }

            for (var lane = 0; lane < members; lane++)
            {
                var energy = speciesCoeffs[types[group + lane]];
                for (var alpha = 0; alpha < mapping.Length; alpha++)
                {
                    energy += momentCoeffs[alpha] * momentLanes[(mapping[alpha] * Width) + lane];
                }

                accumulator.AddEnergy(group + lane, energy);
            }

            for (var m = 0; m < momentCount; m++)
            {
                Unsafe.Add(ref adjoint0, m) = Vector256.Create(baseAdjoint[m]);
            }

            for (var t = products.Length - 1; t >= 0; t--)
            {
                ref readonly var product = ref Unsafe.Add(ref product0, t);
                var weight = Vector256.Create(product.Multiplicity) * Unsafe.Add(ref adjoint0, product.Target);
                ref var towardsFirst = ref Unsafe.Add(ref adjoint0, product.First);
                towardsFirst = Vector256.FusedMultiplyAdd(weight, Unsafe.Add(ref moment0, product.Second), towardsFirst);
                ref var towardsSecond = ref Unsafe.Add(ref adjoint0, product.Second);
                towardsSecond = Vector256.FusedMultiplyAdd(weight, Unsafe.Add(ref moment0, product.First), towardsSecond);
            }

            for (var lane = 0; lane < members; lane++)
            {
                var i = group + lane;
                var start = offsets[i];
                var count = offsets[i + 1] - start;
                Backward(i, indices.Slice(start, count), vectors.Slice(start, count), distances.Slice(start, count), adjointLanes, lane, shared, kept.Slice(lane * atomBlocks, atomBlocks), accumulator);
            }
        }
    }

    // ∂/∂û_axis of Σ_m W_m·monomial_m through the last factor of each monomial: Σ over the monomials whose last factor is
    // û_axis of W_m·parent(m).
    private Vector256<double> AxisAdjoint(int component, ref Vector256<double> adjointMonomials, ref Vector256<double> monomials)
    {
        ref var member0 = ref MemoryMarshal.GetArrayDataReference(byAxisMonomial);
        ref var parent0 = ref MemoryMarshal.GetArrayDataReference(parent);
        var sum = Vector256<double>.Zero;
        for (var n = byAxisStart[component]; n < byAxisStart[component + 1]; n++)
        {
            var m = Unsafe.Add(ref member0, n);
            sum = Vector256.FusedMultiplyAdd(Unsafe.Add(ref adjointMonomials, m), Unsafe.Add(ref monomials, Unsafe.Add(ref parent0, m)), sum);
        }

        return sum;
    }

    // The indices b with key[b] = g for each group g, as compressed rows (start offsets, members in increasing b).
    private static (int[] Start, int[] Members) Group(int[] key, int groups)
    {
        var start = new int[groups + 1];
        foreach (var g in key)
        {
            start[g + 1]++;
        }

        for (var g = 0; g < groups; g++)
        {
            start[g + 1] += start[g];
        }

        var members = new int[key.Length];
        var filled = (int[])start.Clone();
        for (var b = 0; b < key.Length; b++)
        {
            members[filled[key[b]]++] = b;
        }

        return (start, members);
    }

    private static int Blocks(int count) => (count + Width - 1) / Width;

    // Σ_{k<rank} (k+1)(k+2)/2: the index of the first monomial of a rank in the full table.
    private static int RankStart(int rank) => rank * (rank + 1) * (rank + 2) / 6;

    private static int FullIndex(int x, int y, int z) => RankStart(x + y + z) + Monomials.IndexOf(x, y, z);

    // Neighbour vectors and distances as x, y, z, r rows padded to whole blocks; a padding lane (or a pair at or beyond the
    // cutoff) sits at the cutoff with û = 0, where every radial function and slope vanishes.
    private void Gather(ReadOnlySpan<Vec3> vectors, ReadOnlySpan<double> distances, Span<double> gathered, int padded, int used)
    {
        var xs = gathered[..padded];
        var ys = gathered.Slice(padded, padded);
        var zs = gathered.Slice(2 * padded, padded);
        var rs = gathered.Slice(3 * padded, padded);
        for (var q = 0; q < used; q++)
        {
            if (q < distances.Length && distances[q] < maxDist)
            {
                var v = vectors[q];
                (xs[q], ys[q], zs[q], rs[q]) = (v.X, v.Y, v.Z, distances[q]);
            }
            else
            {
                (xs[q], ys[q], zs[q], rs[q]) = (0, 0, 0, maxDist);
            }
        }
    }

    // One atom's basic moments into lane `lane` of the group's moments; its neighbours' radial values, slopes, monomials,
    // û and 1/r into `kept` for the backward pass.
    private void Forward(
        int type,
        ReadOnlySpan<int> neighbourIndices,
        int[] types,
        ReadOnlySpan<double> gathered,
        int padded,
        Span<Vector256<double>> shared,
        Span<Vector256<double>> kept,
        Span<double> momentLanes,
        int lane)
    {
        ref var lane0 = ref MemoryMarshal.GetReference(shared);
        ref var kept0 = ref MemoryMarshal.GetReference(kept);
        ref var values = ref Unsafe.Add(ref lane0, valuesOffset);
        ref var slopes = ref Unsafe.Add(ref lane0, slopesOffset);
        ref var basicMu0 = ref MemoryMarshal.GetArrayDataReference(basicMu);
        ref var basicMonomial0 = ref MemoryMarshal.GetArrayDataReference(basicMonomial);
        ref var parent0 = ref MemoryMarshal.GetArrayDataReference(parent);
        ref var axis0 = ref MemoryMarshal.GetArrayDataReference(axis);
        ref var x0 = ref MemoryMarshal.GetReference(gathered);
        var range = Vector256.Create(maxDist - minDist);
        var middle = Vector256.Create(minDist + maxDist);
        var cutoff = Vector256.Create(maxDist);
        var scale = Vector256.Create(2 / (maxDist - minDist));
        var envelopeScale = Vector256.Create(scaling);
        var slopeScale = Vector256.Create(-2 * scaling);
        var two = Vector256.Create(2.0);
        var one = Vector256<double>.One;
        var count = neighbourIndices.Length;
        var blocks = Blocks(count);
        for (var block = 0; block < blocks; block++)
        {
            var q0 = block * Width;
            ref var data = ref Unsafe.Add(ref kept0, block * blockStride);
            var r = Vector256.LoadUnsafe(ref x0, (nuint)((3 * padded) + q0));
            var inverse = one / r;
            var xi = ((two * r) - middle) / range;
            var gap = cutoff - r;
            var envelope = envelopeScale * gap * gap;
            var envelopeSlope = slopeScale * gap;
            Vector256<double> previous = one, current = xi, previousSlope = Vector256<double>.Zero, currentSlope = one;
            values = envelope;
            slopes = envelopeSlope;
            if (basisSize > 1)
            {
                Unsafe.Add(ref values, 1) = xi * envelope;
                Unsafe.Add(ref slopes, 1) = (scale * envelope) + (xi * envelopeSlope);
            }

            for (var k = 2; k < basisSize; k++)
            {
                var next = (two * xi * current) - previous;
                var nextSlope = (two * current) + (two * xi * currentSlope) - previousSlope;
                (previous, current, previousSlope, currentSlope) = (current, next, currentSlope, nextSlope);
                Unsafe.Add(ref values, k) = current * envelope;
                Unsafe.Add(ref slopes, k) = (currentSlope * scale * envelope) + (current * envelopeSlope);
            }

            RadialFunctions(type, neighbourIndices, types, q0, count, ref values, ref slopes, ref data);

            ref var monomials = ref Unsafe.Add(ref data, monomialInBlock);
            ref var unit = ref Unsafe.Add(ref data, unitInBlock);
            unit = Vector256.LoadUnsafe(ref x0, (nuint)q0) * inverse;
            Unsafe.Add(ref unit, 1) = Vector256.LoadUnsafe(ref x0, (nuint)(padded + q0)) * inverse;
            Unsafe.Add(ref unit, 2) = Vector256.LoadUnsafe(ref x0, (nuint)((2 * padded) + q0)) * inverse;
            Unsafe.Add(ref data, inverseInBlock) = inverse;
            monomials = one;
            for (var m = 1; m < monomialCount; m++)
            {
                Unsafe.Add(ref monomials, m) = Unsafe.Add(ref monomials, Unsafe.Add(ref parent0, m)) * Unsafe.Add(ref unit, Unsafe.Add(ref axis0, m));
            }

        }

        // Per basic moment over the blocks, so that the running sum stays in a register.
        for (var b = 0; b < basicCount; b++)
        {
            ref var radial = ref Unsafe.Add(ref kept0, Unsafe.Add(ref basicMu0, b));
            ref var monomial = ref Unsafe.Add(ref kept0, monomialInBlock + Unsafe.Add(ref basicMonomial0, b));
            var sum = Vector256<double>.Zero;
            for (var block = 0; block < blocks; block++)
            {
                sum = Vector256.FusedMultiplyAdd(Unsafe.Add(ref radial, block * blockStride), Unsafe.Add(ref monomial, block * blockStride), sum);
            }

            momentLanes[(b * Width) + lane] = Vector256.Sum(sum);
        }
    }

    // f_μ and f′_μ of the block's four neighbours into data[0, F) and data[F, 2F).
    private void RadialFunctions(
        int type, ReadOnlySpan<int> neighbourIndices, int[] types, int q0, int count, ref Vector256<double> values, ref Vector256<double> slopes, ref Vector256<double> data)
    {
        var last = Math.Min(count, q0 + Width);
        var neighbourType = types[neighbourIndices[q0]];
        var uniform = true;
        for (var q = q0 + 1; q < last; q++)
        {
            uniform &= types[neighbourIndices[q]] == neighbourType;
        }

        if (uniform)
        {
            var pair = ((type * speciesCount) + neighbourType) * functionCount;
            for (var mu = 0; mu < functionCount; mu++)
            {
                Vector256<double> sum = Vector256<double>.Zero, slopeSum = Vector256<double>.Zero;
                for (var term = termStart[pair + mu]; term < termStart[pair + mu + 1]; term++)
                {
                    var c = Vector256.Create(termC[term]);
                    var k = termK[term];
                    sum = Vector256.FusedMultiplyAdd(c, Unsafe.Add(ref values, k), sum);
                    slopeSum = Vector256.FusedMultiplyAdd(c, Unsafe.Add(ref slopes, k), slopeSum);
                }

                Unsafe.Add(ref data, mu) = sum;
                Unsafe.Add(ref data, slopeInBlock + mu) = slopeSum;
            }

            return;
        }

        // Padding lanes take the first lane's species: their values and slopes are zero anyway.
        Span<int> pairs = stackalloc int[Width];
        for (var lane = 0; lane < Width; lane++)
        {
            var q = q0 + lane < count ? q0 + lane : q0;
            pairs[lane] = ((type * speciesCount) + types[neighbourIndices[q]]) * functionCount;
        }

        for (var mu = 0; mu < functionCount; mu++)
        {
            Vector256<double> sum = Vector256<double>.Zero, slopeSum = Vector256<double>.Zero;
            int c0 = (pairs[0] + mu) * basisSize, c1 = (pairs[1] + mu) * basisSize, c2 = (pairs[2] + mu) * basisSize, c3 = (pairs[3] + mu) * basisSize;
            for (var k = 0; k < basisSize; k++)
            {
                var c = Vector256.Create(radialCoeffs[c0 + k], radialCoeffs[c1 + k], radialCoeffs[c2 + k], radialCoeffs[c3 + k]);
                sum = Vector256.FusedMultiplyAdd(c, Unsafe.Add(ref values, k), sum);
                slopeSum = Vector256.FusedMultiplyAdd(c, Unsafe.Add(ref slopes, k), slopeSum);
            }

            Unsafe.Add(ref data, mu) = sum;
            Unsafe.Add(ref data, slopeInBlock + mu) = slopeSum;
        }
    }

    // ∂V/∂r_q for every neighbour from w = ∂V/∂(basic moments), added as bond gradients.
    private void Backward(
        int atom,
        ReadOnlySpan<int> neighbourIndices,
        ReadOnlySpan<Vec3> vectors,
        ReadOnlySpan<double> distances,
        ReadOnlySpan<double> adjointLanes,
        int lane,
        Span<Vector256<double>> shared,
        Span<Vector256<double>> kept,
        AtomAccumulator accumulator)
    {
        ref var lane0 = ref MemoryMarshal.GetReference(shared);
        ref var kept0 = ref MemoryMarshal.GetReference(kept);
        ref var adjointMonomials = ref Unsafe.Add(ref lane0, adjointMonomialOffset);
        ref var weights = ref Unsafe.Add(ref lane0, weightsOffset);
        ref var byMonomialStart0 = ref MemoryMarshal.GetArrayDataReference(byMonomialStart);
        ref var byMonomialBasic0 = ref MemoryMarshal.GetArrayDataReference(byMonomialBasic);
        ref var byMonomialMu0 = ref MemoryMarshal.GetArrayDataReference(byMonomialMu);
        ref var byRadialStart0 = ref MemoryMarshal.GetArrayDataReference(byRadialStart);
        ref var byRadialBasic0 = ref MemoryMarshal.GetArrayDataReference(byRadialBasic);
        ref var byRadialMonomial0 = ref MemoryMarshal.GetArrayDataReference(byRadialMonomial);
        ref var parent0 = ref MemoryMarshal.GetArrayDataReference(parent);
        ref var axis0 = ref MemoryMarshal.GetArrayDataReference(axis);
        for (var b = 0; b < basicCount; b++)
        {
            Unsafe.Add(ref weights, b) = Vector256.Create(adjointLanes[(b * Width) + lane]);
        }

        var count = distances.Length;
        var blocks = Blocks(count);
        for (var block = 0; block < blocks; block++)
        {
            ref var data = ref Unsafe.Add(ref kept0, block * blockStride);
            ref var monomials = ref Unsafe.Add(ref data, monomialInBlock);
            // Σ_b w_b·f_μ(b) per monomial and Σ_b w_b·monomial(b)·f′_μ(b) along r̂, each sum grouped so that it stays in a register.
            for (var m = 0; m < monomialCount; m++)
            {
                var sum = Vector256<double>.Zero;
                for (var term = Unsafe.Add(ref byMonomialStart0, m); term < Unsafe.Add(ref byMonomialStart0, m + 1); term++)
                {
                    sum = Vector256.FusedMultiplyAdd(Unsafe.Add(ref weights, Unsafe.Add(ref byMonomialBasic0, term)), Unsafe.Add(ref data, Unsafe.Add(ref byMonomialMu0, term)), sum);
                }

                Unsafe.Add(ref adjointMonomials, m) = sum;
            }

            var along = Vector256<double>.Zero;
            for (var mu = 0; mu < functionCount; mu++)
            {
                var sum = Vector256<double>.Zero;
                for (var term = Unsafe.Add(ref byRadialStart0, mu); term < Unsafe.Add(ref byRadialStart0, mu + 1); term++)
                {
                    sum = Vector256.FusedMultiplyAdd(Unsafe.Add(ref weights, Unsafe.Add(ref byRadialBasic0, term)), Unsafe.Add(ref monomials, Unsafe.Add(ref byRadialMonomial0, term)), sum);
                }

                along = Vector256.FusedMultiplyAdd(Unsafe.Add(ref data, slopeInBlock + mu), sum, along);
            }

            // Down the monomial tree: once a monomial's children are done its adjoint is final, so the adjoints of û's
            // components are summed afterwards, one axis at a time (a running sum in a register, not in memory).
            ref var unit = ref Unsafe.Add(ref data, unitInBlock);
            for (var m = monomialCount - 1; m > 0; m--)
            {
                ref var towardsParent = ref Unsafe.Add(ref adjointMonomials, Unsafe.Add(ref parent0, m));
                towardsParent = Vector256.FusedMultiplyAdd(Unsafe.Add(ref adjointMonomials, m), Unsafe.Add(ref unit, Unsafe.Add(ref axis0, m)), towardsParent);
            }

            var ax = AxisAdjoint(0, ref adjointMonomials, ref monomials);
            var ay = AxisAdjoint(1, ref adjointMonomials, ref monomials);
            var az = AxisAdjoint(2, ref adjointMonomials, ref monomials);
            Vector256<double> ux = unit, uy = Unsafe.Add(ref unit, 1), uz = Unsafe.Add(ref unit, 2);
            var inverse = Unsafe.Add(ref data, inverseInBlock);
            var radialPart = along - (((ax * ux) + (ay * uy) + (az * uz)) * inverse);
            var gx = (ax * inverse) + (radialPart * ux);
            var gy = (ay * inverse) + (radialPart * uy);
            var gz = (az * inverse) + (radialPart * uz);
            var q0 = block * Width;
            var last = Math.Min(count, q0 + Width);
            for (var q = q0; q < last; q++)
            {
                if (distances[q] < maxDist)
                {
                    var position = q - q0;
                    accumulator.AddBond(atom, neighbourIndices[q], vectors[q], new Vec3(gx.GetElement(position), gy.GetElement(position), gz.GetElement(position)));
                }
            }
        }
    }

    private readonly record struct Product(int First, int Second, int Target, double Multiplicity);
}
