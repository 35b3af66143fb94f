using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.TestSupport;

/// <summary>
/// Training data for MTP tests and benchmarks: frames of 64-atom diamond Si from Langevin MD with Stillinger–Weber at
/// temperatures spread evenly between 300 and 1500 K, labelled (reference labels) with the same potential.
/// </summary>
public static class SiliconDataset
{
    /// <summary><paramref name="count"/> labelled frames, sampled every 20 fs after 400 fs of equilibration per temperature; config_type md_TK.</summary>
    /// <param name="count">Frames in all.</param>
    /// <param name="temperatures">Temperatures (one run each); default 6.</param>
    /// <param name="seed">MD seed of the first temperature (the t-th uses seed + t); default 1. Another seed gives frames a data set made with the default never saw.</param>
    public static List<Structure> Frames(int count, int temperatures = 6, int seed = 1)
    {
        var teacher = StillingerWeber.Silicon();
        var frames = new List<Structure>(count);
        var perTemperature = (count + temperatures - 1) / temperatures;
        for (var t = 0; t < temperatures && frames.Count < count; t++)
        {
            var temperature = temperatures == 1 ? 300 : 300 + (1200.0 * t / (temperatures - 1));
            var structure = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2);
            var take = Math.Min(perTemperature, count - frames.Count);
            MolecularDynamics.Run(structure, teacher, new MdOptions
            {
                Ensemble = Ensemble.Langevin,
                StartTemperatureK = temperature,
                Steps = 400 + (take * 20),
                TimestepFs = 1,
                Seed = seed + t,
            }, new Sampler(frames, temperature));
        }

        var evaluation = new Evaluation(1);
        foreach (var frame in frames)
        {
            teacher.Compute(frame, evaluation);
            frame.Reference = evaluation.ToLabels(frame);
        }

        return frames;
    }

    private sealed class Sampler(List<Structure> frames, double temperature) : IMdObserver
    {
        public bool OnStep(in MdStep step)
        {
            if (step.Step > 400 && (step.Step - 400) % 20 == 0)
            {
                var frame = step.Structure.Clone();
                frame.Velocities = null;
                frame.Calculated = null;
                frame.Info.Clear();
                frame.Info["config_type"] = FormattableString.Invariant($"md_{temperature:F0}K");
                frames.Add(frame);
            }

            return true;
        }
    }
}
