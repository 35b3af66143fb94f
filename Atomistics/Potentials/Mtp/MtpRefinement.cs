using ActiveLearning.Atomistics.Fitting;

namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>Settings of <see cref="MtpRefinement.Refine"/>.</summary>
public sealed record MtpRefinementOptions
{
    /// <summary>Accepted L-BFGS steps at most (default 10).</summary>
    public int MaxIterations { get; init; } = 10;

    /// <summary>
    /// Forward-difference step for the gradient, relative to the largest radial coefficient (default 1e-6). Each gradient
    /// costs one linear fit per radial coefficient (S²·radial_funcs_count·radial_basis_size of them).
    /// </summary>
    public double RelativeStep { get; init; } = 1e-6;

    /// <summary>The linear fit's weights and solver settings.</summary>
    public LinearFitOptions Fit { get; init; } = new();

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (MaxIterations < 0 || !(RelativeStep > 0 && RelativeStep < 0.1))
        {
            throw new ArgumentException("MaxIterations must be ≥ 0 and RelativeStep in (0, 0.1).");
        }

        Fit.Validate();
    }
}

/// <summary>The outcome of <see cref="MtpRefinement.Refine"/>.</summary>
/// <param name="Potential">The refined potential (radial and linear coefficients).</param>
/// <param name="LossHistory">Training loss (weighted sum of squares, without regularisation) before and after every accepted step; non-increasing.</param>
/// <param name="Iterations">Accepted steps.</param>
/// <param name="LinearFits">Linear fits done (the cost).</param>
public sealed record MtpRefinementResult(MomentTensorPotential Potential, IReadOnlyList<double> LossHistory, int Iterations, int LinearFits);

/// <summary>
/// Non-linear refinement of an MTP's radial coefficients by variable projection: the loss of the radial coefficients is the
/// training loss after the optimal linear fit for them, minimised by L-BFGS, which accepts only steps that lower it — the
/// result is never worse on the training set than the start.
/// </summary>
/// <remarks>
/// The gradient is taken by forward differences (by the envelope theorem the linear coefficients need not be
/// differentiated), so each iteration costs about (number of radial coefficients + 1) linear fits over the training set:
/// practical for small models and sets; an analytic gradient would remove that factor.
/// </remarks>
public static class MtpRefinement
{
    /// <summary>Refines the radial coefficients of <paramref name="start"/> on <paramref name="training"/> (structures with reference labels).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static MtpRefinementResult Refine(
        MomentTensorPotential start, IReadOnlyList<Structure> training, MtpRefinementOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(training);
        options ??= new MtpRefinementOptions();
        options.Validate();
        var model = start.ToModel();
        var species = start.Species;
        var fits = 0;

        double LinearLoss(ReadOnlySpan<double> radial, out double[] linear)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = model.Clone();
            candidate.RadialCoeffs = radial.ToArray();
            var potential = new MomentTensorPotential(candidate, species);
            var equations = LinearFitter.Accumulate(potential, training, options.Fit, cancellationToken);
            var solution = equations.Solve(options.Fit);
            fits++;
            linear = solution.Parameters;
            return equations.Loss(linear);
        }

        double Loss(ReadOnlySpan<double> radial, Span<double> gradient)
        {
            var value = LinearLoss(radial, out _);
            if (!double.IsFinite(value))
            {
                return value;
            }

            var scale = 0.0;
            foreach (var c in radial)
            {
                scale = Math.Max(scale, Math.Abs(c));
            }

            var step = options.RelativeStep * Math.Max(scale, 1e-3);
            var shifted = radial.ToArray();
            for (var k = 0; k < shifted.Length; k++)
            {
                shifted[k] += step;
                gradient[k] = (LinearLoss(shifted, out _) - value) / step;
                shifted[k] = radial[k];
            }

            return value;
        }

        var result = Lbfgs.Minimise(
            Loss, model.RadialCoeffs, new LbfgsOptions { MaxIterations = options.MaxIterations }, cancellationToken);
        LinearLoss(result.Parameters, out var parameters);
        var refinedModel = model.Clone();
        refinedModel.RadialCoeffs = (double[])result.Parameters.Clone();
        var refined = (MomentTensorPotential)new MomentTensorPotential(refinedModel, species, start.Name).WithParameters(parameters);
        return new MtpRefinementResult(refined, result.LossHistory, result.Iterations, fits);
    }
}
