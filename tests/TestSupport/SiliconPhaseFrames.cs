using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.TestSupport;

/// <summary>
/// Held-out frames of 64-atom silicon in three phases, from MD with a teacher potential and labelled by it (reference
/// labels): diamond (Langevin NVT at a = 5.431 Å, temperatures spread over 300–1500 K), liquid (diamond squeezed to
/// 18.4 Å³/atom, melted at 3000 K for 1.5 ps, then sampled at 2000 K) and compressed (NPT at 12 GPa and 900 K from
/// diamond). config_type tells the phase: <c>diamond_TK</c>, <c>liquid_2000K</c>, <c>compressed_12GPa</c>.
/// </summary>
public static class SiliconPhaseFrames
{
    /// <summary>The three sets, made in parallel (one MD run per task).</summary>
    /// <param name="loadTeacher">Makes one teacher instance per MD run (potentials keep per-run buffers).</param>
    /// <param name="diamondPerTemperature">Diamond frames per temperature.</param>
    /// <param name="temperatures">Diamond temperatures, evenly 300–1500 K.</param>
    /// <param name="liquid">Liquid frames.</param>
    /// <param name="compressed">Compressed frames.</param>
    /// <param name="seed">MD seed of the first run; the others use seed + 1, seed + 2, …</param>
    public static List<Structure> All(Func<IPotential> loadTeacher, int diamondPerTemperature, int temperatures, int liquid, int compressed, int seed)
    {
        ArgumentNullException.ThrowIfNull(loadTeacher);
        var runs = new List<Func<List<Structure>>>();
        for (var t = 0; t < temperatures; t++)
        {
            var temperature = temperatures == 1 ? 300 : 300 + (1200.0 * t / (temperatures - 1));
            var runSeed = seed + t;
            runs.Add(() => Diamond(loadTeacher(), temperature, diamondPerTemperature, runSeed));
        }

        runs.Add(() => Liquid(loadTeacher(), liquid, seed + temperatures));
        runs.Add(() => Compressed(loadTeacher(), compressed, seed + temperatures + 1));
        var results = new List<Structure>[runs.Count];
        Parallel.For(0, runs.Count, i => results[i] = runs[i]());
        return [.. results.SelectMany(r => r)];
    }

    /// <summary>Diamond frames every 20 fs after 300 fs of Langevin NVT at <paramref name="temperatureK"/>.</summary>
    public static List<Structure> Diamond(IPotential teacher, double temperatureK, int count, int seed)
    {
        var structure = Cell64(5.431);
        var options = new MdOptions { Ensemble = Ensemble.Langevin, StartTemperatureK = temperatureK, Steps = 300 + (20 * count), Seed = seed };
        return Sample(teacher, structure, options, 300, 20, FormattableString.Invariant($"diamond_{temperatureK:F0}K"));
    }

    /// <summary>Liquid frames every 50 fs at 2000 K after melting 1.5 ps at 3000 K, at 18.4 Å³/atom (Langevin NVT).</summary>
    public static List<Structure> Liquid(IPotential teacher, int count, int seed)
    {
        var structure = Cell64(Math.Cbrt(18.4 * 8));
        MolecularDynamics.Run(structure, teacher, new MdOptions { Ensemble = Ensemble.Langevin, StartTemperatureK = 3000, Steps = 1500, Seed = seed });
        var options = new MdOptions { Ensemble = Ensemble.Langevin, StartTemperatureK = 2000, Steps = 200 + (50 * count), Seed = seed + 1000 };
        return Sample(teacher, structure, options, 200, 50, "liquid_2000K");
    }

    /// <summary>Compressed frames every 30 fs after 600 fs of isotropic NPT at 12 GPa and 900 K from diamond.</summary>
    public static List<Structure> Compressed(IPotential teacher, int count, int seed)
    {
        var structure = Cell64(5.431 * 0.97);
        var options = new MdOptions
        {
            Ensemble = Ensemble.NptIsotropic, StartTemperatureK = 900, StartPressureGPa = 12, BarostatDampingFs = 300,
            Steps = 600 + (30 * count), Seed = seed,
        };
        return Sample(teacher, structure, options, 600, 30, "compressed_12GPa");
    }

    private static Structure Cell64(double latticeConstant) => Zincblende.Repeated(Zincblende.Conventional(latticeConstant, 14, 14), 2, 2, 2);

    private static List<Structure> Sample(IPotential teacher, Structure structure, MdOptions options, int equilibration, int interval, string configType)
    {
        var frames = new List<Structure>();
        MolecularDynamics.Run(structure, teacher, options, new Sampler(frames, equilibration, interval, configType));
        var evaluation = new Evaluation(1);
        foreach (var frame in frames)
        {
            teacher.Compute(frame, evaluation);
            frame.Reference = evaluation.ToLabels(frame);
        }

        return frames;
    }

    private sealed class Sampler(List<Structure> frames, int equilibration, int interval, string configType) : IMdObserver
    {
        public bool OnStep(in MdStep step)
        {
            if (step.Step > equilibration && (step.Step - equilibration) % interval == 0)
            {
                var frame = step.Structure.Clone();
                frame.Velocities = null;
                frame.Calculated = null;
                frame.Info.Clear();
                frame.Info["config_type"] = configType;
                frames.Add(frame);
            }

            return true;
        }
    }
}
