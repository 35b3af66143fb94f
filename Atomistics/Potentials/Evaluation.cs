namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// The result of evaluating a potential on a structure, and the reusable work space for doing so: output arrays,
/// per-thread accumulators and the neighbour list are kept between calls so that repeated evaluations (MD steps) do not
/// allocate.
/// </summary>
/// <remarks>
/// Work is split into a fixed number of contiguous atom ranges, one per thread, whose partial sums are added in range
/// order; results are therefore identical from run to run for a given <see cref="Threads"/>. Not thread-safe: one
/// evaluation per concurrent caller.
/// </remarks>
public sealed class Evaluation
{
    private AtomAccumulator[] accumulators = [];

    /// <summary>Creates a work space.</summary>
    /// <param name="threads">Threads for force evaluation; 0 (default) means one per processor.</param>
    public Evaluation(int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>Threads used for force evaluation.</summary>
    public int Threads { get; }

    /// <summary>Total energy in eV.</summary>
    public double Energy { get; private set; }

    /// <summary>Energy of each atom in eV (they sum to <see cref="Energy"/>).</summary>
    public double[] AtomEnergies { get; private set; } = [];

    /// <summary>Force on each atom in eV/Å.</summary>
    public Vec3[] Forces { get; private set; } = [];

    /// <summary>The virial −σ·V in eV (σ in ASE's sign); for a non-periodic structure it is still the strain derivative sum.</summary>
    public Mat3 Virial { get; private set; }

    /// <summary>The neighbour list of the last evaluation, reused by the next one when the cutoff matches.</summary>
    public Neighbours.NeighbourList? Neighbours { get; set; }

    /// <summary>Number of atoms of the last evaluation.</summary>
    public int AtomCount => Forces.Length;

    /// <summary>Stress in eV/Å³ (ASE's sign: compressed → negative), or <see langword="null"/> for a structure that is not periodic in 3-D.</summary>
    public Mat3? Stress(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return structure.Pbc == Pbc.All ? LabelSet.StressFromVirial(Virial, structure.Cell.Volume) : null;
    }

    /// <summary>Energy, a copy of the forces, and the stress (3-D periodic structures only) as a label set.</summary>
    public LabelSet ToLabels(Structure structure) => new(Energy, (Vec3[])Forces.Clone(), Stress(structure));

    /// <summary>The potential's element index of every atom, in a buffer reused between calls.</summary>
    public int[] MapTypes(SpeciesIndex species, Structure structure)
    {
        ArgumentNullException.ThrowIfNull(species);
        ArgumentNullException.ThrowIfNull(structure);
        types = species.Map(structure.AtomicNumbers, types);
        return types;
    }

    private int[] types = [];

    private readonly Dictionary<string, double[]> scratch = new(StringComparer.Ordinal);

    /// <summary>
    /// A work array of exactly <paramref name="length"/> doubles that a potential keeps between its passes over the atoms
    /// (e.g. each atom's electron density), reused between calls with the same <paramref name="key"/> so that repeated
    /// evaluations do not allocate. Its contents are left over from the previous use: the caller writes before it reads.
    /// </summary>
    /// <param name="key">Names the array; potentials use their own keys so that they do not share arrays by accident.</param>
    /// <param name="length">Number of elements (≥ 0).</param>
    public double[] Scratch(string key, int length)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!scratch.TryGetValue(key, out var array) || array.Length != length)
        {
            array = new double[length];
            scratch[key] = array;
        }

