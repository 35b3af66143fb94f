using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials.Eam;

/// <summary>
/// The embedded-atom method from setfl (LAMMPS <c>pair_style eam/alloy</c>) or Finnis–Sinclair (<c>eam/fs</c>) tables:
/// E_i = F_a(ρ_i) + ½ Σ_j φ_ab(r_ij) with ρ_i = Σ_j ρ_ab(r_ij), a the element of atom i and b of its neighbour j.
/// </summary>
/// <remarks>
/// The tables are interpolated exactly as LAMMPS does (see <see cref="CubicTable"/>), on the file's own grids, and the
/// embedding energy is continued linearly with its end slope beyond the last tabulated density, so energies, forces and
/// stress agree with LAMMPS to rounding. Per-atom energies are LAMMPS' <c>pe/atom</c>: F(ρ_i) + ½ Σ_j φ(r_ij).
/// </remarks>
public sealed class EmbeddedAtom : NeighbourPotential
{
    // Per-evaluation buffer of F'(ρ_i), written in the density pass and read in the force pass.
    private const string EmbeddingSlopeKey = "eam:dF/dρ";

    private readonly int elements;
    private readonly CubicTable[] embedding;
    private readonly CubicTable[] density;
    private readonly CubicTable[] scaledPair;
    private readonly double maxDensity;
    private readonly double inverseDensitySpacing;
    private readonly int densityPoints;
    private readonly double inverseDistanceSpacing;
    private readonly int distancePoints;

    /// <summary>Builds the potential from read tables for the elements chosen, like LAMMPS' <c>pair_coeff * * file names…</c>.</summary>
    /// <param name="file">The tables.</param>
    /// <param name="elements">
    /// Names of the file's elements to use, each once (the potential's element order; a subset of the file is fine).
    /// </param>
    /// <exception cref="StructureFormatException">A name is not an element of the file (pointing at the file's element line).</exception>
    /// <exception cref="ArgumentException">No element is chosen, or two chosen names are the same element.</exception>
    public EmbeddedAtom(EamFile file, IReadOnlyList<string> elements)
        : base(ChosenSpecies(file, elements))
    {
        var n = elements.Count;
        this.elements = n;
        var index = new int[n];
        for (var a = 0; a < n; a++)
        {
            index[a] = file.IndexOf(elements[a]);
        }

        embedding = new CubicTable[n];
        density = new CubicTable[n * n];
        scaledPair = new CubicTable[n * n];
        for (var a = 0; a < n; a++)
        {
            embedding[a] = new CubicTable(file.Embedding(index[a]), file.DensitySpacing);
            for (var b = 0; b < n; b++)
            {
                density[(a * n) + b] = new CubicTable(file.Density(index[a], index[b]), file.DistanceSpacing);
                scaledPair[(a * n) + b] = new CubicTable(file.ScaledPair(index[a], index[b]), file.DistanceSpacing);
            }
        }

        densityPoints = file.DensityPoints;
        inverseDensitySpacing = embedding[0].InverseSpacing;
        maxDensity = embedding[0].Extent;
        distancePoints = file.DistancePoints;
        inverseDistanceSpacing = density[0].InverseSpacing;
        Cutoff = file.Cutoff;
        var style = file.Format == EamFileFormat.Setfl ? "eam/alloy" : "eam/fs";
        Name = $"{style}:{Path.GetFileName(file.Source)}({string.Join(",", elements)})";
    }

    /// <summary>Reads <paramref name="path"/> and builds the potential for the chosen elements.</summary>
    /// <param name="path">A setfl (<c>*.eam.alloy</c>) or Finnis–Sinclair (<c>*.eam.fs</c>) file.</param>
    /// <param name="elements">Names of the file's elements to use, e.g. <c>["Cu", "Ni"]</c>.</param>
    /// <param name="format">The format; by default <c>.fs</c> files are Finnis–Sinclair and others setfl.</param>
    /// <exception cref="StructureFormatException">The file is malformed or lacks a chosen element (<c>file:line:</c> message).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static EmbeddedAtom FromFile(string path, IReadOnlyList<string> elements, EamFileFormat? format = null) =>
        new(EamFile.Read(path, format), elements);

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override double Cutoff { get; }

    private static int[] ChosenSpecies(EamFile file, IReadOnlyList<string> elements)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(elements);
        if (elements.Count == 0)
        {
            throw new ArgumentException("Choose at least one element of the file.", nameof(elements));
        }

        var species = new int[elements.Count];
        for (var a = 0; a < elements.Count; a++)
        {
            var e = file.IndexOf(elements[a]);
            if (e < 0)
            {
                throw new StructureFormatException(
                    file.Source,
                    EamFile.ElementsLine,
                    $"element '{elements[a]}' is not in the file, which has {string.Join(", ", file.Elements.Select(x => x.Name))}");
            }

            species[a] = file.Elements[e].AtomicNumber;
        }

        return species;
    }

    /// <inheritdoc/>
    protected override void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation)
    {
        var types = evaluation.MapTypes(SpeciesIndex, structure);
        var embeddingSlope = evaluation.Scratch(EmbeddingSlopeKey, structure.Count);

        // Pass 1: each atom sums its own density from its full neighbour list, so ranges are independent.
        evaluation.Accumulate((first, end, accumulator) =>
        {
            var offsets = neighbours.Offsets;
            var indices = neighbours.Neighbours;
            var distances = neighbours.Distances;
            for (var i = first; i < end; i++)
            {
                var row = types[i] * elements;
                var rho = 0.0;
                for (var k = offsets[i]; k < offsets[i + 1]; k++)
                {
                    var (interval, fraction) = CubicTable.Locate(distances[k], inverseDistanceSpacing, distancePoints);
                    rho += density[row + types[indices[k]]].Value(interval, fraction);
                }

                var (m, p) = CubicTable.Locate(rho, inverseDensitySpacing, densityPoints);
                var energy = embedding[types[i]].Evaluate(m, p, out var slope);
                // Past the table F continues along its end tangent, as in LAMMPS (which keeps energy conserved there).
                if (rho > maxDensity)
                {
                    energy += slope * (rho - maxDensity);
                }

                embeddingSlope[i] = slope;
                accumulator.AddEnergy(i, energy);
            }
        });

        // Pass 2: seen from atom i, bond i–j changes F_i through ρ_i and takes half of φ; the other halves come from j's side.
        evaluation.Accumulate((first, end, accumulator) =>
        {
            var offsets = neighbours.Offsets;
            var indices = neighbours.Neighbours;
            var vectors = neighbours.Vectors;
            var distances = neighbours.Distances;
            for (var i = first; i < end; i++)
            {
                var row = types[i] * elements;
                var slopeI = embeddingSlope[i];
                var energy = 0.0;
                for (var k = offsets[i]; k < offsets[i + 1]; k++)
                {
                    var j = indices[k];
                    var slot = row + types[j];
                    var r = distances[k];
                    var (interval, fraction) = CubicTable.Locate(r, inverseDistanceSpacing, distancePoints);
                    var densitySlope = density[slot].Derivative(interval, fraction);
                    var z = scaledPair[slot].Evaluate(interval, fraction, out var zSlope);
                    var inverseR = 1.0 / r;
                    var phi = z * inverseR;
                    var phiSlope = (zSlope * inverseR) - (phi * inverseR);
                    energy += 0.5 * phi;
                    var dEdr = (slopeI * densitySlope) + (0.5 * phiSlope);
                    accumulator.AddBond(i, j, vectors[k], (dEdr * inverseR) * vectors[k]);
                }

                accumulator.AddEnergy(i, energy);
            }
        });
    }
}
