using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>The learning test: a level-16 MTP learns Stillinger–Weber silicon from MD frames.</summary>
public sealed class MtpLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void A_level_16_mtp_learns_stillinger_weber_silicon()
    {
        // 300 frames between 300 and 1500 K; every third frame is held out.
        var frames = SiliconDataset.Frames(300);
        List<Structure> train = [.. frames.Where((_, i) => i % 3 != 2)];
        List<Structure> held = [.. frames.Where((_, i) => i % 3 == 2)];
        train.Should().HaveCount(200);
        held.Should().HaveCount(100);
        var template = MtpBasisGenerator.Generate(16, 1, minDist: 1.9, maxDist: 5.0);
        var initial = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(template), [14]);

        var fit = LinearFitter.Fit(initial, train);
        var trainErrors = ErrorReport.Compute(fit.Potential, train, threads: 1);
        var heldErrors = ErrorReport.Compute(fit.Potential, held, threads: 1);

        output.WriteLine($"solver {fit.Solution.Solver}, rank {fit.Solution.Rank}/{fit.Potential.ParameterCount}");
        output.WriteLine("train:\n" + trainErrors.ToTable());
        output.WriteLine("held out:\n" + heldErrors.ToTable());
        heldErrors.Overall.ForceRmseEVPerAngstrom.Should().BeLessThan(0.15);

        // The non-linear refinement of the radial functions improves on the linear fit. With forward-difference gradients
        // each L-BFGS step costs ~33 linear fits, so the radial functions are refined on every fourth training frame and
        // the linear coefficients then refitted on all 200.
        var refined = MtpRefinement.Refine(
            (MomentTensorPotential)fit.Potential, [.. train.Where((_, i) => i % 4 == 0)], new MtpRefinementOptions { MaxIterations = 2 });
        var refitted = LinearFitter.Fit(refined.Potential, train).Potential;
        var refinedHeld = ErrorReport.Compute(refitted, held, threads: 1);
        output.WriteLine(FormattableString.Invariant(
            $"refined: loss {refined.LossHistory[0]:E4} → {refined.LossHistory[^1]:E4}; held-out force RMSE {heldErrors.Overall.ForceRmseEVPerAngstrom:F4} → {refinedHeld.Overall.ForceRmseEVPerAngstrom:F4} eV/Å, energy {heldErrors.Overall.EnergyRmseMeVPerAtom:F3} → {refinedHeld.Overall.EnergyRmseMeVPerAtom:F3} meV/atom"));
        refined.LossHistory[^1].Should().BeLessThan(refined.LossHistory[0]);
        refinedHeld.Overall.ForceRmseEVPerAngstrom.Should().BeLessThan(heldErrors.Overall.ForceRmseEVPerAngstrom!.Value);
    }
}
