namespace ActiveLearning.Atomistics.Neighbours;

// The linked-cell search. Atoms are wrapped into the cell along periodic axes and sorted into bins laid out in fractional
// coordinates of the search basis, at least a cutoff wide (face to face) where the cell allows. A pair within the cutoff
// differs in fractional coordinate i by at most cutoff / planeSpacing_i whatever the skew of the cell, so searching
// ceil(cutoff / binWidth_i) bins either side along every axis finds all of them; when the cell is thinner than the cutoff
// that range wraps around the cell several times and so visits several images of the same atom, its own included.
public sealed partial class NeighbourList
{
    // Pairs are screened in the wrapped frame against a radius this much (relative) larger than the cutoff, then decided
    // from the caller's positions; the slack absorbs the rounding of wrapping, so no pair within the cutoff is missed.
    private const double ScreeningSlack = 1e-9;

    // At most this many bins per atom: a few atoms in a large box, or a tiny cutoff, must not cost more than O(N) memory.
    private const int MaxBinsPerAtom = 2;

    // Beyond these, whole-cell counts and bin arithmetic could overflow an int.
    private const double MaxWrapCells = 1e8;
    private const double MaxReachBins = 1e6;

    // Work arrays, kept between rebuilds so that an MD step does not allocate.
    private Vec3[] wrappedPositions = [];
    private ImageShift[] wrapShifts = [];
    private int[] binOfAtom = [];
    private int[] binStart = [];
    private int[] binnedAtoms = [];
    private Vec3[] binnedPositions = [];

    // Wraps the atoms into the cell and sorts them into bins. Touches only the workspace, so a position it rejects leaves
    // the list as it was.
    private BinGrid BinAtoms(SearchBasis basis, ReadOnlySpan<Vec3> positions)
    {
        var atomCount = positions.Length;
        EnsureAtomWorkspace(atomCount);
        var pbc = basis.Pbc;
        var screening = Cutoff * (1 + ScreeningSlack);

        // Fractional coordinates, wrapped into [0, 1) along the periodic axes; the extent of the others.
        var inverse = basis.Inverse;
        Span<double> low = [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity];
        Span<double> high = [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity];
        for (var i = 0; i < atomCount; i++)
        {
            var r = positions[i];
            if (!double.IsFinite(r.X) || !double.IsFinite(r.Y) || !double.IsFinite(r.Z))
            {
                throw new ArgumentException($"Position {i} is {r}; positions must be finite.", nameof(positions));
            }

            var s = r * inverse;
            var a = Wrap(s.X, pbc.A, out var cellsA);
            var b = Wrap(s.Y, pbc.B, out var cellsB);
            var c = Wrap(s.Z, pbc.C, out var cellsC);
            wrappedPositions[i] = new Vec3(a, b, c);
            wrapShifts[i] = new ImageShift(cellsA, cellsB, cellsC);
            low[0] = Math.Min(low[0], a);
            low[1] = Math.Min(low[1], b);
            low[2] = Math.Min(low[2], c);
            high[0] = Math.Max(high[0], a);
            high[1] = Math.Max(high[1], b);
            high[2] = Math.Max(high[2], c);
        }

        // Bins per axis: about one cutoff wide, fewer when their total would exceed the cap.
        Span<double> idealBins = stackalloc double[3];
        for (var axis = 0; axis < 3; axis++)
        {
            var width = pbc[axis] ? basis.PlaneSpacings[axis] : (high[axis] - low[axis]) * basis.PlaneSpacings[axis];
            idealBins[axis] = Math.Max(1, Math.Floor(Math.Min(width / screening, (double)MaxBinsPerAtom * atomCount)));
        }

        CapBinCount(idealBins, Math.Max(1.0, (double)MaxBinsPerAtom * atomCount));
        var spacings = basis.PlaneSpacings;
        var gridA = AxisBins.Create(0, pbc.A, (int)idealBins[0], low[0], high[0], spacings.X, screening);
        var gridB = AxisBins.Create(1, pbc.B, (int)idealBins[1], low[1], high[1], spacings.Y, screening);
        var gridC = AxisBins.Create(2, pbc.C, (int)idealBins[2], low[2], high[2], spacings.Z, screening);
        SortIntoBins(basis, gridA, gridB, gridC, atomCount);
        return new BinGrid(gridA, gridB, gridC);
    }

