using System.Buffers;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials.Snap;

/// <summary>
/// The spectral neighbour analysis potential (SNAP, Thompson et al., J. Comput. Phys. 285, 316 (2015)) in the meaning of LAMMPS'
/// <c>pair_style snap</c>: each atom's energy is a linear (optionally quadratic) function of the bispectrum components of its
/// neighbour density mapped onto the 3-sphere. Energies in eV, forces in eV/Å, virial in eV.
/// </summary>
/// <remarks>
/// The neighbour density of atom i is its own unit weight plus, for each neighbour k within rcutfac·(R_i + R_k), the weight
/// w_k times the cosine switching function. The density's expansion coefficients u^j in the Wigner-D matrices of SU(2) are
/// coupled by Clebsch–Gordan coefficients into the bispectrum B(j1, j2, j). Forces use the adjoint form: the derivative of the
/// atom's energy with respect to every u^j is computed once per atom, then contracted with each neighbour's dU/dr, so the cost
/// per neighbour does not grow with the number of components. Multi-element models use element radii and weights (LAMMPS
/// without chemflag). As an <see cref="ILinearPotential"/> its parameters are all elements' coefficients, element after
/// element in the model's order, each block as in the <c>.snapcoeff</c> file (constant, linear, then quadratic terms): the
/// energy is linear in them even for quadratic models.
/// </remarks>
public sealed class SnapPotential : NeighbourPotential, ILinearPotential
{
    private readonly int twoJMax;
    private readonly double rfac0;
    private readonly double rmin0;
    private readonly bool switched;
    private readonly bool subtractSelf;
    private readonly bool quadratic;
    private readonly double[] pairCutoff;
    private readonly double[] weight;
    private readonly double[][] coefficients;
    private readonly int elements;

    // Layout of the Wigner-matrix arrays: block J (0..twojmax) holds (J+1)² entries, row ma, column mb.
    private readonly int[] uOffset;
    private readonly int uSize;

    // The entries the recursion computes (columns mb ≤ J/2); the others are their mirror images. halfWeight counts an entry
    // with its mirror in a real contraction of two mirror-symmetric arrays (2, the middle column's centre 1, its lower half 0).
    private readonly int[] halfIndex;
    private readonly double[] halfWeight;

    // The bispectrum components (j1 ≥ j2, j ≥ j1, in LAMMPS' order) with their Clebsch–Gordan tables and z blocks.
    private readonly int[] tripleJ1;
    private readonly int[] tripleJ2;
    private readonly int[] tripleJ;
    private readonly int[] cgOffset;
    private readonly double[] cg;
    private readonly int[] zOffset;
    private readonly int zSize;
    private readonly double[] root;

    /// <summary>Creates the potential for a model read by <see cref="SnapFile"/>.</summary>
    /// <param name="model">The hyper-parameters and elements (in the potential's order).</param>
    /// <param name="name">The name for logs, e.g. <c>snap:Si_Zuo_JPCA2020.snapcoeff</c>.</param>
    public SnapPotential(SnapModel model, string name)
        : base(ElementsOf(model))
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Model = model;
        var p = model.Parameters;
        twoJMax = p.TwoJMax;
        rfac0 = p.RadialFactor;
        rmin0 = p.InnerRadius;
        switched = p.Switched;
        subtractSelf = p.SubtractSelf;
        quadratic = p.Quadratic;
        elements = model.Elements.Count;
        pairCutoff = new double[elements * elements];
        weight = new double[elements];
        coefficients = new double[elements][];
        for (var a = 0; a < elements; a++)
        {
            weight[a] = model.Elements[a].Weight;
            coefficients[a] = model.Elements[a].Coefficients;
            for (var b = 0; b < elements; b++)
            {
                pairCutoff[(a * elements) + b] = p.CutoffFactor * (model.Elements[a].Radius + model.Elements[b].Radius);
                Cutoff = Math.Max(Cutoff, pairCutoff[(a * elements) + b]);
            }

            if (pairCutoff[(a * elements) + a] <= rmin0)
            {
                throw new ArgumentException($"rmin0 {rmin0} Å is not below the cutoff of {Elements.Symbol(model.Elements[a].AtomicNumber)}.", nameof(model));
            }
        }

        uOffset = new int[twoJMax + 2];
        for (var j = 0; j <= twoJMax; j++)
        {
            uOffset[j + 1] = uOffset[j] + ((j + 1) * (j + 1));
        }

