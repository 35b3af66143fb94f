using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ActiveLearning.Selection.DOptimality;

/// <summary>
/// Y = X·M for a tall row-major X (n×m) and a small square M (m×m), either stored in full or reduced to max_j |Y_ij| per
/// row. M is packed once into column panels (k-major, zero-padded to the panel width) so the inner loop streams one panel
/// from L1 while four rows of X are broadcast: a 4-row × 3-vector register tile of fused multiply-adds. Rows are processed
/// in fixed chunks in parallel; the results do not depend on the thread count.
/// </summary>
internal sealed class ProductKernel
{
    private const int TileRows = 4;
    private const int ChunkRows = 1024;
    private readonly double[] packed;
    private readonly int columns;
    private readonly int panelWidth;
    private readonly int panels;

    public ProductKernel(ReadOnlySpan<double> matrix, int columns)
    {
        this.columns = columns;
        panelWidth = 3 * (Vector512.IsHardwareAccelerated ? Vector512<double>.Count : Vector256<double>.Count);
        panels = (columns + panelWidth - 1) / panelWidth;
        packed = new double[panels * columns * panelWidth];
        for (var p = 0; p < panels; p++)
        {
            for (var k = 0; k < columns; k++)
            {
                for (var c = 0; c < panelWidth; c++)
                {
                    var column = p * panelWidth + c;
                    packed[(p * columns + k) * panelWidth + c] = column < columns ? matrix[k * columns + column] : 0.0;
                }
            }
        }
    }

    /// <summary>
    /// Computes rows [0, count) of X·M into <paramref name="product"/> (stride m, starting at row
    /// <paramref name="productRowOffset"/>) and/or their max |.| into <paramref name="maxAbs"/>. Returns the index of the
    /// first row with a non-finite value, or -1.
    /// </summary>
    public int Run(double[] x, int count, double[]? product, int productRowOffset, double[]? maxAbs, int maxDegreeOfParallelism)
    {
        var chunks = (count + ChunkRows - 1) / ChunkRows;
        var firstBad = int.MaxValue;
        if (chunks <= 1 || maxDegreeOfParallelism == 1)
        {
            firstBad = RunRange(x, 0, count, product, productRowOffset, maxAbs);
        }
        else
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
            Parallel.For(0, chunks, options, chunk =>
            {
                var bad = RunRange(x, chunk * ChunkRows, Math.Min(count, (chunk + 1) * ChunkRows), product, productRowOffset, maxAbs);
                if (bad >= 0)
                {
                    int seen;
                    do
                    {
                        seen = Volatile.Read(ref firstBad);
                    }
                    while (bad < seen && Interlocked.CompareExchange(ref firstBad, bad, seen) != seen);
                }
            });
        }

