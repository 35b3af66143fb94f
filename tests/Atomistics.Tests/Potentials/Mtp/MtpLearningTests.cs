using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>The learning test: a level-16 MTP learns Stillinger–Weber silicon from MD frames.</summary>
public sealed class MtpLearningTests(ITestOutputHelper output)
{
    /// <summary>300 frames of 64-atom Si from SW MD between 300 and 1500 K, labelled with SW; every third frame is held out.</summary>
    internal static (List<Structure> Train, List<Structure> Held) SiliconFrames()
    {
        var teacher = StillingerWeber.Silicon();
        var frames = new List<Structure>();
        var temperatures = new[] { 300.0, 540, 780, 1020, 1260, 1500 };
        foreach (var temperature in temperatures)
        {
            var structure = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2);
            var sampler = new Sampler(frames, every: 20, after: 400, temperature);
            MolecularDynamics.Run(structure, teacher, new MdOptions
            {
                Ensemble = Ensemble.Langevin,
                StartTemperatureK = temperature,
                Steps = 400 + (50 * 20),
                TimestepFs = 1,
                Seed = (int)temperature,
            }, sampler);
        }

        var evaluation = new Evaluation(1);
        foreach (var frame in frames)
        {
            teacher.Compute(frame, evaluation);
            frame.Reference = evaluation.ToLabels(frame);
        }

        return ([.. frames.Where((_, i) => i % 3 != 2)], [.. frames.Where((_, i) => i % 3 == 2)]);
    }

    [Fact]
    public void A_level_16_mtp_learns_stillinger_weber_silicon()
    {
        var (train, held) = SiliconFrames();
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
    }

    private sealed class Sampler(List<Structure> frames, int every, int after, double temperature) : IMdObserver
    {
        public bool OnStep(in MdStep step)
        {
            if (step.Step > after && (step.Step - after) % every == 0)
            {
                var frame = step.Structure.Clone();
                frame.Velocities = null;
                frame.Calculated = null;
                frame.Info.Clear();
                frame.Info["config_type"] = $"md_{temperature:F0}K";
                frames.Add(frame);
            }

            return true;
        }
    }
}
