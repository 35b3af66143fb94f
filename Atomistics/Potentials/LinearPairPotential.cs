using System.Globalization;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// A pair potential linear in its parameters: E = Σ_i ξ_{t(i)} + Σ_{pairs i&lt;j} φ_{t(i)t(j)}(r_ij) with
/// φ_ab(r) = Σ_k c_{ab,k}·T_k(x(r))·(r_cut − r)² for r &lt; r_cut, where T_k are the Chebyshev polynomials of the first kind
/// and x maps [<see cref="InnerRadius"/>, <see cref="Cutoff"/>] onto [−1, 1] (the radial basis of MLIP-2's moment tensor
/// potentials). The factor (r_cut − r)² makes energy and forces continuous at the cutoff.
/// </summary>
/// <remarks>
/// <para>Parameters, in this order: one constant ξ per element (<see cref="IPotential.Species"/> order), then
/// <see cref="BasisSize"/> coefficients for each unordered pair of elements (a ≤ b in species order: (0,0), (0,1), …,
/// (1,1), …). Use <see cref="ConstantIndex"/> and <see cref="PairIndex"/> rather than computing positions by hand.</para>
/// <para>Per-atom energies give each atom its ξ and half of each of its pairs. Below <see cref="InnerRadius"/> the
/// polynomials are simply continued (no clamping); the inner radius only sets where the basis is best conditioned.</para>
/// <para>Thread-safe: <see cref="ComputeRows"/> keeps no state between calls and may run concurrently on different
/// structures.</para>
/// </remarks>
public sealed class LinearPairPotential : NeighbourPotential, ILinearPotential
{
    private readonly int elements;
    private readonly double[] parameters;
    private readonly int[] pairSlot;

