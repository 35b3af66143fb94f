using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// A moment tensor potential (Shapeev 2016, as in MLIP-2): E = Σ_i V(n_i), V(n_i) = ξ_{type(i)} + Σ_α θ_α·B_α(n_i), with
/// the basis functions B_α built from the moments of atom i's neighbourhood within <see cref="Cutoff"/> as described in
/// <see cref="MtpModel"/>. The per-atom energy is the site energy V(n_i).
/// </summary>
/// <remarks>
/// <para>
/// Linear parameters (<see cref="Parameters"/>): [ξ_0 … ξ_{S−1}, θ_0 … θ_{m−1}]; the radial coefficients are fixed.
/// </para>
/// <para>
/// Short distances: below <c>min_dist</c> the radial functions use the same Chebyshev formula, evaluated outside its interval
/// [−1, 1] (as MLIP-2 does). The values grow polynomially (degree radial_basis_size − 1 in r) but stay finite, so a close pair
/// never gives NaN; pairs closer than <see cref="PotentialGuards.MinimumSeparation"/> are rejected as for every potential.
/// </para>
/// <para>
/// Forces and virial come from reverse-mode differentiation: ∂V_i/∂(moment) is propagated back through the product table,
/// then to each neighbour vector, and added with <see cref="AtomAccumulator.AddBond"/>; this pass runs four neighbours, and
/// the product table four atoms, per vector (<see cref="MtpLaneKernel"/>). The rows for fitting use the scalar pass. The potential is immutable and thread-safe; per-thread work arrays
/// live in the <see cref="Evaluation"/>.
/// </para>
/// </remarks>
public sealed class MomentTensorPotential : NeighbourPotential, ILinearPotential
{
    private const string WorkKey = "mtp.work";
    private const string CapacityKey = "mtp.neighbour-capacity";

    private readonly MtpModel model;
    private readonly int speciesCount;
    private readonly int basisSize;
    private readonly int functionCount;
    private readonly int momentCount;
    private readonly int maxPower;
    private readonly int powerStride;
    private readonly double minDist;
    private readonly double maxDist;
    private readonly double scaling;
    private readonly double[] radialCoeffs;

    // Basic moment b: radial function basicMu[b], powers of x̂, ŷ, ẑ and their sum.
    private readonly int[] basicMu;
    private readonly int[] basicX;
    private readonly int[] basicY;
    private readonly int[] basicZ;
    private readonly int[] basicDegree;

    // The distinct monomials x̂^a·ŷ^b·ẑ^c of the basic moments (several radial functions share each); basic b uses
    // monomial basicMonomial[b] (the scalar pass of the rows).
    private readonly int[] basicMonomial;
    private readonly int[] monomialX;
    private readonly int[] monomialY;
    private readonly int[] monomialZ;

    // Product t: moment timesTarget[t] += timesMultiplicity[t]·moment timesFirst[t]·moment timesSecond[t].
    private readonly int[] timesFirst;
    private readonly int[] timesSecond;
    private readonly int[] timesTarget;
    private readonly double[] timesMultiplicity;

    private readonly int[] mapping;
    private readonly double[] speciesCoeffs;
    private readonly double[] momentCoeffs;
    private readonly double[] parameters;
    private readonly MtpLaneKernel kernel;

    /// <summary>Creates the potential from a trained model.</summary>
    /// <param name="model">The model (copied; later changes to it do not affect the potential).</param>
    /// <param name="species">The atomic number of each type 0 … species_count − 1, e.g. [14] or [14, 8].</param>
    /// <param name="name">Name for logs; default <c>mtp(Si, O)</c>-style.</param>
    /// <exception cref="ArgumentException">
    /// The model is inconsistent (<see cref="MtpModel.Problem"/>) or untrained, the number of elements is not species_count, or
    /// a product reads a moment before every product that adds to it has run (the table's order must complete each moment
    /// before it is used).
    /// </exception>
    public MomentTensorPotential(MtpModel model, IReadOnlyList<int> species, string? name = null)
        : base(species)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problem = model.Problem();
        if (problem is not null)
        {
            throw new ArgumentException($"The MTP model is inconsistent: {problem}.", nameof(model));
        }

        if (!model.IsTrained)
        {
            throw new ArgumentException("The MTP model is untrained: it needs radial_coeffs, species_coeffs and moment_coeffs.", nameof(model));
        }

