using System.Globalization;
using System.Text;

namespace ActiveLearning.Atomistics.Generators;

/// <summary>Where the atoms of a random structure live.</summary>
public enum RandomStructureMode
{
    /// <summary>A bulk crystal, periodic along a, b and c.</summary>
    Bulk,

    /// <summary>A slab periodic along a and b, with <see cref="RandomStructureOptions.Vacuum"/> on both sides along c (pbc T T F).</summary>
    Slab,

    /// <summary>A non-periodic cluster centred in an orthorhombic box with <see cref="RandomStructureOptions.Vacuum"/> on every side.</summary>
    Cluster,
}

/// <summary>One element of a composition and its weight (stoichiometric count per formula unit, or relative probability).</summary>
/// <param name="Element">Chemical symbol, e.g. <c>Si</c>.</param>
/// <param name="Weight">Positive integer weight.</param>
public sealed record CompositionEntry(string Element, int Weight);

/// <summary>A minimum separation (Å) for one pair of elements, overriding the global one.</summary>
/// <param name="First">Chemical symbol of one element.</param>
/// <param name="Second">Chemical symbol of the other (may equal <paramref name="First"/>).</param>
/// <param name="Distance">Minimum separation in Å; positive and finite.</param>
public sealed record PairSeparation(string First, string Second, double Distance);

/// <summary>
/// Settings of AIRSS-style random structures (buildcell's NATOM, composition, VARVOL, MINSEP, SYMMOPS and cell bounds).
/// Units: Å and Å³. The defaults follow the random test set of the seed paper: 1–8 Si atoms, 20 Å³/atom ± 20 %, 2 Å apart.
/// </summary>
public sealed record RandomStructureOptions
{
    /// <summary>
    /// Estimated packing fraction (spheres of diameter = the smallest separation, at the largest allowed volume) above which
    /// a request is rejected up front: random placement and pushing cannot reliably reach the density of simple cubic
    /// packing (π/6 ≈ 0.52), and above the close-packed 0.74 it is impossible.
    /// </summary>
    public const double MaxPackingFraction = 0.5;

    /// <summary>Smallest number of atoms (default 1, at least 1).</summary>
    public int MinAtoms { get; init; } = 1;

    /// <summary>Largest number of atoms (default 8, at least <see cref="MinAtoms"/>, at most 10,000).</summary>
    public int MaxAtoms { get; init; } = 8;

    /// <summary>The elements and their weights (default Si:1). Elements must be distinct.</summary>
    public IReadOnlyList<CompositionEntry> Composition { get; init; } = [new("Si", 1)];

    /// <summary>
    /// <see langword="false"/> (default): the weights are a stoichiometry and the atom count is a whole number of formula
    /// units within [<see cref="MinAtoms"/>, <see cref="MaxAtoms"/>]. <see langword="true"/>: the count is uniform in that
    /// range and each atom's element is drawn with probability proportional to its weight.
    /// </summary>
    public bool FreeComposition { get; init; }

    /// <summary>Target volume per atom in Å³ (default 20); for slabs and clusters, the volume of the material without vacuum.</summary>
    public double VolumePerAtom { get; init; } = 20.0;

    /// <summary>
    /// Relative spread of the volume (VARVOL-like, default 0.2): the volume per atom is uniform in
    /// [v·(1 − s), v·(1 + s)]. In [0, 1).
    /// </summary>
    public double VolumeSpread { get; init; } = 0.2;

    /// <summary>Minimum separation between any two atoms in Å (default 2, MINSEP), where no pair-specific value applies.</summary>
    public double MinimumSeparation { get; init; } = 2.0;

    /// <summary>Pair-specific minimum separations in Å (default none); both elements must be in <see cref="Composition"/>.</summary>
    public IReadOnlyList<PairSeparation> PairSeparations { get; init; } = [];

    /// <summary>
    /// Minimum number of symmetry operations (SYMMOPS, 1–4; default 1 = no symmetry imposed). For 2–4 a space group with at
    /// least that many operations is drawn from a built-in set (P-1, P2, P2_1, Pm, P2/m, P2_1/c, P2_12_12_1, Pmm2) and atoms
    /// are placed as whole orbits (general or special Wyckoff positions). Bulk mode only.
    /// </summary>
    public int SymmetryOperations { get; init; } = 1;

