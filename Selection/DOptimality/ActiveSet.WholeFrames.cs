namespace ActiveLearning.Selection.DOptimality;

/// <content>Select-add by whole frames: the unit of labelling is a frame, so its gain is the volume all its rows add.</content>
public sealed partial class ActiveSet
{
    /// <summary>
    /// Select-add with <see cref="SelectAddOptions.WholeFrames"/>: each step takes the frame whose rows, swapped in greedily
    /// one after another (largest |C_ij| among the frame's rows and the unlocked positions first, C updated by rank 1 after
    /// each), multiply |det A| by the most; then swaps those rows in, locks their positions and excludes the frame.
    /// </summary>
    private SelectionResult SelectWholeFrames(FeatureRows candidates, SelectAddOptions options)
    {
        var m = Columns;
        var n = candidates.Count;
        var parallelism = options.MaxVol.MaxDegreeOfParallelism;
        var grades = new double[n];
        var (c, poolRow, poolId) = PoolWith(candidates, "candidate", grades, parallelism);
        var minimum = options.MinimumGrade ?? 1 + options.MaxVol.Tolerance;
        var threshold = 1 + options.MaxVol.Tolerance;
        var ids = candidates.IdArray;

        // Frames in order of first appearance; a frame is open while it has not been taken and some row of it grades above the minimum.
        var rowsOfFrame = new Dictionary<int, List<int>>();
        var frames = new List<List<int>>();
        for (var i = 0; i < n; i++)
        {
            if (!rowsOfFrame.TryGetValue(ids[i].Frame, out var list))
            {
                list = [];
                rowsOfFrame.Add(ids[i].Frame, list);
                frames.Add(list);
            }

            list.Add(i);
        }

        var eligible = new bool[m + n];
        var open = new List<int>();
        var largest = 0;
        for (var f = 0; f < frames.Count; f++)
        {
            var above = false;
            foreach (var i in frames[f])
            {
                above |= grades[i] > minimum;
            }

            if (above)
            {
                open.Add(f);
                largest = Math.Max(largest, frames[f].Count);
                foreach (var i in frames[f])
                {
                    // Rows at or below the minimum stay eligible: they can gain once rows of their own frame are in.
                    eligible[m + i] = true;
                }
            }
        }

        var engine = new MaxVolEngine(m, m + n, c, (double[])inverse.Clone(), Identity(), eligible, parallelism);
        var report = Reporter(options.MaxVol, engine, LogAbsDeterminant);
        var selected = new List<int>();
        var factors = new List<double>();
        var gains = new double[frames.Count];
        var bounds = new double[frames.Count];
        var batch = 4 * (parallelism > 0 ? parallelism : Environment.ProcessorCount);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = parallelism };
        var order = new List<(int Row, int Position)>();
        while (selected.Count < options.MaxCount && open.Count > 0)
        {
            // Hadamard: the greedy gain of a frame is |det| of a square block of its rows' C on unlocked positions, at most
            // the product of those rows' norms (each at least 1 to count). Frames are scored in batches by falling bound
            // until the bound cannot beat the best gain found, which skips most frames once the data span the space.
            for (var k = 0; k < open.Count; k++)
            {
                bounds[open[k]] = GainBound(engine, frames[open[k]], m);
            }

            open.Sort((a, b) => bounds[a] != bounds[b] ? bounds[b].CompareTo(bounds[a]) : a.CompareTo(b));
            var best = -1;
            var bestGain = Math.Log(threshold);
            for (var start = 0; start < open.Count && bounds[open[start]] >= bestGain; start += batch)
            {
                var count = Math.Min(batch, open.Count - start);
                Parallel.For(start, start + count, parallel, () => new FrameScratch(largest, m), (k, _, scratch) =>
                {
                    gains[open[k]] = GreedyFrameGain(engine, frames[open[k]], m, threshold, scratch, null);
                    return scratch;
                }, _ => { });

                for (var k = start; k < start + count; k++)
                {
                    var f = open[k];
                    if (gains[f] > bestGain || (gains[f] == bestGain && best >= 0 && f < best))
                    {
                        (best, bestGain) = (f, gains[f]);
                    }
                }
            }

            if (best < 0)
            {
                break;
            }

            GreedyFrameGain(engine, frames[best], m, threshold, new FrameScratch(frames[best].Count, m), order);
            var frameFactor = 1.0;
            foreach (var (row, position) in order)
            {
                var factor = engine.Swap(m + row, position);
                frameFactor *= factor;
                report?.Invoke(m + row, position, factor);
            }

            foreach (var i in frames[best])
            {
                engine.Exclude(m + i);
            }

            open.Remove(best);
            selected.Add(order[0].Row);
            factors.Add(frameFactor);
        }

