using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.TestSupport;

/// <summary>
/// Held-out frames for any teacher: Langevin MD of a start structure with the teacher at temperatures spread evenly
/// between two bounds, every 20 fs after 400 fs of equilibration, labelled (reference labels) by the same teacher.
/// </summary>
public static class TeacherDataset
{
    /// <summary><paramref name="count"/> labelled frames; config_type md_TK.</summary>
    /// <param name="teacher">The potential that moves and labels the atoms.</param>
    /// <param name="start">The start structure (not changed).</param>
    /// <param name="count">Frames in all.</param>
    /// <param name="lowK">Lowest temperature, K.</param>
    /// <param name="highK">Highest temperature, K.</param>
    /// <param name="temperatures">Temperatures (one run each).</param>
    /// <param name="seed">MD seed of the first temperature (the t-th uses seed + t).</param>
    public static List<Structure> Frames(IPotential teacher, Structure start, int count, double lowK, double highK, int temperatures, int seed)
    {
        var frames = new List<Structure>(count);
        var perTemperature = (count + temperatures - 1) / temperatures;
        for (var t = 0; t < temperatures && frames.Count < count; t++)
        {
            var temperature = temperatures == 1 ? lowK : lowK + ((highK - lowK) * t / (temperatures - 1));
            var take = Math.Min(perTemperature, count - frames.Count);
            var before = frames.Count;
            MolecularDynamics.Run(start.Clone(), teacher, new MdOptions
            {
                Ensemble = Ensemble.Langevin,
                StartTemperatureK = temperature,
                Steps = 400 + (take * 20),
                TimestepFs = 1,
                Seed = seed + t,
            }, new Sampler(frames, temperature, before + take));
        }

        var evaluation = new Evaluation(1);
        foreach (var frame in frames)
        {
            teacher.Compute(frame, evaluation);
            frame.Reference = evaluation.ToLabels(frame);
        }

        return frames;
    }

    private sealed class Sampler(List<Structure> frames, double temperature, int until) : IMdObserver
    {
        public bool OnStep(in MdStep step)
        {
            if (step.Step > 400 && (step.Step - 400) % 20 == 0 && frames.Count < until)
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
