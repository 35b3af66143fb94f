using ActiveLearning.Selection.Variance;
using MathNet.Numerics.LinearAlgebra;

namespace ActiveLearning.Selection.Tests.Variance;

public sealed class BayesianVarianceTests
{
    private static double[] RandomMatrix(Random random, int rows, int columns, double spread = 1)
    {
        var values = new double[rows * columns];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = spread * ((2 * random.NextDouble()) - 1);
        }

        return values;
    }

    // The textbook formula with an explicit dense inverse: independent of the scaled Cholesky under test.
    private static Matrix<double> ExplicitCovariance(double[] phi, double[] weights, int m, double lambda, double noise)
    {
        var n = weights.Length;
        var design = Matrix<double>.Build.Dense(n, m, (i, j) => phi[(i * m) + j]);
        var w = Matrix<double>.Build.DenseOfDiagonalArray(weights);
        var normal = (design.Transpose() * w * design) + (lambda * Matrix<double>.Build.DenseIdentity(m));
        return normal.Inverse() * noise;
    }

    private static double Quadratic(Matrix<double> sigma, ReadOnlySpan<double> row)
    {
        var v = Vector<double>.Build.DenseOfArray(row.ToArray());
        return v * sigma * v;
    }

    [Fact]
    public void Variances_equal_the_explicit_dense_inverse_for_a_given_noise()
    {
        var random = new Random(11);
        const int n = 200, m = 12;
        const double lambda = 0.05, noise = 0.3;
        var phi = RandomMatrix(random, n, m);
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = 0.1 + random.NextDouble();
        }

        var regression = new BayesianLinearRegression(m);
        regression.AddRows(phi, weights: weights);
        var posterior = regression.Fit(lambda, noise);
        posterior.RegularisationRaised.Should().BeFalse();
        posterior.NoiseVariance.Should().Be(noise);

        var sigma = ExplicitCovariance(phi, weights, m, lambda, noise);
        const int queries = 70;
        var rows = RandomMatrix(random, queries, m, spread: 3);
        var variances = new double[queries];
        posterior.Variances(rows, variances);
        for (var r = 0; r < queries; r++)
        {
            var expected = Quadratic(sigma, rows.AsSpan(r * m, m));
            variances[r].Should().BeApproximately(expected, 1e-10 * expected, $"row {r}");
            posterior.Variance(rows.AsSpan(r * m, m)).Should().Be(variances[r], "the batch and single-row paths do the same arithmetic");
        }
    }

    [Fact]
    public void The_estimated_noise_and_mean_match_the_explicit_formulas()
    {
        var random = new Random(5);
        const int n = 80, m = 6;
        const double lambda = 0.2;
        var phi = RandomMatrix(random, n, m);
        var truth = new[] { 1.0, -2, 0.5, 3, 0, -1 };
        var targets = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            targets[i] = DotRow(phi, i, m, truth) + (0.1 * ((2 * random.NextDouble()) - 1));
            weights[i] = 0.5 + random.NextDouble();
        }

        var regression = new BayesianLinearRegression(m);
        regression.AddRows(phi, targets, weights);
        var posterior = regression.Fit(lambda);

        var design = Matrix<double>.Build.Dense(n, m, (i, j) => phi[(i * m) + j]);
        var w = Matrix<double>.Build.DenseOfDiagonalArray(weights);
        var gram = design.Transpose() * w * design;
        var inverse = (gram + (lambda * Matrix<double>.Build.DenseIdentity(m))).Inverse();
        var mean = inverse * design.Transpose() * w * Vector<double>.Build.DenseOfArray(targets);
        var residual = (design * mean) - Vector<double>.Build.DenseOfArray(targets);
        var rss = residual * (w * residual);
        var effective = (gram * inverse).Trace();
        var noise = rss / (n - effective);

        posterior.NoiseEstimated.Should().BeTrue();
        posterior.EffectiveParameters.Should().BeApproximately(effective, 1e-10);
        posterior.NoiseVariance.Should().BeApproximately(noise, 1e-8 * noise);
        for (var p = 0; p < m; p++)
        {
            posterior.Mean![p].Should().BeApproximately(mean[p], 1e-10);
        }

        posterior.Predict(phi.AsSpan(0, m)).Should().BeApproximately(DotRow(phi, 0, m, mean.ToArray()), 1e-10);
        var query = RandomMatrix(random, 1, m);
        posterior.Variance(query).Should().BeApproximately(Quadratic(inverse * noise, query), 1e-10 * Quadratic(inverse * noise, query));
    }

    [Fact]
    public void A_training_row_has_a_small_variance_and_a_far_away_row_a_large_one()
    {
        // Quadratic model in x, trained on x ∈ [0, 1].
        var regression = new BayesianLinearRegression(3);
        for (var i = 0; i <= 20; i++)
        {
            var x = i / 20.0;
            regression.AddRow([1, x, x * x]);
        }

        var posterior = regression.Fit(1e-8, noiseVariance: 1);
        var inside = posterior.Variance([1, 0.5, 0.25]);
        var far = posterior.Variance([1, 10, 100]);
        inside.Should().BeLessThan(0.2, "a well-sampled training row has leverage well below 1");
        far.Should().BeGreaterThan(1000 * inside);
    }

    [Fact]
    public void Variance_is_quadratic_in_the_row()
    {
        var random = new Random(3);
        const int m = 5;
        var regression = new BayesianLinearRegression(m);
        regression.AddRows(RandomMatrix(random, 30, m));
        var posterior = regression.Fit(0.01, 2);
        var row = RandomMatrix(random, 1, m);
        var doubled = row.Select(v => 2 * v).ToArray();
        posterior.Variance(doubled).Should().BeApproximately(4 * posterior.Variance(row), 1e-12 * posterior.Variance(doubled));
        posterior.Variance(new double[m]).Should().Be(0);
    }

    [Fact]
    public void Rank_deficient_data_give_finite_variances_large_outside_the_span()
    {
        const int m = 10;
        var regression = new BayesianLinearRegression(m);
        var spanned = new double[m];
        for (var r = 0; r < 3; r++)
        {
            var row = new double[m];
            row[r] = 1;
            row[r + 1] = 0.5;
            regression.AddRow(row);
            spanned[r] += 1;
            spanned[r + 1] += 0.5;
        }

        // λ = 0 with 3 rows for 10 features: singular; the posterior must raise λ rather than produce NaN.
        var posterior = regression.Fit(0, noiseVariance: 1);
        posterior.RegularisationRaised.Should().BeTrue();
        posterior.Regularisation.Should().BeGreaterThan(0);

        var outside = new double[m];
        outside[9] = 1;
        var inSpan = posterior.Variance(spanned);
        var notSpanned = posterior.Variance(outside);
        double.IsFinite(inSpan).Should().BeTrue();
        double.IsFinite(notSpanned).Should().BeTrue();
        notSpanned.Should().BeGreaterThan(1e6 * inSpan);

        // With the λ it settled on, the result is exactly the regularised formula.
        var phi = new double[3 * m];
        for (var r = 0; r < 3; r++)
        {
            phi[(r * m) + r] = 1;
            phi[(r * m) + r + 1] = 0.5;
        }

        var sigma = ExplicitCovariance(phi, [1, 1, 1], m, posterior.Regularisation, 1);
        notSpanned.Should().BeApproximately(Quadratic(sigma, outside), 1e-8 * notSpanned);
    }

    [Fact]
    public void Duplicate_columns_with_a_small_regulariser_stay_finite_and_estimate_noise()
    {
        var random = new Random(8);
        const int m = 4;
        var regression = new BayesianLinearRegression(m);
        for (var i = 0; i < 50; i++)
        {
            var x = random.NextDouble();
            var y = random.NextDouble();
            regression.AddRow([x, x, y, 1], target: x + y, weight: 1);
        }

        var posterior = regression.Fit(1e-14);
        double.IsFinite(posterior.NoiseVariance).Should().BeTrue();
        posterior.EffectiveParameters.Should().BeApproximately(3, 1e-3);
        var variances = new double[2];
        posterior.Variances(new double[] { 0.5, 0.5, 0.5, 1, 1, -1, 0, 0 }, variances);
        variances.Should().OnlyContain(v => double.IsFinite(v) && v >= 0);
    }

    [Fact]
    public void Streaming_blocks_and_merged_accumulators_agree_with_one_pass()
    {
        var random = new Random(21);
        const int n = 300, m = 8;
        var phi = RandomMatrix(random, n, m);
        var targets = RandomMatrix(random, n, 1);

        var whole = new BayesianLinearRegression(m);
        whole.AddRows(phi, targets);
        var first = new BayesianLinearRegression(m);
        var second = new BayesianLinearRegression(m);
        for (var start = 0; start < n; start += 37)
        {
            var count = Math.Min(37, n - start);
            (start % 2 == 0 ? first : second).AddRows(phi.AsSpan(start * m, count * m), targets.AsSpan(start, count));
        }

        first.Add(second);
        first.RowCount.Should().Be(n);
        var a = whole.Fit(0.1);
        var b = first.Fit(0.1);
        b.NoiseVariance.Should().BeApproximately(a.NoiseVariance, 1e-12 * a.NoiseVariance);
        var query = RandomMatrix(random, 1, m);
        b.Variance(query).Should().BeApproximately(a.Variance(query), 1e-12 * a.Variance(query));
    }

    [Fact]
    public void Threads_do_not_change_the_batch_result()
    {
        var random = new Random(2);
        const int m = 40, queries = 1000;
        var regression = new BayesianLinearRegression(m);
        regression.AddRows(RandomMatrix(random, 500, m));
        var posterior = regression.Fit(0.1, 1);
        var rows = RandomMatrix(random, queries, m);
        var serial = new double[queries];
        var parallel = new double[queries];
        posterior.Variances(rows, serial, maxDegreeOfParallelism: 1);
        posterior.Variances(rows, parallel);
        parallel.Should().Equal(serial);
    }

    [Fact]
    public void Bad_rows_are_named_by_their_ids()
    {
        var regression = new BayesianLinearRegression(3);
        var act = () => regression.AddRows(new double[] { 1, 2, 3, 4, double.NaN, 6 }, ids: ["frame-a", "frame-b"]);
        act.Should().Throw<ArgumentException>().WithMessage("*'frame-b'*non-finite*feature 1*");

        var wrongWidth = () => regression.AddRow([1.0, 2], weight: 1, id: "atom 7 of frame-c");
        wrongWidth.Should().Throw<ArgumentException>().WithMessage("*'atom 7 of frame-c' has 2 features; 3 expected*");

        var negative = () => regression.AddRow([1.0, 2, 3], weight: -1, id: "x");
        negative.Should().Throw<ArgumentException>().WithMessage("*weight of row 'x'*");

        var ragged = () => regression.AddRows(new double[] { 1, 2, 3, 4 });
        ragged.Should().Throw<ArgumentException>().WithMessage("*not a whole number of rows of 3*");

        var empty = () => new BayesianLinearRegression(3).Fit(0.1, 1);
        empty.Should().Throw<InvalidOperationException>().WithMessage("*empty*");

        regression.AddRow([1.0, 0, 0]);
        var noTargets = () => regression.Fit(0.1);
        noTargets.Should().Throw<InvalidOperationException>().WithMessage("*no target*");

        var posterior = regression.Fit(0.1, 1);
        var badQuery = () => posterior.Variances(new double[] { 1, 1, 1, double.PositiveInfinity, 0, 0 }, new double[2], ["ok", "config 42"]);
        badQuery.Should().Throw<ArgumentException>().WithMessage("*'config 42'*non-finite*");
        var wrongOutput = () => posterior.Variances(new double[] { 1, 1, 1 }, new double[2]);
        wrongOutput.Should().Throw<ArgumentException>();
        var badLambda = () => regression.Fit(-1, 1);
        badLambda.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static double DotRow(double[] phi, int row, int m, double[] weights)
    {
        var sum = 0.0;
        for (var j = 0; j < m; j++)
        {
            sum += phi[(row * m) + j] * weights[j];
        }

        return sum;
    }
}
