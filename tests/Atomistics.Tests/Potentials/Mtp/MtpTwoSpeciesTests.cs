using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Generators;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>
/// The default radial functions of a two-species MTP weight neighbours by species, so that a linear fit can tell a Si–C
/// bond from a Si–Si one: on Tersoff 3C-SiC frames it learns what the species-blind start (equal radial functions for
/// every pair) cannot.
/// </summary>
public sealed class MtpTwoSpeciesTests(ITestOutputHelper output)
{
    [Fact]
    public void Default_radial_functions_weight_neighbours_by_species()
    {
        var model = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(8, 3, 1.5, 4.0));
        var size = model.RadialBasisSize;
        var funcs = model.RadialFuncsCount;
        double Coefficient(int centre, int neighbour, int mu, int k) => model.RadialCoeffs![((((centre * 3) + neighbour) * funcs) + mu) * size + k];

        for (var centre = 0; centre < 3; centre++)
        {
            Coefficient(centre, 0, 0, 0).Should().Be(1);
            Coefficient(centre, 1, 1, 1).Should().Be(-1);
            Coefficient(centre, 2, 0, 0).Should().Be(0.5);
            Coefficient(centre, 2, 0, 1).Should().Be(0);
        }
    }

    [Fact]
    public void A_two_species_mtp_learns_tersoff_silicon_carbide()
    {
        var teacher = PotentialLibrary.Load("SiC.tersoff", [14, 6]);
        var random = new Random(11);
        var crystal = Zincblende.Repeated(Zincblende.Conventional(4.3212, 14, 6), 2, 2, 2);
        var frames = new List<Structure>();
        for (var i = 0; i < 45; i++)
        {
            var frame = Perturbations.Rattle(Zincblende.Strained(random, crystal, 0.02), 0.01 + (0.001 * i), random);
            var evaluation = new Evaluation(1);
            teacher.Compute(frame, evaluation);
            frame.Reference = evaluation.ToLabels(frame);
            frames.Add(frame);
        }

        List<Structure> train = [.. frames.Where((_, i) => i % 3 != 2)];
        List<Structure> held = [.. frames.Where((_, i) => i % 3 == 2)];
        var template = MtpBasisGenerator.Generate(16, 2, minDist: 1.4, maxDist: 3.0);
        var options = new LinearFitOptions { ForceWeight = 0.1, Threads = 1 };

        var weighted = LinearFitter.Fit(new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(template), [14, 6]), train, options).Potential;
        var blindModel = MtpInitialisation.WithDefaultCoefficients(template);
        for (var i = 0; i < blindModel.RadialCoeffs!.Length; i++)
        {
            blindModel.RadialCoeffs[i] = Math.Abs(blindModel.RadialCoeffs[i]);
        }

        var blind = LinearFitter.Fit(new MomentTensorPotential(blindModel, [14, 6]), train, options).Potential;
        var ours = ErrorReport.Compute(weighted, held, threads: 1).Overall.ForceRmseEVPerAngstrom!.Value;
        var speciesBlind = ErrorReport.Compute(blind, held, threads: 1).Overall.ForceRmseEVPerAngstrom!.Value;
        var scale = Math.Sqrt(held.SelectMany(s => s.Reference!.Forces!).Average(f => f.LengthSquared / 3));
        output.WriteLine(FormattableString.Invariant($"held-out force RMSE: species-weighted {ours:F4}, species-blind {speciesBlind:F4}, teacher's RMS force {scale:F4} eV/Å"));

        ours.Should().BeLessThan(0.1 * scale, "the weighted start learns the teacher's forces to within a tenth of their size");
        speciesBlind.Should().BeGreaterThan(3 * ours, "equal radial functions for every pair cannot tell Si from C neighbours");
    }
}
