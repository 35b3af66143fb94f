namespace ActiveLearning.Atomistics.Fitting;

/// <summary>How the residuals of the extensive quantities (energy and virial) are normalised by the number of atoms N.</summary>
public enum SizeNormalisation
{
    /// <summary>
    /// Residuals divided by √N (XPOT's choice; the default): an energy term w_E·(E − E_ref)²/N = w_E·N·e² with e the error
    /// per atom, so energy, force (3N components) and stress terms all grow in proportion to N and their balance does not
    /// depend on the size of the cells.
    /// </summary>
    PerSqrtAtom,

    /// <summary>Total energy and virial as they are: w_E·(E − E_ref)², the loss as MLIP-2 writes it. Large cells dominate.</summary>
    Total,

    /// <summary>Residuals divided by N: w_E·e² with e the error per atom. Every structure counts the same in the energy term.</summary>
    PerAtom,
}

/// <summary>
/// Weights and solver settings of a linear least-squares fit. The loss minimised is
/// <c>w_E Σ_s (s(N)·(E − E_ref))² + w_F Σ_s Σ_i |F_i − F_ref,i|² + w_S Σ_s ‖s(N)·(W − W_ref)‖²_F + λ Σ_p D_pp·c_p²</c>
/// with W = −σV the virial (eV; ‖·‖_F over all nine components, so each shear component counts twice), s(N) set by
/// <see cref="Normalisation"/> and D_pp the diagonal of the normal matrix (see <see cref="Regularisation"/>).
/// </summary>
public sealed record LinearFitOptions
{
    /// <summary>Weight w_E of energy residuals (eV⁻²); default 1. Zero ignores energies.</summary>
    public double EnergyWeight { get; init; } = 1;

    /// <summary>Weight w_F of each force component residual (Å²/eV²); default 0.01. Zero ignores forces.</summary>
    public double ForceWeight { get; init; } = 0.01;

    /// <summary>Weight w_S of each virial component residual (eV⁻²); default 0.001. Zero ignores stresses.</summary>
    public double StressWeight { get; init; } = 0.001;

    /// <summary>Normalisation of the energy and virial residuals by the number of atoms; default <see cref="SizeNormalisation.PerSqrtAtom"/>.</summary>
    public SizeNormalisation Normalisation { get; init; } = SizeNormalisation.PerSqrtAtom;

    /// <summary>
    /// Tikhonov regularisation λ relative to the scale of the normal matrix (dimensionless, ≥ 0; default 1e-10): λ is added
    /// to the unit diagonal of the Jacobi-scaled normal matrix, i.e. the penalty λ·D_pp·c_p² scales with how strongly the
    /// data constrain each parameter, and the solution does not depend on the units of the parameters.
    /// </summary>
    public double Regularisation { get; init; } = 1e-10;

    /// <summary>
    /// Relative size (default 1e-12) below which an eigenvalue of the scaled normal matrix counts as zero: when Cholesky
    /// fails or its smallest squared pivot is below this times the largest, the system is solved through its symmetric
    /// eigendecomposition, dropping those directions (minimum-norm solution in the scaled parameters).
    /// </summary>
    public double RankTolerance { get; init; } = 1e-12;

    /// <summary>
    /// Threads across structures; 0 (default) means one per processor. Results are bitwise reproducible for a given
    /// number of threads (each thread owns a fixed share of each batch; partial sums are added in thread order).
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Structures read from the input per thread before they are processed (default 16); bounds the structures held at once.</summary>
    public int BatchPerThread { get; init; } = 16;

    /// <summary>Fails on negative or non-finite weights and tolerances.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        Check(EnergyWeight, nameof(EnergyWeight));
        Check(ForceWeight, nameof(ForceWeight));
        Check(StressWeight, nameof(StressWeight));
        Check(Regularisation, nameof(Regularisation));
        Check(RankTolerance, nameof(RankTolerance));
        if (EnergyWeight == 0 && ForceWeight == 0 && StressWeight == 0)
        {
            throw new ArgumentException("At least one of the energy, force and stress weights must be positive.");
        }

        if (Threads < 0 || BatchPerThread <= 0)
        {
            throw new ArgumentException($"Threads must be ≥ 0 and BatchPerThread > 0 (got {Threads} and {BatchPerThread}).");
        }

        if (!Enum.IsDefined(Normalisation))
        {
            throw new ArgumentException($"Unknown normalisation {Normalisation}.");
        }
    }

    private static void Check(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentException($"{name} must be finite and ≥ 0, got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", name);
        }
    }

    /// <summary>The factor s(N) by which energy and virial residuals are multiplied.</summary>
    internal double SizeFactor(int atoms) => Normalisation switch
    {
        SizeNormalisation.Total => 1,
        SizeNormalisation.PerAtom => 1.0 / atoms,
        _ => 1.0 / Math.Sqrt(atoms),
    };
}
