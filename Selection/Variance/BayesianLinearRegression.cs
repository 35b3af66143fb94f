using System.Globalization;

namespace ActiveLearning.Selection.Variance;

/// <summary>
/// Streams the training rows of a Bayesian linear regression: accumulates ΦᵀWΦ (and, when targets are given, ΦᵀWy and
/// yᵀWy) block by block in O(m²) memory whatever the number of rows, then <see cref="Fit"/>s the posterior whose
/// covariance Σ = (ΦᵀWΦ + λI)⁻¹σ² gives the predictive variance φᵀΣφ of any feature row φ.
/// </summary>
/// <remarks>
/// Rows are feature rows of whatever quantity was labelled — a configuration's energy row, per-atom energy rows or force
/// component rows; they all share the same m features. Not thread-safe: use one accumulator per thread and
/// <see cref="Add(BayesianLinearRegression)"/> them in a fixed order.
/// </remarks>
public sealed class BayesianLinearRegression
{
    // Upper triangle (q ≥ p) of the row-major m×m matrix ΦᵀWΦ; Fit mirrors it.
    private readonly double[] gram;
    private readonly double[] projection;
    private double weightedTargetSquares;

    /// <summary>Creates an empty accumulator for rows of <paramref name="featureCount"/> features.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> is not positive.</exception>
    public BayesianLinearRegression(int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        FeatureCount = featureCount;
        gram = new double[checked(featureCount * featureCount)];
        projection = new double[featureCount];
    }

    /// <summary>Number of features m (columns of every row).</summary>
    public int FeatureCount { get; }

    /// <summary>Rows added with a positive weight.</summary>
    public int RowCount { get; private set; }

    /// <summary>Rows added without a target; while any exists the noise variance cannot be estimated and must be given to <see cref="Fit"/>.</summary>
    public int RowsWithoutTarget { get; private set; }

    /// <summary>Adds one training row φ with weight w (ΦᵀWΦ += w·φφᵀ) and no target.</summary>
    /// <param name="row">The m features.</param>
    /// <param name="weight">w ≥ 0; rows of weight 0 are ignored.</param>
    /// <param name="id">The caller's name for the row, used in error messages.</param>
    /// <exception cref="ArgumentException">The row does not have m values, holds a non-finite value, or the weight is negative or not finite.</exception>
    public void AddRow(ReadOnlySpan<double> row, double weight = 1, string? id = null)
    {
        CheckRow(row, weight, id, RowCount);
        if (weight == 0)
        {
            return;
        }

        AccumulateGram(row, weight);
        RowCount++;
        RowsWithoutTarget++;
    }

    /// <summary>Adds one training row φ with its target y and weight w: ΦᵀWΦ += w·φφᵀ, ΦᵀWy += w·y·φ, yᵀWy += w·y².</summary>
    /// <param name="row">The m features.</param>
    /// <param name="target">The labelled value y (e.g. eV for an energy row, eV/Å for a force component row).</param>
    /// <param name="weight">w ≥ 0; rows of weight 0 are ignored.</param>
    /// <param name="id">The caller's name for the row, used in error messages.</param>
    /// <exception cref="ArgumentException">As <see cref="AddRow(ReadOnlySpan{double}, double, string?)"/>, or the target is not finite.</exception>
    public void AddRow(ReadOnlySpan<double> row, double target, double weight, string? id = null)
    {
        CheckRow(row, weight, id, RowCount);
        if (!double.IsFinite(target))
        {
            throw new ArgumentException($"The target of {RowNames.Of(id, RowCount)} is not finite ({target.ToString(CultureInfo.InvariantCulture)}).", nameof(target));
        }

        if (weight == 0)
        {
            return;
        }

        AccumulateGram(row, weight);
        DenseKernels.AddScaled(projection, row, weight * target);
        weightedTargetSquares += weight * target * target;
        RowCount++;
    }

    /// <summary>
    /// Adds a block of rows stored row-major (rows.Length = k·m) with optional targets and weights (length k each; weight 1
    /// and no target when empty) and optional ids for error messages.
    /// </summary>
    /// <exception cref="ArgumentException">The block is not a whole number of rows, a length differs from k, or a row, target or weight is invalid (named by its id).</exception>
    public void AddRows(ReadOnlySpan<double> rows, ReadOnlySpan<double> targets = default, ReadOnlySpan<double> weights = default, IReadOnlyList<string>? ids = null)
    {
        var m = FeatureCount;
        if (rows.Length % m != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The block has {rows.Length} values, not a whole number of rows of {m} features."), nameof(rows));
        }

        var count = rows.Length / m;
        if ((!targets.IsEmpty && targets.Length != count) || (!weights.IsEmpty && weights.Length != count))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The block has {count} rows but {targets.Length} targets and {weights.Length} weights."));
        }

