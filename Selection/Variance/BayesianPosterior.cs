using System.Buffers;
using System.Globalization;

namespace ActiveLearning.Selection.Variance;

/// <summary>
/// The posterior of a Bayesian linear regression, Σ = (ΦᵀWΦ + λI)⁻¹σ², kept as the Cholesky factor of the Jacobi-scaled
/// matrix: with D = diag(ΦᵀWΦ + λI)^(−1/2) and D(ΦᵀWΦ + λI)D = LLᵀ, the predictive variance of a feature row φ is
/// φᵀΣφ = σ²‖L⁻¹Dφ‖². Built by <see cref="BayesianLinearRegression.Fit"/>; immutable and safe to share between threads.
/// </summary>
public sealed class BayesianPosterior
{
    // Rows per block of Variances: each row of L is then read once per block rather than once per feature row, and the
    // block's work space (BlockRows × m) stays in the L2 cache for m up to about a thousand.
    private const int BlockRows = 32;

    // A scaled pivot (the matrix has unit diagonal) below this means the factor would amplify rounding by more than 1e6:
    // the matrix is singular for practical purposes and λ is raised.
    private const double PivotTolerance = 1e-12;

    private readonly int m;
    private readonly double[] factor;
    private readonly double[] scale;
    private double[]? mean;

    private BayesianPosterior(int featureCount, double[] factor, double[] scale, double requested, double used)
    {
        m = featureCount;
        this.factor = factor;
        this.scale = scale;
        RequestedRegularisation = requested;
        Regularisation = used;
    }

    /// <summary>Number of features m.</summary>
    public int FeatureCount => m;

    /// <summary>The λ asked for.</summary>
    public double RequestedRegularisation { get; }

    /// <summary>The λ used: the one asked for, or larger when ΦᵀWΦ + λI was numerically singular (rank-deficient data).</summary>
    public double Regularisation { get; }

    /// <summary>Whether λ had to be raised above the one asked for.</summary>
    public bool RegularisationRaised => Regularisation > RequestedRegularisation;

    /// <summary>The noise variance σ² (target units squared), given or estimated.</summary>
    public double NoiseVariance { get; private set; }

    /// <summary>Whether <see cref="NoiseVariance"/> was estimated from the training residuals.</summary>
    public bool NoiseEstimated { get; private set; }

    /// <summary>Effective number of parameters p_eff = tr(ΦᵀWΦ(ΦᵀWΦ + λI)⁻¹) ∈ [0, m]; about the rank of the data for small λ.</summary>
    public double EffectiveParameters { get; private set; }

    /// <summary>Training rows with a positive weight.</summary>
    public int TrainingRows { get; private set; }

    /// <summary>The posterior mean weights (ΦᵀWΦ + λI)⁻¹ΦᵀWy, or null when the noise was given and targets may be absent.</summary>
    public IReadOnlyList<double>? Mean => mean;

