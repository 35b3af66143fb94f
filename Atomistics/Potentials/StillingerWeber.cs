using System.Buffers;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// The Stillinger–Weber potential as LAMMPS' <c>pair_style sw</c> computes it:
/// E = Σ_i Σ_{j&gt;i} φ₂(r_ij) + Σ_i Σ_{j≠i} Σ_{k&gt;j} φ₃(r_ij, r_ik, θ_jik), with
/// φ₂(r) = A ε [B (σ/r)^p − (σ/r)^q] exp(σ / (r − aσ)) and
/// φ₃ = λ ε (cos θ_jik − cos θ₀)² exp(γ_ij σ_ij / (r_ij − a_ij σ_ij)) exp(γ_ik σ_ik / (r_ik − a_ik σ_ik)).
/// </summary>
/// <remarks>
/// <para>
/// For several elements, the pair i–j (φ₂, and the screening factor of the bond i–j in φ₃) uses the entry (i, j, j); the
/// angular part λ ε (cos θ − cos θ₀)² of the angle j–i–k uses λ, ε and cos θ₀ of the entry (i, j, k). Files whose entries
/// (i, j, k) and (i, k, j) differ, or (i, j, j) and (j, i, i), leave the result in LAMMPS dependent on the order of its
/// neighbour list; here both orders are averaged, which equals LAMMPS whenever the file is symmetric, as published files
/// are.
/// </para>
/// <para>
/// Per-atom energies follow LAMMPS' <c>pe/atom</c>: each pair's φ₂ is split half and half between its atoms, and each
/// triplet's φ₃ a third to each of its three atoms.
/// </para>
/// </remarks>
public sealed class StillingerWeber : NeighbourPotential
{
    private readonly int elements;

    // Pair parameters from the (i, j, j) entries, indexed [i·n + j].
    private readonly double[] pairCutoff;
    private readonly double[] pairSigma;
    private readonly double[] pairPrefactor;
    private readonly double[] pairB;
    private readonly double[] pairP;
    private readonly double[] pairQ;
    private readonly double[] screeningLength;

    // Angular parameters from the (i, j, k) entries, indexed [i·n² + j·n + k].
    private readonly double[] angularStrength;
    private readonly double[] cosTheta0;
    private readonly bool[] orderMatters;

