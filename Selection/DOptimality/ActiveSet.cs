using MathNet.Numerics.LinearAlgebra;
using SimdVector = System.Numerics.Vector;

namespace ActiveLearning.Selection.DOptimality;

/// <summary>
/// The D-optimal active set of a linear model (Podryabinkin &amp; Shapeev 2017): m training rows forming a square matrix
/// A of locally maximal |det A| (MaxVol), their ids, and A⁻¹, from which the extrapolation grade of a candidate row x is
/// γ(x) = max_j |(x·A⁻¹)_j| (γ ≤ 1 + δ for every training row; γ &gt; 1 means extrapolation).
/// <para>
/// Rank deficiency (fewer independent rows than m, duplicates, near-collinear rows, zero columns — typical in round 0) is
/// handled by regularisation rows: MaxVol runs on the pool [training rows; ε s_j e_j for every column j] (see
/// <see cref="MaxVolOptions.Regularisation"/>), so A is always invertible and no grade is NaN or infinite. A
/// regularisation row stays in A only where the data have no component larger than about ε s_j beyond the span of the
/// other active rows; a candidate with a component in such a direction gets a large finite grade ≈ |x_j| / (ε s_j)
/// (≈ 10⁶ for data of the column's typical size). Scaling a column of all rows scales its s_j alike, so the selection
/// does not depend on column units. <see cref="Rank"/> counts the real (non-regularisation) rows.
/// </para>
/// Instances are immutable; <see cref="Update"/> and <see cref="SelectAdd"/> return new ones.
/// </summary>
public sealed partial class ActiveSet
{
    private readonly double[] rows;
    private readonly RowId[] ids;
    private readonly double[] inverse;
    private ProductKernel? kernel;

    private ActiveSet(int columns, double[] rows, RowId[] ids, double[] inverse, bool converged)
    {
        Columns = columns;
        this.rows = rows;
        this.ids = ids;
        this.inverse = inverse;
        Converged = converged;
        var rank = 0;
        foreach (var id in ids)
        {
            rank += id.IsRegularisation ? 0 : 1;
        }

        Rank = rank;
        LogAbsDeterminant = LogAbsDet(rows, columns);
    }

    /// <summary>Number of columns (basis functions) m; also the number of active rows.</summary>
    public int Columns { get; }

    /// <summary>Ids of the active rows by position (regularisation rows have <see cref="RowId.IsRegularisation"/>).</summary>
    public IReadOnlyList<RowId> Ids => ids;

    /// <summary>The active rows A, row-major m×m.</summary>
    public ReadOnlySpan<double> Rows => rows;

    /// <summary>A⁻¹, row-major m×m.</summary>
    public ReadOnlySpan<double> Inverse => inverse;

    /// <summary>Number of active rows that are training rows (m minus the regularisation rows still in A).</summary>
    public int Rank { get; }

    /// <summary>log|det A| (natural logarithm), computed from an LU factorisation of <see cref="Rows"/>.</summary>
    public double LogAbsDeterminant { get; }

    /// <summary>False when the MaxVol run that produced this set stopped at <see cref="MaxVolOptions.MaxSwaps"/>.</summary>
    public bool Converged { get; }

    private ProductKernel Kernel => kernel ??= new ProductKernel(inverse, Columns);