        RowNames.CheckIds(ids, count, nameof(ids));
        for (var r = 0; r < count; r++)
        {
            var row = rows.Slice(r * m, m);
            var weight = weights.IsEmpty ? 1 : weights[r];
            var id = ids?[r];
            if (targets.IsEmpty)
            {
                AddRow(row, weight, id);
            }
            else
            {
                AddRow(row, targets[r], weight, id);
            }
        }
    }

    /// <summary>Adds another accumulator's rows (e.g. a thread's partial sums).</summary>
    /// <exception cref="ArgumentException">The feature counts differ.</exception>
    public void Add(BayesianLinearRegression other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.FeatureCount != FeatureCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Cannot add rows of {other.FeatureCount} features to an accumulator of {FeatureCount}."), nameof(other));
        }

        DenseKernels.AddScaled(gram, other.gram, 1);
        DenseKernels.AddScaled(projection, other.projection, 1);
        weightedTargetSquares += other.weightedTargetSquares;
        RowCount += other.RowCount;
        RowsWithoutTarget += other.RowsWithoutTarget;
    }

    /// <summary>
    /// The posterior for prior precision (Tikhonov regulariser) <paramref name="regularisation"/> λ and noise variance σ²:
    /// given, or estimated from the weighted residuals of the posterior mean as σ² = RSS / max(1, N − p_eff) with
    /// p_eff = tr(ΦᵀWΦ(ΦᵀWΦ + λI)⁻¹) the effective number of parameters.
    /// </summary>
    /// <param name="regularisation">λ ≥ 0 in the units of ΦᵀWΦ. When the matrix is singular for this λ (rank-deficient data
    /// and λ = 0, or λ negligible next to the diagonal), λ is raised until the factorisation is well defined; the λ used is
    /// <see cref="BayesianPosterior.Regularisation"/>.</param>
    /// <param name="noiseVariance">σ² &gt; 0 (units of target²); null to estimate it from the residuals.</param>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite, or σ² is not positive and finite.</exception>
    /// <exception cref="InvalidOperationException">No row was added, or σ² must be estimated but some rows have no target.</exception>
    public BayesianPosterior Fit(double regularisation, double? noiseVariance = null)
    {
        if (!double.IsFinite(regularisation) || regularisation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(regularisation), regularisation, "The regularisation λ must be finite and ≥ 0.");
        }

        if (noiseVariance is double given && (!double.IsFinite(given) || given <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseVariance), given, "The noise variance σ² must be finite and > 0.");
        }

        if (RowCount == 0)
        {
            throw new InvalidOperationException("The training set is empty: no row with a positive weight was added.");
        }

        if (noiseVariance is null && RowsWithoutTarget > 0)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"{RowsWithoutTarget} of {RowCount} rows have no target, so the noise variance cannot be estimated: give it."));
        }

        var m = FeatureCount;
        var symmetric = new double[m * m];
        for (var p = 0; p < m; p++)
        {
            for (var q = p; q < m; q++)
            {
                symmetric[(p * m) + q] = gram[(p * m) + q];
                symmetric[(q * m) + p] = gram[(p * m) + q];
            }
        }

        var posterior = BayesianPosterior.Factorise(symmetric, m, regularisation);
        if (noiseVariance is double known)
        {
            posterior.SetNoise(known, estimated: false, effectiveParameters: posterior.EffectiveParameterCount(), rowCount: RowCount);
            return posterior;
        }

        var mean = posterior.SolveMean(projection);
        var cTb = DenseKernels.Dot(mean, projection);
        var cTAc = 0.0;
        for (var p = 0; p < m; p++)
        {
            cTAc += mean[p] * DenseKernels.Dot(symmetric.AsSpan(p * m, m), mean);
        }

        // Rounding can leave a tiny negative residual sum for an exact fit.
        var residualSquares = Math.Max(0, weightedTargetSquares - (2 * cTb) + cTAc);
        var effective = posterior.EffectiveParameterCount();
        posterior.SetMean(mean);
        posterior.SetNoise(residualSquares / Math.Max(1, RowCount - effective), estimated: true, effective, RowCount);
        return posterior;
    }

    private void CheckRow(ReadOnlySpan<double> row, double weight, string? id, int index)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException(
                $"{RowNames.Capitalise(RowNames.Of(id, index))} has {row.Length.ToString(CultureInfo.InvariantCulture)} features; {FeatureCount.ToString(CultureInfo.InvariantCulture)} expected.", nameof(row));
        }

        var bad = RowNames.FirstNonFinite(row);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"{RowNames.Capitalise(RowNames.Of(id, index))} has a non-finite value ({row[bad].ToString(CultureInfo.InvariantCulture)}) in feature {bad.ToString(CultureInfo.InvariantCulture)}.", nameof(row));
        }

        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentException(
                $"The weight of {RowNames.Of(id, index)} must be finite and ≥ 0, not {weight.ToString(CultureInfo.InvariantCulture)}.", nameof(weight));
        }
    }

    private void AccumulateGram(ReadOnlySpan<double> row, double weight)
    {
        var m = FeatureCount;
        for (var p = 0; p < m; p++)
        {
            var weighted = weight * row[p];
            if (weighted != 0)
            {
                DenseKernels.AddScaled(gram.AsSpan((p * m) + p, m - p), row[p..], weighted);
            }
        }
    }
}