    /// <summary>Smallest cell angle in degrees (default 60); free angles are uniform in [min, max].</summary>
    public double MinAngleDegrees { get; init; } = 60.0;

    /// <summary>Largest cell angle in degrees (default 120).</summary>
    public double MaxAngleDegrees { get; init; } = 120.0;

    /// <summary>Largest ratio of the longest to the shortest cell edge (default 2, at least 1).</summary>
    public double MaxLengthRatio { get; init; } = 2.0;

    /// <summary>Bulk (default), slab or cluster.</summary>
    public RandomStructureMode Mode { get; init; } = RandomStructureMode.Bulk;

    /// <summary>Vacuum in Å on each side for slabs (along c) and clusters (default 6); must be at least the largest separation.</summary>
    public double Vacuum { get; init; } = 6.0;

    /// <summary>Passes of pairwise pushing per attempt (default 300).</summary>
    public int PushPasses { get; init; } = 300;

    /// <summary>Fresh attempts (new cell and positions) before giving up with an <see cref="InvalidOperationException"/> (default 50).</summary>
    public int MaxAttempts { get; init; } = 50;

    /// <summary>The largest minimum separation of any element pair (Å).</summary>
    public double LargestSeparation
    {
        get
        {
            var largest = MinimumSeparation;
            foreach (var pair in PairSeparations)
            {
                largest = Math.Max(largest, pair.Distance);
            }

            return largest;
        }
    }

    /// <summary>The smallest minimum separation of any element pair that can occur (Å).</summary>
    public double SmallestSeparation
    {
        get
        {
            var n = Composition.Count;
            var smallest = double.PositiveInfinity;
            for (var i = 0; i < n; i++)
            {
                for (var j = i; j < n; j++)
                {
                    smallest = Math.Min(smallest, Separation(Composition[i].Element, Composition[j].Element));
                }
            }

            return smallest;
        }
    }

    /// <summary>The minimum separation (Å) required between atoms of two elements.</summary>
    public double Separation(string first, string second)
    {
        foreach (var pair in PairSeparations)
        {
            if ((pair.First == first && pair.Second == second) || (pair.First == second && pair.Second == first))
            {
                return pair.Distance;
            }
        }

        return MinimumSeparation;
    }