        uSize = uOffset[twoJMax + 1];
        var computed = new List<(int Index, double Weight)>();
        for (var j = 0; j <= twoJMax; j++)
        {
            for (var mb = 0; 2 * mb <= j; mb++)
            {
                for (var ma = 0; ma <= j; ma++)
                {
                    computed.Add((uOffset[j] + (ma * (j + 1)) + mb, 2 * MirrorWeight(j, ma, mb)));
                }
            }
        }

        halfIndex = [.. computed.Select(h => h.Index)];
        halfWeight = [.. computed.Select(h => h.Weight)];
        ComponentCount = SnapFile.ComponentCount(twoJMax);
        tripleJ1 = new int[ComponentCount];
        tripleJ2 = new int[ComponentCount];
        tripleJ = new int[ComponentCount];
        cgOffset = new int[ComponentCount + 1];
        zOffset = new int[ComponentCount + 1];
        var t = 0;
        for (var j1 = 0; j1 <= twoJMax; j1++)
        {
            for (var j2 = 0; j2 <= j1; j2++)
            {
                for (var j = j1 - j2; j <= Math.Min(twoJMax, j1 + j2); j += 2)
                {
                    if (j >= j1)
                    {
                        tripleJ1[t] = j1;
                        tripleJ2[t] = j2;
                        tripleJ[t] = j;
                        cgOffset[t + 1] = cgOffset[t] + ((j1 + 1) * (j2 + 1));
                        zOffset[t + 1] = zOffset[t] + ((j + 1) * (j + 1));
                        t++;
                    }
                }
            }
        }

        zSize = zOffset[ComponentCount];
        cg = new double[cgOffset[ComponentCount]];
        for (t = 0; t < ComponentCount; t++)
        {
            int j1 = tripleJ1[t], j2 = tripleJ2[t], j = tripleJ[t];
            var half = (j1 + j2 - j) / 2;
            for (var ma1 = 0; ma1 <= j1; ma1++)
            {
                for (var ma2 = 0; ma2 <= j2; ma2++)
                {
                    var ma = ma1 + ma2 - half;
                    if (ma >= 0 && ma <= j)
                    {
                        cg[cgOffset[t] + (ma1 * (j2 + 1)) + ma2] = ClebschGordan(j1, j2, j, ma1, ma2, ma);
                    }
                }
            }
        }

