namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>
/// The content of an MLIP-2 <c>.mtp</c> file: a moment tensor potential's radial basis, its moment tables (which basis
/// functions it has) and, once trained, its coefficients.
/// </summary>
/// <remarks>
/// Radial functions f_μ(r) = Σ_k c^{(t_i,t_j)}_{μ,k}·Q_k(r)·s·(max_dist − r)² for r &lt; max_dist with Q_k the Chebyshev
/// polynomials of r mapped from [min_dist, max_dist] to [−1, 1] and s = <see cref="Scaling"/>. Basic moments
/// (alpha_index_basic {μ, a, b, c}) are Σ_j f_μ(r_ij)·x̂^a·ŷ^b·ẑ^c; alpha_index_times {i, j, multiplicity, k} accumulate
/// moment k += multiplicity·moment i·moment j in order; <see cref="AlphaMomentMapping"/> lists which moments are the basis
/// functions B_α. Site energy V_i = ξ_{type(i)} + Σ_α θ_α·B_α. Types are 0-based; which element a type is comes from
/// outside the file.
/// </remarks>
public sealed class MtpModel
{
    /// <summary>The file format version (<c>1.1.0</c>).</summary>
    public string Version { get; set; } = "1.1.0";

    /// <summary>Optional <c>potential_name</c>.</summary>
    public string? PotentialName { get; set; }

    /// <summary>The radial scaling s (<c>scaling</c>; 1 when absent from the file).</summary>
    public double Scaling { get; set; } = 1.0;

    /// <summary>Whether the file had a <c>scaling</c> line (kept so that writing reproduces the file).</summary>
    public bool HasScaling { get; set; }

    /// <summary>Number of species (atom types).</summary>
    public int SpeciesCount { get; set; }

    /// <summary>The radial basis type; only <c>RBChebyshev</c> is supported.</summary>
    public string RadialBasisType { get; set; } = "RBChebyshev";

    /// <summary>Lower end of the Chebyshev interval, Å.</summary>
    public double MinDist { get; set; }

    /// <summary>Cutoff radius, Å.</summary>
    public double MaxDist { get; set; }

    /// <summary>Number of Chebyshev polynomials per radial function.</summary>
    public int RadialBasisSize { get; set; }

    /// <summary>Number of radial functions μ.</summary>
    public int RadialFuncsCount { get; set; }

    /// <summary>
    /// Radial coefficients c, index [((t_i·S + t_j)·RadialFuncsCount + μ)·RadialBasisSize + k] for S species, or
    /// <see langword="null"/> in an untrained template.
    /// </summary>
    public double[]? RadialCoeffs { get; set; }

    /// <summary>Number of moments (basic and products).</summary>
    public int AlphaMomentsCount { get; set; }

    /// <summary>Basic moments {μ, a, b, c}.</summary>
    public int[][] AlphaIndexBasic { get; set; } = [];

    /// <summary>Products {i, j, multiplicity, k}: moment k += multiplicity·moment i·moment j, applied in order.</summary>
    public int[][] AlphaIndexTimes { get; set; } = [];

    /// <summary>The moments that are basis functions (alpha_moment_mapping), length alpha_scalar_moments.</summary>
    public int[] AlphaMomentMapping { get; set; } = [];

    /// <summary>ξ per species (eV), or <see langword="null"/> when untrained.</summary>
    public double[]? SpeciesCoeffs { get; set; }

    /// <summary>θ per basis function (eV), or <see langword="null"/> when untrained.</summary>
    public double[]? MomentCoeffs { get; set; }

    /// <summary>Number of basis functions (alpha_scalar_moments).</summary>
    public int ScalarMomentsCount => AlphaMomentMapping.Length;

    /// <summary>Whether all coefficients are present.</summary>
    public bool IsTrained => RadialCoeffs is not null && SpeciesCoeffs is not null && MomentCoeffs is not null;