        var selectedIds = new RowId[selected.Count];
        for (var i = 0; i < selected.Count; i++)
        {
            selectedIds[i] = ids[selected[i]];
        }

        return new SelectionResult(selected, selectedIds, factors, grades, FromPool(m, engine.Active, poolRow, poolId, converged: true));
    }

    /// <summary>
    /// log of the factor by which swapping <paramref name="rows"/> (candidate indices) in greedily would grow |det A|, on
    /// copies of their coefficients; when <paramref name="order"/> is given it receives the swaps (candidate row, position).
    /// </summary>
    private static double GreedyFrameGain(
        MaxVolEngine engine, List<int> rows, int m, double threshold, FrameScratch scratch, List<(int Row, int Position)>? order)
    {
        order?.Clear();
        var s = rows.Count;
        var values = scratch.Values;
        for (var r = 0; r < s; r++)
        {
            engine.Coefficients(m + rows[r]).CopyTo(values.AsSpan(r * m, m));
            scratch.Entered[r] = false;
        }

        for (var j = 0; j < m; j++)
        {
            scratch.Locked[j] = engine.IsLocked(j);
        }

        var logGain = 0.0;
        for (var swap = 0; swap < s; swap++)
        {
            var best = threshold;
            int bestRow = -1, bestPosition = -1;
            for (var r = 0; r < s; r++)
            {
                if (scratch.Entered[r])
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    var value = Math.Abs(values[(r * m) + j]);
                    if (value > best && !scratch.Locked[j])
                    {
                        (best, bestRow, bestPosition) = (value, r, j);
                    }
                }
            }

            if (bestRow < 0)
            {
                break;
            }

            logGain += Math.Log(best);
            order?.Add((rows[bestRow], bestPosition));
            var pivot = values[(bestRow * m) + bestPosition];
            var direction = scratch.Direction;
            for (var k = 0; k < m; k++)
            {
                direction[k] = values[(bestRow * m) + k] / pivot;
            }

            direction[bestPosition] -= 1.0 / pivot;
            for (var r = 0; r < s; r++)
            {
                var factor = values[(r * m) + bestPosition];
                if (scratch.Entered[r] || r == bestRow || factor == 0.0)
                {
                    continue;
                }

                var row = values.AsSpan(r * m, m);
                for (var k = 0; k < m; k++)
                {
                    row[k] -= factor * direction[k];
                }
            }

            scratch.Entered[bestRow] = true;
            scratch.Locked[bestPosition] = true;
        }

        return logGain;
    }

    /// <summary>Σ log max(1, ‖C_r‖ on unlocked positions) over the frame's rows: an upper bound of <see cref="GreedyFrameGain"/>.</summary>
    private static double GainBound(MaxVolEngine engine, List<int> rows, int m)
    {
        var bound = 0.0;
        foreach (var row in rows)
        {
            var values = engine.Coefficients(m + row);
            var squares = 0.0;
            for (var j = 0; j < m; j++)
            {
                squares += engine.IsLocked(j) ? 0.0 : values[j] * values[j];
            }

            bound += Math.Max(0.0, 0.5 * Math.Log(squares));
        }

        // Rounding in the rank-1 updates can make a greedy gain exceed the exact bound by a few ulps.
        return bound + 1e-9;
    }

    private sealed class FrameScratch(int rows, int columns)
    {
        public double[] Values { get; } = new double[rows * columns];

        public bool[] Entered { get; } = new bool[rows];

        public bool[] Locked { get; } = new bool[columns];

        public double[] Direction { get; } = new double[columns];
    }
}
