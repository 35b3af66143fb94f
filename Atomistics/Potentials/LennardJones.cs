using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>The ε and σ of one pair of elements.</summary>
/// <param name="First">Atomic number of one element.</param>
/// <param name="Second">Atomic number of the other (may equal <paramref name="First"/>).</param>
/// <param name="Epsilon">Well depth in eV.</param>
/// <param name="Sigma">Zero-crossing distance in Å.</param>
public sealed record LennardJonesPair(int First, int Second, double Epsilon, double Sigma);

/// <summary>
/// The 12-6 Lennard-Jones potential φ(r) = 4ε[(σ/r)¹² − (σ/r)⁶], cut at <see cref="Cutoff"/> without shift or smoothing
/// (LAMMPS' <c>lj/cut</c>), optionally shifted to zero at the cutoff (<c>pair_modify shift yes</c>).
/// </summary>
public sealed class LennardJones : NeighbourPotential
{
    private readonly int elements;
    private readonly double[] fourEpsilon;
    private readonly double[] sigmaSquared;
    private readonly double[] shift;

    /// <summary>Creates the potential.</summary>
    /// <param name="pairs">ε and σ for every pair of elements that occurs (all elements named in any pair must have all pairs).</param>
    /// <param name="cutoff">Cutoff in Å.</param>
    /// <param name="shifted">Whether φ is shifted so that φ(cutoff) = 0 (continuous energy); default false.</param>
    /// <exception cref="ArgumentException">A pair is missing or repeated, or a parameter is not positive.</exception>
    public LennardJones(IReadOnlyList<LennardJonesPair> pairs, double cutoff, bool shifted = false)
        : base(DistinctElements(pairs))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cutoff);
        Cutoff = cutoff;
        elements = Species.Count;
        fourEpsilon = new double[elements * elements];
        sigmaSquared = new double[elements * elements];
        shift = new double[elements * elements];
        var seen = new bool[elements * elements];
        foreach (var pair in pairs)
        {
            if (pair.Epsilon <= 0 || pair.Sigma <= 0)
            {
                throw new ArgumentException($"ε and σ must be positive ({Elements.Symbol(pair.First)}-{Elements.Symbol(pair.Second)}).");
            }

            int a = SpeciesIndex[pair.First], b = SpeciesIndex[pair.Second];
            foreach (var slot in new[] { (a * elements) + b, (b * elements) + a })
            {
                if (seen[slot] && a != b)
                {
                    throw new ArgumentException($"The pair {Elements.Symbol(pair.First)}-{Elements.Symbol(pair.Second)} is given twice.");
                }

                seen[slot] = true;
                fourEpsilon[slot] = 4 * pair.Epsilon;
                sigmaSquared[slot] = pair.Sigma * pair.Sigma;
                var s6 = Math.Pow(pair.Sigma / cutoff, 6);
                shift[slot] = shifted ? 4 * pair.Epsilon * ((s6 * s6) - s6) : 0;
            }
        }

        if (Array.IndexOf(seen, false) >= 0)
        {
            throw new ArgumentException("Every pair of the elements needs ε and σ.");
        }

        Name = $"lj({string.Join(",", Species.Select(Elements.Symbol))}, cutoff {cutoff} Å{(shifted ? ", shifted" : string.Empty)})";
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override double Cutoff { get; }

    private static int[] DistinctElements(IReadOnlyList<LennardJonesPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return [.. pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct()];
    }

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        evaluation.Accumulate((first, end, accumulator) =>
        {
            var offsets = neighbours.Offsets;
            var indices = neighbours.Neighbours;
            var vectors = neighbours.Vectors;
            var distances = neighbours.Distances;
            for (var i = first; i < end; i++)
            {
                var row = types[i] * elements;
                var energy = 0.0;
                for (var k = offsets[i]; k < offsets[i + 1]; k++)
                {
                    var j = indices[k];
                    var slot = row + types[j];
                    var r = distances[k];
                    var s2 = sigmaSquared[slot] / (r * r);
                    var s6 = s2 * s2 * s2;
                    // Each pair is seen from both atoms; each side takes half of φ and of its gradient.
                    energy += 0.5 * ((fourEpsilon[slot] * ((s6 * s6) - s6)) - shift[slot]);
                    var dPhiDrOverR = fourEpsilon[slot] * ((-12 * s6 * s6) + (6 * s6)) / (r * r);
                    accumulator.AddBond(i, j, vectors[k], (0.5 * dPhiDrOverR) * vectors[k]);
                }

                accumulator.AddEnergy(i, energy);
            }
        });
    }
}
