using ActiveLearning.Atomistics.Fitting;

namespace ActiveLearning.Atomistics.Tests.Fitting;

public sealed class LbfgsTests
{
    [Fact]
    public void Finds_the_minimum_of_the_Rosenbrock_valley_without_the_loss_ever_rising()
    {
        static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
        {
            double a = 1 - x[0], b = x[1] - (x[0] * x[0]);
            g[0] = (-2 * a) - (400 * x[0] * b);
            g[1] = 200 * b;
            return (a * a) + (100 * b * b);
        }

        var result = Lbfgs.Minimise(Rosenbrock, [-1.2, 1.0]);

        result.Converged.Should().BeTrue(result.StopReason);
        result.Parameters[0].Should().BeApproximately(1, 1e-6);
        result.Parameters[1].Should().BeApproximately(1, 1e-6);
        result.LossHistory.Zip(result.LossHistory.Skip(1), (before, after) => after <= before).Should().AllBeEquivalentTo(true);
        result.Loss.Should().Be(result.LossHistory[^1]);
    }

    [Fact]
    public void Solves_an_ill_conditioned_quadratic()
    {
        const int n = 12;
        double Quadratic(ReadOnlySpan<double> x, Span<double> g)
        {
            var sum = 0.0;
            for (var p = 0; p < n; p++)
            {
                var curvature = Math.Pow(10, 3.0 * p / (n - 1));
                g[p] = curvature * (x[p] - p);
                sum += 0.5 * curvature * (x[p] - p) * (x[p] - p);
            }

            return sum;
        }

        var result = Lbfgs.Minimise(Quadratic, new double[n], new LbfgsOptions { GradientTolerance = 1e-12 });

        result.Converged.Should().BeTrue(result.StopReason);
        for (var p = 0; p < n; p++)
        {
            result.Parameters[p].Should().BeApproximately(p, 1e-9);
        }
    }

    [Fact]
    public void Trial_points_where_the_loss_fails_are_rejected_not_accepted()
    {
        var failures = 0;
        double Guarded(ReadOnlySpan<double> x, Span<double> g)
        {
            // The minimum (x = 5) lies beyond where the model can be evaluated (x ≤ 3.5, e.g. where radial nodes would cross).
            if (x[0] > 3.5)
            {
                failures++;
                g[0] = double.NaN;
                return double.NaN;
            }

            g[0] = 2 * (x[0] - 5);
            return (x[0] - 5) * (x[0] - 5);
        }

        var result = Lbfgs.Minimise(Guarded, [0.0]);

        failures.Should().BeGreaterThan(0, "the test must actually exercise rejected steps");
        result.Parameters[0].Should().BeInRange(3.49, 3.5);
        double.IsFinite(result.Loss).Should().BeTrue();
        result.LossHistory.Should().OnlyContain(v => double.IsFinite(v));
        result.LossHistory.Zip(result.LossHistory.Skip(1), (before, after) => after < before).Should().AllBeEquivalentTo(true);
    }

    [Fact]
    public void Stops_without_moving_when_nothing_lowers_the_loss_and_refuses_a_bad_start()
    {
        var calls = 0;
        double Flat(ReadOnlySpan<double> x, Span<double> g)
        {
            // A gradient that lies: it promises a descent that the loss never delivers.
            calls++;
            g[0] = 1;
            return 5;
        }

        var result = Lbfgs.Minimise(Flat, [0.7]);

        result.Converged.Should().BeFalse();
        result.Parameters.Should().Equal(0.7);
        result.Loss.Should().Be(5);
        result.Iterations.Should().Be(0);
        result.Evaluations.Should().Be(calls);
        FluentActions.Invoking(() => Lbfgs.Minimise((x, g) => double.NaN, [1.0])).Should().Throw<ArgumentException>();
    }
}