        return array;
    }

    /// <summary>Clears the outputs for a structure of <paramref name="atoms"/> atoms (called by potentials before accumulating).</summary>
    public void Reset(int atoms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atoms);
        if (Forces.Length != atoms)
        {
            Forces = new Vec3[atoms];
            AtomEnergies = new double[atoms];
        }
        else
        {
            Array.Clear(Forces);
            Array.Clear(AtomEnergies);
        }

        Energy = 0;
        Virial = default;
        var ranges = Math.Max(1, Math.Min(Threads, atoms / 32));
        if (accumulators.Length != ranges || accumulators[0].AtomCount != atoms)
        {
            accumulators = new AtomAccumulator[ranges];
            for (var r = 0; r < ranges; r++)
            {
                accumulators[r] = new AtomAccumulator(atoms);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> over all atoms split into contiguous ranges (in parallel when <see cref="Threads"/> &gt; 1),
    /// each range with its own accumulator, then adds the accumulators into the outputs in range order.
    /// </summary>
    /// <param name="body">Called as (first atom, end atom exclusive, accumulator).</param>
    public void Accumulate(Action<int, int, AtomAccumulator> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var atoms = AtomCount;
        var ranges = accumulators.Length;
        if (ranges == 1)
        {
            accumulators[0].Clear();
            body(0, atoms, accumulators[0]);
        }
        else
        {
            Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = Threads }, r =>
            {
                accumulators[r].Clear();
                body(r * atoms / ranges, (r + 1) * atoms / ranges, accumulators[r]);
            });
        }

        var forces = Forces;
        var atomEnergies = AtomEnergies;
        var energy = Energy;
        var virial = Virial;
        foreach (var accumulator in accumulators)
        {
            var partialForces = accumulator.Forces;
            var partialEnergies = accumulator.AtomEnergies;
            for (var i = 0; i < atoms; i++)
            {
                forces[i] += partialForces[i];
                atomEnergies[i] += partialEnergies[i];
            }

            energy += accumulator.Energy;
            virial += accumulator.Virial;
        }

        Energy = energy;
        Virial = virial;
    }

    /// <summary>Fails when any output is NaN or infinite, naming the first bad atom.</summary>
    /// <exception cref="PotentialException">An output is not finite.</exception>
    public void CheckFinite(string potential)
    {
        for (var i = 0; i < Forces.Length; i++)
        {
            var f = Forces[i];
            if (!double.IsFinite(f.X) || !double.IsFinite(f.Y) || !double.IsFinite(f.Z) || !double.IsFinite(AtomEnergies[i]))
            {
                throw new PotentialException($"{potential} gave a non-finite energy or force on atom {i + 1}.");
            }
        }

        if (!double.IsFinite(Energy) || !double.IsFinite(Virial.Trace) || !double.IsFinite(Virial.XY + Virial.XZ + Virial.YZ))
        {
            throw new PotentialException($"{potential} gave a non-finite energy or virial.");
        }
    }
}

/// <summary>
/// One thread's partial sums of forces, per-atom energies, energy and virial. Potentials express every contribution as an
/// energy and its gradient with respect to the relative vector between two atoms, which fixes forces and virial consistently.
/// </summary>
public sealed class AtomAccumulator
{
    internal AtomAccumulator(int atoms)
    {
        Forces = new Vec3[atoms];
        AtomEnergies = new double[atoms];
    }

    internal int AtomCount => Forces.Length;

    internal Vec3[] Forces { get; }

    internal double[] AtomEnergies { get; }

    internal double Energy { get; private set; }

    internal Mat3 Virial => new(vxx, vxy, vxz, vyx, vyy, vyz, vzx, vzy, vzz);

    private double vxx, vxy, vxz, vyx, vyy, vyz, vzx, vzy, vzz;

    internal void Clear()
    {
        Array.Clear(Forces);
        Array.Clear(AtomEnergies);
        Energy = 0;
        vxx = vxy = vxz = vyx = vyy = vyz = vzx = vzy = vzz = 0;
    }

    /// <summary>Adds <paramref name="energy"/> (eV) to atom <paramref name="atom"/> and to the total.</summary>
    public void AddEnergy(int atom, double energy)
    {
        AtomEnergies[atom] += energy;
        Energy += energy;
    }

    /// <summary>
    /// Accounts for an energy term's dependence on r_ik = r_k − r_i (Å): with g = ∂E/∂r_ik (eV/Å), atom k gets force −g,
    /// atom i gets +g, and the virial gets −r_ik ⊗ g.
    /// </summary>
    public void AddBond(int i, int k, Vec3 rik, Vec3 gradient)
    {
        Forces[i] += gradient;
        Forces[k] -= gradient;
        vxx -= rik.X * gradient.X;
        vxy -= rik.X * gradient.Y;
        vxz -= rik.X * gradient.Z;
        vyx -= rik.Y * gradient.X;
        vyy -= rik.Y * gradient.Y;
        vyz -= rik.Y * gradient.Z;
        vzx -= rik.Z * gradient.X;
        vzy -= rik.Z * gradient.Y;
        vzz -= rik.Z * gradient.Z;
    }
}
