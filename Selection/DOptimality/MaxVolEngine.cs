using System.Numerics;

namespace ActiveLearning.Selection.DOptimality;

/// <summary>
/// The MaxVol iteration on a pool of P rows whose coefficients C = pool·A⁻¹ (P×m) are given. Each swap of pool row i into
/// position j multiplies |det A| by |C_ij| and updates C and A⁻¹ by the rank-1 formula
/// X ← X − X[:, j] ⊗ (C[i, :] − e_j) / C_ij (Sherman–Morrison with A' = A + e_j (b_i − a_j)ᵀ), fused with the search for the
/// next largest |C_ij|. Rows are processed in fixed chunks in parallel and reduced in chunk order, so the result does not
/// depend on the thread count.
/// </summary>
internal sealed class MaxVolEngine
{
    private const int ChunkRows = 1024;
    private readonly int m;
    private readonly int poolCount;
    private readonly double[] c;
    private readonly double[] inverse;
    private readonly int[] active;
    private readonly bool[]? eligible;
    private readonly double[] columnMask;
    private readonly double[] direction;
    private readonly ParallelOptions parallel;
    private readonly int chunks;
    private readonly double[] chunkBest;
    private readonly int[] chunkRow;
    private readonly int[] chunkColumn;

    public MaxVolEngine(int m, int poolCount, double[] c, double[] inverse, int[] active, bool[]? eligible, int maxDegreeOfParallelism)
    {
        this.m = m;
        this.poolCount = poolCount;
        this.c = c;
        this.inverse = inverse;
        this.active = active;
        this.eligible = eligible;
        columnMask = new double[m];
        Array.Fill(columnMask, 1.0);
        direction = new double[m];
        parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        chunks = Math.Max(1, (poolCount + ChunkRows - 1) / ChunkRows);
        chunkBest = new double[chunks];
        chunkRow = new int[chunks];
        chunkColumn = new int[chunks];
    }

    public double LogAbsDeterminantChange { get; private set; }

    public int Swaps { get; private set; }

    public int[] Active => active;

    /// <summary>Excludes position <paramref name="position"/> from further swaps (its row stays in A).</summary>
    public void Lock(int position) => columnMask[position] = 0.0;

    /// <summary>Excludes pool row <paramref name="row"/> from entering (requires an eligibility array).</summary>
    public void Exclude(int row) => eligible![row] = false;

    /// <summary>
    /// Swaps while the largest eligible |C_ij| exceeds <paramref name="threshold"/>, at most <paramref name="maxSwaps"/>
    /// times. <paramref name="beforeUpdate"/> (row, position) may lock positions and exclude rows before the rank-1 update
    /// pass, which also finds the next swap; <paramref name="afterSwap"/> (row, position, factor) observes each swap.
    /// Returns true when it stopped because no eligible entry exceeded the threshold.
    /// </summary>
    public bool Run(double threshold, int maxSwaps, Action<int, int>? beforeUpdate, Action<int, int, double>? afterSwap)
    {
        var (value, row, column) = UpdateAndScan(-1, -1);
        while (value > threshold)
        {
            if (Swaps >= maxSwaps)
            {
                return false;
            }

            var factor = Math.Abs(c[(long)row * m + column]);
            Swaps++;
            LogAbsDeterminantChange += Math.Log(factor);
            active[column] = row;
            beforeUpdate?.Invoke(row, column);
            var (entered, position) = (row, column);
            (value, row, column) = UpdateAndScan(entered, position);
            afterSwap?.Invoke(entered, position, factor);
        }

        return true;
    }

    /// <summary>True when <paramref name="position"/> is locked (see <see cref="Lock"/>).</summary>
    public bool IsLocked(int position) => columnMask[position] == 0.0;

    /// <summary>The current coefficients C of pool row <paramref name="row"/> (kept up to date only while the row is eligible).</summary>
    public ReadOnlySpan<double> Coefficients(int row) => c.AsSpan((int)((long)row * m), m);

