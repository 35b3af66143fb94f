using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

public sealed class MtpRefinementTests(ITestOutputHelper output)
{
    [Fact]
    public void Refining_the_radial_functions_never_raises_the_training_loss_and_lowers_the_validation_error()
    {
        var frames = SiliconDataset.Frames(90);
        List<Structure> train = [.. frames.Where((_, i) => i % 3 != 2)];
        List<Structure> held = [.. frames.Where((_, i) => i % 3 == 2)];
        var template = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(8, 1, 1.9, 5.0));
        var linear = (MomentTensorPotential)LinearFitter.Fit(new MomentTensorPotential(template, [14]), train).Potential;

        var result = MtpRefinement.Refine(linear, train, new MtpRefinementOptions { MaxIterations = 6 });

        var before = ErrorReport.Compute(linear, held, threads: 1).Overall.ForceRmseEVPerAngstrom!.Value;
        var after = ErrorReport.Compute(result.Potential, held, threads: 1).Overall.ForceRmseEVPerAngstrom!.Value;
        output.WriteLine(FormattableString.Invariant(
            $"loss {result.LossHistory[0]:E4} → {result.LossHistory[^1]:E4} in {result.Iterations} steps ({result.LinearFits} linear fits); held-out force RMSE {before:F4} → {after:F4} eV/Å"));
        result.LossHistory.Should().BeInDescendingOrder();
        result.LossHistory[^1].Should().BeLessThan(result.LossHistory[0]);
        result.Iterations.Should().BeGreaterThan(0);
        after.Should().BeLessThan(before);
        result.Potential.ToModel().RadialCoeffs.Should().NotEqual(linear.ToModel().RadialCoeffs);
    }

    [Fact]
    public void Normal_equations_report_the_weighted_squared_residual_of_any_parameters()
    {
        var equations = new NormalEquations(2);
        equations.AddRow([1, 0], 1, 1);
        equations.AddRow([0, 1], 2, 2);
        equations.AddRow([1, 1], 0, 0.5);

        // Σ w (row·c − b)² at c = (1, 1): 1·0² + 2·(1−2)² + 0.5·(2−0)² = 4.
        equations.Loss([1, 1]).Should().BeApproximately(4, 1e-12);
        equations.Loss([0, 0]).Should().BeApproximately(1 + 8, 1e-12);
    }
}
