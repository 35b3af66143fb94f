namespace ActiveLearning.Atomistics.Fitting;

/// <summary>A loss and its gradient: returns the loss at <c>x</c> and writes ∂loss/∂x into <c>gradient</c> (same length).</summary>
public delegate double LossFunction(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Settings of <see cref="Lbfgs.Minimise"/>.</summary>
public sealed record LbfgsOptions
{
    /// <summary>Maximum number of accepted steps (default 200).</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Number of past steps kept for the inverse-Hessian estimate (default 8).</summary>
    public int History { get; init; } = 8;

    /// <summary>Converged when the largest gradient component is at most this times max(1, |loss|) (default 1e-9).</summary>
    public double GradientTolerance { get; init; } = 1e-9;

    /// <summary>Sufficient-decrease (Armijo) constant c₁ in (0, 1) (default 1e-4).</summary>
    public double SufficientDecrease { get; init; } = 1e-4;

    /// <summary>Maximum halvings of the step in one line search before giving up (default 40).</summary>
    public int MaxStepHalvings { get; init; } = 40;
}

/// <summary>The outcome of <see cref="Lbfgs.Minimise"/>.</summary>
/// <param name="Parameters">The best point found (never worse than the start).</param>
/// <param name="Loss">The loss there.</param>
/// <param name="Iterations">Accepted steps.</param>
/// <param name="Evaluations">Calls of the loss function.</param>
/// <param name="Converged">Whether the gradient tolerance was met.</param>
/// <param name="StopReason">Why it stopped, in words.</param>
/// <param name="LossHistory">The loss at the start and after every accepted step (non-increasing).</param>
public sealed record LbfgsResult(
    double[] Parameters, double Loss, int Iterations, int Evaluations, bool Converged, string StopReason, IReadOnlyList<double> LossHistory);

/// <summary>
/// Limited-memory BFGS with a backtracking line search that only accepts steps with a finite loss and gradient and a
/// sufficient decrease of the loss: the loss never gets worse, and a loss that fails (NaN, infinity) on a trial point is
/// simply a rejected step. Meant for refining the non-linear parameters of a model after its linear fit.
/// </summary>
public static class Lbfgs
{
    /// <summary>Minimises <paramref name="loss"/> from <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentException">The loss or gradient at the start is not finite, or a setting is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between steps.</exception>
    public static LbfgsResult Minimise(LossFunction loss, ReadOnlySpan<double> start, LbfgsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        options ??= new LbfgsOptions();
        if (options.MaxIterations < 0 || options.History < 1 || options.MaxStepHalvings < 1
            || !(options.SufficientDecrease > 0 && options.SufficientDecrease < 1) || !(options.GradientTolerance >= 0))
        {
            throw new ArgumentException("L-BFGS settings out of range.", nameof(options));
        }

        var n = start.Length;
        var x = start.ToArray();
        var gradient = new double[n];
        var value = loss(x, gradient);
        var evaluations = 1;
        if (!double.IsFinite(value) || !AllFinite(gradient))
        {
            throw new ArgumentException("The loss or its gradient is not finite at the starting point.", nameof(start));
        }

        var history = new List<double> { value };
        var steps = new List<(double[] S, double[] Y, double Rho)>();
        var direction = new double[n];
        var trial = new double[n];
        var trialGradient = new double[n];
        var alpha = new double[options.History];
        for (var iteration = 0; ; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (MaxAbs(gradient) <= options.GradientTolerance * Math.Max(1, Math.Abs(value)))
            {
                return Result(true, "the gradient is below the tolerance");
            }

            if (iteration == options.MaxIterations)
            {
                return Result(false, "the iteration limit was reached");
            }

            SearchDirection(gradient, steps, direction, alpha);
            var slope = Dot(gradient, direction);
            if (!(slope < 0))
            {
                // The curvature estimate went bad: start again from steepest descent.
                steps.Clear();
                for (var p = 0; p < n; p++)
                {
                    direction[p] = -gradient[p];
                }

                slope = Dot(gradient, direction);
            }

            var step = steps.Count == 0 ? Math.Min(1, 1 / MaxAbs(gradient)) : 1.0;
            var accepted = false;
            double trialValue = double.NaN;
            for (var halving = 0; halving < options.MaxStepHalvings; halving++, step *= 0.5)
            {
                for (var p = 0; p < n; p++)
                {
                    trial[p] = x[p] + (step * direction[p]);
                }

                trialValue = loss(trial, trialGradient);
                evaluations++;
                if (double.IsFinite(trialValue) && AllFinite(trialGradient)
                    && trialValue <= value + (options.SufficientDecrease * step * slope) && trialValue < value)
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                return Result(false, "no step along the search direction lowered the loss");
            }

            var s = new double[n];
            var y = new double[n];
            for (var p = 0; p < n; p++)
            {
                s[p] = trial[p] - x[p];
                y[p] = trialGradient[p] - gradient[p];
            }

            var curvature = Dot(s, y);
            if (curvature > 1e-16 * Math.Sqrt(Dot(s, s) * Dot(y, y)))
            {
                if (steps.Count == options.History)
                {
                    steps.RemoveAt(0);
                }

                steps.Add((s, y, 1 / curvature));
            }

            Array.Copy(trial, x, n);
            Array.Copy(trialGradient, gradient, n);
            value = trialValue;
            history.Add(value);
        }

        LbfgsResult Result(bool converged, string reason) =>
            new(x, value, history.Count - 1, evaluations, converged, reason, history);
    }

    // The two-loop recursion: direction = −H·gradient with H the limited-memory inverse-Hessian estimate.
    private static void SearchDirection(double[] gradient, List<(double[] S, double[] Y, double Rho)> steps, double[] direction, double[] alpha)
    {
        Array.Copy(gradient, direction, gradient.Length);
        for (var k = steps.Count - 1; k >= 0; k--)
        {
            var (s, y, rho) = steps[k];
            alpha[k] = rho * Dot(s, direction);
            AddScaled(direction, y, -alpha[k]);
        }

        if (steps.Count > 0)
        {
            var (s, y, _) = steps[^1];
            var gamma = Dot(s, y) / Dot(y, y);
            for (var p = 0; p < direction.Length; p++)
            {
                direction[p] *= gamma;
            }
        }

        for (var k = 0; k < steps.Count; k++)
        {
            var (s, y, rho) = steps[k];
            var beta = rho * Dot(y, direction);
            AddScaled(direction, s, alpha[k] - beta);
        }

        for (var p = 0; p < direction.Length; p++)
        {
            direction[p] = -direction[p];
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var p = 0; p < a.Length; p++)
        {
            sum += a[p] * b[p];
        }

        return sum;
    }

    private static void AddScaled(double[] target, double[] source, double factor)
    {
        for (var p = 0; p < target.Length; p++)
        {
            target[p] += factor * source[p];
        }
    }

    private static double MaxAbs(double[] values)
    {
        var largest = 0.0;
        foreach (var v in values)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest;
    }

    private static bool AllFinite(double[] values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