    /// <summary>
    /// Swaps pool row <paramref name="row"/> into <paramref name="position"/> whatever its gain, locks the position and
    /// updates C of every eligible row; returns the |det A| growth factor |C_row,position|.
    /// </summary>
    public double Swap(int row, int position)
    {
        var factor = Math.Abs(c[(long)row * m + position]);
        Swaps++;
        LogAbsDeterminantChange += Math.Log(factor);
        active[position] = row;
        Lock(position);
        UpdateAndScan(row, position);
        return factor;
    }

    /// <summary>Applies the swap of pool row <paramref name="row"/> into <paramref name="position"/> (if any) and returns the next best entry.</summary>
    private (double Value, int Row, int Column) UpdateAndScan(int row, int position)
    {
        var swapping = row >= 0;
        if (swapping)
        {
            var pivot = c[(long)row * m + position];
            for (var k = 0; k < m; k++)
            {
                direction[k] = c[(long)row * m + k] / pivot;
            }

            direction[position] -= 1.0 / pivot;
            for (var k = 0; k < m; k++)
            {
                Axpy(inverse.AsSpan(k * m, m), inverse[k * m + position]);
            }
        }

        Parallel.For(0, chunks, parallel, chunk =>
        {
            var best = -1.0;
            int bestRow = -1, bestColumn = -1;
            var end = Math.Min(poolCount, (chunk + 1) * ChunkRows);
            for (var r = chunk * ChunkRows; r < end; r++)
            {
                if (eligible is not null && !eligible[r])
                {
                    continue;
                }

                var values = c.AsSpan((int)((long)r * m), m);
                if (swapping)
                {
                    var factor = values[position];
                    if (factor != 0.0)
                    {
                        Axpy(values, factor);
                    }
                }

                var rowMax = MaskedMaxAbs(values, columnMask);
                if (rowMax > best)
                {
                    best = rowMax;
                    bestRow = r;
                    for (var k = 0; k < m; k++)
                    {
                        if (columnMask[k] != 0.0 && Math.Abs(values[k]) == rowMax)
                        {
                            bestColumn = k;
                            break;
                        }
                    }
                }
            }

            chunkBest[chunk] = best;
            chunkRow[chunk] = bestRow;
            chunkColumn[chunk] = bestColumn;
        });

        if (swapping)
        {
            // The entering row is exactly e_position by construction; pin it so rounding cannot make it re-enter.
            var entered = c.AsSpan((int)((long)row * m), m);
            entered.Clear();
            entered[position] = 1.0;
        }

        var value = -1.0;
        int rowIndex = -1, column = -1;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            if (chunkBest[chunk] > value)
            {
                value = chunkBest[chunk];
                rowIndex = chunkRow[chunk];
                column = chunkColumn[chunk];
            }
        }

        if (swapping && rowIndex == row)
        {
            // Only possible when every other eligible entry is ≤ 1; the entered row itself never qualifies again.
            value = Math.Min(value, 1.0);
        }

        return (value, rowIndex, column);
    }

    // values ← values − factor · direction
    private void Axpy(Span<double> values, double factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<double>(factor);
            for (; i <= m - Vector<double>.Count; i += Vector<double>.Count)
            {
                var updated = new Vector<double>(values[i..]) - f * new Vector<double>(direction.AsSpan(i));
                updated.CopyTo(values[i..]);
            }
        }

        for (; i < m; i++)
        {
            values[i] -= factor * direction[i];
        }
    }

    private static double MaskedMaxAbs(ReadOnlySpan<double> values, double[] mask)
    {
        var i = 0;
        var best = 0.0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                acc = Vector.Max(acc, Vector.Abs(new Vector<double>(values[i..])) * new Vector<double>(mask.AsSpan(i)));
            }

            for (var lane = 0; lane < Vector<double>.Count; lane++)
            {
                best = Math.Max(best, acc[lane]);
            }
        }

        for (; i < values.Length; i++)
        {
            best = Math.Max(best, Math.Abs(values[i]) * mask[i]);
        }

        return best;
    }
}