        return firstBad is int.MaxValue or < 0 ? -1 : firstBad;
    }

    private int RunRange(double[] x, int first, int end, double[]? product, int productRowOffset, double[]? maxAbs)
    {
        Span<double> tile = stackalloc double[TileRows * panelWidth];
        Span<double> rowMax = stackalloc double[TileRows];
        // Only a ragged last tile needs the padded copy; grading a frame whose rows fill whole tiles allocates nothing.
        double[]? padded = null;
        ref var panelBase = ref MemoryMarshal.GetArrayDataReference(packed);
        for (var row = first; row < end; row += TileRows)
        {
            var rows = Math.Min(TileRows, end - row);
            ref double block = ref Unsafe.NullRef<double>();
            if (rows == TileRows)
            {
                block = ref x[row * columns];
            }
            else
            {
                padded ??= new double[columns * TileRows];
                Array.Clear(padded);
                x.AsSpan(row * columns, rows * columns).CopyTo(padded);
                block = ref MemoryMarshal.GetArrayDataReference(padded);
            }

            if (!IsFinite(ref block, TileRows * columns))
            {
                for (var r = row; r < row + rows; r++)
                {
                    foreach (var value in x.AsSpan(r * columns, columns))
                    {
                        if (!double.IsFinite(value))
                        {
                            return r;
                        }
                    }
                }
            }

            rowMax.Clear();
            for (var p = 0; p < panels; p++)
            {
                ref var panel = ref Unsafe.Add(ref panelBase, p * columns * panelWidth);
                if (Vector512.IsHardwareAccelerated)
                {
                    Tile512(ref block, columns, ref panel, tile);
                }
                else
                {
                    Tile256(ref block, columns, ref panel, tile);
                }

                var valid = Math.Min(panelWidth, columns - p * panelWidth);
                for (var r = 0; r < rows; r++)
                {
                    var values = tile.Slice(r * panelWidth, valid);
                    if (product is not null)
                    {
                        values.CopyTo(product.AsSpan((productRowOffset + row + r) * columns + p * panelWidth, valid));
                    }

                    if (maxAbs is not null)
                    {
                        rowMax[r] = Math.Max(rowMax[r], MaxAbs(values));
                    }
                }
            }

            if (maxAbs is not null)
            {
                rowMax[..rows].CopyTo(maxAbs.AsSpan(row, rows));
            }
        }

        return -1;
    }

    private static double MaxAbs(ReadOnlySpan<double> values)
    {
        var i = 0;
        var best = 0.0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<double>.Count)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= values.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                acc = Vector256.MaxNative(acc, Vector256.Abs(Vector256.Create(values.Slice(i, Vector256<double>.Count))));
            }

            for (var lane = 0; lane < Vector256<double>.Count; lane++)
            {
                best = Math.Max(best, acc.GetElement(lane));
            }
        }

        for (; i < values.Length; i++)
        {
            best = Math.Max(best, Math.Abs(values[i]));
        }

        return best;
    }

    // v·0 is NaN exactly when v is NaN or ±∞, and NaN survives the sum.
    private static bool IsFinite(ref double values, int length)
    {
        var acc = Vector256<double>.Zero;
        var i = 0;
        for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            acc += Vector256.LoadUnsafe(ref values, (nuint)i) * Vector256<double>.Zero;
        }

        var sum = Vector256.Sum(acc);
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref values, i) * 0.0;
        }

        return !double.IsNaN(sum);
    }

    private static void Tile512(ref double x, int m, ref double panel, Span<double> tile)
    {
        const int W = 24;
        Vector512<double> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector512<double> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        ref var x1 = ref Unsafe.Add(ref x, m);
        ref var x2 = ref Unsafe.Add(ref x, 2 * m);
        ref var x3 = ref Unsafe.Add(ref x, 3 * m);
        for (var k = 0; k < m; k++)
        {
            var offset = (nuint)(k * W);
            var b0 = Vector512.LoadUnsafe(ref panel, offset);
            var b1 = Vector512.LoadUnsafe(ref panel, offset + 8);
            var b2 = Vector512.LoadUnsafe(ref panel, offset + 16);
            var v = Vector512.Create(Unsafe.Add(ref x, k));
            a00 = Vector512.FusedMultiplyAdd(v, b0, a00);
            a01 = Vector512.FusedMultiplyAdd(v, b1, a01);
            a02 = Vector512.FusedMultiplyAdd(v, b2, a02);
            v = Vector512.Create(Unsafe.Add(ref x1, k));
            a10 = Vector512.FusedMultiplyAdd(v, b0, a10);
            a11 = Vector512.FusedMultiplyAdd(v, b1, a11);
            a12 = Vector512.FusedMultiplyAdd(v, b2, a12);
            v = Vector512.Create(Unsafe.Add(ref x2, k));
            a20 = Vector512.FusedMultiplyAdd(v, b0, a20);
            a21 = Vector512.FusedMultiplyAdd(v, b1, a21);
            a22 = Vector512.FusedMultiplyAdd(v, b2, a22);
            v = Vector512.Create(Unsafe.Add(ref x3, k));
            a30 = Vector512.FusedMultiplyAdd(v, b0, a30);
            a31 = Vector512.FusedMultiplyAdd(v, b1, a31);
            a32 = Vector512.FusedMultiplyAdd(v, b2, a32);
        }

        ref var t = ref MemoryMarshal.GetReference(tile);
        a00.StoreUnsafe(ref t, 0); a01.StoreUnsafe(ref t, 8); a02.StoreUnsafe(ref t, 16);
        a10.StoreUnsafe(ref t, 24); a11.StoreUnsafe(ref t, 32); a12.StoreUnsafe(ref t, 40);
        a20.StoreUnsafe(ref t, 48); a21.StoreUnsafe(ref t, 56); a22.StoreUnsafe(ref t, 64);
        a30.StoreUnsafe(ref t, 72); a31.StoreUnsafe(ref t, 80); a32.StoreUnsafe(ref t, 88);
    }

    private static void Tile256(ref double x, int m, ref double panel, Span<double> tile)
    {
        const int W = 12;
        Vector256<double> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<double> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        ref var x1 = ref Unsafe.Add(ref x, m);
        ref var x2 = ref Unsafe.Add(ref x, 2 * m);
        ref var x3 = ref Unsafe.Add(ref x, 3 * m);
        for (var k = 0; k < m; k++)
        {
            var offset = (nuint)(k * W);
            var b0 = Vector256.LoadUnsafe(ref panel, offset);
            var b1 = Vector256.LoadUnsafe(ref panel, offset + 4);
            var b2 = Vector256.LoadUnsafe(ref panel, offset + 8);
            var v = Vector256.Create(Unsafe.Add(ref x, k));
            a00 = Vector256.FusedMultiplyAdd(v, b0, a00);
            a01 = Vector256.FusedMultiplyAdd(v, b1, a01);
            a02 = Vector256.FusedMultiplyAdd(v, b2, a02);
            v = Vector256.Create(Unsafe.Add(ref x1, k));
            a10 = Vector256.FusedMultiplyAdd(v, b0, a10);
            a11 = Vector256.FusedMultiplyAdd(v, b1, a11);
            a12 = Vector256.FusedMultiplyAdd(v, b2, a12);
            v = Vector256.Create(Unsafe.Add(ref x2, k));
            a20 = Vector256.FusedMultiplyAdd(v, b0, a20);
            a21 = Vector256.FusedMultiplyAdd(v, b1, a21);
            a22 = Vector256.FusedMultiplyAdd(v, b2, a22);
            v = Vector256.Create(Unsafe.Add(ref x3, k));
            a30 = Vector256.FusedMultiplyAdd(v, b0, a30);
            a31 = Vector256.FusedMultiplyAdd(v, b1, a31);
            a32 = Vector256.FusedMultiplyAdd(v, b2, a32);
        }

        ref var t = ref MemoryMarshal.GetReference(tile);
        a00.StoreUnsafe(ref t, 0); a01.StoreUnsafe(ref t, 4); a02.StoreUnsafe(ref t, 8);
        a10.StoreUnsafe(ref t, 12); a11.StoreUnsafe(ref t, 16); a12.StoreUnsafe(ref t, 20);
        a20.StoreUnsafe(ref t, 24); a21.StoreUnsafe(ref t, 28); a22.StoreUnsafe(ref t, 32);
        a30.StoreUnsafe(ref t, 36); a31.StoreUnsafe(ref t, 40); a32.StoreUnsafe(ref t, 44);
    }
}
