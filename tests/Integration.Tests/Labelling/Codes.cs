using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>The real codes the labelling tests run, and the silicon cells they run on.</summary>
internal static class Codes
{
    public const string PseudoDirectory = "/usr/share/espresso/pseudo";

    /// <summary>
    /// PBE pw.x settings with low cutoffs (16/64 Ry) and a coarse k-grid (0.8 Å⁻¹): about a second per Si2 or Si8 run, and
    /// tight SCF convergence so that two runs of the same input agree to far below 1e-8.
    /// </summary>
    public static readonly QuantumEspressoSettings PwSettings = new()
    {
        Pseudopotentials = new Dictionary<string, string> { ["Si"] = "Si.pbe-rrkj.UPF" },
        PseudoDirectory = PseudoDirectory,
        EcutWfc = 16,
        EcutRho = 64,
        Smearing = "mv",
        Degauss = 0.02,
        ConvThr = 1e-10,
        KPointSpacing = 0.8,
    };

    /// <summary>CP2K settings for <paramref name="method"/> as the captured Si8 runs used them (GFN1-xTB with k-spacing 0.6 Å⁻¹).</summary>
    public static Cp2kSettings Cp2kSettingsFor(Cp2kMethod method) => method switch
    {
        Cp2kMethod.Gfn1Xtb => new Cp2kSettings { Method = method, KPointSpacing = 0.6 },
        _ => new Cp2kSettings { Method = method },
    };

    /// <summary>Fails with what to install when <paramref name="program"/> is not on PATH: the tests never skip a code.</summary>
    public static void Require(string program, string package)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        if (!path.Split(':').Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, program))))
        {
            throw new InvalidOperationException($"{program} is not on PATH: run ./test.sh, which installs {package}.");
        }
    }

    /// <summary>A local scheduler running two tasks at once (the machine's cores) under <paramref name="root"/>.</summary>
    public static LocalJobScheduler Scheduler(string root) => new(root, maxConcurrency: 2);

    /// <summary>Two Si atoms 0 Å apart: pw.x stops in check_atoms ("atoms 1 and 2 overlap") every time.</summary>
    public static Structure Si2Overlapping() => SiliconCells.Si(
        [new Vec3(0.05, 2.76, 2.70), new Vec3(2.69, -0.03, 2.74), new Vec3(2.72, 2.75, 0.04)],
        [new Vec3(0.03, -0.02, 0.01), new Vec3(0.03, -0.02, 0.01)]);

    /// <summary>Collects every outcome, sorted by structure index.</summary>
    public static async Task<List<Drivers.Labelling.LabelOutcome>> LabelAllAsync(Drivers.Labelling.ILabeller labeller, IReadOnlyList<Structure> structures)
    {
        var outcomes = new List<Drivers.Labelling.LabelOutcome>();
        await foreach (var outcome in labeller.LabelAsync(structures, CancellationToken.None))
        {
            outcomes.Add(outcome);
        }

        return [.. outcomes.OrderBy(o => o.Index)];
    }
}
