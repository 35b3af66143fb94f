namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// A potential linear in its parameters c: E = Σ_p c_p·B_p(structure). Fitting is then linear least squares and
/// D-optimality applies exactly; the rows B (and their force and virial derivatives) are what both need.
/// </summary>
/// <remarks>
/// Contract: for any structure, <c>rows.Energy · Parameters</c> equals the energy <see cref="IPotential.Compute"/> gives,
/// <c>rows.Force(i, a) · Parameters</c> the force component, <c>rows.Virial(v) · Parameters</c> the virial component, and
/// <c>rows.AtomEnergy(i) · Parameters</c> the per-atom energy (all to rounding).
/// </remarks>
public interface ILinearPotential : IPotential
{
    /// <summary>Number of linear parameters m.</summary>
    int ParameterCount { get; }

    /// <summary>The current parameters (length <see cref="ParameterCount"/>).</summary>
    IReadOnlyList<double> Parameters { get; }

    /// <summary>A copy of this potential with other linear parameters (everything non-linear unchanged).</summary>
    /// <exception cref="ArgumentException">The length is not <see cref="ParameterCount"/>.</exception>
    ILinearPotential WithParameters(ReadOnlySpan<double> parameters);

    /// <summary>Fills <paramref name="rows"/> with the derivatives of energy, per-atom energies and, if asked, forces and virial with respect to the parameters.</summary>
    /// <exception cref="PotentialException">As <see cref="IPotential.Compute"/>.</exception>
    void ComputeRows(Structure structure, LinearRows rows, bool withForces = true);
}

/// <summary>
/// The rows of a linear potential for one structure: each row is the derivative of one predicted quantity with respect to
/// the m parameters (row-major, m values per row). Reused between calls to avoid allocation: it also keeps the
/// potential's neighbour list and work arrays, so repeated calls for structures of the same size allocate nothing.
/// </summary>
/// <remarks>Not thread-safe: use one instance per thread.</remarks>
public sealed class LinearRows
{
    private double[] work = [];

    /// <summary>Number of parameters m (values per row).</summary>
    public int ParameterCount { get; private set; }

    /// <summary>Number of atoms N.</summary>
    public int AtomCount { get; private set; }

    /// <summary>Whether the force and virial rows were filled.</summary>
    public bool HasForces { get; private set; }

    /// <summary>∂E/∂c (eV per unit parameter), length m.</summary>
    public double[] Energy { get; private set; } = [];

    /// <summary>∂E_i/∂c for each atom i (neighbourhood mode of D-optimality), N×m.</summary>
    public double[] AtomEnergies { get; private set; } = [];

    /// <summary>∂F_{i,a}/∂c, row 3i+a, (3N)×m (eV/Å per unit parameter).</summary>
    public double[] Forces { get; private set; } = [];

    /// <summary>∂W_v/∂c of the virial W = −σV in Voigt order xx, yy, zz, yz, xz, xy, 6×m (eV per unit parameter).</summary>
    public double[] Virial { get; private set; } = [];

    /// <summary>Row of atom i's energy.</summary>
    public Span<double> AtomEnergy(int atom) => AtomEnergies.AsSpan(atom * ParameterCount, ParameterCount);

    /// <summary>Row of force component a (0, 1, 2) of atom i.</summary>
    public Span<double> Force(int atom, int axis) => Forces.AsSpan(((3 * atom) + axis) * ParameterCount, ParameterCount);

    /// <summary>Row of virial component v in Voigt order.</summary>
    public Span<double> VirialRow(int voigt) => Virial.AsSpan(voigt * ParameterCount, ParameterCount);

    /// <summary>Sizes and zeroes the rows (called by the potential).</summary>
    public void Reset(int atoms, int parameters, bool withForces)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atoms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameters);
        AtomCount = atoms;
        ParameterCount = parameters;
        HasForces = withForces;
        Energy = Sized(Energy, parameters);
        AtomEnergies = Sized(AtomEnergies, atoms * parameters);
        Forces = withForces ? Sized(Forces, 3 * atoms * parameters) : Forces;
        Virial = withForces ? Sized(Virial, 6 * parameters) : Virial;
    }

    /// <summary>The neighbour list of the previous call, rebuilt in place by the next one.</summary>
    internal Neighbours.NeighbourList? Neighbours { get; set; }

    /// <summary>The species types of the previous call's atoms, refilled by the next one.</summary>
    internal int[]? Types { get; set; }

    /// <summary>A zeroed work array of at least <paramref name="length"/> values, grown only when too small.</summary>
    internal Span<double> Work(int length)
    {
        if (work.Length < length)
        {
            work = new double[length];
        }

        var span = work.AsSpan(0, length);
        span.Clear();
        return span;
    }

    private static double[] Sized(double[] array, int length)
    {
        if (array.Length != length)
        {
            return new double[length];
        }

        Array.Clear(array);
        return array;
    }
}
