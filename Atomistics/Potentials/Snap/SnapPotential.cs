using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
/// per neighbour does not grow with the number of components. That derivative is assembled in one pass over the coupling
/// blocks z_{j1 j2 j} of every j1 ≥ j2 triple (by the symmetry of the Clebsch–Gordan coefficients each is the derivative of
/// one component with respect to one of its three u's), and a linear model's energy then follows from it by Euler's theorem
/// (B is cubic in u) without computing B. The neighbours' Wigner matrices are computed four at a time (one per vector lane),
/// kept from the density pass, and differentiated by running their recursion backwards once per neighbour; the couplings of
/// a linear model take four atoms at a time likewise. Multi-element models use element radii and weights (LAMMPS
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

    // The j of each bispectrum component (j1 ≥ j2, j ≥ j1, in LAMMPS' order) and the coupling block that is its z.
    private readonly int[] componentJ;
    private readonly int[] componentBlock;

    // Coupling blocks z_{j1 j2 j} = Σ C C u^{j1} u^{j2} for every j1 ≥ j2 and every j the triangle allows. Each block is the
    // derivative of exactly one component with respect to u^j (up to blockFactor): with j ≥ j1 the component itself, else
    // the component of the sorted triple, by the symmetry of the Clebsch–Gordan coefficients. So the adjoint Y^j is the sum
    // over blocks ending in j of (the component's slope × factor) × z, computed without storing z.
    private readonly int[] blockComponent;
    private readonly double[] blockFactor;
    private readonly int[] blockEntryOffset;
    private readonly CouplingEntry[] entries;
    private readonly double[] entryWeight;
    private readonly double[] cg;

    // Per element: the slopes of a linear model per block (β of the block's component × factor), and the energy of the
    // constant term and the subtracted isolated-atom bispectrum.
    private readonly double[][] linearBlockSlopes;
    private readonly double[] constantEnergy;

    // root[a·(twojmax+1) + b] = √(a/b), the factors of the Wigner-matrix recursion.
    private readonly double[] root;

    // The recursion as flat lists: level j's computed entries (stepLevel[j] ≤ s < stepLevel[j + 1]) from level j − 1, then
    // (odd j below twojmax) the mirrored column that level j + 1 reads (mirrorLevel likewise).
    private readonly WignerStep[] steps;
    private readonly int[] stepLevel;
    private readonly MirrorStep[] mirrors;
    private readonly int[] mirrorLevel;

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
        componentJ = new int[ComponentCount];
        componentBlock = new int[ComponentCount];
        var componentOf = new Dictionary<(int, int, int), int>();
        for (var j1 = 0; j1 <= twoJMax; j1++)
        {
            for (var j2 = 0; j2 <= j1; j2++)
            {
                for (var j = j1 - j2; j <= Math.Min(twoJMax, j1 + j2); j += 2)
                {
                    if (j >= j1)
                    {
                        componentJ[componentOf.Count] = j;
                        componentOf[(j1, j2, j)] = componentOf.Count;
                    }
                }
            }
        }

        var blockList = new List<(int Component, double Factor)>();
        var entryList = new List<CouplingEntry>();
        var weightList = new List<double>();
        var cgList = new List<double>();
        var entryOffsets = new List<int> { 0 };
        for (var j1 = 0; j1 <= twoJMax; j1++)
        {
            for (var j2 = 0; j2 <= j1; j2++)
            {
                for (var j = j1 - j2; j <= Math.Min(twoJMax, j1 + j2); j += 2)
                {
                    // Which component's derivative this block is: with respect to its u^j (j ≥ j1), its u^{j1} (j1 > j ≥ j2) or
                    // its u^{j2} (j < j2); equal j's make the same block serve two or three positions.
                    int component;
                    double factor;
                    if (j >= j1)
                    {
                        component = componentOf[(j1, j2, j)];
                        componentBlock[component] = blockList.Count;
                        factor = j1 == j ? (j2 == j ? 3 : 2) : 1;
                    }
                    else if (j >= j2)
                    {
                        component = componentOf[(j, j2, j1)];
                        factor = (j1 + 1.0) / (j + 1.0) * (j == j2 ? 2 : 1);
                    }
                    else
                    {
                        component = componentOf[(j2, j, j1)];
                        factor = (j1 + 1.0) / (j + 1.0);
                    }

                    blockList.Add((component, factor));
                    AddCouplingEntries(j1, j2, j, entryList, weightList, cgList);
                    entryOffsets.Add(entryList.Count);
                }
            }
        }

        blockComponent = [.. blockList.Select(b => b.Component)];
        blockFactor = [.. blockList.Select(b => b.Factor)];
        blockEntryOffset = [.. entryOffsets];
        entries = [.. entryList];
        entryWeight = [.. weightList];
        cg = [.. cgList];
        linearBlockSlopes = new double[elements][];
        constantEnergy = new double[elements];
        for (var a = 0; a < elements; a++)
        {
            linearBlockSlopes[a] = new double[blockComponent.Length];
            for (var block = 0; block < blockComponent.Length; block++)
            {
                linearBlockSlopes[a][block] = coefficients[a][1 + blockComponent[block]] * blockFactor[block];
            }

            constantEnergy[a] = coefficients[a][0];
            for (var k = 0; subtractSelf && k < ComponentCount; k++)
            {
                constantEnergy[a] -= coefficients[a][1 + k] * (componentJ[k] + 1);
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

        (steps, stepLevel, mirrors, mirrorLevel) = RecursionLists();
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
            ComputeCouplings(work);
            BispectrumFromCouplings(work);
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
                ComputeCouplings(work);
                BispectrumFromCouplings(work);
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
                Array.Clear(adjointRe);
                Array.Clear(adjointIm);
                for (var z = 0; z < blockComponent.Length; z++)
                {
                    var yOffset = blockComponent[z] * uSize;
                    for (var e = blockEntryOffset[z]; e < blockEntryOffset[z + 1]; e++)
                    {
                        adjointRe[yOffset + entries[e].Target] += blockFactor[z] * work.ZRe[e];
                        adjointIm[yOffset + entries[e].Target] += blockFactor[z] * work.ZIm[e];
                    }
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
            WignerMatrices(CayleyKleinOf(vector, r, rcut), work, withDerivatives: true);
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
            // Linear models take four atoms at a time through the couplings, one per vector lane.
            var works = new Workspace[quadratic ? 1 : Lanes];
            for (var lane = 0; lane < works.Length; lane++)
            {
                works[lane] = new Workspace(this);
            }

            try
            {
                for (var i = first; i < end; i += works.Length)
                {
                    var count = Math.Min(works.Length, end - i);
                    for (var lane = 0; lane < count; lane++)
                    {
                        DensityOf(i + lane, types, neighbours, works[lane]);
                    }

                    if (quadratic)
                    {
                        var work = works[0];
                        ComputeCouplings(work);
                        BispectrumFromCouplings(work);
                        accumulator.AddEnergy(i, EnergyAndSlopes(types[i], work));
                        for (var block = 0; block < blockComponent.Length; block++)
                        {
                            work.BlockSlopes[block] = work.Slope[blockComponent[block]] * blockFactor[block];
                        }

                        AdjointFromCouplings(work, work.BlockSlopes);
                    }
                    else
                    {
                        LinearAdjoints(works, count, types, i);
                        for (var lane = 0; lane < count; lane++)
                        {
                            accumulator.AddEnergy(i + lane, constantEnergy[types[i + lane]] + AdjointEnergy(works[lane]));
                        }
                    }

                    for (var lane = 0; lane < count; lane++)
                    {
                        AddForces(i + lane, works[lane], accumulator);
                    }
                }
            }
            finally
            {
                foreach (var work in works)
                {
                    work.Return();
                }
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
            ZRe = pool.Rent(p.entries.Length);
            ZIm = pool.Rent(p.entries.Length);
            BlockSlopes = pool.Rent(p.blockComponent.Length);
            WeightedRe = pool.Rent(p.uSize);
            WeightedIm = pool.Rent(p.uSize);
            var lanes = ArrayPool<Vector256<double>>.Shared;
            LaneTotalRe = lanes.Rent(p.uSize);
            LaneTotalIm = lanes.Rent(p.uSize);
            LaneGradientRe = lanes.Rent(p.uSize);
            LaneGradientIm = lanes.Rent(p.uSize);
            LaneURe = lanes.Rent(p.uSize);
            LaneUIm = lanes.Rent(p.uSize);
            LaneYRe = lanes.Rent(p.uSize);
            LaneYIm = lanes.Rent(p.uSize);
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

        public double[] BlockSlopes { get; }

        public double[] WeightedRe { get; }

        public double[] WeightedIm { get; }

        // The neighbours within the cutoff (KeptCount of them) with what the force pass needs, and their Wigner matrices in
        // batches of four lanes (batch b's entry n at b·uSize + n).
        public int KeptCount { get; set; }

        public Vector256<double>[] KeptRe { get; private set; } = [];

        public Vector256<double>[] KeptIm { get; private set; } = [];

        public CayleyKlein[] KeptParameters { get; private set; } = [];

        public int[] KeptNeighbour { get; private set; } = [];

        public Vec3[] KeptVector { get; private set; } = [];

        public double[] KeptScale { get; private set; } = [];

        public double[] KeptRadial { get; private set; } = [];

        public Vector256<double>[] LaneTotalRe { get; }

        public Vector256<double>[] LaneTotalIm { get; }

        public Vector256<double>[] LaneGradientRe { get; }

        public Vector256<double>[] LaneGradientIm { get; }

        // The total densities and adjoints of four atoms, one per lane (used in the first of the four workspaces).
        public Vector256<double>[] LaneURe { get; }

        public Vector256<double>[] LaneUIm { get; }

        public Vector256<double>[] LaneYRe { get; }

        public Vector256<double>[] LaneYIm { get; }

        // Room for up to `count` neighbours.
        public void Keep(int count, int size)
        {
            if (KeptParameters.Length >= count)
            {
                return;
            }

            var pool = ArrayPool<Vector256<double>>.Shared;
            if (KeptParameters.Length > 0)
            {
                pool.Return(KeptRe);
                pool.Return(KeptIm);
            }

            count = Math.Max(count, 2 * KeptParameters.Length);
            var batches = (count + Lanes - 1) / Lanes;
            KeptRe = pool.Rent(batches * size);
            KeptIm = pool.Rent(batches * size);
            KeptParameters = new CayleyKlein[count];
            KeptNeighbour = new int[count];
            KeptVector = new Vec3[count];
            KeptScale = new double[count];
            KeptRadial = new double[count];
        }

        public void Return()
        {
            var pool = ArrayPool<double>.Shared;
            foreach (var array in (double[][])[TotalRe, TotalIm, AdjointRe, AdjointIm, URe, UIm, DuRe, DuIm, ZRe, ZIm, B, Slope, BlockSlopes, WeightedRe, WeightedIm])
            {
                pool.Return(array);
            }

            var lanes = ArrayPool<Vector256<double>>.Shared;
            foreach (var array in (Vector256<double>[][])[LaneTotalRe, LaneTotalIm, LaneGradientRe, LaneGradientIm, LaneURe, LaneUIm, LaneYRe, LaneYIm])
            {
                lanes.Return(array);
            }

            if (KeptParameters.Length > 0)
            {
                lanes.Return(KeptRe);
                lanes.Return(KeptIm);
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
        work.Keep(offsets[i + 1] - offsets[i], uSize);
        var kept = 0;
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

            // Kept for the force pass.
            work.KeptParameters[kept] = CayleyKleinOf(vectors[slot], r, rcut);
            work.KeptNeighbour[kept] = k;
            work.KeptVector[kept] = vectors[slot];
            work.KeptScale[kept] = weight[tk] * Switch(r, rcut, out var switchSlope);
            work.KeptRadial[kept] = weight[tk] * switchSlope / r;
            kept++;
        }

        work.KeptCount = kept;

        // Four neighbours at a time, one per vector lane: the recursion is the same for all of them. Unused lanes get a = 1,
        // b = 0 and scale 0.
        var sumRe = work.LaneTotalRe.AsSpan(0, uSize);
        var sumIm = work.LaneTotalIm.AsSpan(0, uSize);
        sumRe.Clear();
        sumIm.Clear();
        for (var first = 0; first < kept; first += Lanes)
        {
            var batch = first / Lanes;
            var uRe = work.KeptRe.AsSpan(batch * uSize, uSize);
            var uIm = work.KeptIm.AsSpan(batch * uSize, uSize);
            WignerValues(work, first, ref MemoryMarshal.GetReference(uRe), ref MemoryMarshal.GetReference(uIm));
            var scale = LaneValues(work.KeptScale, first, kept, 0.0);
            foreach (var n in halfIndex)
            {
                sumRe[n] += scale * uRe[n];
                sumIm[n] += scale * uIm[n];
            }
        }

        foreach (var n in halfIndex)
        {
            totalRe[n] += Vector256.Sum(sumRe[n]);
            totalIm[n] += Vector256.Sum(sumIm[n]);
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

    /// <summary>The Cayley–Klein parameters (a, b) of the neighbour's point on the 3-sphere and their derivatives (Å⁻¹) along
    /// x, y and z.</summary>
    private readonly record struct CayleyKlein(double ARe, double AIm, double BRe, double BIm, Vec3 DaRe, Vec3 DaIm, Vec3 DbRe, Vec3 DbIm);

    private CayleyKlein CayleyKleinOf(Vec3 vector, double r, double rcut)
    {
        var thetaScale = rfac0 * Math.PI / (rcut - rmin0);
        var theta0 = (r - rmin0) * thetaScale;
        var sinTheta = Math.Sin(theta0);
        var z0 = r * Math.Cos(theta0) / sinTheta;
        var dz0dr = (z0 / r) - (r * thetaScale / (sinTheta * sinTheta));
        var r0inv = 1.0 / Math.Sqrt((r * r) + (z0 * z0));
        var dr0invdr = -r0inv * r0inv * r0inv * (r + (z0 * dz0dr));
        var unit = vector / r;
        var dr0inv = dr0invdr * unit;
        return new CayleyKlein(
            z0 * r0inv,
            -vector.Z * r0inv,
            vector.Y * r0inv,
            -vector.X * r0inv,
            (z0 * dr0inv) + (r0inv * dz0dr * unit),
            (-vector.Z * dr0inv) - new Vec3(0, 0, r0inv),
            (vector.Y * dr0inv) + new Vec3(0, r0inv, 0),
            (-vector.X * dr0inv) - new Vec3(r0inv, 0, 0));
    }

    /// <summary>U[At] = Fa ā U[A] − Fb b̄ U[B] (a zero factor where the term does not exist, with index 0 in its place).</summary>
    private readonly record struct WignerStep(int At, int A, int B, double Fa, double Fb);

    /// <summary>U[At] = Sign conj(U[Source]).</summary>
    private readonly record struct MirrorStep(int At, int Source, double Sign);

    private (WignerStep[] Steps, int[] StepLevel, MirrorStep[] Mirrors, int[] MirrorLevel) RecursionLists()
    {
        var stepList = new List<WignerStep>();
        var mirrorList = new List<MirrorStep>();
        var stepLevels = new int[twoJMax + 2];
        var mirrorLevels = new int[twoJMax + 2];
        var stride = twoJMax + 1;
        for (var j = 1; j <= twoJMax; j++)
        {
            stepLevels[j] = stepList.Count;
            mirrorLevels[j] = mirrorList.Count;
            for (var mb = 0; 2 * mb <= j; mb++)
            {
                var column = j - mb;
                for (var ma = 0; ma <= j; ma++)
                {
                    stepList.Add(new WignerStep(
                        At: uOffset[j] + (ma * (j + 1)) + mb,
                        A: ma < j ? uOffset[j - 1] + (ma * j) + mb : 0,
                        B: ma > 0 ? uOffset[j - 1] + ((ma - 1) * j) + mb : 0,
                        Fa: ma < j ? root[((j - ma) * stride) + column] : 0.0,
                        Fb: ma > 0 ? root[(ma * stride) + column] : 0.0));
                }
            }

            if ((j & 1) == 1 && j < twoJMax)
            {
                var mb = (j + 1) / 2;
                for (var ma = 0; ma <= j; ma++)
                {
                    mirrorList.Add(new MirrorStep(
                        At: uOffset[j] + (ma * (j + 1)) + mb,
                        Source: uOffset[j] + ((j - ma) * (j + 1)) + (j - mb),
                        Sign: ((ma + mb) & 1) == 0 ? 1.0 : -1.0));
                }
            }
        }

        stepLevels[twoJMax + 1] = stepList.Count;
        mirrorLevels[twoJMax + 1] = mirrorList.Count;
        stepLevels[0] = 0;
        return ([.. stepList], stepLevels, [.. mirrorList], mirrorLevels);
    }

    private const int Lanes = 4;

    // values[first..first+4) as one vector, with `fill` for lanes at or beyond `count`.
    private static Vector256<double> LaneValues(double[] values, int first, int count, double fill) => Vector256.Create(
        values[first],
        first + 1 < count ? values[first + 1] : fill,
        first + 2 < count ? values[first + 2] : fill,
        first + 3 < count ? values[first + 3] : fill);

    // The computed half of U^J(a, b) (plus the mirrored columns the recursion reads) for the kept neighbours
    // first..first+3, one per lane, from U[0] on, without bounds checks: the lists stay inside uSize entries.
    private void WignerValues(Workspace work, int first, ref Vector256<double> uRe, ref Vector256<double> uIm)
    {
        var count = work.KeptCount;
        var p = work.KeptParameters;
        var aRe = Vector256.Create(p[first].ARe, Lane(1).ARe, Lane(2).ARe, Lane(3).ARe);
        var aIm = Vector256.Create(p[first].AIm, Lane(1).AIm, Lane(2).AIm, Lane(3).AIm);
        var bRe = Vector256.Create(p[first].BRe, Lane(1).BRe, Lane(2).BRe, Lane(3).BRe);
        var bIm = Vector256.Create(p[first].BIm, Lane(1).BIm, Lane(2).BIm, Lane(3).BIm);
        uRe = Vector256<double>.One;
        uIm = Vector256<double>.Zero;
        ref var step0 = ref MemoryMarshal.GetArrayDataReference(steps);
        ref var mirror0 = ref MemoryMarshal.GetArrayDataReference(mirrors);
        for (var j = 1; j <= twoJMax; j++)
        {
            for (var s = stepLevel[j]; s < stepLevel[j + 1]; s++)
            {
                ref readonly var step = ref Unsafe.Add(ref step0, s);
                Vector256<double> uaRe = Unsafe.Add(ref uRe, step.A), uaIm = Unsafe.Add(ref uIm, step.A);
                Vector256<double> ubRe = Unsafe.Add(ref uRe, step.B), ubIm = Unsafe.Add(ref uIm, step.B);
                Unsafe.Add(ref uRe, step.At) = (((aRe * uaRe) + (aIm * uaIm)) * step.Fa) - (((bRe * ubRe) + (bIm * ubIm)) * step.Fb);
                Unsafe.Add(ref uIm, step.At) = (((aRe * uaIm) - (aIm * uaRe)) * step.Fa) - (((bRe * ubIm) - (bIm * ubRe)) * step.Fb);
            }

            for (var m = mirrorLevel[j]; m < mirrorLevel[j + 1]; m++)
            {
                ref readonly var mirror = ref Unsafe.Add(ref mirror0, m);
                Unsafe.Add(ref uRe, mirror.At) = Unsafe.Add(ref uRe, mirror.Source) * mirror.Sign;
                Unsafe.Add(ref uIm, mirror.At) = Unsafe.Add(ref uIm, mirror.Source) * -mirror.Sign;
            }
        }

        CayleyKlein Lane(int lane) => first + lane < count ? p[first + lane] : Identity;
    }

    // The SU(2) identity: a harmless stand-in for unused lanes.
    private static readonly CayleyKlein Identity = new(1, 0, 0, 0, Vec3.Zero, Vec3.Zero, Vec3.Zero, Vec3.Zero);

    // U^J(a, b) for the SU(2) element of the neighbour's point on the 3-sphere, and optionally dU/dr (Å⁻¹) along x, y, z.
    private void WignerMatrices(in CayleyKlein ck, Workspace work, bool withDerivatives)
    {
        double aRe = ck.ARe, aIm = ck.AIm, bRe = ck.BRe, bIm = ck.BIm;
        Vec3 daRe = ck.DaRe, daIm = ck.DaIm, dbRe = ck.DbRe, dbIm = ck.DbIm;
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

    // The entries of block (j1, j2, j) that the energy needs: columns mb < J/2, and the upper half of the middle column (the
    // mirror images of the others contribute the same). Each with its ranges of (ma1, ma2) and (mb1, mb2) pairs.
    private void AddCouplingEntries(int j1, int j2, int j, List<CouplingEntry> entryList, List<double> weightList, List<double> cgList)
    {
        var half = (j1 + j2 - j) / 2;
        var cgBase = cgList.Count;
        for (var ma1 = 0; ma1 <= j1; ma1++)
        {
            for (var ma2 = 0; ma2 <= j2; ma2++)
            {
                var ma = ma1 + ma2 - half;
                cgList.Add(ma >= 0 && ma <= j ? ClebschGordan(j1, j2, j, ma1, ma2, ma) : 0.0);
            }
        }

        for (var mb = 0; 2 * mb <= j; mb++)
        {
            for (var ma = 0; ma <= j; ma++)
            {
                var weight = MirrorWeight(j, ma, mb);
                if (weight == 0)
                {
                    continue;
                }

                var ma1 = Math.Max(0, ma + half - j2);
                var mb1 = Math.Max(0, mb + half - j2);
                var ma2 = ma + half - ma1;
                var mb2 = mb + half - mb1;
                entryList.Add(new CouplingEntry(
                    First1: uOffset[j1] + (ma1 * (j1 + 1)) + mb1,
                    First2: uOffset[j2] + (ma2 * (j2 + 1)) + mb2,
                    Row1: j1 + 1,
                    Row2: j2 + 1,
                    CgA: cgBase + (ma1 * (j2 + 1)) + ma2,
                    CgB: cgBase + (mb1 * (j2 + 1)) + mb2,
                    CgStep: j2,
                    CountA: Math.Min(j1, ma + half) - ma1 + 1,
                    CountB: Math.Min(j1, mb + half) - mb1 + 1,
                    Target: uOffset[j] + (ma * (j + 1)) + mb));
                weightList.Add(weight);
            }
        }
    }

    /// <summary>One entry (ma, mb) of a coupling block: z = Σ_a C(a) Σ_b C(b) u1[ma1][mb1] u2[ma2][mb2], with ma1 and mb1
    /// rising from the first pair while ma2 and mb2 fall.</summary>
    private readonly record struct CouplingEntry(
        int First1, int First2, int Row1, int Row2, int CgA, int CgB, int CgStep, int CountA, int CountB, int Target);

    // The hot loop of the potential: the index ranges come from the precomputed entry and stay inside the arrays, so they
    // are read without bounds checks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Coupling(in CouplingEntry e, ref double uRe, ref double uIm, ref double cg, out double zr, out double zi)
    {
        zr = 0;
        zi = 0;
        var row1 = e.First1;
        var row2 = e.First2;
        var ca = e.CgA;
        for (var a = 0; a < e.CountA; a++)
        {
            double rr = 0, ii = 0, ri = 0, ir = 0;
            var p = row1;
            var q = row2;
            var cb = e.CgB;
            for (var b = 0; b < e.CountB; b++)
            {
                var c = Unsafe.Add(ref cg, cb);
                var cpr = c * Unsafe.Add(ref uRe, p);
                var cpi = c * Unsafe.Add(ref uIm, p);
                double qr = Unsafe.Add(ref uRe, q), qi = Unsafe.Add(ref uIm, q);
                rr += cpr * qr;
                ii += cpi * qi;
                ri += cpr * qi;
                ir += cpi * qr;
                p++;
                q--;
                cb += e.CgStep;
            }

            var cga = Unsafe.Add(ref cg, ca);
            zr += cga * (rr - ii);
            zi += cga * (ri + ir);
            row1 += e.Row1;
            row2 -= e.Row2;
            ca += e.CgStep;
        }
    }

    // Every block's z into Z, for the bispectrum and the per-component adjoints.
    private void ComputeCouplings(Workspace work)
    {
        var uRe = work.TotalRe;
        var uIm = work.TotalIm;
        ref var re = ref MemoryMarshal.GetArrayDataReference(uRe);
        ref var im = ref MemoryMarshal.GetArrayDataReference(uIm);
        ref var c = ref MemoryMarshal.GetArrayDataReference(cg);
        for (var e = 0; e < entries.Length; e++)
        {
            Coupling(entries[e], ref re, ref im, ref c, out work.ZRe[e], out work.ZIm[e]);
        }
    }

    // B = Re Σ conj(u^j) z over all entries of the component's block (minus the isolated atom's value with bzeroflag).
    private void BispectrumFromCouplings(Workspace work)
    {
        var uRe = work.TotalRe;
        var uIm = work.TotalIm;
        for (var t = 0; t < ComponentCount; t++)
        {
            var block = componentBlock[t];
            var sum = 0.0;
            for (var e = blockEntryOffset[block]; e < blockEntryOffset[block + 1]; e++)
            {
                var u = entries[e].Target;
                sum += entryWeight[e] * ((uRe[u] * work.ZRe[e]) + (uIm[u] * work.ZIm[e]));
            }

            // Each entry stands for itself and its mirror image (which contributes the same real part).
            sum *= 2;
            work.B[t] = subtractSelf ? sum - (componentJ[t] + 1) : sum;
        }
    }

    // Adjoint Y = ∂E/∂Re u + i ∂E/∂Im u on the entries the energy needs, for the slope of each block (component slope × factor).
    private void AdjointFromCouplings(Workspace work, double[] blockSlopes)
    {
        var yRe = work.AdjointRe;
        var yIm = work.AdjointIm;
        Array.Clear(yRe, 0, uSize);
        Array.Clear(yIm, 0, uSize);
        for (var block = 0; block < blockComponent.Length; block++)
        {
            var slope = blockSlopes[block];
            for (var e = blockEntryOffset[block]; e < blockEntryOffset[block + 1]; e++)
            {
                yRe[entries[e].Target] += slope * work.ZRe[e];
                yIm[entries[e].Target] += slope * work.ZIm[e];
            }
        }
    }

    // As ComputeCouplings then AdjointFromCouplings for a linear model, without storing z, for `count` atoms from `firstAtom`
    // (their densities in works[lane]) at once, one per vector lane: the hot path of linear models.
    private void LinearAdjoints(Workspace[] works, int count, int[] types, int firstAtom)
    {
        var lanes = works[0];
        var uRe = lanes.LaneURe.AsSpan(0, uSize);
        var uIm = lanes.LaneUIm.AsSpan(0, uSize);
        var yRe = lanes.LaneYRe.AsSpan(0, uSize);
        var yIm = lanes.LaneYIm.AsSpan(0, uSize);
        Workspace Of(int lane) => works[Math.Min(lane, count - 1)];
        double[] re1 = Of(1).TotalRe, re2 = Of(2).TotalRe, re3 = Of(3).TotalRe, re0 = works[0].TotalRe;
        double[] im1 = Of(1).TotalIm, im2 = Of(2).TotalIm, im3 = Of(3).TotalIm, im0 = works[0].TotalIm;
        for (var n = 0; n < uSize; n++)
        {
            uRe[n] = Vector256.Create(re0[n], re1[n], re2[n], re3[n]);
            uIm[n] = Vector256.Create(im0[n], im1[n], im2[n], im3[n]);
        }

        yRe.Clear();
        yIm.Clear();
        ref var re = ref MemoryMarshal.GetReference(uRe);
        ref var im = ref MemoryMarshal.GetReference(uIm);
        ref var c = ref MemoryMarshal.GetArrayDataReference(cg);
        Span<int> type = [types[firstAtom], types[firstAtom + Math.Min(1, count - 1)], types[firstAtom + Math.Min(2, count - 1)], types[firstAtom + Math.Min(3, count - 1)]];
        var live = Vector256.Create(1.0, count > 1 ? 1 : 0, count > 2 ? 1 : 0, count > 3 ? 1 : 0);
        for (var block = 0; block < blockComponent.Length; block++)
        {
            var slope = live * Vector256.Create(
                linearBlockSlopes[type[0]][block], linearBlockSlopes[type[1]][block], linearBlockSlopes[type[2]][block], linearBlockSlopes[type[3]][block]);
            if (slope == Vector256<double>.Zero)
            {
                continue;
            }

            for (var e = blockEntryOffset[block]; e < blockEntryOffset[block + 1]; e++)
            {
                ref readonly var entry = ref entries[e];
                Coupling(entry, ref re, ref im, ref c, out var zr, out var zi);
                yRe[entry.Target] += slope * zr;
                yIm[entry.Target] += slope * zi;
            }
        }

        for (var lane = 0; lane < count; lane++)
        {
            var adjointRe = works[lane].AdjointRe;
            var adjointIm = works[lane].AdjointIm;
            for (var n = 0; n < uSize; n++)
            {
                adjointRe[n] = yRe[n][lane];
                adjointIm[n] = yIm[n][lane];
            }
        }
    }

    // Coupling for four atoms at once, one per lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Coupling(
        in CouplingEntry e, ref Vector256<double> uRe, ref Vector256<double> uIm, ref double cg, out Vector256<double> zr, out Vector256<double> zi)
    {
        zr = Vector256<double>.Zero;
        zi = Vector256<double>.Zero;
        var row1 = e.First1;
        var row2 = e.First2;
        var ca = e.CgA;
        for (var a = 0; a < e.CountA; a++)
        {
            Vector256<double> sr = default, si = default;
            var p = row1;
            var q = row2;
            var cb = e.CgB;
            for (var b = 0; b < e.CountB; b++)
            {
                var c = Unsafe.Add(ref cg, cb);
                var cpr = Unsafe.Add(ref uRe, p) * c;
                var cpi = Unsafe.Add(ref uIm, p) * c;
                Vector256<double> qr = Unsafe.Add(ref uRe, q), qi = Unsafe.Add(ref uIm, q);
                sr += (cpr * qr) - (cpi * qi);
                si += (cpr * qi) + (cpi * qr);
                p++;
                q--;
                cb += e.CgStep;
            }

            var cga = Unsafe.Add(ref cg, ca);
            zr += sr * cga;
            zi += si * cga;
            row1 += e.Row1;
            row2 -= e.Row2;
            ca += e.CgStep;
        }
    }

    // Each component is cubic in u, so by Euler's theorem Σ Re(conj(Y) u) over all entries is three times the energy's
    // bispectrum part: the energy of a linear model without computing B.
    private double AdjointEnergy(Workspace work)
    {
        var sum = 0.0;
        for (var h = 0; h < halfIndex.Length; h++)
        {
            var n = halfIndex[h];
            sum += halfWeight[h] * ((work.AdjointRe[n] * work.TotalRe[n]) + (work.AdjointIm[n] * work.TotalIm[n]));
        }

        return sum / 3;
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

    // dE_i/dr_ik = Σ Re(conj(Y) d(w_k f_c U)/dr_ik) for each neighbour k, with the Wigner matrices DensityOf kept.
    private void AddForces(int i, Workspace work, AtomAccumulator accumulator)
    {
        // The adjoint weighted for the half sum, the starting point of every neighbour's backward pass.
        Array.Clear(work.WeightedRe, 0, uSize);
        Array.Clear(work.WeightedIm, 0, uSize);
        for (var h = 0; h < halfIndex.Length; h++)
        {
            work.WeightedRe[halfIndex[h]] = halfWeight[h] * work.AdjointRe[halfIndex[h]];
            work.WeightedIm[halfIndex[h]] = halfWeight[h] * work.AdjointIm[halfIndex[h]];
        }

        var kept = work.KeptCount;
        Span<double> plain = stackalloc double[Lanes];
        Span<Vec3> gradient = stackalloc Vec3[Lanes];
        for (var first = 0; first < kept; first += Lanes)
        {
            var batch = first / Lanes;
            ReverseGradient(work, first, work.KeptRe.AsSpan(batch * uSize, uSize), work.KeptIm.AsSpan(batch * uSize, uSize), plain, gradient);
            for (var lane = 0; lane < Lanes && first + lane < kept; lane++)
            {
                var n = first + lane;
                var vector = work.KeptVector[n];
                accumulator.AddBond(i, work.KeptNeighbour[n], vector, (work.KeptScale[n] * gradient[lane]) + (work.KeptRadial[n] * plain[lane] * vector));
            }
        }
    }

    // f = Re Σ conj(Y) U over all entries (in plain) and its gradient along x, y, z for one neighbour's Wigner matrices U (as
    // DensityOf kept them), by running their recursion backwards: the adjoint G of each entry flows to the two entries of the level below it
    // was made from and into ∂f/∂a and ∂f/∂b, so the cost is that of U alone rather than three times that of dU/dr.
    private void ReverseGradient(
        Workspace work, int first, Span<Vector256<double>> keptRe, Span<Vector256<double>> keptIm, Span<double> plain, Span<Vec3> gradient)
    {
        var gRe = work.LaneGradientRe.AsSpan(0, uSize);
        var gIm = work.LaneGradientIm.AsSpan(0, uSize);
        var wRe = work.WeightedRe;
        var wIm = work.WeightedIm;
        var f = Vector256<double>.Zero;
        for (var n = 0; n < uSize; n++)
        {
            gRe[n] = Vector256.Create(wRe[n]);
            gIm[n] = Vector256.Create(wIm[n]);
        }

        foreach (var n in halfIndex)
        {
            f += (gRe[n] * keptRe[n]) + (gIm[n] * keptIm[n]);
        }

        // Indices come from the recursion lists, inside uSize entries of every array: read without bounds checks.
        var count = work.KeptCount;
        var p = work.KeptParameters;
        var aRe = Vector256.Create(p[first].ARe, Lane(1).ARe, Lane(2).ARe, Lane(3).ARe);
        var aIm = Vector256.Create(p[first].AIm, Lane(1).AIm, Lane(2).AIm, Lane(3).AIm);
        var bRe = Vector256.Create(p[first].BRe, Lane(1).BRe, Lane(2).BRe, Lane(3).BRe);
        var bIm = Vector256.Create(p[first].BIm, Lane(1).BIm, Lane(2).BIm, Lane(3).BIm);
        ref var uRe = ref MemoryMarshal.GetReference(keptRe);
        ref var uIm = ref MemoryMarshal.GetReference(keptIm);
        ref var gr0 = ref MemoryMarshal.GetReference(gRe);
        ref var gi0 = ref MemoryMarshal.GetReference(gIm);
        ref var step0 = ref MemoryMarshal.GetArrayDataReference(steps);
        ref var mirror0 = ref MemoryMarshal.GetArrayDataReference(mirrors);
        Vector256<double> gaRe = default, gaIm = default, gbRe = default, gbIm = default;
        for (var j = twoJMax; j >= 1; j--)
        {
            // The column the level above read beyond the computed half was a mirror image: its adjoint goes to the source.
            for (var m = mirrorLevel[j]; m < mirrorLevel[j + 1]; m++)
            {
                ref readonly var mirror = ref Unsafe.Add(ref mirror0, m);
                Unsafe.Add(ref gr0, mirror.Source) += Unsafe.Add(ref gr0, mirror.At) * mirror.Sign;
                Unsafe.Add(ref gi0, mirror.Source) -= Unsafe.Add(ref gi0, mirror.At) * mirror.Sign;
            }

            // U = Fa ā U[A] − Fb b̄ U[B]: G[A] += Fa a G, G[B] −= Fb b G, ∂f/∂a += Fa U[A] conj(G), ∂f/∂b −= Fb U[B] conj(G).
            for (var s = stepLevel[j]; s < stepLevel[j + 1]; s++)
            {
                ref readonly var step = ref Unsafe.Add(ref step0, s);
                Vector256<double> gr = Unsafe.Add(ref gr0, step.At), gi = Unsafe.Add(ref gi0, step.At);
                Vector256<double> uaRe = Unsafe.Add(ref uRe, step.A), uaIm = Unsafe.Add(ref uIm, step.A);
                Vector256<double> ubRe = Unsafe.Add(ref uRe, step.B), ubIm = Unsafe.Add(ref uIm, step.B);
                Vector256<double> far = gr * step.Fa, fai = gi * step.Fa, fbr = gr * step.Fb, fbi = gi * step.Fb;
                Unsafe.Add(ref gr0, step.A) += (aRe * far) - (aIm * fai);
                Unsafe.Add(ref gi0, step.A) += (aRe * fai) + (aIm * far);
                Unsafe.Add(ref gr0, step.B) -= (bRe * fbr) - (bIm * fbi);
                Unsafe.Add(ref gi0, step.B) -= (bRe * fbi) + (bIm * fbr);
                gaRe += (uaRe * far) + (uaIm * fai);
                gaIm += (uaIm * far) - (uaRe * fai);
                gbRe -= (ubRe * fbr) + (ubIm * fbi);
                gbIm -= (ubIm * fbr) - (ubRe * fbi);
            }
        }

        for (var lane = 0; lane < Lanes && first + lane < count; lane++)
        {
            ref readonly var ck = ref p[first + lane];
            plain[lane] = f[lane];
            gradient[lane] = (gaRe[lane] * ck.DaRe) + (gaIm[lane] * ck.DaIm) + (gbRe[lane] * ck.DbRe) + (gbIm[lane] * ck.DbIm);
        }

        CayleyKlein Lane(int lane) => first + lane < count ? p[first + lane] : Identity;
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
