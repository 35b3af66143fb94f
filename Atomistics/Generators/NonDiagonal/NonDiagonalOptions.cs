namespace ActiveLearning.Atomistics.Generators.NonDiagonal;

/// <summary>
/// Allen &amp; Bartók's recipe on top of the non-diagonal supercells: every supercell is emitted once per scaling factor
/// and copy, each copy with its own random symmetric strain and Gaussian displacements.
/// </summary>
public sealed record NonDiagonalOptions
{
    /// <summary>Isotropic scaling factors of the lattice (1 = as given; 0.98 = 2 % compression). Default: [1].</summary>
    public IReadOnlyList<double> Scalings { get; init; } = [1.0];

    /// <summary>Standard deviation σ (Å) of the Gaussian displacement of every Cartesian coordinate. Default 0.1 Å; 0 = none.</summary>
    public double DisplacementSigma { get; init; } = 0.1;

    /// <summary>
    /// Bound a of the random symmetric strain ε_ij ~ U(−a, a) (dimensionless), applied to the lattice as L' = (I + ε)·L and
    /// to the atoms alike. Default 0.01; 0 = none.
    /// </summary>
    public double StrainAmplitude { get; init; } = 0.01;

    /// <summary>Randomised copies per supercell and scaling factor. Default 1.</summary>
    public int CopiesPerSupercell { get; init; } = 1;

    /// <summary>Reduce the q-grid by the crystal's point group (always by q ≡ −q). Default true.</summary>
    public bool UseSymmetry { get; init; } = true;

    /// <summary>Tolerance (Å) for lattice lengths and atomic positions in the symmetry and primitivity checks. Default 1e-4 Å.</summary>
    public double SymmetryTolerance { get; init; } = 1e-4;
}