    /// <summary>Predictive variance φᵀΣφ of one feature row (target units squared; ≥ 0, finite). Allocation-free for m ≤ 512.</summary>
    /// <exception cref="ArgumentException">The row does not have m values or holds a non-finite value.</exception>
    public double Variance(ReadOnlySpan<double> row, string? id = null)
    {
        CheckRow(row, id, 0);
        double[]? rented = null;
        var work = m <= 512 ? stackalloc double[m] : (rented = ArrayPool<double>.Shared.Rent(m)).AsSpan(0, m);
        try
        {
            var squared = SolveBlock(row, work, 1);
            return NoiseVariance * squared[0];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Predictive variances of many feature rows stored row-major (rows.Length = k·m) into <paramref name="variances"/>
    /// (length k): one blocked triangular solve per block of rows, blocks spread over threads, no allocation per row.
    /// The rows may be configuration energy rows, per-atom energy rows or force component rows alike.
    /// </summary>
    /// <param name="rows">k rows of m features.</param>
    /// <param name="variances">Receives φᵀΣφ of each row.</param>
    /// <param name="ids">Optional names of the rows for error messages.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; −1 for all.</param>
    /// <exception cref="ArgumentException">The block is not a whole number of rows, the output length is not k, or a row holds a non-finite value (named by its id).</exception>
    public void Variances(ReadOnlyMemory<double> rows, Memory<double> variances, IReadOnlyList<string>? ids = null, int maxDegreeOfParallelism = -1)
    {
        if (rows.Length % m != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The block has {rows.Length} values, not a whole number of rows of {m} features."), nameof(rows));
        }

        var count = rows.Length / m;
        if (variances.Length != count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{count} rows but room for {variances.Length} variances."), nameof(variances));
        }

        RowNames.CheckIds(ids, count, nameof(ids));
        var all = rows.Span;
        for (var r = 0; r < count; r++)
        {
            CheckRow(all.Slice(r * m, m), ids?[r], r);
        }

        var blocks = (count + BlockRows - 1) / BlockRows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        var noise = NoiseVariance;
        Parallel.For(
            0,
            blocks,
            options,
            () => new double[BlockRows * m],
            (block, _, work) =>
            {
                var first = block * BlockRows;
                var size = Math.Min(BlockRows, count - first);
                var squared = SolveBlock(rows.Span.Slice(first * m, size * m), work, size);
                var output = variances.Span.Slice(first, size);
                for (var b = 0; b < size; b++)
                {
                    output[b] = noise * squared[b];
                }

                return work;
            },
            _ => { });
    }

    /// <summary>The posterior mean prediction φ·w of one feature row.</summary>
    /// <exception cref="InvalidOperationException">The posterior has no mean (the noise was given, so targets were not required).</exception>
    /// <exception cref="ArgumentException">The row does not have m values.</exception>
    public double Predict(ReadOnlySpan<double> row)
    {
        if (mean is null)
        {
            throw new InvalidOperationException("The posterior has no mean: it was fitted with a given noise variance.");
        }

        if (row.Length != m)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The row has {row.Length} features; {m} expected."), nameof(row));
        }

        return DenseKernels.Dot(row, mean);
    }

    internal static BayesianPosterior Factorise(double[] symmetric, int m, double regularisation)
    {
        var largestDiagonal = 0.0;
        for (var p = 0; p < m; p++)
        {
            largestDiagonal = Math.Max(largestDiagonal, symmetric[(p * m) + p]);
        }

        var lambda = regularisation;
        var factor = new double[m * m];
        var scale = new double[m];
        for (var attempt = 0; attempt < 64; attempt++)
        {
            if (TryFactorise(symmetric, m, lambda, factor, scale))
            {
                return new BayesianPosterior(m, factor, scale, regularisation, lambda);
            }

            // Relative to the data's scale so that the raise is meaningful whatever the units of the features.
            lambda = Math.Max(10 * lambda, PivotTolerance * (largestDiagonal > 0 ? largestDiagonal : 1));
        }

        throw new InvalidOperationException("The normal matrix could not be factorised: it holds values too large to regularise.");
    }

    internal void SetNoise(double noiseVariance, bool estimated, double effectiveParameters, int rowCount)
    {
        NoiseVariance = noiseVariance;
        NoiseEstimated = estimated;
        EffectiveParameters = effectiveParameters;
        TrainingRows = rowCount;
    }

    internal void SetMean(double[] weights) => mean = weights;

    /// <summary>p_eff = m − λ·tr((ΦᵀWΦ + λI)⁻¹), the trace from the squared norms of L⁻¹De_p.</summary>
    internal double EffectiveParameterCount()
    {
        if (Regularisation == 0)
        {
            return m;
        }

        var identityBlock = new double[BlockRows * m];
        var work = new double[BlockRows * m];
        var trace = 0.0;
        for (var first = 0; first < m; first += BlockRows)
        {
            var size = Math.Min(BlockRows, m - first);
            Array.Clear(identityBlock);
            for (var b = 0; b < size; b++)
            {
                identityBlock[(b * m) + first + b] = 1;
            }

            var squared = SolveBlock(identityBlock.AsSpan(0, size * m), work, size);
            for (var b = 0; b < size; b++)
            {
                trace += squared[b];
            }
        }

        return Math.Clamp(m - (Regularisation * trace), 0, m);
    }

    /// <summary>(ΦᵀWΦ + λI)⁻¹b = D L⁻ᵀ L⁻¹ D b.</summary>
    internal double[] SolveMean(ReadOnlySpan<double> rightHandSide)
    {
        var y = new double[m];
        for (var p = 0; p < m; p++)
        {
            y[p] = scale[p] * rightHandSide[p];
        }

        for (var p = 0; p < m; p++)
        {
            var row = factor.AsSpan(p * m, p);
            y[p] = (y[p] - DenseKernels.Dot(row, y.AsSpan(0, p))) / factor[(p * m) + p];
        }

        // Lᵀx = y by columns of Lᵀ, i.e. contiguous rows of L.
        for (var p = m - 1; p >= 0; p--)
        {
            y[p] /= factor[(p * m) + p];
            DenseKernels.AddScaled(y.AsSpan(0, p), factor.AsSpan(p * m, p), -y[p]);
        }

        for (var p = 0; p < m; p++)
        {
            y[p] *= scale[p];
        }

        return y;
    }

    private static bool TryFactorise(double[] symmetric, int m, double lambda, double[] factor, double[] scale)
    {
        for (var p = 0; p < m; p++)
        {
            var diagonal = symmetric[(p * m) + p] + lambda;
            if (!(diagonal > 0))
            {
                return false;
            }

            scale[p] = 1 / Math.Sqrt(diagonal);
        }

        for (var p = 0; p < m; p++)
        {
            for (var q = 0; q <= p; q++)
            {
                var value = scale[p] * (symmetric[(p * m) + q] + (p == q ? lambda : 0)) * scale[q];
                factor[(p * m) + q] = value;
            }

            Array.Clear(factor, (p * m) + p + 1, m - p - 1);
        }

        // Row-oriented Cholesky: every inner product runs over two contiguous row prefixes.
        for (var j = 0; j < m; j++)
        {
            var rowJ = factor.AsSpan(j * m, j);
            var pivot = factor[(j * m) + j] - DenseKernels.Dot(rowJ, rowJ);
            if (!(pivot > PivotTolerance))
            {
                return false;
            }

            var diagonal = Math.Sqrt(pivot);
            factor[(j * m) + j] = diagonal;
            for (var i = j + 1; i < m; i++)
            {
                var rowI = factor.AsSpan(i * m, j);
                factor[(i * m) + j] = (factor[(i * m) + j] - DenseKernels.Dot(rowI, rowJ)) / diagonal;
            }
        }

        return true;
    }

    /// <summary>
    /// Overwrites the first <paramref name="size"/> rows of <paramref name="work"/> with L⁻¹D·row for each input row and
    /// leaves each solution's squared norm in work[b] order at the front of the returned span (reusing the work space).
    /// </summary>
    private Span<double> SolveBlock(ReadOnlySpan<double> rows, Span<double> work, int size)
    {
        for (var b = 0; b < size; b++)
        {
            var input = rows.Slice(b * m, m);
            var output = work.Slice(b * m, m);
            for (var p = 0; p < m; p++)
            {
                output[p] = scale[p] * input[p];
            }
        }

        for (var p = 0; p < m; p++)
        {
            var factorRow = factor.AsSpan(p * m, p);
            var inverseDiagonal = 1 / factor[(p * m) + p];
            for (var b = 0; b < size; b++)
            {
                var solution = work.Slice(b * m, p + 1);
                solution[p] = (solution[p] - DenseKernels.Dot(factorRow, solution[..p])) * inverseDiagonal;
            }
        }

        // Squared norms go to the front; row b's norm is written after row b itself has been read, and b ≤ b·m.
        for (var b = 0; b < size; b++)
        {
            var solution = work.Slice(b * m, m);
            work[b] = DenseKernels.Dot(solution, solution);
        }

        return work[..size];
    }

    private void CheckRow(ReadOnlySpan<double> row, string? id, int index)
    {
        if (row.Length != m)
        {
            throw new ArgumentException(
                $"{RowNames.Capitalise(RowNames.Of(id, index))} has {row.Length.ToString(CultureInfo.InvariantCulture)} features; {m.ToString(CultureInfo.InvariantCulture)} expected.", nameof(row));
        }

        var bad = RowNames.FirstNonFinite(row);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"{RowNames.Capitalise(RowNames.Of(id, index))} has a non-finite value ({row[bad].ToString(CultureInfo.InvariantCulture)}) in feature {bad.ToString(CultureInfo.InvariantCulture)}.", nameof(row));
        }
    }
}