    /// <summary>
    /// Builds the active set of <paramref name="training"/> by MaxVol: initial rows from Gaussian elimination with row
    /// pivoting over [training; regularisation rows], then swaps while some |C_ij| &gt; 1 + δ.
    /// </summary>
    /// <exception cref="ArgumentException">No rows, a non-finite value (naming the row) or invalid options.</exception>
    public static ActiveSet Build(FeatureRows training, MaxVolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        options ??= new MaxVolOptions();
        options.Validate();
        if (training.Count == 0)
        {
            throw new ArgumentException("no training rows to build an active set from", nameof(training));
        }

        training.EnsureFinite("training");
        int m = training.Columns, n = training.Count;
        var scales = RegularisationScales(training, options.Regularisation);
        var active = InitialPivots(training, scales, options.MaxDegreeOfParallelism);
        double[] PoolRow(int index) => index < n ? training.Row(index).ToArray() : UnitRow(m, index - n, scales[index - n]);
        RowId PoolId(int index) => index < n ? training.IdArray[index] : RowId.Regularisation(index - n);

        var start = new double[m * m];
        for (var position = 0; position < m; position++)
        {
            PoolRow(active[position]).CopyTo(start, position * m);
        }

        var startInverse = Invert(start, m);
        var c = new double[(n + m) * m];
        new ProductKernel(startInverse, m).Run(training.Values, n, c, 0, null, options.MaxDegreeOfParallelism);
        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < m; k++)
            {
                c[(n + j) * m + k] = scales[j] * startInverse[j * m + k];
            }
        }

        var engine = new MaxVolEngine(m, n + m, c, startInverse, active, null, options.MaxDegreeOfParallelism);
        var converged = engine.Run(1 + options.Tolerance, MaxSwaps(options, m), null, Reporter(options, engine, LogAbsDet(start, m)));
        return FromPool(m, engine.Active, PoolRow, PoolId, converged);
    }

    /// <summary>
    /// Adds training rows: MaxVol over [active rows; <paramref name="newRows"/>] starting from the current A, so the
    /// result has |det| ≥ the current one and every row of the pool has γ ≤ 1 + δ. Rows not in the active set are not
    /// remembered: rows that left earlier are not reconsidered.
    /// </summary>
    /// <exception cref="ArgumentException">No rows, wrong column count or a non-finite value (naming the row).</exception>
    public ActiveSet Update(FeatureRows newRows, MaxVolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        options ??= new MaxVolOptions();
        options.Validate();
        var (c, poolRow, poolId) = PoolWith(newRows, "new training", null, options.MaxDegreeOfParallelism);
        var active = Identity();
        var engine = new MaxVolEngine(Columns, Columns + newRows.Count, c, (double[])inverse.Clone(), active, null, options.MaxDegreeOfParallelism);
        var converged = engine.Run(1 + options.Tolerance, MaxSwaps(options, Columns), null, Reporter(options, engine, LogAbsDeterminant));
        return FromPool(Columns, engine.Active, poolRow, poolId, converged);
    }

    /// <summary>
    /// Chooses up to k candidates that enlarge |det A| most, greedily: each step swaps in the candidate row and position
    /// with the largest |C_ij| (exactly the single swap with the largest volume gain), then updates C by rank 1. Positions
    /// filled by a selected candidate are not swapped out again and a selected row is not reconsidered, so exactly the
    /// returned rows enter. Stops early when no eligible |C_ij| exceeds 1 + δ. For k = 1 this is the exhaustive optimum;
    /// for k &gt; 1 it is greedy (each step optimal given the earlier ones), not the best k-subset.
    /// </summary>
    /// <exception cref="ArgumentException">No candidates, wrong column count, a non-finite value (naming the row) or invalid options.</exception>
    public SelectionResult SelectAdd(FeatureRows candidates, SelectAddOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        options ??= new SelectAddOptions();
        options.MaxVol.Validate();
        if (options.MaxCount < 1)
        {
            throw new ArgumentException($"select-add needs MaxCount >= 1, got {options.MaxCount}", nameof(options));
        }

        if (options.WholeFrames)
        {
            return SelectWholeFrames(candidates, options);
        }

        var m = Columns;
        var n = candidates.Count;
        var grades = new double[n];
        var (c, poolRow, poolId) = PoolWith(candidates, "candidate", grades, options.MaxVol.MaxDegreeOfParallelism);
        var minimum = options.MinimumGrade ?? 1 + options.MaxVol.Tolerance;
        var eligible = new bool[m + n];
        for (var i = 0; i < n; i++)
        {
            eligible[m + i] = grades[i] > minimum;
        }

        var engine = new MaxVolEngine(m, m + n, c, (double[])inverse.Clone(), Identity(), eligible, options.MaxVol.MaxDegreeOfParallelism);
        var selected = new List<int>();
        var factors = new List<double>();
        var report = Reporter(options.MaxVol, engine, LogAbsDeterminant);
        var ids = candidates.IdArray;
        engine.Run(1 + options.MaxVol.Tolerance, options.MaxCount, (row, position) =>
        {
            engine.Lock(position);
            engine.Exclude(row);
            var candidate = row - m;
            selected.Add(candidate);
            if (options.OnePerFrame)
            {
                var frame = ids[candidate].Frame;
                for (var i = 0; i < n; i++)
                {
                    if (ids[i].Frame == frame)
                    {
                        engine.Exclude(m + i);
                    }
                }
            }
        }, (row, position, factor) =>
        {
            factors.Add(factor);
            report?.Invoke(row, position, factor);
        });

        var selectedIds = new RowId[selected.Count];
        for (var i = 0; i < selected.Count; i++)
        {
            selectedIds[i] = ids[selected[i]];
        }

        return new SelectionResult(selected, selectedIds, factors, grades, FromPool(m, engine.Active, poolRow, poolId, converged: true));
    }

    /// <summary>
    /// Grades γ = max_j |(x·A⁻¹)_j| of every candidate row, by one blocked product of the candidate block with A⁻¹
    /// (multi-threaded over row blocks, no allocation per row). An empty block gives an empty array.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong column count or a non-finite value (naming the row).</exception>
    public double[] Grades(FeatureRows candidates, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var grades = new double[candidates.Count];
        Grades(candidates, grades, maxDegreeOfParallelism);
        return grades;
    }

    /// <summary>As <see cref="Grades(FeatureRows, int)"/>, into <paramref name="destination"/> (length ≥ row count).</summary>
    public void Grades(FeatureRows candidates, double[] destination, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(destination);
        candidates.EnsureColumns(Columns, "candidate");
        if (destination.Length < candidates.Count)
        {
            throw new ArgumentException($"destination holds {destination.Length} grades, need {candidates.Count}", nameof(destination));
        }

        var bad = Kernel.Run(candidates.Values, candidates.Count, null, 0, destination, maxDegreeOfParallelism);
        ThrowIfBad(bad, candidates, "candidate");
    }

    /// <summary>The largest grade of each frame (by <see cref="RowId.Frame"/>), e.g. γ of a configuration in neighbourhood mode.</summary>
    public static IReadOnlyDictionary<int, double> MaxPerFrame(ReadOnlySpan<double> grades, IReadOnlyList<RowId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (grades.Length != ids.Count)
        {
            throw new ArgumentException($"{grades.Length} grades but {ids.Count} ids", nameof(ids));
        }

        var result = new Dictionary<int, double>();
        for (var i = 0; i < grades.Length; i++)
        {
            var frame = ids[i].Frame;
            result[frame] = result.TryGetValue(frame, out var seen) ? Math.Max(seen, grades[i]) : grades[i];
        }

        return result;
    }

    /// <summary>Grades of <paramref name="candidates"/> reduced to the largest per frame.</summary>
    public IReadOnlyDictionary<int, double> FrameGrades(FeatureRows candidates, int maxDegreeOfParallelism = -1) =>
        MaxPerFrame(Grades(candidates, maxDegreeOfParallelism), candidates?.Ids ?? throw new ArgumentNullException(nameof(candidates)));

    private (double[] C, Func<int, double[]> PoolRow, Func<int, RowId> PoolId) PoolWith(
        FeatureRows added, string what, double[]? grades, int maxDegreeOfParallelism)
    {
        if (added.Count == 0)
        {
            throw new ArgumentException($"no {what} rows given", nameof(added));
        }

        added.EnsureColumns(Columns, what);
        var m = Columns;
        var c = new double[(m + added.Count) * m];
        for (var j = 0; j < m; j++)
        {
            c[j * m + j] = 1.0;
        }

        var bad = Kernel.Run(added.Values, added.Count, c, m, grades, maxDegreeOfParallelism);
        ThrowIfBad(bad, added, what);
        double[] PoolRow(int index) => index < m ? rows.AsSpan(index * m, m).ToArray() : added.Row(index - m).ToArray();
        RowId PoolId(int index) => index < m ? ids[index] : added.IdArray[index - m];
        return (c, PoolRow, PoolId);
    }

    private static void ThrowIfBad(int bad, FeatureRows block, string what)
    {
        if (bad >= 0)
        {
            throw new ArgumentException($"{what} row {block.IdArray[bad]} contains a non-finite value");
        }
    }

    private int[] Identity()
    {
        var active = new int[Columns];
        for (var j = 0; j < active.Length; j++)
        {
            active[j] = j;
        }

        return active;
    }

    private static int MaxSwaps(MaxVolOptions options, int m) => options.MaxSwaps ?? 100 * m + 1000;

    private static Action<int, int, double>? Reporter(MaxVolOptions options, MaxVolEngine engine, double startLogDet)
    {
        if (options.OnSwap is null)
        {
            return null;
        }

        var logDet = startLogDet;
        var iteration = 0;
        return (row, position, factor) =>
        {
            logDet += Math.Log(factor);
            options.OnSwap(new MaxVolSwap(++iteration, row, position, factor, logDet, (int[])engine.Active.Clone()));
        };
    }

    private static ActiveSet FromPool(int m, int[] active, Func<int, double[]> poolRow, Func<int, RowId> poolId, bool converged)
    {
        var rows = new double[m * m];
        var ids = new RowId[m];
        for (var position = 0; position < m; position++)
        {
            poolRow(active[position]).CopyTo(rows, position * m);
            ids[position] = poolId(active[position]);
        }

        // A fresh inverse of the final rows removes the rounding the rank-1 updates accumulated.
        return new ActiveSet(m, rows, ids, Invert(rows, m), converged);
    }

    private static double[] UnitRow(int m, int column, double scale)
    {
        var row = new double[m];
        row[column] = scale;
        return row;
    }

    private static double[] RegularisationScales(FeatureRows training, double epsilon)
    {
        var m = training.Columns;
        var columnMax = new double[m];
        var values = training.Values;
        for (var i = 0; i < training.Count; i++)
        {
            for (var k = 0; k < m; k++)
            {
                columnMax[k] = Math.Max(columnMax[k], Math.Abs(values[i * m + k]));
            }
        }

        var overall = 0.0;
        foreach (var value in columnMax)
        {
            overall = Math.Max(overall, value);
        }

        var scales = new double[m];
        for (var k = 0; k < m; k++)
        {
            scales[k] = epsilon * (columnMax[k] > 0 ? columnMax[k] : overall > 0 ? overall : 1.0);
        }

        return scales;
    }

    /// <summary>
    /// Gaussian elimination with row pivoting on [training; ε s_j e_j]: column k takes the unchosen training row with the
    /// largest residual |w_rk|, or the regularisation row of column k when no residual exceeds its ε s_k. A regularisation
    /// row has no entries in the columns still to eliminate, so choosing it changes no residual. Returns pool indices.
    /// </summary>
    private static int[] InitialPivots(FeatureRows training, double[] scales, int maxDegreeOfParallelism)
    {
        int m = training.Columns, n = training.Count;
        var work = (double[])training.Values.Clone();
        var chosen = new bool[n];
        var pivots = new int[m];
        const int chunkRows = 1024;
        var chunks = (n + chunkRows - 1) / chunkRows;
        var chunkBest = new double[chunks];
        var chunkRow = new int[chunks];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        var pivotRow = -1;
        for (var k = 0; k < m; k++)
        {
            var column = k;
            var previous = pivotRow;
            Parallel.For(0, chunks, parallel, chunk =>
            {
                var best = -1.0;
                var bestRow = -1;
                var end = Math.Min(n, (chunk + 1) * chunkRows);
                for (var r = chunk * chunkRows; r < end; r++)
                {
                    if (chosen[r])
                    {
                        continue;
                    }

                    var row = work.AsSpan(r * m, m);
                    if (previous >= 0)
                    {
                        var pivot = work.AsSpan(previous * m, m);
                        var factor = row[column - 1] / pivot[column - 1];
                        if (factor != 0.0)
                        {
                            Subtract(row[column..], pivot[column..], factor);
                        }
                    }

                    var residual = Math.Abs(row[column]);
                    if (residual > best)
                    {
                        best = residual;
                        bestRow = r;
                    }
                }

                chunkBest[chunk] = best;
                chunkRow[chunk] = bestRow;
            });

            var value = -1.0;
            pivotRow = -1;
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                if (chunkBest[chunk] > value)
                {
                    value = chunkBest[chunk];
                    pivotRow = chunkRow[chunk];
                }
            }

            if (pivotRow >= 0 && value > scales[k])
            {
                chosen[pivotRow] = true;
                pivots[k] = pivotRow;
            }
            else
            {
                pivotRow = -1;
                pivots[k] = n + k;
            }
        }

        return pivots;
    }

    private static void Subtract(Span<double> row, ReadOnlySpan<double> pivot, double factor)
    {
        var i = 0;
        if (SimdVector.IsHardwareAccelerated)
        {
            var f = new System.Numerics.Vector<double>(factor);
            for (; i <= row.Length - System.Numerics.Vector<double>.Count; i += System.Numerics.Vector<double>.Count)
            {
                (new System.Numerics.Vector<double>(row[i..]) - f * new System.Numerics.Vector<double>(pivot[i..])).CopyTo(row[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            row[i] -= factor * pivot[i];
        }
    }

    private static double[] Invert(double[] rows, int m)
    {
        var result = Matrix<double>.Build.DenseOfRowMajor(m, m, rows).Inverse().ToRowMajorArray();
        foreach (var value in result)
        {
            if (!double.IsFinite(value))
            {
                throw new InvalidOperationException("the active-set matrix could not be inverted (this is a bug: regularisation keeps it non-singular)");
            }
        }

        return result;
    }

    private static double LogAbsDet(double[] rows, int m)
    {
        var upper = Matrix<double>.Build.DenseOfRowMajor(m, m, rows).LU().U;
        var sum = 0.0;
        for (var k = 0; k < m; k++)
        {
            sum += Math.Log(Math.Abs(upper[k, k]));
        }

        return sum;
    }
}
