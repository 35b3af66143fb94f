using System.Globalization;

namespace ActiveLearning.Atomistics.Generators.NonDiagonal;

/// <summary>
/// Non-diagonal supercells (Lloyd-Williams &amp; Monserrat, Phys. Rev. B 92, 184301 (2015)) for sampling the force
/// constants of an N1×N2×N3 q-grid with supercells of at most lcm(N1, N2, N3) primitive cells, and Allen &amp; Bartók's
/// training-set recipe on top (scalings, random strains, Gaussian displacements).
/// </summary>
/// <remarks>
/// Conventions: lattice vectors are rows (Å); q is given in fractional coordinates of the reciprocal lattice; a supercell
/// matrix S has supercell rows = S · primitive rows, and q is commensurate with it when S·q is an integer vector (e.g. the
/// diagonal 2×1×1 supercell is commensurate with q = (1/2, 0, 0)). A q-point of order n (the smallest n with n·q
/// integer) gets a supercell of exactly n primitive cells, which then samples exactly the multiples of q.
/// </remarks>
public static class NonDiagonalSupercells
{
    /// <summary>The largest lcm(N1, N2, N3) accepted, which bounds the size of every supercell and the work done.</summary>
    public const int MaximumOrder = 64;

    /// <summary>The largest number of grid points N1·N2·N3 accepted.</summary>
    public const int MaximumGridPoints = 1_000_000;

    /// <summary>
    /// Plans the supercells for a primitive lattice, reducing the grid by the point group of the lattice (its holohedry)
    /// and q ≡ −q. Use the <see cref="Plan(Structure, int, int, int, NonDiagonalOptions?)"/> overload for a crystal whose
    /// symmetry is lower than its lattice's.
    /// </summary>
    /// <param name="primitive">The primitive cell (rows = lattice vectors, Å).</param>
    /// <param name="n1">Grid size along the first reciprocal vector (≥ 1).</param>
    /// <param name="n2">Grid size along the second reciprocal vector (≥ 1).</param>
    /// <param name="n3">Grid size along the third reciprocal vector (≥ 1).</param>
    /// <param name="useSymmetry">False reduces by q ≡ −q only.</param>
    /// <param name="lengthTolerance">Tolerance (Å) on lattice lengths for the point-group search.</param>
    /// <exception cref="ArgumentException">A grid size is below 1 or too large, or the cell is singular.</exception>
    public static NonDiagonalPlan Plan(Cell primitive, int n1, int n2, int n3, bool useSymmetry = true, double lengthTolerance = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(primitive);
        CheckGrid(n1, n2, n3);
        CheckCell(primitive);
        var operations = useSymmetry ? LatticeSymmetry.LatticePointGroup(primitive, lengthTolerance) : [Identity()];
        return PlanCore(primitive, n1, n2, n3, operations);
    }

    /// <summary>
    /// Plans the supercells for a primitive crystal, reducing the grid by the lattice operations that map the crystal onto
    /// itself (with a translation) and by q ≡ −q.
    /// </summary>
    /// <param name="primitive">The primitive crystal, periodic along all three directions.</param>
    /// <param name="n1">Grid size along the first reciprocal vector (≥ 1).</param>
    /// <param name="n2">Grid size along the second reciprocal vector (≥ 1).</param>
    /// <param name="n3">Grid size along the third reciprocal vector (≥ 1).</param>
    /// <param name="options">Symmetry settings (<see cref="NonDiagonalOptions.UseSymmetry"/>, <see cref="NonDiagonalOptions.SymmetryTolerance"/>).</param>
    /// <exception cref="ArgumentException">
    /// A grid size is below 1 or too large, the cell is singular or not periodic in all directions, the crystal has no
    /// atoms, or it is not primitive (a translation that is not a lattice vector maps it onto itself).
    /// </exception>
    public static NonDiagonalPlan Plan(Structure primitive, int n1, int n2, int n3, NonDiagonalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(primitive);
        options ??= new NonDiagonalOptions();
        CheckGrid(n1, n2, n3);
        CheckCrystal(primitive, options.SymmetryTolerance);
        var operations = options.UseSymmetry
            ? LatticeSymmetry.CrystalPointGroup(primitive, LatticeSymmetry.LatticePointGroup(primitive.Cell, options.SymmetryTolerance), options.SymmetryTolerance)
            : [Identity()];
        return PlanCore(primitive.Cell, n1, n2, n3, operations);
    }

