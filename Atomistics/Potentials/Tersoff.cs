using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// The Tersoff bond-order potential as LAMMPS' <c>pair_style tersoff</c> defines it:
/// E = ½ Σ_i Σ_{j≠i} V_ij with V_ij = f_C(r_ij) [A e^(−λ1 r_ij) − b_ij B e^(−λ2 r_ij)],
/// b_ij = (1 + β^n ζ_ij^n)^(−1/2n), ζ_ij = Σ_{k≠i,j} f_C(r_ik) g(θ_ijk) exp[λ3^m (r_ij − r_ik)^m],
/// g(θ) = γ [1 + c²/d² − c²/(d² + (cos θ − cos θ0)²)], and the smooth cutoff
/// f_C(r) = 1 below R − D, ½ − ½ sin(π(r − R)/2D) up to R + D, 0 beyond.
/// </summary>
/// <remarks>
/// The pair terms of i–j (A, λ1, B, λ2, n, β, R, D) come from the entry (i, j, j); the terms of ζ_ij for a third atom k
/// (m, γ, λ3, c, d, cos θ0, and R, D of f_C(r_ik)) from the entry (i, j, k). Atom i's energy is ½ V_ij summed over its
/// neighbours j, except that the bond-order (attractive) half of each ½ V_ij is split evenly between i and j, which is how
/// LAMMPS' <c>compute pe/atom</c> assigns it. Unlike LAMMPS, exp[λ3^m (r_ij − r_ik)^m] is not clamped at e^±69; no
/// published parameter set reaches that range for atoms further apart than <see cref="PotentialGuards.MinimumSeparation"/>.
/// </remarks>
public sealed class Tersoff : NeighbourPotential
{
    private readonly int elements;

    // Three-body terms of the ordered triplet (i, j, k), at [(i * elements + j) * elements + k].
    private readonly bool[] cubic;
    private readonly double[] gamma;
    private readonly double[] lambda3;
    private readonly double[] cSquared;
    private readonly double[] dSquared;
    private readonly double[] cosTheta0;
    private readonly double[] cutoffRadius;
    private readonly double[] cutoffWidth;
    private readonly double[] cutoffEnd;

    // Pair terms of the ordered pair (i, j), at [i * elements + j], from the triplet (i, j, j).
    private readonly double[] n;
    private readonly double[] beta;
    private readonly double[] lambda1;
    private readonly double[] a;
    private readonly double[] lambda2;
    private readonly double[] b;

    /// <summary>Creates the potential from one entry for every ordered triplet of its elements.</summary>
    /// <param name="entries">The entries; their elements, in order of first appearance, are the potential's elements.</param>
    /// <param name="name">The name in logs, e.g. <c>tersoff:SiC.tersoff</c>.</param>
    /// <exception cref="ArgumentException">A triplet is missing or repeated, or an entry's parameters are invalid (see <see cref="TersoffEntry.Problem"/>).</exception>
    public Tersoff(IReadOnlyList<TersoffEntry> entries, string name)
        : base(DistinctElements(entries))
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        elements = Species.Count;
        var triplets = elements * elements * elements;
        cubic = new bool[triplets];
        gamma = new double[triplets];
        lambda3 = new double[triplets];
        cSquared = new double[triplets];
        dSquared = new double[triplets];
        cosTheta0 = new double[triplets];
        cutoffRadius = new double[triplets];
        cutoffWidth = new double[triplets];
        cutoffEnd = new double[triplets];
        n = new double[elements * elements];
        beta = new double[elements * elements];
        lambda1 = new double[elements * elements];
        a = new double[elements * elements];
        lambda2 = new double[elements * elements];
        b = new double[elements * elements];
        var seen = new bool[triplets];
        foreach (var entry in entries)
        {
            var label = $"{Elements.Symbol(entry.Element1)} {Elements.Symbol(entry.Element2)} {Elements.Symbol(entry.Element3)}";
            if (entry.Problem() is { } problem)
            {
                throw new ArgumentException($"Tersoff entry {label}: {problem}.", nameof(entries));
            }

            int i = SpeciesIndex[entry.Element1], j = SpeciesIndex[entry.Element2], k = SpeciesIndex[entry.Element3];
            var slot = (((i * elements) + j) * elements) + k;
            if (seen[slot])
            {
                throw new ArgumentException($"The Tersoff entry {label} is given twice.", nameof(entries));
            }

            seen[slot] = true;
            cubic[slot] = entry.M == 3;
            gamma[slot] = entry.Gamma;
            lambda3[slot] = entry.Lambda3;
            cSquared[slot] = entry.C * entry.C;
            dSquared[slot] = entry.D * entry.D;
            cosTheta0[slot] = entry.CosTheta0;
            cutoffRadius[slot] = entry.CutoffRadius;
            cutoffWidth[slot] = entry.CutoffWidth;
            cutoffEnd[slot] = entry.CutoffRadius + entry.CutoffWidth;
            if (j == k)
            {
                var pair = (i * elements) + j;
                n[pair] = entry.N;
                beta[pair] = entry.Beta;
                lambda1[pair] = entry.Lambda1;
                a[pair] = entry.A;
                lambda2[pair] = entry.Lambda2;
                b[pair] = entry.B;
            }
        }

