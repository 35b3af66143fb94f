using System.Globalization;

namespace ActiveLearning.Atomistics.Generators;

/// <summary>How <see cref="Perturbations.Rattle"/> draws each Cartesian displacement component.</summary>
public enum RattleDistribution
{
    /// <summary>Normal with standard deviation equal to the amplitude.</summary>
    Gaussian,

    /// <summary>Uniform in [−amplitude, +amplitude].</summary>
    Uniform,
}

/// <summary>
/// Perturbed copies of structures and small reference systems: rattles, strains, isotropic scaling series (equations of
/// state), dimers (the repulsive wall) and isolated atoms (reference energies). Units: Å.
/// </summary>
/// <remarks>
/// Every result is a new structure whose labels (reference and calculated) are cleared — they no longer describe it — and
/// whose info records its provenance: <c>generator</c> (rattle, strain, scaling, dimer, isolated_atom),
/// <c>parameters</c> (a one-line description) and, when given, <c>parent</c>. Other info of the parent is kept.
/// </remarks>
public static class Perturbations
{
    /// <summary>
    /// Displaces every atom by a random vector whose Cartesian components are drawn independently; deterministic for the
    /// state of <paramref name="random"/>.
    /// </summary>
    /// <param name="structure">The structure (not changed).</param>
    /// <param name="amplitude">σ (Gaussian) or half-width (uniform) in Å; ≥ 0 and finite (e.g. 0.1 Å for Allen &amp; Bartók's recipe).</param>
    /// <param name="random">The random numbers.</param>
    /// <param name="distribution">Gaussian (default) or uniform.</param>
    /// <param name="parent">Identifier of the parent stored as provenance, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The amplitude is negative or not finite.</exception>
    public static Structure Rattle(
        Structure structure, double amplitude, Random random, RattleDistribution distribution = RattleDistribution.Gaussian, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(random);
        RequireFinite(amplitude, nameof(amplitude));
        ArgumentOutOfRangeException.ThrowIfNegative(amplitude);
        var result = Derived(structure, "rattle", Invariant($"distribution={distribution.ToString().ToLowerInvariant()} amplitude={amplitude:R}"), parent);
        var positions = result.Positions;
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] += distribution == RattleDistribution.Gaussian
                ? new Vec3(Gaussian(random), Gaussian(random), Gaussian(random)) * amplitude
                : new Vec3((2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1) * amplitude;
        }

