namespace ActiveLearning.Atomistics.Neighbours;

/// <summary>
/// A full neighbour list over all periodic images: for every atom i, every atom j and lattice shift S with
/// <c>|positions[j] + S·cell − positions[i]| &lt; cutoff</c> (strictly), except i itself with the zero shift. Both i→j
/// (shift S) and j→i (shift −S) are present; an atom's own periodic images are its neighbours when the cell is thinner than
/// the cutoff, and the same atom appears once per image it has within the cutoff.
/// </summary>
/// <remarks>
/// <para>
/// Built with linked cells in fractional space, O(N) for a fixed density and cutoff, and exact for cells of any skew and
/// for cells thinner than the cutoff. Vectors follow ASE's <c>neighbor_list</c> convention and are computed from the
/// positions exactly as given (not wrapped into the cell): <c>vector = positions[j] + shift·cell − positions[i]</c>, so
/// <c>shift</c> absorbs whatever whole lattice translations separate the given positions from the cell.
/// </para>
/// <para>
/// The pairs are stored in compressed rows: the pairs of atom i are <c>[Offsets[i], Offsets[i + 1])</c> of
/// <see cref="Neighbours"/>, <see cref="Shifts"/>, <see cref="Vectors"/> and <see cref="Distances"/>, in no particular but
/// deterministic order. <see cref="Rebuild(ReadOnlySpan{Vec3})"/> recomputes the list in place for new positions (an MD step)
/// and allocates only when the list outgrows its storage. Spans handed out are valid until the next rebuild. A rebuild that
/// rejects its arguments leaves the list as it was. An instance is not thread-safe while it is being rebuilt; concurrent
/// reads are safe.
/// </para>
/// </remarks>
public sealed partial class NeighbourList
{
    private int[] offsets = [0];
    private int[] neighbours = [];
    private ImageShift[] shifts = [];
    private Vec3[] vectors = [];
    private double[] distances = [];

    private NeighbourList(double cutoff, Cell cell, Pbc pbc)
    {
        if (!double.IsFinite(cutoff) || cutoff <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(cutoff), cutoff, "The cutoff must be a positive, finite distance in Å.");
        }