        if (species.Count != model.SpeciesCount)
        {
            throw new ArgumentException($"The MTP model has {model.SpeciesCount} species but {species.Count} elements were given.", nameof(species));
        }

        this.model = model.Clone();
        speciesCount = model.SpeciesCount;
        basisSize = model.RadialBasisSize;
        functionCount = model.RadialFuncsCount;
        momentCount = model.AlphaMomentsCount;
        minDist = model.MinDist;
        maxDist = model.MaxDist;
        scaling = model.Scaling;
        radialCoeffs = (double[])model.RadialCoeffs!.Clone();

        var basics = model.AlphaIndexBasic;
        basicMu = new int[basics.Length];
        basicX = new int[basics.Length];
        basicY = new int[basics.Length];
        basicZ = new int[basics.Length];
        basicDegree = new int[basics.Length];
        for (var b = 0; b < basics.Length; b++)
        {
            (basicMu[b], basicX[b], basicY[b], basicZ[b]) = (basics[b][0], basics[b][1], basics[b][2], basics[b][3]);
            basicDegree[b] = basicX[b] + basicY[b] + basicZ[b];
            maxPower = Math.Max(maxPower, Math.Max(basicX[b], Math.Max(basicY[b], basicZ[b])));
        }

        var monomialOf = new Dictionary<(int, int, int), int>();
        basicMonomial = new int[basics.Length];
        for (var b = 0; b < basics.Length; b++)
        {
            var key = (basicX[b], basicY[b], basicZ[b]);
            if (!monomialOf.TryGetValue(key, out var index))
            {
                index = monomialOf.Count;
                monomialOf[key] = index;
            }

            basicMonomial[b] = index;
        }

        monomialX = new int[monomialOf.Count];
        monomialY = new int[monomialOf.Count];
        monomialZ = new int[monomialOf.Count];
        foreach (var ((x, y, z), index) in monomialOf)
        {
            (monomialX[index], monomialY[index], monomialZ[index]) = (x, y, z);
        }

        // Powers are stored from index 1 with a zero at index 0, so that a·u^(a−1) needs no branch when a = 0.
        powerStride = maxPower + 2;

        var times = model.AlphaIndexTimes;
        timesFirst = new int[times.Length];
        timesSecond = new int[times.Length];
        timesTarget = new int[times.Length];
        timesMultiplicity = new double[times.Length];
        var lastWrite = new int[momentCount];
        Array.Fill(lastWrite, -1);
        for (var t = 0; t < times.Length; t++)
        {
            (timesFirst[t], timesSecond[t], timesMultiplicity[t], timesTarget[t]) = (times[t][0], times[t][1], times[t][2], times[t][3]);
            lastWrite[timesTarget[t]] = t;
        }

        for (var t = 0; t < times.Length; t++)
        {
            int first = timesFirst[t], second = timesSecond[t], target = timesTarget[t];
            if (first == target || second == target || lastWrite[first] >= t || lastWrite[second] >= t)
            {
                throw new ArgumentException(
                    $"alpha_index_times entry {t} {{{first}, {second}, {times[t][2]}, {target}}} uses a moment that is not complete yet.",
                    nameof(model));
            }
        }