        var missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            throw new ArgumentException(
                $"The Tersoff entry {Elements.Symbol(Species[missing / (elements * elements)])} {Elements.Symbol(Species[missing / elements % elements])} " +
                $"{Elements.Symbol(Species[missing % elements])} is missing.",
                nameof(entries));
        }

        Cutoff = cutoffEnd.Max();
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The largest R + D of the entries, in Å.</summary>
    public override double Cutoff { get; }

    /// <summary>
    /// Reads a LAMMPS Tersoff file for the elements chosen, as <c>pair_coeff * * path elements...</c> does (see
    /// <see cref="TersoffFile.Read(string, IReadOnlyList{string})"/>).
    /// </summary>
    /// <param name="path">The <c>.tersoff</c> file.</param>
    /// <param name="elements">Element names as the file spells them, e.g. <c>["Si", "C"]</c> or <c>["Si(D)"]</c>.</param>
    /// <exception cref="Formats.StructureFormatException">"file:line: ..." for a malformed file or "file: ..." for a missing triplet.</exception>
    /// <exception cref="ArgumentException">A name is not an element name, or two name the same element.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Tersoff FromFile(string path, IReadOnlyList<string> elements) =>
        new(TersoffFile.Read(path, elements), $"tersoff:{Path.GetFileName(path)}({string.Join(",", elements)})");

    /// <summary>
    /// Silicon with Tersoff's published parameters (J. Tersoff, Phys. Rev. B 37, 6991 (1988), the "Si(C)" set), identical to
    /// the <c>Si Si Si</c> entry of LAMMPS' <c>Si.tersoff</c>: m = 3, γ = 1, λ3 = 1.3258 Å⁻¹, c = 4.8381, d = 2.0417,
    /// cos θ0 = 0, n = 22.956, β = 0.33675, λ2 = 1.3258 Å⁻¹, B = 95.373 eV, R = 3.0 Å, D = 0.2 Å, λ1 = 3.2394 Å⁻¹,
    /// A = 3264.7 eV; cutoff 3.2 Å.
    /// </summary>
    public static Tersoff Silicon() =>
        new([new TersoffEntry(14, 14, 14, 3.0, 1.0, 1.3258, 4.8381, 2.0417, 0.0, 22.956, 0.33675, 1.3258, 95.373, 3.0, 0.2, 3.2394, 3264.7)],
            "tersoff:Si(Tersoff 1988)");

    private static int[] DistinctElements(IReadOnlyList<TersoffEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var species = new List<int>();
        foreach (var entry in entries)
        {
            foreach (var element in (ReadOnlySpan<int>)[entry.Element1, entry.Element2, entry.Element3])
            {
                if (!species.Contains(element))
                {
                    species.Add(element);
                }
            }
        }

        return [.. species];
    }

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        evaluation.Accumulate((first, end, accumulator) => ComputeAtoms(types, neighbours, first, end, accumulator));
    }

    private void ComputeAtoms(int[] types, NeighbourList neighbours, int first, int end, AtomAccumulator accumulator)
    {
        var offsets = neighbours.Offsets;
        var indices = neighbours.Neighbours;
        var vectors = neighbours.Vectors;
        var distances = neighbours.Distances;
        for (var i = first; i < end; i++)
        {
            var from = offsets[i];
            var to = offsets[i + 1];
            for (var ij = from; ij < to; ij++)
            {
                var j = indices[ij];
                var pair = (types[i] * elements) + types[j];
                var pairTriplet = (pair * elements) + types[j];
                var rij = distances[ij];
                if (rij >= cutoffEnd[pairTriplet])
                {
                    continue;
                }

                var fc = SmoothCutoff(rij, cutoffRadius[pairTriplet], cutoffWidth[pairTriplet], out var dfc);
                var repulsive = a[pair] * Math.Exp(-lambda1[pair] * rij);
                var attractive = -b[pair] * Math.Exp(-lambda2[pair] * rij);

                var zeta = 0.0;
                for (var ik = from; ik < to; ik++)
                {
                    if (ik != ij)
                    {
                        zeta += ZetaTerm(pair * elements, types[indices[ik]], vectors[ij], rij, vectors[ik], distances[ik], false, out _, out _);
                    }
                }

                var bondOrder = BondOrder(zeta, n[pair], beta[pair], out var dBondOrder);

                // This is ½ V_ij; LAMMPS gives the repulsive part to i (j gets its own from V_ji) and splits the bond-order part.
                accumulator.AddEnergy(i, 0.5 * fc * repulsive);
                accumulator.AddEnergy(i, 0.25 * fc * bondOrder * attractive);
                accumulator.AddEnergy(j, 0.25 * fc * bondOrder * attractive);

                var dHalfVdr = 0.5 * ((dfc * (repulsive + (bondOrder * attractive))) + (fc * ((-lambda1[pair] * repulsive) - (lambda2[pair] * bondOrder * attractive))));
                var gradientIJ = (dHalfVdr / rij) * vectors[ij];

                // ∂(½ V_ij)/∂ζ_ij carries the dependence on every r_ik through ζ_ij.
                var dHalfVdZeta = 0.5 * fc * attractive * dBondOrder;
                if (dHalfVdZeta != 0)
                {
                    for (var ik = from; ik < to; ik++)
                    {
                        if (ik != ij)
                        {
                            ZetaTerm(pair * elements, types[indices[ik]], vectors[ij], rij, vectors[ik], distances[ik], true, out var dZetaDrij, out var dZetaDrik);
                            gradientIJ += dHalfVdZeta * dZetaDrij;
                            accumulator.AddBond(i, indices[ik], vectors[ik], dHalfVdZeta * dZetaDrik);
                        }
                    }
                }

                accumulator.AddBond(i, j, vectors[ij], gradientIJ);
            }
        }
    }

    // One term f_C(r_ik) g(θ_ijk) exp[λ3^m (r_ij − r_ik)^m] of ζ_ij and, when asked, its gradients with respect to the
    // vectors r_ij and r_ik. pairRow is (i * elements + j) * elements.
    private double ZetaTerm(
        int pairRow, int typeK, Vec3 vectorIJ, double rij, Vec3 vectorIK, double rik, bool withGradients, out Vec3 dTermDrij, out Vec3 dTermDrik)
    {
        var triplet = pairRow + typeK;
        dTermDrij = default;
        dTermDrik = default;
        if (rik >= cutoffEnd[triplet])
        {
            return 0;
        }

        var fc = SmoothCutoff(rik, cutoffRadius[triplet], cutoffWidth[triplet], out var dfc);
        var cos = vectorIJ.Dot(vectorIK) / (rij * rik);
        var delta = cos - cosTheta0[triplet];
        var dd = dSquared[triplet];
        var denominator = dd + (delta * delta);
        // 1 + c²/d² − c²/(d² + Δ²) written without the cancellation of two large terms.
        var g = gamma[triplet] * (1 + (cSquared[triplet] * delta * delta / (dd * denominator)));

        var x = lambda3[triplet] * (rij - rik);
        double exponential, dExponential;
        if (cubic[triplet])
        {
            exponential = Math.Exp(x * x * x);
            dExponential = 3 * lambda3[triplet] * x * x * exponential;
        }
        else
        {
            exponential = Math.Exp(x);
            dExponential = lambda3[triplet] * exponential;
        }

        if (withGradients)
        {
            var dg = gamma[triplet] * 2 * cSquared[triplet] * delta / (denominator * denominator);
            var unitIJ = vectorIJ / rij;
            var unitIK = vectorIK / rik;
            var dCosDrij = (unitIK - (cos * unitIJ)) / rij;
            var dCosDrik = (unitIJ - (cos * unitIK)) / rik;
            dTermDrij = fc * (((dg * exponential) * dCosDrij) + ((g * dExponential) * unitIJ));
            dTermDrik = ((dfc * g * exponential) * unitIK) + (fc * (((dg * exponential) * dCosDrik) - ((g * dExponential) * unitIK)));
        }

        return fc * g * exponential;
    }

    private static double SmoothCutoff(double r, double radius, double width, out double derivative)
    {
        if (r < radius - width)
        {
            derivative = 0;
            return 1;
        }

        var phase = Math.PI / 2 * (r - radius) / width;
        derivative = -Math.PI / (4 * width) * Math.Cos(phase);
        return 0.5 * (1 - Math.Sin(phase));
    }

    // b = (1 + (βζ)^n)^(−1/2n) and db/dζ = −½ b (βζ)^n / ((1 + (βζ)^n) ζ).
    private static double BondOrder(double zeta, double exponent, double scale, out double derivative)
    {
        if (zeta <= 0 || scale == 0)
        {
            derivative = 0;
            return 1;
        }

        var power = Math.Pow(scale * zeta, exponent);
        if (double.IsPositiveInfinity(power))
        {
            // (1 + x^n)^(−1/2n) → x^(−1/2) for x^n beyond double range.
            var limit = 1 / Math.Sqrt(scale * zeta);
            derivative = -0.5 * limit / zeta;
            return limit;
        }

        var bondOrder = Math.Pow(1 + power, -0.5 / exponent);
        derivative = -0.5 * bondOrder * power / ((1 + power) * zeta);
        return bondOrder;
    }
}