    /// <summary>A deep copy.</summary>
    public MtpModel Clone() => new()
    {
        Version = Version,
        PotentialName = PotentialName,
        Scaling = Scaling,
        HasScaling = HasScaling,
        SpeciesCount = SpeciesCount,
        RadialBasisType = RadialBasisType,
        MinDist = MinDist,
        MaxDist = MaxDist,
        RadialBasisSize = RadialBasisSize,
        RadialFuncsCount = RadialFuncsCount,
        RadialCoeffs = (double[]?)RadialCoeffs?.Clone(),
        AlphaMomentsCount = AlphaMomentsCount,
        AlphaIndexBasic = [.. AlphaIndexBasic.Select(r => (int[])r.Clone())],
        AlphaIndexTimes = [.. AlphaIndexTimes.Select(r => (int[])r.Clone())],
        AlphaMomentMapping = (int[])AlphaMomentMapping.Clone(),
        SpeciesCoeffs = (double[]?)SpeciesCoeffs?.Clone(),
        MomentCoeffs = (double[]?)MomentCoeffs?.Clone(),
    };

    /// <summary>
    /// Checks internal consistency: counts match tables, indices in range, products refer to earlier moments, sizes of
    /// coefficient arrays.
    /// </summary>
    /// <returns>The first problem found, or <see langword="null"/>.</returns>
    public string? Problem()
    {
        if (SpeciesCount < 1)
        {
            return "species_count must be at least 1";
        }

        if (RadialBasisType != "RBChebyshev")
        {
            return $"radial_basis_type {RadialBasisType} is not supported (only RBChebyshev)";
        }

        if (!(MinDist >= 0 && MaxDist > MinDist))
        {
            return $"min_dist {MinDist} and max_dist {MaxDist} must satisfy 0 ≤ min_dist < max_dist";
        }

        if (RadialBasisSize < 2 || RadialFuncsCount < 1)
        {
            return "radial_basis_size must be at least 2 and radial_funcs_count at least 1";
        }

        if (RadialCoeffs is not null && RadialCoeffs.Length != SpeciesCount * SpeciesCount * RadialFuncsCount * RadialBasisSize)
        {
            return $"radial_coeffs has {RadialCoeffs.Length} values; expected {SpeciesCount * SpeciesCount * RadialFuncsCount * RadialBasisSize}";
        }

        foreach (var basic in AlphaIndexBasic)
        {
            if (basic.Length != 4 || basic[0] < 0 || basic[0] >= RadialFuncsCount || basic[1] < 0 || basic[2] < 0 || basic[3] < 0)
            {
                return $"alpha_index_basic entry {{{string.Join(", ", basic)}}} is not {{μ < radial_funcs_count, a, b, c ≥ 0}}";
            }
        }

        for (var t = 0; t < AlphaIndexTimes.Length; t++)
        {
            var times = AlphaIndexTimes[t];
            if (times.Length != 4 || times[0] < 0 || times[1] < 0 || times[3] < AlphaIndexBasic.Length || times[3] >= AlphaMomentsCount
                || times[0] >= AlphaMomentsCount || times[1] >= AlphaMomentsCount)
            {
                return $"alpha_index_times entry {t} {{{string.Join(", ", times)}}} refers to moments outside 0..{AlphaMomentsCount - 1}";
            }
        }

        if (AlphaIndexBasic.Length > AlphaMomentsCount)
        {
            return $"alpha_index_basic has {AlphaIndexBasic.Length} entries but alpha_moments_count is {AlphaMomentsCount}";
        }

        foreach (var moment in AlphaMomentMapping)
        {
            if (moment < 0 || moment >= AlphaMomentsCount)
            {
                return $"alpha_moment_mapping refers to moment {moment}, outside 0..{AlphaMomentsCount - 1}";
            }
        }

        if (SpeciesCoeffs is not null && SpeciesCoeffs.Length != SpeciesCount)
        {
            return $"species_coeffs has {SpeciesCoeffs.Length} values; expected {SpeciesCount}";
        }

        if (MomentCoeffs is not null && MomentCoeffs.Length != ScalarMomentsCount)
        {
            return $"moment_coeffs has {MomentCoeffs.Length} values; expected alpha_scalar_moments = {ScalarMomentsCount}";
        }

        return null;
    }
}