    /// <summary>Creates the potential from one entry per ordered triplet of its elements.</summary>
    /// <param name="species">The potential's elements (atomic numbers), n of them.</param>
    /// <param name="parameters">Entries for all n³ triplets of <paramref name="species"/>, in any order.</param>
    /// <param name="name">The name in logs, e.g. <c>sw:Si.sw (Si)</c>.</param>
    /// <exception cref="ArgumentException">
    /// An entry is missing or repeated, names another element, has a negative or non-finite parameter (other than cos θ₀), or
    /// no pair interacts at all (every a·σ is 0).
    /// </exception>
    public StillingerWeber(IReadOnlyList<int> species, IReadOnlyList<StillingerWeberParameters> parameters, string name)
        : base(species)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        elements = Species.Count;
        var n = elements;
        var ordered = new StillingerWeberParameters?[n * n * n];
        foreach (var entry in parameters)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(parameters));
            int i = SpeciesIndex[entry.Center], j = SpeciesIndex[entry.Second], k = SpeciesIndex[entry.Third];
            if (i < 0 || j < 0 || k < 0)
            {
                throw new ArgumentException($"The entry {Describe(entry)} names an element outside {SpeciesIndex.Describe()}.", nameof(parameters));
            }

            CheckValues(entry);
            ref var slot = ref ordered[Triplet(i, j, k)];
            if (slot is not null)
            {
                throw new ArgumentException($"The entry {Describe(entry)} is given twice.", nameof(parameters));
            }

            slot = entry;
        }

        pairCutoff = new double[n * n];
        pairSigma = new double[n * n];
        pairPrefactor = new double[n * n];
        pairB = new double[n * n];
        pairP = new double[n * n];
        pairQ = new double[n * n];
        screeningLength = new double[n * n];
        angularStrength = new double[n * n * n];
        cosTheta0 = new double[n * n * n];
        orderMatters = new bool[n * n * n];
        var entries = new StillingerWeberParameters[n * n * n];
        for (var t = 0; t < entries.Length; t++)
        {
            entries[t] = ordered[t] ?? throw new ArgumentException(
                $"No entry for {Elements.Symbol(Species[t / (n * n)])} {Elements.Symbol(Species[t / n % n])} {Elements.Symbol(Species[t % n])}.",
                nameof(parameters));
            angularStrength[t] = entries[t].Lambda * entries[t].Epsilon;
            cosTheta0[t] = entries[t].CosTheta0;
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var pair = entries[Triplet(i, j, j)];
                var p = (i * n) + j;
                pairCutoff[p] = pair.CutoffRatio * pair.Sigma;
                pairSigma[p] = pair.Sigma;
                pairPrefactor[p] = pair.PairA * pair.Epsilon;
                pairB[p] = pair.PairB;
                pairP[p] = pair.P;
                pairQ[p] = pair.Q;
                screeningLength[p] = pair.Gamma * pair.Sigma;
                for (var k = 0; k < n; k++)
                {
                    orderMatters[Triplet(i, j, k)] = angularStrength[Triplet(i, j, k)] != angularStrength[Triplet(i, k, j)]
                        || cosTheta0[Triplet(i, j, k)] != cosTheta0[Triplet(i, k, j)];
                }
            }
        }

        Cutoff = pairCutoff.Max();
        if (Cutoff <= 0)
        {
            throw new ArgumentException("No pair interacts: every a·σ is 0.", nameof(parameters));
        }

        Parameters = entries;
    }

    /// <summary>The entries, indexed [i·n² + j·n + k] by the elements' positions in <see cref="NeighbourPotential.Species"/>.</summary>
    public IReadOnlyList<StillingerWeberParameters> Parameters { get; }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The largest pair cutoff a·σ in Å.</summary>
    public override double Cutoff { get; }

    /// <summary>
    /// Stillinger and Weber's silicon (Phys. Rev. B 31, 5262 (1985)) in metal units, exactly as LAMMPS' <c>Si.sw</c> gives it:
    /// ε = 2.1683 eV, σ = 2.0951 Å, a = 1.80, λ = 21.0, γ = 1.20, cos θ₀ = −0.333333333333 (the file's −1/3 to 12 digits,
    /// kept so that results are identical to the file's), A = 7.049556277, B = 0.6022245584, p = 4, q = 0.
    /// </summary>
    public static StillingerWeber Silicon() => new(
        [14],
        [new StillingerWeberParameters(14, 14, 14, 2.1683, 2.0951, 1.80, 21.0, 1.20, -0.333333333333, 7.049556277, 0.6022245584, 4.0, 0.0)],
        "sw:Stillinger-Weber 1985 (Si)");

    /// <summary>Reads a LAMMPS <c>pair_style sw</c> file for the named elements (as <c>pair_coeff * * file Ga N</c> would).</summary>
    /// <param name="path">The <c>.sw</c> file.</param>
    /// <param name="elements">Element symbols, e.g. <c>["Ga", "N"]</c>; entries for other elements are ignored.</param>
    /// <exception cref="ArgumentException">A symbol is not an element, or is given twice.</exception>
    /// <exception cref="Formats.StructureFormatException">The file is malformed or lacks an entry the elements need (see <see cref="StillingerWeberFile"/>).</exception>
    public static StillingerWeber FromFile(string path, IReadOnlyList<string> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var numbers = new int[elements.Count];
        for (var e = 0; e < numbers.Length; e++)
        {
            numbers[e] = Elements.AtomicNumber(elements[e]);
        }

        return FromFile(path, numbers);
    }

    /// <summary>Reads a LAMMPS <c>pair_style sw</c> file for the given elements.</summary>
    /// <param name="path">The <c>.sw</c> file.</param>
    /// <param name="atomicNumbers">The elements' atomic numbers; entries for other elements are ignored.</param>
    /// <exception cref="ArgumentException">An element is given twice.</exception>
    /// <exception cref="Formats.StructureFormatException">The file is malformed or lacks an entry the elements need.</exception>
    public static StillingerWeber FromFile(string path, IReadOnlyList<int> atomicNumbers)
    {
        ArgumentNullException.ThrowIfNull(atomicNumbers);
        var parameters = StillingerWeberFile.Read(path, atomicNumbers);
        var symbols = string.Join(",", atomicNumbers.Select(Elements.Symbol));
        return new StillingerWeber(atomicNumbers, parameters, $"sw:{Path.GetFileName(path)} ({symbols})");
    }

    private int Triplet(int i, int j, int k) => (((i * elements) + j) * elements) + k;

    private static string Describe(StillingerWeberParameters entry) =>
        $"{Elements.Symbol(entry.Center)} {Elements.Symbol(entry.Second)} {Elements.Symbol(entry.Third)}";

    private static void CheckValues(StillingerWeberParameters entry)
    {
        ReadOnlySpan<double> scales =
            [entry.Epsilon, entry.Sigma, entry.CutoffRatio, entry.Lambda, entry.Gamma, entry.PairA, entry.PairB, entry.P, entry.Q];
        foreach (var value in scales)
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentException($"The entry {Describe(entry)} has a negative or non-finite parameter.", nameof(entry));
            }
        }

        if (!double.IsFinite(entry.CosTheta0))
        {
            throw new ArgumentException($"The entry {Describe(entry)} has a non-finite cos θ₀.", nameof(entry));
        }
    }

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        var widest = 0;
        var offsets = neighbours.Offsets;
        for (var i = 0; i < structure.Count; i++)
        {
            widest = Math.Max(widest, offsets[i + 1] - offsets[i]);
        }

        evaluation.Accumulate((first, end, accumulator) =>
        {
            // Pooled, so that repeated evaluations do not allocate.
            var bonds = ArrayPool<Bond>.Shared.Rent(Math.Max(widest, 1));
            try
            {
                AccumulateAtoms(first, end, accumulator, neighbours, types, bonds);
            }
            finally
            {
                ArrayPool<Bond>.Shared.Return(bonds);
            }
        });
    }

    private void AccumulateAtoms(int first, int end, AtomAccumulator accumulator, NeighbourList neighbours, int[] types, Bond[] bonds)
    {
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        var n = elements;
        for (var i = first; i < end; i++)
        {
            var ti = types[i];
            var centreEnergy = 0.0;
            var count = 0;

            // Bonds within their pair cutoff, with their half of φ₂ and their screening factor of φ₃.
            for (var slot = offsets[i]; slot < offsets[i + 1]; slot++)
            {
                var j = indices[slot];
                var tj = types[j];
                var p = (ti * n) + tj;
                var r = distances[slot];
                var cutoff = pairCutoff[p];
                if (r >= cutoff)
                {
                    continue;
                }

                var gap = r - cutoff;
                var sigma = pairSigma[p];
                var ratio = sigma / r;
                var repulsion = pairB[p] * Math.Pow(ratio, pairP[p]);
                var attraction = Math.Pow(ratio, pairQ[p]);
                var decay = Math.Exp(sigma / gap);
                var phi = pairPrefactor[p] * (repulsion - attraction) * decay;
                var dPhiDr = pairPrefactor[p] * decay
                    * (((-pairP[p] * repulsion) + (pairQ[p] * attraction)) / r - ((repulsion - attraction) * sigma / (gap * gap)));

                // Each pair is seen from both atoms: each side takes half of φ₂, as LAMMPS' pe/atom does.
                centreEnergy += 0.5 * phi;
                var unit = vectors[slot] / r;
                var screening = screeningLength[p];
                bonds[count++] = new Bond
                {
                    Atom = j,
                    Type = tj,
                    Distance = r,
                    Vector = vectors[slot],
                    Unit = unit,
                    Screening = Math.Exp(screening / gap),
                    ScreeningLogSlope = -screening / (gap * gap),
                    Gradient = (0.5 * dPhiDr) * unit,
                    Energy = 0,
                };
            }

            for (var b = 0; b < count - 1; b++)
            {
                ref var bj = ref bonds[b];
                var rowJ = ((ti * n) + bj.Type) * n;
                for (var c = b + 1; c < count; c++)
                {
                    ref var bk = ref bonds[c];
                    var cos = bj.Unit.Dot(bk.Unit);
                    var t = rowJ + bk.Type;
                    double angular, angularSlope;
                    var offset = cos - cosTheta0[t];
                    if (!orderMatters[t])
                    {
                        angular = angularStrength[t] * offset * offset;
                        angularSlope = 2 * angularStrength[t] * offset;
                    }
                    else
                    {
                        var swapped = ((((ti * n) + bk.Type) * n) + bj.Type);
                        var swappedOffset = cos - cosTheta0[swapped];
                        angular = 0.5 * ((angularStrength[t] * offset * offset) + (angularStrength[swapped] * swappedOffset * swappedOffset));
                        angularSlope = (angularStrength[t] * offset) + (angularStrength[swapped] * swappedOffset);
                    }

                    var screening = bj.Screening * bk.Screening;
                    var h = angular * screening;
                    var dHdCos = angularSlope * screening;

                    // d cos/d r_ij = (û_ik − cos û_ij) / r_ij, and the screening of bond ij depends on r_ij only.
                    bj.Gradient += ((dHdCos / bj.Distance) * (bk.Unit - (cos * bj.Unit))) + ((h * bj.ScreeningLogSlope) * bj.Unit);
                    bk.Gradient += ((dHdCos / bk.Distance) * (bj.Unit - (cos * bk.Unit))) + ((h * bk.ScreeningLogSlope) * bk.Unit);

                    // LAMMPS' pe/atom gives each atom of the triplet a third.
                    var third = h / 3;
                    centreEnergy += third;
                    bj.Energy += third;
                    bk.Energy += third;
                }
            }

            for (var b = 0; b < count; b++)
            {
                ref var bond = ref bonds[b];
                accumulator.AddBond(i, bond.Atom, bond.Vector, bond.Gradient);
                if (bond.Energy != 0)
                {
                    accumulator.AddEnergy(bond.Atom, bond.Energy);
                }
            }

            accumulator.AddEnergy(i, centreEnergy);
        }
    }

    // One bond of the current central atom within its pair cutoff, and what its triplets have added so far.
    private struct Bond
    {
        public int Atom;
        public int Type;
        public double Distance;
        public Vec3 Vector;
        public Vec3 Unit;

        // exp(γσ / (r − aσ)) and its logarithmic derivative with respect to r.
        public double Screening;
        public double ScreeningLogSlope;

        // ∂E/∂r_ij accumulated from φ₂ and all triplets, and the triplets' energy assigned to the neighbour.
        public Vec3 Gradient;
        public double Energy;
    }
}