    /// <summary>
    /// A lower bound on the packing fraction any valid structure must reach at the largest allowed volume: spheres whose
    /// diameter is the smallest separation filling the whole cell, or, with a fixed stoichiometry, one element's atoms as
    /// spheres of its own separation (an element's sublattice must fit on its own), whichever is larger.
    /// </summary>
    public double EstimatedPackingFraction
    {
        get
        {
            var largestVolume = VolumePerAtom * (1 + VolumeSpread);
            var d = SmallestSeparation;
            var fraction = Math.PI / 6 * d * d * d / largestVolume;
            if (!FreeComposition)
            {
                foreach (var entry in Composition)
                {
                    var own = Separation(entry.Element, entry.Element);
                    var share = entry.Weight / (double)FormulaUnitSize;
                    fraction = Math.Max(fraction, share * Math.PI / 6 * own * own * own / largestVolume);
                }
            }

            return fraction;
        }
    }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, an element is unknown or repeated, or the request is impossible.</exception>
    public void Validate()
    {
        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message);
            }
        }

        Require(MinAtoms >= 1 && MaxAtoms >= MinAtoms && MaxAtoms <= 10_000,
            Invariant($"The atom count range [{MinAtoms}, {MaxAtoms}] must satisfy 1 ≤ min ≤ max ≤ 10000."));
        Require(Composition is { Count: > 0 }, "The composition needs at least one element.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Composition)
        {
            Require(Elements.TryParseSymbol(entry.Element, out var z) && z > 0, $"'{entry.Element}' in the composition is not an element.");
            Require(seen.Add(entry.Element), $"Element {entry.Element} appears twice in the composition.");
            Require(entry.Weight >= 1, Invariant($"The weight of {entry.Element} must be a positive integer, not {entry.Weight}."));
        }

        if (!FreeComposition)
        {
            var unit = FormulaUnitSize;
            Require((MaxAtoms / unit) * unit >= MinAtoms,
                Invariant($"No whole number of formula units ({unit} atoms each) lies in the atom count range [{MinAtoms}, {MaxAtoms}]."));
        }

        Require(double.IsFinite(VolumePerAtom) && VolumePerAtom > 0, Invariant($"The volume per atom must be positive, not {VolumePerAtom} Å³."));
        Require(VolumeSpread >= 0 && VolumeSpread < 1, Invariant($"The volume spread must be in [0, 1), not {VolumeSpread}."));
        Require(double.IsFinite(MinimumSeparation) && MinimumSeparation > 0,
            Invariant($"The minimum separation must be positive, not {MinimumSeparation} Å."));
        foreach (var pair in PairSeparations)
        {
            Require(seen.Contains(pair.First) && seen.Contains(pair.Second),
                $"The pair separation {pair.First}-{pair.Second} names an element that is not in the composition.");
            Require(double.IsFinite(pair.Distance) && pair.Distance > 0,
                Invariant($"The separation {pair.First}-{pair.Second} must be positive, not {pair.Distance} Å."));
        }

        Require(SymmetryOperations is >= 1 and <= 4, Invariant($"The number of symmetry operations must be 1–4, not {SymmetryOperations}."));
        Require(SymmetryOperations == 1 || Mode == RandomStructureMode.Bulk, "Symmetry operations are supported in bulk mode only.");
        Require(MinAngleDegrees >= 30 && MaxAngleDegrees <= 150 && MinAngleDegrees <= 90 && MaxAngleDegrees >= 90,
            Invariant($"The angle bounds [{MinAngleDegrees}°, {MaxAngleDegrees}°] must lie in [30°, 150°] and include 90°."));
        Require(double.IsFinite(MaxLengthRatio) && MaxLengthRatio >= 1, Invariant($"The length ratio bound must be ≥ 1, not {MaxLengthRatio}."));
        Require(Mode == RandomStructureMode.Bulk || (double.IsFinite(Vacuum) && Vacuum >= LargestSeparation),
            Invariant($"The vacuum ({Vacuum} Å) must be at least the largest separation ({LargestSeparation} Å)."));
        Require(PushPasses >= 1 && MaxAttempts >= 1, "Push passes and attempts must be at least 1.");
        var packing = EstimatedPackingFraction;
        Require(packing <= MaxPackingFraction, Invariant(
            $"Impossible request: the minimum separations need a packing fraction of at least {packing:F2} even at the largest volume ({VolumePerAtom * (1 + VolumeSpread):G4} Å³/atom); random structures are limited to {MaxPackingFraction} (close packing is 0.74). Lower the separation or raise the volume."));
    }

    /// <summary>Atoms per formula unit: the sum of the weights.</summary>
    public int FormulaUnitSize
    {
        get
        {
            var sum = 0;
            foreach (var entry in Composition)
            {
                sum += entry.Weight;
            }

            return sum;
        }
    }

    /// <summary>A one-line description of the settings, stored as provenance.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"atoms={MinAtoms}-{MaxAtoms} composition=");
        for (var i = 0; i < Composition.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(Composition[i].Element).Append(':').Append(Composition[i].Weight.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(CultureInfo.InvariantCulture, $" free={(FreeComposition ? 'T' : 'F')} volume={VolumePerAtom:R} spread={VolumeSpread:R} minsep={MinimumSeparation:R}");
        foreach (var pair in PairSeparations)
        {
            text.Append(CultureInfo.InvariantCulture, $" minsep_{pair.First}-{pair.Second}={pair.Distance:R}");
        }

        text.Append(CultureInfo.InvariantCulture, $" symmops={SymmetryOperations} angles={MinAngleDegrees:R}-{MaxAngleDegrees:R} ratio={MaxLengthRatio:R} mode={Mode}");
        if (Mode != RandomStructureMode.Bulk)
        {
            text.Append(CultureInfo.InvariantCulture, $" vacuum={Vacuum:R}");
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