        return result;
    }

    /// <summary>
    /// Applies a strain ε: the deformation F = I + ε maps every lattice vector and every position, L' = (I + ε)·L, so the
    /// fractional coordinates are unchanged.
    /// </summary>
    /// <param name="structure">The structure (not changed).</param>
    /// <param name="strain">ε (dimensionless); symmetric for a pure strain, though any matrix with det(I + ε) &gt; 0 is accepted.</param>
    /// <param name="parent">Identifier of the parent stored as provenance, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">I + ε is not finite or does not have a positive determinant.</exception>
    public static Structure Strain(Structure structure, Mat3 strain, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var deformation = Mat3.Identity + strain;
        if (!(deformation.Determinant > 0) || !double.IsFinite(deformation.Determinant))
        {
            throw new ArgumentException(Invariant($"The strain gives det(I + ε) = {deformation.Determinant}; it must be positive and finite."), nameof(strain));
        }

        var parameters = "strain=" + string.Join(' ', Array.ConvertAll(strain.ToRowMajorArray(), x => x.ToString("R", CultureInfo.InvariantCulture)));
        var result = Derived(structure, "strain", parameters, parent);
        result.Cell = structure.Cell.Deform(deformation);
        var positions = result.Positions;
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = deformation * positions[i];
        }

        return result;
    }

    /// <summary>A random symmetric strain with independent ε_ij = ε_ji ~ U(−a, a) (six components).</summary>
    /// <param name="random">The random numbers.</param>
    /// <param name="amplitude">a ≥ 0 (Allen &amp; Bartók use 0.01); below 0.5 so that I + ε stays invertible.</param>
    /// <exception cref="ArgumentOutOfRangeException">The amplitude is negative, not finite, or 0.5 or more.</exception>
    public static Mat3 RandomSymmetricStrain(Random random, double amplitude)
    {
        ArgumentNullException.ThrowIfNull(random);
        RequireFinite(amplitude, nameof(amplitude));
        ArgumentOutOfRangeException.ThrowIfNegative(amplitude);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(amplitude, 0.5);
        double Draw() => amplitude * ((2 * random.NextDouble()) - 1);
        double xx = Draw(), yy = Draw(), zz = Draw(), yz = Draw(), xz = Draw(), xy = Draw();
        return new Mat3(xx, xy, xz, xy, yy, yz, xz, yz, zz);
    }

    /// <summary>Applies <see cref="RandomSymmetricStrain"/> with amplitude <paramref name="amplitude"/>; see <see cref="Strain"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amplitude is negative, not finite, or 0.5 or more.</exception>
    public static Structure RandomStrain(Structure structure, double amplitude, Random random, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return Strain(structure, RandomSymmetricStrain(random, amplitude), parent);
    }

    /// <summary>
    /// Isotropically scaled copies for an equation of state: cell and positions multiplied by each linear factor f, so the
    /// volume scales by f³.
    /// </summary>
    /// <param name="structure">The structure (not changed).</param>
    /// <param name="linearFactors">Positive finite factors, e.g. 0.95 … 1.05.</param>
    /// <param name="parent">Identifier of the parent stored as provenance, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is not positive and finite.</exception>
    public static IReadOnlyList<Structure> ScalingSeries(Structure structure, IReadOnlyList<double> linearFactors, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(linearFactors);
        var results = new Structure[linearFactors.Count];
        for (var k = 0; k < results.Length; k++)
        {
            var f = linearFactors[k];
            if (!double.IsFinite(f) || f <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(linearFactors), f, "Scaling factors must be positive and finite.");
            }

            var result = Derived(structure, "scaling", Invariant($"linear_factor={f:R}"), parent);
            result.Cell = new Cell(f * structure.Cell.Matrix);
            var positions = result.Positions;
            for (var i = 0; i < positions.Length; i++)
            {
                positions[i] *= f;
            }

            results[k] = result;
        }

        return results;
    }

    /// <summary>
    /// Dimers of two elements at each distance, along x and centred: non-periodic in a zero cell when
    /// <paramref name="box"/> is 0, otherwise periodic in a cubic box of that edge.
    /// </summary>
    /// <param name="first">Chemical symbol of one atom.</param>
    /// <param name="second">Chemical symbol of the other.</param>
    /// <param name="distances">Positive finite distances in Å.</param>
    /// <param name="box">0 (default) for non-periodic; otherwise the cubic box edge in Å, more than twice every distance so the partner stays the nearest atom.</param>
    /// <exception cref="ArgumentException">An element is unknown, a distance is not positive and finite, or the box is too small.</exception>
    public static IReadOnlyList<Structure> Dimers(string first, string second, IReadOnlyList<double> distances, double box = 0)
    {
        ArgumentNullException.ThrowIfNull(distances);
        var z1 = AtomicNumber(first);
        var z2 = AtomicNumber(second);
        RequireBox(box);
        var results = new Structure[distances.Count];
        for (var k = 0; k < results.Length; k++)
        {
            var d = distances[k];
            if (!double.IsFinite(d) || d <= 0)
            {
                throw new ArgumentException(Invariant($"Dimer distance {d} Å must be positive and finite."), nameof(distances));
            }

            if (box > 0 && box <= 2 * d)
            {
                throw new ArgumentException(Invariant($"A {box} Å box is too small for a {d} Å dimer: it must exceed {2 * d} Å."), nameof(box));
            }

            var centre = box > 0 ? new Vec3(box / 2, box / 2, box / 2) : Vec3.Zero;
            var structure = new Structure(
                box > 0 ? Cell.Orthorhombic(box, box, box) : Cell.Empty,
                box > 0 ? Pbc.All : Pbc.None,
                [z1, z2],
                [centre - new Vec3(d / 2, 0, 0), centre + new Vec3(d / 2, 0, 0)]);
            structure.Info["generator"] = "dimer";
            structure.Info.TryAdd("config_type", "dimer");
            structure.Info["parameters"] = Invariant($"elements={first}-{second} distance={d:R} box={box:R}");
            structure.Info["dimer_distance"] = d;
            results[k] = structure;
        }

        return results;
    }

    /// <summary>One isolated atom per element (for reference energies): non-periodic when <paramref name="box"/> is 0, else in the centre of a periodic cubic box.</summary>
    /// <exception cref="ArgumentException">An element is unknown or the box is negative or not finite.</exception>
    public static IReadOnlyList<Structure> IsolatedAtoms(IReadOnlyList<string> elements, double box = 0)
    {
        ArgumentNullException.ThrowIfNull(elements);
        RequireBox(box);
        var results = new Structure[elements.Count];
        for (var k = 0; k < results.Length; k++)
        {
            var z = AtomicNumber(elements[k]);
            var structure = new Structure(
                box > 0 ? Cell.Orthorhombic(box, box, box) : Cell.Empty,
                box > 0 ? Pbc.All : Pbc.None,
                [z],
                [box > 0 ? new Vec3(box / 2, box / 2, box / 2) : Vec3.Zero]);
            structure.Info["generator"] = "isolated_atom";
            structure.Info.TryAdd("config_type", "isolated_atom");
            structure.Info["parameters"] = Invariant($"element={elements[k]} box={box:R}");
            results[k] = structure;
        }

        return results;
    }

    private static Structure Derived(Structure structure, string generator, string parameters, string? parent)
    {
        var result = structure.Clone();
        result.Reference = null;
        result.Calculated = null;
        result.Info["generator"] = generator;
        // A perturbed structure keeps its parent's group (rattled NDSC cells stay "ndsc") for per-type error reports.
        result.Info.TryAdd("config_type", generator);
        result.Info["parameters"] = parameters;
        if (parent is not null)
        {
            result.Info["parent"] = parent;
        }

        return result;
    }

    private static int AtomicNumber(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        return Elements.TryParseSymbol(symbol, out var z) && z > 0
            ? z
            : throw new ArgumentException($"'{symbol}' is not an element.", nameof(symbol));
    }

    private static void RequireBox(double box)
    {
        if (!double.IsFinite(box) || box < 0)
        {
            throw new ArgumentException(Invariant($"The box edge must be 0 (non-periodic) or positive, not {box} Å."), nameof(box));
        }
    }

    private static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "The value must be finite.");
        }
    }

    /// <summary>A standard normal deviate (Box–Muller; one of the pair is discarded to keep the stream simple).</summary>
    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