    /// <summary>Creates the potential.</summary>
    /// <param name="species">Atomic numbers of the elements it describes, in parameter order.</param>
    /// <param name="innerRadius">Lower end of the Chebyshev interval in Å (≥ 0, below <paramref name="cutoff"/>).</param>
    /// <param name="cutoff">Cutoff radius in Å.</param>
    /// <param name="basisSize">Number of Chebyshev polynomials per pair of elements (≥ 1).</param>
    /// <param name="parameters">The <see cref="ParameterCount"/> parameters (eV); all zero when omitted.</param>
    /// <exception cref="ArgumentException">No species, a species listed twice, radii out of order, or the wrong number of parameters.</exception>
    public LinearPairPotential(IReadOnlyList<int> species, double innerRadius, double cutoff, int basisSize, ReadOnlySpan<double> parameters = default)
        : base(species)
    {
        if (species.Count == 0)
        {
            throw new ArgumentException("At least one element is needed.", nameof(species));
        }

        if (!(innerRadius >= 0) || !(cutoff > innerRadius) || !double.IsFinite(cutoff))
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"Need 0 ≤ inner radius < cutoff, finite; got {innerRadius} and {cutoff} Å."));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(basisSize);
        elements = species.Count;
        InnerRadius = innerRadius;
        Cutoff = cutoff;
        BasisSize = basisSize;
        pairSlot = new int[elements * elements];
        var slot = 0;
        for (var a = 0; a < elements; a++)
        {
            for (var b = a; b < elements; b++, slot++)
            {
                pairSlot[(a * elements) + b] = slot;
                pairSlot[(b * elements) + a] = slot;
            }
        }

        ParameterCount = elements + (slot * basisSize);
        if (parameters.IsEmpty)
        {
            this.parameters = new double[ParameterCount];
        }
        else if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"{ParameterCount} parameters are needed, got {parameters.Length}.", nameof(parameters));
        }
        else
        {
            this.parameters = parameters.ToArray();
        }

        Name = string.Create(
            CultureInfo.InvariantCulture,
            $"linear-pair({string.Join(",", Species.Select(Elements.Symbol))}, {basisSize} Chebyshev on [{innerRadius}, {cutoff}] Å)");
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override double Cutoff { get; }

    /// <summary>Lower end of the Chebyshev interval in Å.</summary>
    public double InnerRadius { get; }

    /// <summary>Number of Chebyshev polynomials per pair of elements.</summary>
    public int BasisSize { get; }

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    public IReadOnlyList<double> Parameters => parameters;

    /// <summary>Position of element <paramref name="atomicNumber"/>'s constant ξ in <see cref="Parameters"/>.</summary>
    /// <exception cref="ArgumentException">The potential does not describe the element.</exception>
    public int ConstantIndex(int atomicNumber) => TypeOf(atomicNumber);

    /// <summary>Position of coefficient <paramref name="k"/> of the pair of elements <paramref name="first"/>, <paramref name="second"/> (either order).</summary>
    /// <exception cref="ArgumentException">The potential does not describe an element.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in [0, <see cref="BasisSize"/>).</exception>
    public int PairIndex(int first, int second, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, BasisSize);
        return elements + (pairSlot[(TypeOf(first) * elements) + TypeOf(second)] * BasisSize) + k;
    }

    private int TypeOf(int atomicNumber)
    {
        var type = (uint)atomicNumber <= (uint)Elements.MaxAtomicNumber ? SpeciesIndex[atomicNumber] : -1;
        return type >= 0 ? type : throw new ArgumentException($"{Name} does not describe atomic number {atomicNumber}.", nameof(atomicNumber));
    }

    /// <inheritdoc/>
    public ILinearPotential WithParameters(ReadOnlySpan<double> parameters) =>
        parameters.Length == ParameterCount
            ? new LinearPairPotential(Species, InnerRadius, Cutoff, BasisSize, parameters)
            : throw new ArgumentException($"{ParameterCount} parameters are needed, got {parameters.Length}.", nameof(parameters));

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        evaluation.Accumulate((first, end, accumulator) =>
        {
            var offsets = neighbours.Offsets;
            var indices = neighbours.Neighbours;
            var vectors = neighbours.Vectors;
            var distances = neighbours.Distances;
            Span<double> basis = stackalloc double[BasisSize];
            Span<double> slope = stackalloc double[BasisSize];
            for (var i = first; i < end; i++)
            {
                var row = types[i] * elements;
                var energy = parameters[types[i]];
                for (var k = offsets[i]; k < offsets[i + 1]; k++)
                {
                    var j = indices[k];
                    var r = distances[k];
                    Basis(r, basis, slope);
                    var coefficients = parameters.AsSpan(elements + (pairSlot[row + types[j]] * BasisSize), BasisSize);
                    double phi = 0, dPhi = 0;
                    for (var p = 0; p < BasisSize; p++)
                    {
                        phi += coefficients[p] * basis[p];
                        dPhi += coefficients[p] * slope[p];
                    }

                    // Each pair is seen from both atoms; each side takes half of φ and of its gradient.
                    energy += 0.5 * phi;
                    accumulator.AddBond(i, j, vectors[k], (0.5 * dPhi / r) * vectors[k]);
                }

                accumulator.AddEnergy(i, energy);
            }
        });
    }

    /// <inheritdoc/>
    public void ComputeRows(Structure structure, LinearRows rows, bool withForces = true)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(rows);
        var neighbours = CheckedNeighbours(structure);
        var m = ParameterCount;
        rows.Reset(structure.Count, m, withForces);
        var energyRow = rows.Energy;
        var atomRows = rows.AtomEnergies;
        var forceRows = rows.Forces;
        var virialRows = rows.Virial;
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        var numbers = structure.AtomicNumbers;
        Span<double> basis = stackalloc double[BasisSize];
        Span<double> slope = stackalloc double[BasisSize];
        for (var i = 0; i < structure.Count; i++)
        {
            var ti = SpeciesIndex[numbers[i]];
            energyRow[ti] += 1;
            atomRows[(i * m) + ti] += 1;
            for (var k = offsets[i]; k < offsets[i + 1]; k++)
            {
                var j = indices[k];
                var r = distances[k];
                var v = vectors[k];
                Basis(r, basis, slope);
                var column = elements + (pairSlot[(ti * elements) + SpeciesIndex[numbers[j]]] * BasisSize);
                for (var p = 0; p < BasisSize; p++)
                {
                    var c = column + p;
                    energyRow[c] += 0.5 * basis[p];
                    atomRows[(i * m) + c] += 0.5 * basis[p];
                    if (!withForces)
                    {
                        continue;
                    }

                    // Same bookkeeping as AtomAccumulator.AddBond, one parameter at a time.
                    var g = (0.5 * slope[p] / r) * v;
                    forceRows[(3 * i * m) + c] += g.X;
                    forceRows[(((3 * i) + 1) * m) + c] += g.Y;
                    forceRows[(((3 * i) + 2) * m) + c] += g.Z;
                    forceRows[(3 * j * m) + c] -= g.X;
                    forceRows[(((3 * j) + 1) * m) + c] -= g.Y;
                    forceRows[(((3 * j) + 2) * m) + c] -= g.Z;
                    virialRows[c] -= v.X * g.X;
                    virialRows[m + c] -= v.Y * g.Y;
                    virialRows[(2 * m) + c] -= v.Z * g.Z;
                    virialRows[(3 * m) + c] -= v.Y * g.Z;
                    virialRows[(4 * m) + c] -= v.X * g.Z;
                    virialRows[(5 * m) + c] -= v.X * g.Y;
                }
            }
        }
    }

    // b_k(r) = T_k(x)·(r_c − r)² and db_k/dr, by the Chebyshev recurrence and its derivative.
    private void Basis(double r, Span<double> basis, Span<double> slope)
    {
        var width = Cutoff - InnerRadius;
        var x = ((2 * r) - InnerRadius - Cutoff) / width;
        var dxdr = 2 / width;
        var gap = Cutoff - r;
        var envelope = gap * gap;
        var dEnvelope = -2 * gap;
        double tPrevious = 1, tCurrent = x, dPrevious = 0, dCurrent = 1;
        for (var k = 0; k < basis.Length; k++)
        {
            double t, dt;
            if (k == 0)
            {
                t = 1;
                dt = 0;
            }
            else if (k == 1)
            {
                t = x;
                dt = 1;
            }
            else
            {
                t = (2 * x * tCurrent) - tPrevious;
                dt = (2 * tCurrent) + (2 * x * dCurrent) - dPrevious;
                tPrevious = tCurrent;
                tCurrent = t;
                dPrevious = dCurrent;
                dCurrent = dt;
            }

            basis[k] = t * envelope;
            slope[k] = (dt * dxdr * envelope) + (t * dEnvelope);
        }
    }
}