    /// <summary>
    /// The supercell of <paramref name="primitive"/> with rows = S · primitive rows: det S copies of every atom, at the
    /// primitive positions plus the lattice translations inside the supercell, wrapped into it. Info and per-atom arrays
    /// of the primitive are not copied.
    /// </summary>
    /// <param name="primitive">The crystal to repeat, periodic along all three directions.</param>
    /// <param name="matrix">The 3×3 integer supercell matrix S (det S ≠ 0; a negative determinant gives a left-handed cell).</param>
    /// <exception cref="ArgumentException">S is not 3×3 or is singular, or the crystal is not periodic or has a singular cell.</exception>
    public static Structure BuildSupercell(Structure primitive, int[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(primitive);
        ArgumentNullException.ThrowIfNull(matrix);
        if (primitive.Pbc != Pbc.All)
        {
            throw new ArgumentException($"A supercell needs a crystal periodic in all directions, not pbc {primitive.Pbc}.", nameof(primitive));
        }

        CheckCell(primitive.Cell);
        var s = IntegerMatrix.ToLong(matrix);
        var det = IntegerMatrix.Determinant(s);
        if (det == 0)
        {
            throw new ArgumentException("The supercell matrix is singular.", nameof(matrix));
        }

        var adjugate = IntegerMatrix.Adjugate(s);
        var lattice = primitive.Cell.Matrix;
        var superCell = new Cell(ToMat3(s) * lattice);

        // Translations t (integer rows) inside the supercell are those with fractional coordinates t·S⁻¹ = t·adj(S)/det
        // in [0, 1); they lie in the box spanned by the rows of S.
        Span<long> low = stackalloc long[3];
        Span<long> high = stackalloc long[3];
        for (var j = 0; j < 3; j++)
        {
            for (var i = 0; i < 3; i++)
            {
                low[j] += Math.Min(0, s[i, j]);
                high[j] += Math.Max(0, s[i, j]);
            }
        }

        var translations = new List<Vec3>();
        for (var t0 = low[0]; t0 <= high[0]; t0++)
        {
            for (var t1 = low[1]; t1 <= high[1]; t1++)
            {
                for (var t2 = low[2]; t2 <= high[2]; t2++)
                {
                    var inside = true;
                    for (var j = 0; j < 3 && inside; j++)
                    {
                        var u = (t0 * adjugate[0, j]) + (t1 * adjugate[1, j]) + (t2 * adjugate[2, j]);
                        inside = det > 0 ? u >= 0 && u < det : u <= 0 && u > det;
                    }

                    if (inside)
                    {
                        translations.Add(new Vec3(t0, t1, t2) * lattice);
                    }
                }
            }
        }

        if (translations.Count != Math.Abs(det))
        {
            throw new InvalidOperationException($"Found {translations.Count} lattice translations in a supercell of {Math.Abs(det)} cells.");
        }

        var count = translations.Count * primitive.Count;
        var numbers = new int[count];
        var positions = new Vec3[count];
        var index = 0;
        foreach (var translation in translations)
        {
            for (var atom = 0; atom < primitive.Count; atom++)
            {
                numbers[index] = primitive.AtomicNumbers[atom];
                positions[index] = superCell.Wrap(primitive.Positions[atom] + translation, Pbc.All);
                index++;
            }
        }

        var supercell = new Structure(superCell, Pbc.All, numbers, positions);
        supercell.Info["supercell_matrix"] = InfoValue.FromIntegers(IntegerMatrix.RowMajor(s));
        return supercell;
    }

    /// <summary>
    /// The training structures of Allen &amp; Bartók's recipe: for every supercell of <see cref="Plan(Structure, int, int, int, NonDiagonalOptions?)"/>,
    /// every scaling factor and every copy, the supercell scaled, strained by a random symmetric ε (L' = (I + ε)·L, atoms
    /// alike) and with Gaussian displacements. Deterministic for a seed. Each structure's info holds its provenance:
    /// <c>generator</c> = "ndsc", <c>supercell_matrix</c> and <c>ndsc_hnf</c> (row-major), <c>ndsc_grid</c>,
    /// <c>ndsc_q_target</c> and <c>ndsc_q_points</c> (reduced fractions, ';'-separated), <c>ndsc_q_symmetry</c>,
    /// <c>ndsc_scaling</c>, <c>ndsc_copy</c>, <c>ndsc_strain</c> (Voigt xx yy zz yz xz xy), <c>ndsc_sigma</c> (Å), <c>seed</c>.
    /// </summary>
    /// <param name="primitive">The primitive crystal, periodic along all three directions.</param>
    /// <param name="n1">Grid size along the first reciprocal vector (≥ 1).</param>
    /// <param name="n2">Grid size along the second reciprocal vector (≥ 1).</param>
    /// <param name="n3">Grid size along the third reciprocal vector (≥ 1).</param>
    /// <param name="options">The recipe; defaults as in <see cref="NonDiagonalOptions"/>.</param>
    /// <param name="seed">Seed of the <see cref="Random"/> that draws strains and displacements.</param>
    /// <exception cref="ArgumentException">As for <see cref="Plan(Structure, int, int, int, NonDiagonalOptions?)"/>, or an option is out of range (negative σ or amplitude, amplitude ≥ 0.5, copies &lt; 1, a scaling ≤ 0 or not finite, no scalings).</exception>
    public static IReadOnlyList<Structure> Generate(Structure primitive, int n1, int n2, int n3, NonDiagonalOptions? options = null, int seed = 0)
    {
        options ??= new NonDiagonalOptions();
        CheckOptions(options);
        var plan = Plan(primitive, n1, n2, n3, options);
        var random = new Random(seed);
        var result = new List<Structure>();
        foreach (var planned in plan.Supercells)
        {
            var pristine = BuildSupercell(primitive, planned.Matrix);
            foreach (var scaling in options.Scalings)
            {
                for (var copy = 0; copy < options.CopiesPerSupercell; copy++)
                {
                    var strain = Perturbations.RandomSymmetricStrain(random, options.StrainAmplitude);
                    // Scaling and strain as one deformation F = s·(I + ε), given to Strain as F − I.
                    var deformed = Perturbations.Strain(pristine, (scaling * (Mat3.Identity + strain)) + (-1.0 * Mat3.Identity));
                    var structure = Perturbations.Rattle(deformed, options.DisplacementSigma, random);
                    AddProvenance(structure, plan, planned, scaling, copy, strain, options.DisplacementSigma, seed);
                    result.Add(structure);
                }
            }
        }

        return result;
    }

    private static NonDiagonalPlan PlanCore(Cell cell, int n1, int n2, int n3, List<long[,]> operations)
    {
        var metric = LatticeSymmetry.Metric(cell);
        var common = (int)Lcm(Lcm(n1, n2), n3);
        int step1 = common / n1, step2 = common / n2, step3 = common / n3;
        var count = n1 * n2 * n3;
        var numerators = new long[count][];
        var orders = new int[count];
        for (var index = 0; index < count; index++)
        {
            var (i, j, k) = Unflatten(index, n2, n3);
            numerators[index] = [i * step1, j * step2, k * step3];
            var g = IntegerMatrix.Gcd(IntegerMatrix.Gcd(numerators[index][0], numerators[index][1]), IntegerMatrix.Gcd(numerators[index][2], common));
            orders[index] = (int)(common / g);
        }

        // Classes of q-points related by a point-group operation (q → M·q) or time reversal (q → −q).
        var parent = new int[count];
        for (var index = 0; index < count; index++)
        {
            parent[index] = index;
        }

        foreach (var m in operations)
        {
            for (var index = 0; index < count; index++)
            {
                var q = numerators[index];
                for (var sign = -1; sign <= 1; sign += 2)
                {
                    var a = IntegerMatrix.Modulo(sign * ((m[0, 0] * q[0]) + (m[0, 1] * q[1]) + (m[0, 2] * q[2])), common);
                    var b = IntegerMatrix.Modulo(sign * ((m[1, 0] * q[0]) + (m[1, 1] * q[1]) + (m[1, 2] * q[2])), common);
                    var c = IntegerMatrix.Modulo(sign * ((m[2, 0] * q[0]) + (m[2, 1] * q[1]) + (m[2, 2] * q[2])), common);
                    if (a % step1 == 0 && b % step2 == 0 && c % step3 == 0)
                    {
                        Union(parent, index, Flatten((int)(a / step1), (int)(b / step2), (int)(c / step3), n2, n3));
                    }
                }
            }
        }

        var irreducible = 0;
        for (var index = 0; index < count; index++)
        {
            irreducible += Find(parent, index) == index ? 1 : 0;
        }

        var sequence = new int[count];
        for (var index = 0; index < count; index++)
        {
            sequence[index] = index;
        }

        // Highest order first: a supercell for q also samples all multiples of q, which have lower orders.
        Array.Sort(sequence, (x, y) => orders[x] != orders[y] ? orders[y].CompareTo(orders[x]) : x.CompareTo(y));
        var covered = new bool[count];
        var candidatesByOrder = new Dictionary<int, List<Candidate>>();
        var supercells = new List<PlannedSupercell>();
        foreach (var index in sequence)
        {
            if (covered[Find(parent, index)])
            {
                continue;
            }

            if (!candidatesByOrder.TryGetValue(orders[index], out var candidates))
            {
                candidates = RankedCandidates(orders[index], metric);
                candidatesByOrder[orders[index]] = candidates;
            }

            var chosen = candidates.Find(c => IsCommensurate(c.HermiteNormalForm, numerators[index], common))
                ?? throw new InvalidOperationException($"No supercell of {orders[index]} cells is commensurate with q-point {index}: a bug.");

            var commensurate = new List<GridQPoint>();
            var newlyCovered = new HashSet<int>();
            for (var other = 0; other < count; other++)
            {
                if (IsCommensurate(chosen.HermiteNormalForm, numerators[other], common))
                {
                    var (i, j, k) = Unflatten(other, n2, n3);
                    commensurate.Add(new GridQPoint(i, j, k));
                    var root = Find(parent, other);
                    if (!covered[root])
                    {
                        covered[root] = true;
                        newlyCovered.Add(root);
                    }
                }
            }

            var bySymmetry = new List<GridQPoint>();
            for (var other = 0; other < count; other++)
            {
                if (newlyCovered.Contains(Find(parent, other)) && !IsCommensurate(chosen.HermiteNormalForm, numerators[other], common))
                {
                    var (i, j, k) = Unflatten(other, n2, n3);
                    bySymmetry.Add(new GridQPoint(i, j, k));
                }
            }

            var (ti, tj, tk) = Unflatten(index, n2, n3);
            supercells.Add(new PlannedSupercell(
                IntegerMatrix.ToInt(chosen.HermiteNormalForm), IntegerMatrix.ToInt(chosen.Reduced), new GridQPoint(ti, tj, tk), commensurate, bySymmetry));
        }

        return new NonDiagonalPlan(n1, n2, n3, operations.Count, irreducible, supercells);
    }

    private sealed record Candidate(long[,] HermiteNormalForm, long[,] Reduced, double LongestSquared, double SumSquared);

    // All supercells of a size, most compact first: shortest longest reduced vector, then smallest sum of squared lengths,
    // then the Hermite normal form in lexicographic order so ties break the same way on every machine.
    private static List<Candidate> RankedCandidates(int size, Mat3 metric)
    {
        var candidates = new List<Candidate>();
        foreach (var hnf in IntegerMatrix.EnumerateHermiteNormalForms(size))
        {
            var reduced = LatticeReduction.Reduce(hnf, metric);
            var longest = 0.0;
            var sum = 0.0;
            for (var i = 0; i < 3; i++)
            {
                var norm = LatticeReduction.NormSquared([reduced[i, 0], reduced[i, 1], reduced[i, 2]], metric);
                longest = Math.Max(longest, norm);
                sum += norm;
            }

            candidates.Add(new Candidate(hnf, reduced, longest, sum));
        }

        candidates.Sort(static (x, y) =>
        {
            var scale = Math.Max(x.SumSquared, y.SumSquared);
            if (Math.Abs(x.LongestSquared - y.LongestSquared) > 1e-9 * scale)
            {
                return x.LongestSquared.CompareTo(y.LongestSquared);
            }

            if (Math.Abs(x.SumSquared - y.SumSquared) > 1e-9 * scale)
            {
                return x.SumSquared.CompareTo(y.SumSquared);
            }

            var a = IntegerMatrix.RowMajor(x.HermiteNormalForm);
            var b = IntegerMatrix.RowMajor(y.HermiteNormalForm);
            for (var i = 0; i < 9; i++)
            {
                if (a[i] != b[i])
                {
                    return a[i].CompareTo(b[i]);
                }
            }

            return 0;
        });
        return candidates;
    }

    private static bool IsCommensurate(long[,] s, long[] numerators, int common)
    {
        for (var i = 0; i < 3; i++)
        {
            if (((s[i, 0] * numerators[0]) + (s[i, 1] * numerators[1]) + (s[i, 2] * numerators[2])) % common != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void AddProvenance(Structure structure, NonDiagonalPlan plan, PlannedSupercell planned, double scaling, int copy, Mat3 strain, double sigma, int seed)
    {
        var (n1, n2, n3) = (plan.N1, plan.N2, plan.N3);
        var info = structure.Info;
        info["generator"] = "ndsc";
        info["config_type"] = "ndsc";
        info["supercell_matrix"] = InfoValue.FromIntegers(IntegerMatrix.RowMajor(IntegerMatrix.ToLong(planned.Matrix)));
        info["ndsc_hnf"] = InfoValue.FromIntegers(IntegerMatrix.RowMajor(IntegerMatrix.ToLong(planned.HermiteNormalForm)));
        info["ndsc_grid"] = InfoValue.FromIntegers([n1, n2, n3]);
        info["ndsc_q_target"] = planned.Target.ToText(n1, n2, n3);
        info["ndsc_q_points"] = JoinQPoints(planned.Commensurate, n1, n2, n3);
        info["ndsc_q_symmetry"] = JoinQPoints(planned.EquivalentBySymmetry, n1, n2, n3);
        info["ndsc_scaling"] = scaling;
        info["ndsc_copy"] = (long)copy;
        info["ndsc_strain"] = InfoValue.FromReals([strain.XX, strain.YY, strain.ZZ, strain.YZ, strain.XZ, strain.XY]);
        info["ndsc_sigma"] = sigma;
        info["seed"] = (long)seed;
    }

    private static string JoinQPoints(IReadOnlyList<GridQPoint> points, int n1, int n2, int n3)
    {
        var texts = new string[points.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = points[i].ToText(n1, n2, n3);
        }

        return string.Join("; ", texts);
    }

    private static void CheckGrid(int n1, int n2, int n3)
    {
        if (n1 < 1 || n2 < 1 || n3 < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n1), string.Create(CultureInfo.InvariantCulture, $"The q-grid {n1}×{n2}×{n3} needs sizes of at least 1."));
        }

        var order = Lcm(Lcm(n1, n2), n3);
        if (order > MaximumOrder || (long)n1 * n2 * n3 > MaximumGridPoints)
        {
            throw new ArgumentOutOfRangeException(nameof(n1), string.Create(
                CultureInfo.InvariantCulture,
                $"The q-grid {n1}×{n2}×{n3} is too large: lcm {order} (at most {MaximumOrder}), {(long)n1 * n2 * n3} points (at most {MaximumGridPoints})."));
        }
    }

    private static void CheckCell(Cell cell)
    {
        if (cell.IsDegenerate)
        {
            throw new ArgumentException($"The primitive cell is singular: {cell}.", nameof(cell));
        }
    }

    private static void CheckCrystal(Structure crystal, double tolerance)
    {
        if (crystal.Pbc != Pbc.All)
        {
            throw new ArgumentException($"A primitive crystal must be periodic in all directions, not pbc {crystal.Pbc}.", nameof(crystal));
        }

        CheckCell(crystal.Cell);
        if (crystal.Count == 0)
        {
            throw new ArgumentException("The primitive crystal has no atoms.", nameof(crystal));
        }

        if (LatticeSymmetry.HasFractionalTranslation(crystal, tolerance))
        {
            throw new ArgumentException(
                $"The cell of {crystal.Formula} is not primitive: a translation that is not a lattice vector maps the crystal onto itself.", nameof(crystal));
        }
    }

    private static void CheckOptions(NonDiagonalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Scalings);
        if (options.Scalings.Count == 0)
        {
            throw new ArgumentException("At least one scaling factor is needed (1 for the cell as given).", nameof(options));
        }

        foreach (var scaling in options.Scalings)
        {
            if (!(scaling > 0) || !double.IsFinite(scaling))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Scaling factor {scaling} must be positive and finite."), nameof(options));
            }
        }

        if (!(options.DisplacementSigma >= 0) || !double.IsFinite(options.DisplacementSigma))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Displacement σ {options.DisplacementSigma} Å must be ≥ 0 and finite."), nameof(options));
        }

        if (!(options.StrainAmplitude >= 0) || options.StrainAmplitude >= 0.5)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Strain amplitude {options.StrainAmplitude} must be in [0, 0.5)."), nameof(options));
        }

        if (options.CopiesPerSupercell < 1)
        {
            throw new ArgumentException($"Copies per supercell {options.CopiesPerSupercell} must be at least 1.", nameof(options));
        }
    }

    private static long[,] Identity() => new long[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };

    private static Mat3 ToMat3(long[,] s) => new(s[0, 0], s[0, 1], s[0, 2], s[1, 0], s[1, 1], s[1, 2], s[2, 0], s[2, 1], s[2, 2]);

    private static long Lcm(long a, long b) => a / IntegerMatrix.Gcd(a, b) * b;

    private static int Flatten(int i, int j, int k, int n2, int n3) => (((i * n2) + j) * n3) + k;

    private static (int I, int J, int K) Unflatten(int index, int n2, int n3) => (index / (n2 * n3), index / n3 % n2, index % n3);

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    private static void Union(int[] parent, int x, int y)
    {
        var rx = Find(parent, x);
        var ry = Find(parent, y);
        if (rx != ry)
        {
            parent[Math.Max(rx, ry)] = Math.Min(rx, ry);
        }
    }
}