        Cutoff = cutoff;
        Cell = cell;
        Pbc = pbc;
    }

    /// <summary>The cutoff radius in Å: pairs are listed when their distance is strictly less.</summary>
    public double Cutoff { get; }

    /// <summary>The cell of the last build (Å).</summary>
    public Cell Cell { get; private set; }

    /// <summary>The periodic directions of the last build.</summary>
    public Pbc Pbc { get; private set; }

    /// <summary>Number of atoms of the last build.</summary>
    public int AtomCount { get; private set; }

    /// <summary>Number of directed pairs (i→j and j→i count as two).</summary>
    public int PairCount { get; private set; }

    /// <summary>
    /// How many candidate pairs the last build examined (distances evaluated): a measure of the work done, which grows
    /// linearly with the number of atoms at a fixed density and cutoff. For diagnostics and tuning.
    /// </summary>
    public long CandidateCount { get; private set; }

    /// <summary>
    /// Row offsets, <see cref="AtomCount"/> + 1 of them: the pairs of atom i are at indices <c>[Offsets[i], Offsets[i + 1])</c>
    /// of <see cref="Neighbours"/>, <see cref="Shifts"/>, <see cref="Vectors"/> and <see cref="Distances"/>.
    /// </summary>
    public ReadOnlySpan<int> Offsets => offsets.AsSpan(0, AtomCount + 1);

    /// <summary>The neighbour index j of every pair, grouped by the first atom i (see <see cref="Offsets"/>).</summary>
    public ReadOnlySpan<int> Neighbours => neighbours.AsSpan(0, PairCount);

    /// <summary>The image shift of every pair, grouped by the first atom i (see <see cref="Offsets"/>).</summary>
    public ReadOnlySpan<ImageShift> Shifts => shifts.AsSpan(0, PairCount);

    /// <summary>The vector from i to the image of j of every pair, in Å, grouped by the first atom i (see <see cref="Offsets"/>).</summary>
    public ReadOnlySpan<Vec3> Vectors => vectors.AsSpan(0, PairCount);

    /// <summary>The length of every pair's vector, in Å, grouped by the first atom i (see <see cref="Offsets"/>).</summary>
    public ReadOnlySpan<double> Distances => distances.AsSpan(0, PairCount);

    /// <summary>
    /// Builds the neighbour list of a structure.
    /// </summary>
    /// <param name="structure">The structure; its positions (Å) are used as they are, wrapped or not.</param>
    /// <param name="cutoff">Cutoff radius in Å; positive and finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="structure"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cutoff"/> is not positive and finite.</exception>
    /// <exception cref="ArgumentException">
    /// A periodic lattice vector is zero or the periodic vectors are linearly dependent, a position is not finite or lies
    /// absurdly far (more than about 10⁸ cell lengths) from the cell, or the cutoff spans more than about 10⁶ periodic
    /// images along an axis.
    /// </exception>
    /// <exception cref="InvalidOperationException">The list would exceed the largest array .NET can hold.</exception>
    public static NeighbourList Build(Structure structure, double cutoff)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return Build(structure.Cell, structure.Pbc, structure.Positions, cutoff);
    }

    /// <summary>
    /// Builds the neighbour list of atoms at <paramref name="positions"/> in <paramref name="cell"/>.
    /// </summary>
    /// <param name="cell">
    /// Lattice vectors (Å). Only the periodic ones matter; the vectors along non-periodic directions may be zero or anything
    /// else (<see cref="Atomistics.Cell.Empty"/> for a molecule).
    /// </param>
    /// <param name="pbc">Periodic directions.</param>
    /// <param name="positions">Cartesian positions in Å, inside the cell or not.</param>
    /// <param name="cutoff">Cutoff radius in Å; positive and finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cell"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cutoff"/> is not positive and finite.</exception>
    /// <exception cref="ArgumentException">
    /// A periodic lattice vector is zero or the periodic vectors are linearly dependent, a position is not finite or lies
    /// absurdly far (more than about 10⁸ cell lengths) from the cell, or the cutoff spans more than about 10⁶ periodic
    /// images along an axis.
    /// </exception>
    /// <exception cref="InvalidOperationException">The list would exceed the largest array .NET can hold.</exception>
    public static NeighbourList Build(Cell cell, Pbc pbc, ReadOnlySpan<Vec3> positions, double cutoff)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var list = new NeighbourList(cutoff, cell, pbc);
        list.Rebuild(cell, pbc, positions);
        return list;
    }

    /// <summary>
    /// Recomputes the list in place for new positions of the same atoms in the same cell (an MD step), reusing the storage.
    /// </summary>
    /// <param name="positions">Cartesian positions in Å, one per atom, inside the cell or not.</param>
    /// <exception cref="ArgumentException">
    /// The number of positions differs from <see cref="AtomCount"/>, or a position is not finite or absurdly far from the cell.
    /// </exception>
    /// <exception cref="InvalidOperationException">The list would exceed the largest array .NET can hold.</exception>
    public void Rebuild(ReadOnlySpan<Vec3> positions)
    {
        if (positions.Length != AtomCount)
        {
            throw new ArgumentException(
                $"The list was built for {AtomCount} atoms but {positions.Length} positions were given; use the overload taking a cell to change the atoms.",
                nameof(positions));
        }

        Rebuild(Cell, Pbc, positions);
    }

    /// <summary>
    /// Recomputes the list in place for another structure (any number of atoms, e.g. the next frame of a variable-cell run),
    /// keeping the cutoff and reusing the storage.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="structure"/> is null.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Build(Structure, double)"/>.</exception>
    /// <exception cref="InvalidOperationException">The list would exceed the largest array .NET can hold.</exception>
    public void Rebuild(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        Rebuild(structure.Cell, structure.Pbc, structure.Positions);
    }

    /// <summary>
    /// Recomputes the list in place for other atoms, cell or periodicity, keeping the cutoff and reusing the storage.
    /// </summary>
    /// <param name="cell">Lattice vectors (Å); only the periodic ones matter.</param>
    /// <param name="pbc">Periodic directions.</param>
    /// <param name="positions">Cartesian positions in Å, inside the cell or not.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cell"/> is null.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Build(Cell, Pbc, ReadOnlySpan{Vec3}, double)"/>.</exception>
    /// <exception cref="InvalidOperationException">The list would exceed the largest array .NET can hold.</exception>
    public void Rebuild(Cell cell, Pbc pbc, ReadOnlySpan<Vec3> positions)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var basis = SearchBasis.For(cell, pbc);
        var grid = BinAtoms(basis, positions);

        // Past the argument checks only running out of pair storage can fail; the list is then left empty, not half-built.
        Cell = cell;
        Pbc = pbc;
        AtomCount = 0;
        PairCount = 0;
        CandidateCount = 0;
        if (offsets.Length < positions.Length + 1)
        {
            offsets = new int[positions.Length + 1];
        }

        offsets[0] = 0;
        FindPairs(basis, grid, positions);
        AtomCount = positions.Length;
    }

    /// <summary>Number of neighbours (pairs) of atom <paramref name="atom"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such atom.</exception>
    public int NeighbourCount(int atom)
    {
        CheckAtom(atom);
        return offsets[atom + 1] - offsets[atom];
    }

    /// <summary>The neighbour indices j of atom <paramref name="atom"/>, one per pair (an atom repeats once per image).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such atom.</exception>
    public ReadOnlySpan<int> NeighboursOf(int atom)
    {
        CheckAtom(atom);
        return neighbours.AsSpan(offsets[atom], offsets[atom + 1] - offsets[atom]);
    }

    /// <summary>The image shifts of the pairs of atom <paramref name="atom"/>, aligned with <see cref="NeighboursOf"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such atom.</exception>
    public ReadOnlySpan<ImageShift> ShiftsOf(int atom)
    {
        CheckAtom(atom);
        return shifts.AsSpan(offsets[atom], offsets[atom + 1] - offsets[atom]);
    }

    /// <summary>
    /// The vectors (Å) from atom <paramref name="atom"/> to the images of its neighbours, aligned with <see cref="NeighboursOf"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No such atom.</exception>
    public ReadOnlySpan<Vec3> VectorsOf(int atom)
    {
        CheckAtom(atom);
        return vectors.AsSpan(offsets[atom], offsets[atom + 1] - offsets[atom]);
    }

    /// <summary>The distances (Å) to the neighbours of atom <paramref name="atom"/>, aligned with <see cref="NeighboursOf"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such atom.</exception>
    public ReadOnlySpan<double> DistancesOf(int atom)
    {
        CheckAtom(atom);
        return distances.AsSpan(offsets[atom], offsets[atom + 1] - offsets[atom]);
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"NeighbourList({AtomCount} atoms, {PairCount} pairs, cutoff {Cutoff} Å, pbc {Pbc})");

    private void CheckAtom(int atom)
    {
        if ((uint)atom >= (uint)AtomCount)
        {
            throw new ArgumentOutOfRangeException(nameof(atom), atom, $"The list has atoms 0 to {AtomCount - 1}.");
        }
    }

    private void AppendPair(int neighbour, ImageShift shift, Vec3 vector, double distance)
    {
        if (PairCount == neighbours.Length)
        {
            GrowPairStorage();
        }

        neighbours[PairCount] = neighbour;
        shifts[PairCount] = shift;
        vectors[PairCount] = vector;
        distances[PairCount] = distance;
        PairCount++;
    }

    private void GrowPairStorage()
    {
        if (neighbours.Length >= Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"The neighbour list exceeds {Array.MaxLength} pairs; the cutoff is too large for this many atoms.");
        }

        var capacity = (int)Math.Min(Array.MaxLength, Math.Max(256L, 2L * neighbours.Length));
        Array.Resize(ref neighbours, capacity);
        Array.Resize(ref shifts, capacity);
        Array.Resize(ref vectors, capacity);
        Array.Resize(ref distances, capacity);
    }
}