        root = new double[(twoJMax + 1) * (twoJMax + 1)];
        for (var a = 0; a <= twoJMax; a++)
        {
            for (var b = 1; b <= twoJMax; b++)
            {
                root[(a * (twoJMax + 1)) + b] = Math.Sqrt((double)a / b);
            }
        }
    }

    /// <summary>Loads <c>FILE.snapcoeff</c> and the <c>FILE.snapparam</c> beside it for the given elements.</summary>
    /// <param name="coefficientPath">The <c>.snapcoeff</c> file.</param>
    /// <param name="species">The elements, as LAMMPS' <c>pair_coeff * * COEFF PARAM Si</c>.</param>
    /// <exception cref="Formats.StructureFormatException">A file is malformed (<c>file:line: ...</c>).</exception>
    public static SnapPotential FromFile(string coefficientPath, IReadOnlyList<int> species) =>
        new(SnapFile.Read(coefficientPath, species), $"snap:{Path.GetFileName(coefficientPath)}");

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override double Cutoff { get; }

    /// <summary>The model this potential evaluates.</summary>
    public SnapModel Model { get; }

    /// <summary>Number of bispectrum components per atom (55 for twojmax 8).</summary>
    public int ComponentCount { get; }

    private static int[] ElementsOf(SnapModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Elements.Select(e => e.AtomicNumber)];
    }

    /// <summary>
    /// The bispectrum components of every atom (with the isolated atom's subtracted when bzeroflag is set), row-major
    /// [atom·<see cref="ComponentCount"/> + component], in LAMMPS' <c>compute sna/atom</c> order.
    /// </summary>
    /// <exception cref="PotentialException">As <see cref="IPotential.Compute"/>.</exception>
    public double[] Bispectrum(Structure structure)
    {
        var neighbours = CheckedNeighbours(structure);
        var types = SpeciesIndex.Map(structure.AtomicNumbers);
        var work = new Workspace(this);
        var result = new double[structure.Count * ComponentCount];
        for (var i = 0; i < structure.Count; i++)
        {
            DensityOf(i, types, neighbours, work);
            ComputeZAndB(work);
            work.B.AsSpan(0, ComponentCount).CopyTo(result.AsSpan(i * ComponentCount, ComponentCount));
        }

        return result;
    }

    /// <inheritdoc/>
    public int ParameterCount => elements * coefficients[0].Length;

    /// <inheritdoc/>
    public IReadOnlyList<double> Parameters => [.. coefficients.SelectMany(c => c)];

    /// <inheritdoc/>
    public ILinearPotential WithParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"{Name} has {ParameterCount} parameters, not {parameters.Length}.", nameof(parameters));
        }

        var block = coefficients[0].Length;
        var replaced = new SnapElement[elements];
        for (var e = 0; e < elements; e++)
        {
            replaced[e] = Model.Elements[e] with { Coefficients = parameters.Slice(e * block, block).ToArray() };
        }

        return new SnapPotential(Model with { Elements = replaced }, Name);
    }

    /// <inheritdoc/>
    public void ComputeRows(Structure structure, LinearRows rows, bool withForces = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var neighbours = CheckedNeighbours(structure);
        var types = SpeciesIndex.Map(structure.AtomicNumbers);
        var block = coefficients[0].Length;
        var m = ParameterCount;
        rows.Reset(structure.Count, m, withForces);
        var components = ComponentCount;
        var work = new Workspace(this);
        var adjointRe = new double[components * uSize];
        var adjointIm = new double[components * uSize];
        var gradients = new Vec3[components];
        var features = new Vec3[block];
        try
        {
            for (var i = 0; i < structure.Count; i++)
            {
                DensityOf(i, types, neighbours, work);
                ComputeZAndB(work);
                var first = types[i] * block;
                var b = work.B;
                var atomRow = rows.AtomEnergy(i);
                atomRow[first] += 1;
                for (var k = 0; k < components; k++)
                {
                    atomRow[first + 1 + k] += b[k];
                }

                if (quadratic)
                {
                    var c = first + components + 1;
                    for (var k = 0; k < components; k++)
                    {
                        for (var l = k; l < components; l++)
                        {
                            atomRow[c++] += k == l ? 0.5 * b[k] * b[k] : b[k] * b[l];
                        }
                    }
                }

                for (var p = 0; p < block; p++)
                {
                    rows.Energy[first + p] += atomRow[first + p];
                }

                if (!withForces)
                {
                    continue;
                }

                // The adjoint of each component alone, so that each neighbour's dU is contracted once per component.
                for (var t = 0; t < components; t++)
                {
                    Array.Clear(work.Slope, 0, components);
                    work.Slope[t] = 1;
                    ComputeAdjoint(work);
                    SymmetrizeAdjoint(work);
                    Array.Copy(work.AdjointRe, 0, adjointRe, t * uSize, uSize);
                    Array.Copy(work.AdjointIm, 0, adjointIm, t * uSize, uSize);
                }

                AddFeatureRows(i, types, neighbours, work, adjointRe, adjointIm, gradients, features, rows);
            }
        }
        finally
        {
            work.Return();
        }
    }

    private void AddFeatureRows(
        int i, int[] types, NeighbourList neighbours, Workspace work, double[] adjointRe, double[] adjointIm, Vec3[] gradients, Vec3[] features, LinearRows rows)
    {
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        var ti = types[i];
        var block = features.Length;
        var first = ti * block;
        var m = rows.ParameterCount;
        var forces = rows.Forces;
        var virial = rows.Virial;
        var b = work.B;
        var components = ComponentCount;
        for (var slot = offsets[i]; slot < offsets[i + 1]; slot++)
        {
            var k = indices[slot];
            var tk = types[k];
            var rcut = pairCutoff[(ti * elements) + tk];
            var r = distances[slot];
            if (r >= rcut)
            {
                continue;
            }

            var vector = vectors[slot];
            WignerMatrices(vector, r, rcut, work, withDerivatives: true);
            var switchValue = Switch(r, rcut, out var switchSlope);
            for (var t = 0; t < components; t++)
            {
                gradients[t] = BondGradient(work, adjointRe, adjointIm, t * uSize, vector, r, weight[tk] * switchValue, weight[tk] * switchSlope);
            }

            features[0] = Vec3.Zero;
            for (var t = 0; t < components; t++)
            {
                features[t + 1] = gradients[t];
            }

            if (quadratic)
            {
                var c = components + 1;
                for (var p = 0; p < components; p++)
                {
                    for (var q = p; q < components; q++)
                    {
                        features[c++] = p == q ? b[p] * gradients[p] : (b[q] * gradients[p]) + (b[p] * gradients[q]);
                    }
                }
            }

            // As AtomAccumulator.AddBond, per parameter: atom i gets +g, atom k gets −g, the virial −r ⊗ g.
            for (var p = 0; p < block; p++)
            {
                var g = features[p];
                var column = first + p;
                for (var axis = 0; axis < 3; axis++)
                {
                    forces[(((3 * i) + axis) * m) + column] += g[axis];
                    forces[(((3 * k) + axis) * m) + column] -= g[axis];
                }

                virial[column] -= vector.X * g.X;
                virial[m + column] -= vector.Y * g.Y;
                virial[(2 * m) + column] -= vector.Z * g.Z;
                virial[(3 * m) + column] -= vector.Y * g.Z;
                virial[(4 * m) + column] -= vector.X * g.Z;
                virial[(5 * m) + column] -= vector.X * g.Y;
            }
        }
    }

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        evaluation.Accumulate((first, end, accumulator) =>
        {
            var work = new Workspace(this);
            try
            {
                for (var i = first; i < end; i++)
                {
                    DensityOf(i, types, neighbours, work);
                    ComputeZAndB(work);
                    accumulator.AddEnergy(i, EnergyAndSlopes(types[i], work));
                    ComputeAdjoint(work);
                    SymmetrizeAdjoint(work);
                    AddForces(i, types, neighbours, work, accumulator);
                }
            }
            finally
            {
                work.Return();
            }
        });
    }

    /// <summary>Per-thread work arrays, rented from the shared pool so that repeated evaluations do not allocate them anew.</summary>
    private sealed class Workspace
    {
        public Workspace(SnapPotential p)
        {
            var pool = ArrayPool<double>.Shared;
            TotalRe = pool.Rent(p.uSize);
            TotalIm = pool.Rent(p.uSize);
            AdjointRe = pool.Rent(p.uSize);
            AdjointIm = pool.Rent(p.uSize);
            URe = pool.Rent(p.uSize);
            UIm = pool.Rent(p.uSize);
            DuRe = pool.Rent(3 * p.uSize);
            DuIm = pool.Rent(3 * p.uSize);
            ZRe = pool.Rent(p.zSize);
            ZIm = pool.Rent(p.zSize);
            B = pool.Rent(p.ComponentCount);
            Slope = pool.Rent(p.ComponentCount);
        }

        public double[] TotalRe { get; }

        public double[] TotalIm { get; }

        public double[] AdjointRe { get; }

        public double[] AdjointIm { get; }

        public double[] URe { get; }

        public double[] UIm { get; }

        public double[] DuRe { get; }

        public double[] DuIm { get; }

        public double[] ZRe { get; }

        public double[] ZIm { get; }

        public double[] B { get; }

        public double[] Slope { get; }

        public void Return()
        {
            var pool = ArrayPool<double>.Shared;
            foreach (var array in (double[][])[TotalRe, TotalIm, AdjointRe, AdjointIm, URe, UIm, DuRe, DuIm, ZRe, ZIm, B, Slope])
            {
                pool.Return(array);
            }
        }
    }

    // u_total = identity (the atom itself) + Σ_k f_c(r) w_k U(r_ik).
    private void DensityOf(int i, int[] types, NeighbourList neighbours, Workspace work)
    {
        var totalRe = work.TotalRe;
        var totalIm = work.TotalIm;
        Array.Clear(totalRe, 0, uSize);
        Array.Clear(totalIm, 0, uSize);
        for (var j = 0; j <= twoJMax; j++)
        {
            for (var ma = 0; ma <= j; ma++)
            {
                totalRe[uOffset[j] + (ma * (j + 1)) + ma] = 1.0;
            }
        }

        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        var ti = types[i];
        for (var slot = offsets[i]; slot < offsets[i + 1]; slot++)
        {
            var tk = types[indices[slot]];
            var rcut = pairCutoff[(ti * elements) + tk];
            var r = distances[slot];
            if (r >= rcut)
            {
                continue;
            }

            WignerMatrices(vectors[slot], r, rcut, work, withDerivatives: false);
            var scale = weight[tk] * Switch(r, rcut, out _);
            foreach (var n in halfIndex)
            {
                totalRe[n] += scale * work.URe[n];
                totalIm[n] += scale * work.UIm[n];
            }
        }

        // The right-hand columns by the symmetry U[J−ma][J−mb] = (−1)^(ma−mb) conj(U[ma][mb]), which the sum keeps.
        for (var j = 1; j <= twoJMax; j++)
        {
            for (var mb = (j / 2) + 1; mb <= j; mb++)
            {
                for (var ma = 0; ma <= j; ma++)
                {
                    var source = uOffset[j] + ((j - ma) * (j + 1)) + (j - mb);
                    var at = uOffset[j] + (ma * (j + 1)) + mb;
                    var sign = ((ma + mb) & 1) == 0 ? 1.0 : -1.0;
                    totalRe[at] = sign * totalRe[source];
                    totalIm[at] = -sign * totalIm[source];
                }
            }
        }
    }

    private double Switch(double r, double rcut, out double derivative)
    {
        derivative = 0;
        if (!switched || r <= rmin0)
        {
            return 1.0;
        }

        var scale = Math.PI / (rcut - rmin0);
        var angle = (r - rmin0) * scale;
        derivative = -0.5 * Math.Sin(angle) * scale;
        return 0.5 * (Math.Cos(angle) + 1.0);
    }

    // U^J(a, b) for the SU(2) element of the neighbour's point on the 3-sphere, and optionally dU/dr (Å⁻¹) along x, y, z.
    private void WignerMatrices(Vec3 vector, double r, double rcut, Workspace work, bool withDerivatives)
    {
        var thetaScale = rfac0 * Math.PI / (rcut - rmin0);
        var theta0 = (r - rmin0) * thetaScale;
        var sinTheta = Math.Sin(theta0);
        var z0 = r * Math.Cos(theta0) / sinTheta;
        var dz0dr = (z0 / r) - (r * thetaScale / (sinTheta * sinTheta));
        var r0inv = 1.0 / Math.Sqrt((r * r) + (z0 * z0));
        var aRe = z0 * r0inv;
        var aIm = -vector.Z * r0inv;
        var bRe = vector.Y * r0inv;
        var bIm = -vector.X * r0inv;
        var dr0invdr = -r0inv * r0inv * r0inv * (r + (z0 * dz0dr));

        Span<double> daRe = stackalloc double[3];
        Span<double> daIm = stackalloc double[3];
        Span<double> dbRe = stackalloc double[3];
        Span<double> dbIm = stackalloc double[3];
        if (withDerivatives)
        {
            Span<double> unit = [vector.X / r, vector.Y / r, vector.Z / r];
            for (var c = 0; c < 3; c++)
            {
                var dr0inv = dr0invdr * unit[c];
                daRe[c] = (dr0inv * z0) + (r0inv * dz0dr * unit[c]);
                daIm[c] = -(dr0inv * vector.Z) - (c == 2 ? r0inv : 0);
                dbRe[c] = (dr0inv * vector.Y) + (c == 1 ? r0inv : 0);
                dbIm[c] = -(dr0inv * vector.X) - (c == 0 ? r0inv : 0);
            }
        }

        var uRe = work.URe;
        var uIm = work.UIm;
        var duRe = work.DuRe;
        var duIm = work.DuIm;
        uRe[0] = 1.0;
        uIm[0] = 0.0;
        if (withDerivatives)
        {
            for (var c = 0; c < 3; c++)
            {
                duRe[c * uSize] = 0;
                duIm[c * uSize] = 0;
            }
        }

        var stride = twoJMax + 1;
        for (var j = 1; j <= twoJMax; j++)
        {
            var current = uOffset[j];
            var previous = uOffset[j - 1];
            for (var mb = 0; 2 * mb <= j; mb++)
            {
                var column = j - mb;
                for (var ma = 0; ma <= j; ma++)
                {
                    // U^J[ma][mb] = √((J−ma)/(J−mb)) ā U^{J−1}[ma][mb] − √(ma/(J−mb)) b̄ U^{J−1}[ma−1][mb]
                    var at = current + (ma * (j + 1)) + mb;
                    var fa = ma < j ? root[((j - ma) * stride) + column] : 0.0;
                    var fb = ma > 0 ? root[(ma * stride) + column] : 0.0;
                    var pa = ma < j ? previous + (ma * j) + mb : 0;
                    var pb = ma > 0 ? previous + ((ma - 1) * j) + mb : 0;
                    double uaRe = uRe[pa], uaIm = uIm[pa], ubRe = uRe[pb], ubIm = uIm[pb];
                    uRe[at] = (fa * ((aRe * uaRe) + (aIm * uaIm))) - (fb * ((bRe * ubRe) + (bIm * ubIm)));
                    uIm[at] = (fa * ((aRe * uaIm) - (aIm * uaRe))) - (fb * ((bRe * ubIm) - (bIm * ubRe)));
                    if (withDerivatives)
                    {
                        for (var c = 0; c < 3; c++)
                        {
                            var shift = c * uSize;
                            double duaRe = duRe[shift + pa], duaIm = duIm[shift + pa], dubRe = duRe[shift + pb], dubIm = duIm[shift + pb];
                            duRe[shift + at] = (fa * ((daRe[c] * uaRe) + (daIm[c] * uaIm) + (aRe * duaRe) + (aIm * duaIm)))
                                - (fb * ((dbRe[c] * ubRe) + (dbIm[c] * ubIm) + (bRe * dubRe) + (bIm * dubIm)));
                            duIm[shift + at] = (fa * ((daRe[c] * uaIm) - (daIm[c] * uaRe) + (aRe * duaIm) - (aIm * duaRe)))
                                - (fb * ((dbRe[c] * ubIm) - (dbIm[c] * ubRe) + (bRe * dubIm) - (bIm * dubRe)));
                        }
                    }
                }
            }

            // The next level's recursion reads one column beyond the computed half (when J is odd): fill it by the symmetry
            // U[J−ma][J−mb] = (−1)^(ma−mb) conj(U[ma][mb]). Other right-hand columns are never read.
            if ((j & 1) == 0 || j == twoJMax)
            {
                continue;
            }

            for (var mb = (j + 1) / 2; mb <= (j + 1) / 2; mb++)
            {
                for (var ma = 0; ma <= j; ma++)
                {
                    var source = current + ((j - ma) * (j + 1)) + (j - mb);
                    var at = current + (ma * (j + 1)) + mb;
                    var sign = ((ma + mb) & 1) == 0 ? 1.0 : -1.0;
                    uRe[at] = sign * uRe[source];
                    uIm[at] = -sign * uIm[source];
                    if (withDerivatives)
                    {
                        for (var c = 0; c < 3; c++)
                        {
                            duRe[(c * uSize) + at] = sign * duRe[(c * uSize) + source];
                            duIm[(c * uSize) + at] = -sign * duIm[(c * uSize) + source];
                        }
                    }
                }
            }
        }
    }

    // z_{j1 j2 j}[ma][mb] = Σ C C u^{j1} u^{j2}, and B = Re Σ conj(u^j) z (minus the isolated atom's value with bzeroflag).
    private void ComputeZAndB(Workspace work)
    {
        var uRe = work.TotalRe;
        var uIm = work.TotalIm;
        for (var t = 0; t < ComponentCount; t++)
        {
            int j1 = tripleJ1[t], j2 = tripleJ2[t], j = tripleJ[t];
            var half = (j1 + j2 - j) / 2;
            var sum = 0.0;
            for (var mb = 0; 2 * mb <= j; mb++)
            {
                var mb1Low = Math.Max(0, mb + half - j2);
                var mb1High = Math.Min(j1, mb + half);
                for (var ma = 0; ma <= j; ma++)
                {
                    var weight = MirrorWeight(j, ma, mb);
                    if (weight == 0)
                    {
                        continue;
                    }

                    var ma1Low = Math.Max(0, ma + half - j2);
                    var ma1High = Math.Min(j1, ma + half);
                    double zr = 0, zi = 0;
                    for (var ma1 = ma1Low; ma1 <= ma1High; ma1++)
                    {
                        var ma2 = ma + half - ma1;
                        var ca = cg[cgOffset[t] + (ma1 * (j2 + 1)) + ma2];
                        var row1 = uOffset[j1] + (ma1 * (j1 + 1));
                        var row2 = uOffset[j2] + (ma2 * (j2 + 1));
                        double sr = 0, si = 0;
                        for (var mb1 = mb1Low; mb1 <= mb1High; mb1++)
                        {
                            var mb2 = mb + half - mb1;
                            var cb = cg[cgOffset[t] + (mb1 * (j2 + 1)) + mb2];
                            var p = row1 + mb1;
                            var q = row2 + mb2;
                            sr += cb * ((uRe[p] * uRe[q]) - (uIm[p] * uIm[q]));
                            si += cb * ((uRe[p] * uIm[q]) + (uIm[p] * uRe[q]));
                        }

                        zr += ca * sr;
                        zi += ca * si;
                    }

                    var z = zOffset[t] + (ma * (j + 1)) + mb;
                    work.ZRe[z] = zr;
                    work.ZIm[z] = zi;
                    var u = uOffset[j] + (ma * (j + 1)) + mb;
                    sum += weight * ((uRe[u] * zr) + (uIm[u] * zi));
                }
            }

            // Each computed entry stands for itself and its mirror image (which contributes the same real part).
            sum *= 2;
            work.B[t] = subtractSelf ? sum - (j + 1) : sum;
        }
    }

    // The atom's energy, and in Slope its derivative with respect to each bispectrum component.
    private double EnergyAndSlopes(int type, Workspace work)
    {
        var beta = coefficients[type];
        var b = work.B;
        var slope = work.Slope;
        var energy = beta[0];
        for (var k = 0; k < ComponentCount; k++)
        {
            energy += beta[k + 1] * b[k];
            slope[k] = beta[k + 1];
        }

        if (quadratic)
        {
            var c = ComponentCount + 1;
            for (var k = 0; k < ComponentCount; k++)
            {
                energy += 0.5 * beta[c] * b[k] * b[k];
                slope[k] += beta[c] * b[k];
                c++;
                for (var l = k + 1; l < ComponentCount; l++)
                {
                    energy += beta[c] * b[k] * b[l];
                    slope[k] += beta[c] * b[l];
                    slope[l] += beta[c] * b[k];
                    c++;
                }
            }
        }

        return energy;
    }

    // Adjoint Y = ∂E/∂Re u + i ∂E/∂Im u of the atom's energy with respect to its total density coefficients.
    private void ComputeAdjoint(Workspace work)
    {
        var uRe = work.TotalRe;
        var uIm = work.TotalIm;
        var yRe = work.AdjointRe;
        var yIm = work.AdjointIm;
        Array.Clear(yRe, 0, uSize);
        Array.Clear(yIm, 0, uSize);
        for (var t = 0; t < ComponentCount; t++)
        {
            var beta = work.Slope[t];
            if (beta == 0)
            {
                continue;
            }

            int j1 = tripleJ1[t], j2 = tripleJ2[t], j = tripleJ[t];
            var half = (j1 + j2 - j) / 2;
            for (var mb = 0; 2 * mb <= j; mb++)
            {
                var mb1Low = Math.Max(0, mb + half - j2);
                var mb1High = Math.Min(j1, mb + half);
                for (var ma = 0; ma <= j; ma++)
                {
                    var weight = beta * MirrorWeight(j, ma, mb);
                    if (weight == 0)
                    {
                        continue;
                    }

                    var ma1Low = Math.Max(0, ma + half - j2);
                    var ma1High = Math.Min(j1, ma + half);
                    var z = zOffset[t] + (ma * (j + 1)) + mb;
                    var u = uOffset[j] + (ma * (j + 1)) + mb;
                    yRe[u] += weight * work.ZRe[z];
                    yIm[u] += weight * work.ZIm[z];

                    // Re(conj(u^j) C C u1 u2): its gradient in u1 is u^j conj(u2) C C, in u2 it is u^j conj(u1) C C.
                    var wRe = weight * uRe[u];
                    var wIm = weight * uIm[u];
                    for (var ma1 = ma1Low; ma1 <= ma1High; ma1++)
                    {
                        var ma2 = ma + half - ma1;
                        var ca = cg[cgOffset[t] + (ma1 * (j2 + 1)) + ma2];
                        var row1 = uOffset[j1] + (ma1 * (j1 + 1));
                        var row2 = uOffset[j2] + (ma2 * (j2 + 1));
                        for (var mb1 = mb1Low; mb1 <= mb1High; mb1++)
                        {
                            var mb2 = mb + half - mb1;
                            var f = ca * cg[cgOffset[t] + (mb1 * (j2 + 1)) + mb2];
                            var p = row1 + mb1;
                            var q = row2 + mb2;
                            yRe[p] += f * ((wRe * uRe[q]) + (wIm * uIm[q]));
                            yIm[p] += f * ((wIm * uRe[q]) - (wRe * uIm[q]));
                            yRe[q] += f * ((wRe * uRe[p]) + (wIm * uIm[p]));
                            yIm[q] += f * ((wIm * uRe[p]) - (wRe * uIm[p]));
                        }
                    }
                }
            }
        }
    }

    // Half of the (ma, mb) entries stand for all: the mirror (J−ma, J−mb) of an entry contributes the same to the energy, so
    // entries left of the middle column count twice (weight 1 here, doubled later), the middle column's upper half likewise,
    // its centre (its own mirror) once, and the rest not at all.
    private static double MirrorWeight(int j, int ma, int mb)
    {
        if (2 * mb < j)
        {
            return 1.0;
        }

        return 2 * ma < j ? 1.0 : 2 * ma == j ? 0.5 : 0.0;
    }

    // The adjoint of the half sum is H; that of the full sum is H plus its mirror image H'[a][b] = (−1)^(a−b) conj(H[J−a][J−b]).
    private void SymmetrizeAdjoint(Workspace work)
    {
        var yRe = work.AdjointRe;
        var yIm = work.AdjointIm;
        for (var j = 0; j <= twoJMax; j++)
        {
            var block = uOffset[j];
            var entries = (j + 1) * (j + 1);
            for (var p = 0; p < entries; p++)
            {
                var q = entries - 1 - p;
                if (q < p)
                {
                    break;
                }

                var a = p / (j + 1);
                var b = p % (j + 1);
                var sign = ((a + b) & 1) == 0 ? 1.0 : -1.0;
                double pRe = yRe[block + p], pIm = yIm[block + p], qRe = yRe[block + q], qIm = yIm[block + q];
                yRe[block + p] = pRe + (sign * qRe);
                yIm[block + p] = pIm - (sign * qIm);
                yRe[block + q] = qRe + (sign * pRe);
                yIm[block + q] = qIm - (sign * pIm);
            }
        }
    }

    // dE_i/dr_ik = Σ Re(conj(Y) d(w_k f_c U)/dr_ik) for each neighbour k.
    private void AddForces(int i, int[] types, NeighbourList neighbours, Workspace work, AtomAccumulator accumulator)
    {
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        var ti = types[i];
        var yRe = work.AdjointRe;
        var yIm = work.AdjointIm;
        for (var slot = offsets[i]; slot < offsets[i + 1]; slot++)
        {
            var k = indices[slot];
            var tk = types[k];
            var rcut = pairCutoff[(ti * elements) + tk];
            var r = distances[slot];
            if (r >= rcut)
            {
                continue;
            }

            var vector = vectors[slot];
            WignerMatrices(vector, r, rcut, work, withDerivatives: true);
            var switchValue = Switch(r, rcut, out var switchSlope);
            accumulator.AddBond(i, k, vector, BondGradient(work, yRe, yIm, 0, vector, r, weight[tk] * switchValue, weight[tk] * switchSlope));
        }
    }

    // Re Σ conj(Y) d(s U)/dr for the scale s = w f_c (ds/dr = radialScale) and the Wigner matrices last computed in work.
    private Vec3 BondGradient(Workspace work, double[] yRe, double[] yIm, int yOffset, Vec3 vector, double r, double scale, double radialScale)
    {
        double plain = 0, gx = 0, gy = 0, gz = 0;

        // Y and dU are both mirror-symmetric, so the computed half with weights gives the full contraction.
        for (var h = 0; h < halfIndex.Length; h++)
        {
            var n = halfIndex[h];
            var re = halfWeight[h] * yRe[yOffset + n];
            var im = halfWeight[h] * yIm[yOffset + n];
            plain += (re * work.URe[n]) + (im * work.UIm[n]);
            gx += (re * work.DuRe[n]) + (im * work.DuIm[n]);
            gy += (re * work.DuRe[uSize + n]) + (im * work.DuIm[uSize + n]);
            gz += (re * work.DuRe[(2 * uSize) + n]) + (im * work.DuIm[(2 * uSize) + n]);
        }

        var radial = radialScale * plain / r;
        return new Vec3(
            (scale * gx) + (radial * vector.X),
            (scale * gy) + (radial * vector.Y),
            (scale * gz) + (radial * vector.Z));
    }

    // Clebsch–Gordan coefficient <j1 m1 j2 m2 | j m> (Racah's formula) with doubled angular momenta and m = ma − J/2.
    private static double ClebschGordan(int j1, int j2, int j, int ma1, int ma2, int ma)
    {
        var sum = 0.0;
        for (var k = 0; k <= (j1 + j2 - j) / 2; k++)
        {
            int d1 = (j1 + j2 - j) / 2 - k, d2 = j1 - ma1 - k, d3 = ma2 - k, d4 = ((j - j1 - j2) / 2) + ma1 + k, d5 = ((j - j1 + j2) / 2) - ma2 + k;
            if (d1 < 0 || d2 < 0 || d3 < 0 || d4 < 0 || d5 < 0)
            {
                continue;
            }

            var term = 1.0 / (Factorial(k) * Factorial(d1) * Factorial(d2) * Factorial(d3) * Factorial(d4) * Factorial(d5));
            sum += (k & 1) == 0 ? term : -term;
        }

        var triangle = (j + 1) * Factorial((j1 + j2 - j) / 2) * Factorial((j1 - j2 + j) / 2) * Factorial((-j1 + j2 + j) / 2)
            / Factorial(((j1 + j2 + j) / 2) + 1);
        var projections = Factorial(ma1) * Factorial(j1 - ma1) * Factorial(ma2) * Factorial(j2 - ma2) * Factorial(ma) * Factorial(j - ma);
        return sum * Math.Sqrt(triangle * projections);
    }

    private static double Factorial(int n)
    {
        var result = 1.0;
        for (var k = 2; k <= n; k++)
        {
            result *= k;
        }

        return result;
    }
}