    private void FindPairs(SearchBasis basis, BinGrid grid, ReadOnlySpan<Vec3> positions)
    {
        var atomCount = positions.Length;
        var screening = Cutoff * (1 + ScreeningSlack);
        var (gridA, gridB, gridC) = grid;
        var countB = gridB.Count;
        var countC = gridC.Count;
        var reachA = gridA.Reach;
        var reachB = gridB.Reach;
        var reachC = gridC.Reach;
        var rowA = basis.Matrix.Row(0);
        var rowB = basis.Matrix.Row(1);
        var rowC = basis.Matrix.Row(2);
        var screeningSquared = screening * screening;
        var matrix = basis.Matrix;
        // Locals, not fields: appending a pair is a call, after which the JIT would reload every field.
        var starts = binStart;
        var atomsInBins = binnedAtoms;
        var positionsInBins = binnedPositions;
        var centres = wrappedPositions;
        var wraps = wrapShifts;
        long candidates = 0;
        for (var i = 0; i < atomCount; i++)
        {
            var bin = binOfAtom[i];
            var binA = bin / (countB * countC);
            var binB = bin / countC % countB;
            var binC = bin % countC;
            var centre = centres[i];
            var centreShift = wraps[i];
            for (var stepA = -reachA; stepA <= reachA; stepA++)
            {
                if (!gridA.TryStep(binA, stepA, out var targetA, out var imageA))
                {
                    continue;
                }

                var translationA = imageA * rowA;
                for (var stepB = -reachB; stepB <= reachB; stepB++)
                {
                    if (!gridB.TryStep(binB, stepB, out var targetB, out var imageB))
                    {
                        continue;
                    }

                    var translationAB = translationA + (imageB * rowB);
                    var rowStart = ((targetA * countB) + targetB) * countC;
                    for (var stepC = -reachC; stepC <= reachC; stepC++)
                    {
                        if (!gridC.TryStep(binC, stepC, out var targetC, out var imageC))
                        {
                            continue;
                        }

                        var fromCentre = translationAB + (imageC * rowC) - centre;
                        var isHomeImage = imageA == 0 && imageB == 0 && imageC == 0;
                        var first = starts[rowStart + targetC];
                        var end = starts[rowStart + targetC + 1];
                        candidates += end - first;
                        for (var slot = first; slot < end; slot++)
                        {
                            var delta = positionsInBins[slot] + fromCentre;
                            if (delta.LengthSquared >= screeningSquared)
                            {
                                continue;
                            }

                            var j = atomsInBins[slot];
                            if (j == i && isHomeImage)
                            {
                                continue;
                            }

                            // Undo the wrapping of both atoms so the shift applies to the positions as given.
                            var wrapJ = wraps[j];
                            var shift = new ImageShift(
                                imageA + centreShift.A - wrapJ.A, imageB + centreShift.B - wrapJ.B, imageC + centreShift.C - wrapJ.C);
                            var vector = positions[j] + (new Vec3(shift.A, shift.B, shift.C) * matrix) - positions[i];
                            var distance = vector.Length;
                            if (distance < Cutoff)
                            {
                                AppendPair(j, shift, vector, distance);
                            }
                        }
                    }
                }
            }

            offsets[i + 1] = PairCount;
        }

        CandidateCount = candidates;
    }

    private static double Wrap(double fractional, bool periodic, out int wholeCells)
    {
        if (!periodic)
        {
            wholeCells = 0;
            return fractional;
        }

        var floor = Math.Floor(fractional);
        if (!(Math.Abs(floor) <= MaxWrapCells))
        {
            throw new ArgumentException(
                FormattableString.Invariant($"A position lies {floor} cell lengths from the cell; positions must lie within {MaxWrapCells} cell lengths."),
                "positions");
        }

        var wrapped = fractional - floor;
        if (wrapped >= 1)
        {
            // A coordinate just below a whole number rounds up to it.
            wrapped = 0;
            floor++;
        }

        wholeCells = (int)floor;
        return wrapped;
    }

    // Shrinks the largest axes until the product is within the limit; each axis keeps at least one bin.
    private static void CapBinCount(Span<double> bins, double limit)
    {
        while (bins[0] * bins[1] * bins[2] > limit)
        {
            var largest = bins[0] >= bins[1] && bins[0] >= bins[2] ? 0 : bins[1] >= bins[2] ? 1 : 2;
            var others = bins[0] * bins[1] * bins[2] / bins[largest];
            bins[largest] = Math.Max(1, Math.Min(bins[largest] - 1, Math.Floor(limit / others)));
        }
    }