        mapping = (int[])model.AlphaMomentMapping.Clone();
        speciesCoeffs = (double[])model.SpeciesCoeffs!.Clone();
        momentCoeffs = (double[])model.MomentCoeffs!.Clone();
        parameters = [.. speciesCoeffs, .. momentCoeffs];
        kernel = new MtpLaneKernel(this.model);
        Name = name ?? $"mtp({SpeciesIndex.Describe()})";
    }

    /// <summary>Reads a trained <c>.mtp</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="species">The atomic number of each type in the file's order.</param>
    /// <exception cref="Formats.StructureFormatException">The file is malformed.</exception>
    /// <exception cref="ArgumentException">As for the constructor (e.g. an untrained file).</exception>
    public static MomentTensorPotential FromFile(string path, IReadOnlyList<int> species) =>
        new(MtpFile.Read(path), species, $"mtp:{Path.GetFileName(path)}");

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The cutoff, max_dist, in Å.</summary>
    public override double Cutoff => maxDist;

    /// <summary>Number of linear parameters: species_count + alpha_scalar_moments.</summary>
    public int ParameterCount => parameters.Length;

    /// <summary>[ξ_0 … ξ_{S−1}, θ_0 … θ_{m−1}] in eV.</summary>
    public IReadOnlyList<double> Parameters => parameters;

    /// <summary>A copy of the model with this potential's coefficients (e.g. to write it with <see cref="MtpFile.Write(MtpModel, string)"/>).</summary>
    public MtpModel ToModel() => model.Clone();

    /// <inheritdoc/>
    public ILinearPotential WithParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        }

        var copy = model.Clone();
        copy.SpeciesCoeffs = parameters[..speciesCount].ToArray();
        copy.MomentCoeffs = parameters[speciesCount..].ToArray();
        return new MomentTensorPotential(copy, Species, Name);
    }

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        var capacity = NeighbourCapacity(neighbours, evaluation);
        var perThread = kernel.WorkLength(capacity);
        var work = evaluation.Scratch(WorkKey, evaluation.Threads * perThread);
        var claimed = 0;
        evaluation.Accumulate((first, end, accumulator) =>
        {
            var slot = Interlocked.Increment(ref claimed) - 1;
            kernel.Evaluate(first, end, neighbours, types, capacity, work.AsSpan(slot * perThread, perThread), accumulator);
        });
    }

    /// <summary>
    /// Fills <paramref name="rows"/>: energy and per-atom rows (ξ slots count the atom's type, θ slots hold B_α), and with
    /// forces the force rows ∂F/∂θ and virial rows ∂W/∂θ (zero in the ξ slots). Runs on one thread.
    /// </summary>
    /// <exception cref="PotentialException">As <see cref="NeighbourPotential.Compute"/>.</exception>
    public void ComputeRows(Structure structure, LinearRows rows, bool withForces = true)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(rows);
        var neighbours = CheckedNeighbours(structure, rows.Neighbours);
        rows.Neighbours = neighbours;
        var types = SpeciesIndex.Map(structure.AtomicNumbers, rows.Types);
        rows.Types = types;
        var atoms = structure.Count;
        var m = ParameterCount;
        rows.Reset(atoms, m, withForces);

        // All work arrays are slices of one buffer kept in the rows, so repeated calls (grading MD frames) do not allocate.
        var capacity = MaxNeighbours(neighbours);
        var radialLength = capacity * functionCount;
        var powersLength = 3 * capacity * powerStride;
        // Jacobian of every moment with respect to the 3·(neighbour count) components of the neighbour vectors.
        var jacobianLength = withForces ? momentCount * 3 * capacity : 0;
        var work = rows.Work(momentCount + (2 * radialLength) + powersLength + (2 * basisSize) + monomialX.Length + jacobianLength);
        var moments = work[..momentCount];
        var radial = work.Slice(momentCount, radialLength);
        var radialSlope = work.Slice(momentCount + radialLength, radialLength);
        var powers = work.Slice(momentCount + (2 * radialLength), powersLength);
        var chebyshev = work.Slice(momentCount + (2 * radialLength) + powersLength, 2 * basisSize);
        var monomials = work.Slice(momentCount + (2 * radialLength) + powersLength + (2 * basisSize), monomialX.Length);
        var jacobian = work.Slice(work.Length - jacobianLength, jacobianLength);
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        Span<double> virial = stackalloc double[6];
        for (var i = 0; i < atoms; i++)
        {
            var start = offsets[i];
            var count = offsets[i + 1] - start;
            SiteMoments(
                types[i], indices.Slice(start, count), vectors.Slice(start, count), distances.Slice(start, count), types,
                moments, radial, radialSlope, powers, chebyshev, monomials);
            var atomRow = rows.AtomEnergy(i);
            atomRow[types[i]] = 1;
            rows.Energy[types[i]] += 1;
            for (var alpha = 0; alpha < mapping.Length; alpha++)
            {
                atomRow[speciesCount + alpha] = moments[mapping[alpha]];
                rows.Energy[speciesCount + alpha] += moments[mapping[alpha]];
            }

            if (!withForces || count == 0)
            {
                continue;
            }

            var width = 3 * count;
            MomentJacobian(count, distances.Slice(start, count), vectors.Slice(start, count), moments, radial, radialSlope, powers, jacobian, width);
            for (var q = 0; q < count; q++)
            {
                if (distances[start + q] >= maxDist)
                {
                    continue;
                }

                var j = indices[start + q];
                var v = vectors[start + q];
                for (var axis = 0; axis < 3; axis++)
                {
                    var onCentre = rows.Force(i, axis);
                    var onNeighbour = rows.Force(j, axis);
                    for (var alpha = 0; alpha < mapping.Length; alpha++)
                    {
                        // ∂B/∂r_ij: the centre feels +g, the neighbour −g (as AtomAccumulator.AddBond).
                        var g = jacobian[(mapping[alpha] * width) + (3 * q) + axis];
                        onCentre[speciesCount + alpha] += g;
                        onNeighbour[speciesCount + alpha] -= g;
                    }
                }

                for (var alpha = 0; alpha < mapping.Length; alpha++)
                {
                    var row = mapping[alpha] * width;
                    double gx = jacobian[row + (3 * q)], gy = jacobian[row + (3 * q) + 1], gz = jacobian[row + (3 * q) + 2];
                    virial[0] = -v.X * gx;
                    virial[1] = -v.Y * gy;
                    virial[2] = -v.Z * gz;
                    virial[3] = -0.5 * ((v.Y * gz) + (v.Z * gy));
                    virial[4] = -0.5 * ((v.X * gz) + (v.Z * gx));
                    virial[5] = -0.5 * ((v.X * gy) + (v.Y * gx));
                    for (var voigt = 0; voigt < 6; voigt++)
                    {
                        rows.VirialRow(voigt)[speciesCount + alpha] += virial[voigt];
                    }
                }
            }
        }
    }

    private static int MaxNeighbours(NeighbourList neighbours)
    {
        var largest = 0;
        var offsets = neighbours.Offsets;
        for (var i = 0; i < neighbours.AtomCount; i++)
        {
            largest = Math.Max(largest, offsets[i + 1] - offsets[i]);
        }

        return largest;
    }

    // The per-thread arrays are sized for the largest neighbourhood seen by this evaluation so far, so that MD steps whose
    // largest neighbourhood fluctuates do not reallocate.
    private static int NeighbourCapacity(NeighbourList neighbours, Evaluation evaluation)
    {
        var remembered = evaluation.Scratch(CapacityKey, 1);
        var needed = MaxNeighbours(neighbours);
        if (needed > remembered[0])
        {
            remembered[0] = needed + 8;
        }

        return (int)remembered[0];
    }

    /// <summary>
    /// Computes all moments of one site into <paramref name="moments"/> (basic sums, then the products in table order), and
    /// leaves per neighbour the radial values and slopes and the powers of the unit vector for the derivatives.
    /// </summary>
    /// <returns>The site energy ξ + θ·B in eV.</returns>
    private double SiteMoments(
        int type,
        ReadOnlySpan<int> neighbourIndices,
        ReadOnlySpan<Vec3> vectors,
        ReadOnlySpan<double> distances,
        int[] types,
        Span<double> moments,
        Span<double> radial,
        Span<double> radialSlope,
        Span<double> powers,
        Span<double> chebyshev,
        Span<double> monomials)
    {
        moments.Clear();
        var values = chebyshev[..basisSize];
        var slopes = chebyshev[basisSize..];
        var scale = 2 / (maxDist - minDist);
        for (var q = 0; q < distances.Length; q++)
        {
            var r = distances[q];
            var f = radial.Slice(q * functionCount, functionCount);
            var df = radialSlope.Slice(q * functionCount, functionCount);
            if (r >= maxDist)
            {
                f.Clear();
                df.Clear();
                continue;
            }

            // Chebyshev polynomials of ξ ∈ [−1, 1] (extrapolated below min_dist) times the envelope s·(R − r)².
            var xi = ((2 * r) - (minDist + maxDist)) / (maxDist - minDist);
            var gap = maxDist - r;
            var envelope = scaling * gap * gap;
            var envelopeSlope = -2 * scaling * gap;
            double previous = 1, current = xi, previousSlope = 0, currentSlope = 1;
            values[0] = envelope;
            slopes[0] = envelopeSlope;
            values[1] = xi * envelope;
            slopes[1] = (scale * envelope) + (xi * envelopeSlope);
            for (var k = 2; k < basisSize; k++)
            {
                var next = (2 * xi * current) - previous;
                var nextSlope = (2 * current) + (2 * xi * currentSlope) - previousSlope;
                (previous, current, previousSlope, currentSlope) = (current, next, currentSlope, nextSlope);
                values[k] = current * envelope;
                slopes[k] = (currentSlope * scale * envelope) + (current * envelopeSlope);
            }

            var pair = ((type * speciesCount) + types[neighbourIndices[q]]) * functionCount;
            for (var mu = 0; mu < functionCount; mu++)
            {
                var coefficients = radialCoeffs.AsSpan((pair + mu) * basisSize, basisSize);
                double sum = 0, slopeSum = 0;
                for (var k = 0; k < basisSize; k++)
                {
                    sum += coefficients[k] * values[k];
                    slopeSum += coefficients[k] * slopes[k];
                }

                f[mu] = sum;
                df[mu] = slopeSum;
            }

            var inverse = 1 / r;
            var u = vectors[q] * inverse;
            var px = powers.Slice(3 * q * powerStride, powerStride);
            var py = powers.Slice(((3 * q) + 1) * powerStride, powerStride);
            var pz = powers.Slice(((3 * q) + 2) * powerStride, powerStride);
            px[0] = py[0] = pz[0] = 0;
            px[1] = py[1] = pz[1] = 1;
            for (var p = 2; p < powerStride; p++)
            {
                px[p] = px[p - 1] * u.X;
                py[p] = py[p - 1] * u.Y;
                pz[p] = pz[p - 1] * u.Z;
            }

            for (var m = 0; m < monomials.Length; m++)
            {
                monomials[m] = px[monomialX[m] + 1] * py[monomialY[m] + 1] * pz[monomialZ[m] + 1];
            }

            for (var b = 0; b < basicMu.Length; b++)
            {
                moments[b] += f[basicMu[b]] * monomials[basicMonomial[b]];
            }
        }

        for (var t = 0; t < timesTarget.Length; t++)
        {
            moments[timesTarget[t]] += timesMultiplicity[t] * moments[timesFirst[t]] * moments[timesSecond[t]];
        }

        var energy = speciesCoeffs[type];
        for (var alpha = 0; alpha < mapping.Length; alpha++)
        {
            energy += momentCoeffs[alpha] * moments[mapping[alpha]];
        }

        return energy;
    }

    // Forward-mode derivatives of all moments with respect to each neighbour vector component: row = moment, column = 3q + axis.
    private void MomentJacobian(
        int count,
        ReadOnlySpan<double> distances,
        ReadOnlySpan<Vec3> vectors,
        ReadOnlySpan<double> moments,
        ReadOnlySpan<double> radial,
        ReadOnlySpan<double> radialSlope,
        ReadOnlySpan<double> powers,
        Span<double> jacobian,
        int width)
    {
        jacobian[..(momentCount * width)].Clear();
        for (var q = 0; q < count; q++)
        {
            var r = distances[q];
            if (r >= maxDist)
            {
                continue;
            }

            var f = radial.Slice(q * functionCount, functionCount);
            var df = radialSlope.Slice(q * functionCount, functionCount);
            var px = powers.Slice(3 * q * powerStride, powerStride);
            var py = powers.Slice(((3 * q) + 1) * powerStride, powerStride);
            var pz = powers.Slice(((3 * q) + 2) * powerStride, powerStride);
            var inverse = 1 / r;
            var u = vectors[q] * inverse;
            for (var b = 0; b < basicMu.Length; b++)
            {
                int a = basicX[b] + 1, c = basicY[b] + 1, d = basicZ[b] + 1;
                var monomial = px[a] * py[c] * pz[d];
                var along = monomial * (df[basicMu[b]] - (basicDegree[b] * f[basicMu[b]] * inverse));
                var scaled = f[basicMu[b]] * inverse;
                var column = (b * width) + (3 * q);
                jacobian[column] = (along * u.X) + (scaled * basicX[b] * px[a - 1] * py[c] * pz[d]);
                jacobian[column + 1] = (along * u.Y) + (scaled * basicY[b] * px[a] * py[c - 1] * pz[d]);
                jacobian[column + 2] = (along * u.Z) + (scaled * basicZ[b] * px[a] * py[c] * pz[d - 1]);
            }
        }

        for (var t = 0; t < timesTarget.Length; t++)
        {
            var target = jacobian.Slice(timesTarget[t] * width, width);
            var first = jacobian.Slice(timesFirst[t] * width, width);
            var second = jacobian.Slice(timesSecond[t] * width, width);
            var firstWeight = timesMultiplicity[t] * moments[timesSecond[t]];
            var secondWeight = timesMultiplicity[t] * moments[timesFirst[t]];
            for (var column = 0; column < width; column++)
            {
                target[column] += (firstWeight * first[column]) + (secondWeight * second[column]);
            }
        }

    }
}