    private void SortIntoBins(SearchBasis basis, AxisBins gridA, AxisBins gridB, AxisBins gridC, int atomCount)
    {
        var binCount = gridA.Count * gridB.Count * gridC.Count;
        if (binStart.Length < binCount + 1)
        {
            binStart = new int[binCount + 1];
        }

        var starts = binStart.AsSpan(0, binCount + 1);
        starts.Clear();
        for (var i = 0; i < atomCount; i++)
        {
            var s = wrappedPositions[i];
            var bin = (((gridA.BinOf(s.X) * gridB.Count) + gridB.BinOf(s.Y)) * gridC.Count) + gridC.BinOf(s.Z);
            binOfAtom[i] = bin;
            starts[bin]++;
        }

        // Counting sort: running totals give each bin's end; filling backwards leaves each bin's start and keeps the atoms
        // of a bin in index order.
        for (var bin = 1; bin < binCount; bin++)
        {
            starts[bin] += starts[bin - 1];
        }

        starts[binCount] = atomCount;
        for (var i = atomCount - 1; i >= 0; i--)
        {
            var slot = --starts[binOfAtom[i]];
            var cartesian = wrappedPositions[i] * basis.Matrix;
            wrappedPositions[i] = cartesian;
            binnedAtoms[slot] = i;
            binnedPositions[slot] = cartesian;
        }
    }

    private void EnsureAtomWorkspace(int atomCount)
    {
        if (wrappedPositions.Length >= atomCount)
        {
            return;
        }

        wrappedPositions = new Vec3[atomCount];
        wrapShifts = new ImageShift[atomCount];
        binOfAtom = new int[atomCount];
        binnedAtoms = new int[atomCount];
        binnedPositions = new Vec3[atomCount];
    }

    private readonly record struct BinGrid(AxisBins A, AxisBins B, AxisBins C);

    /// <summary>The bins along one axis of the search basis.</summary>
    private readonly struct AxisBins
    {
        private readonly bool periodic;
        private readonly double origin;
        private readonly double binsPerUnit;

        private AxisBins(bool periodic, int count, int reach, double origin, double binsPerUnit)
        {
            this.periodic = periodic;
            Count = count;
            Reach = reach;
            this.origin = origin;
            this.binsPerUnit = binsPerUnit;
        }

        /// <summary>Bins along the axis.</summary>
        public int Count { get; }

        /// <summary>Bins to search on either side of an atom's own.</summary>
        public int Reach { get; }

        public static AxisBins Create(int axis, bool periodic, int count, double low, double high, double planeSpacing, double screening)
        {
            if (periodic)
            {
                // Fractional coordinates run over [0, 1); a pair within the cutoff differs by < cutoff / planeSpacing in them.
                var reachInBins = screening / planeSpacing * count;
                if (reachInBins > MaxReachBins)
                {
                    throw new ArgumentException(
                        FormattableString.Invariant(
                            $"The cutoff {screening} Å spans {reachInBins:G3} periodic images along lattice vector {(char)('a' + axis)}, whose planes are {planeSpacing} Å apart; at most {MaxReachBins} are supported."),
                        "cutoff");
                }

                // The small allowance keeps rounding from adding a needless layer of bins when a cell is a whole number of cutoffs wide.
                var reach = Math.Max(1, (int)Math.Ceiling(reachInBins - 1e-12));
                return new AxisBins(periodic: true, count, reach, origin: 0, binsPerUnit: count);
            }

            if (count == 1)
            {
                return new AxisBins(periodic: false, count, reach: 0, origin: low, binsPerUnit: 0);
            }

            var extent = high - low;
            var openReach = (int)Math.Ceiling((screening / planeSpacing * count / extent) - 1e-12);
            return new AxisBins(periodic: false, count, Math.Clamp(openReach, 1, count - 1), origin: low, binsPerUnit: count / extent);
        }

        /// <summary>The bin of a (wrapped) fractional coordinate.</summary>
        public int BinOf(double fractional)
        {
            // The top edge belongs to the last bin; rounding may also put a coordinate a hair outside.
            var bin = (int)((fractional - origin) * binsPerUnit);
            return Math.Clamp(bin, 0, Count - 1);
        }

        /// <summary>
        /// The bin <paramref name="step"/> bins from <paramref name="bin"/>, and which periodic image of the cell it lies in;
        /// false past the ends of a non-periodic axis.
        /// </summary>
        public bool TryStep(int bin, int step, out int target, out int image)
        {
            var unwrapped = bin + step;
            if (periodic)
            {
                image = unwrapped >= 0 ? unwrapped / Count : -((Count - 1 - unwrapped) / Count);
                target = unwrapped - (image * Count);
                return true;
            }

            image = 0;
            target = unwrapped;
            return (uint)unwrapped < (uint)Count;
        }
    }
}
