using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// The two samples beside the main job (issue 10): runs <c>samples/sic-tersoff.yaml</c> or <c>samples/al-ndsc-phonons.yaml</c>
/// as shipped (work directory in a temporary folder), times it, and measures its final model against the teacher:
/// for SiC on 60 held-out 64-atom 3C-SiC Langevin MD frames at 300–1500 K (seeds the campaign never used), for Al the
/// phonon frequencies of the 4×4×4 q-grid plus errors on 60 held-out 32-atom fcc Al MD frames at 150–600 K.
/// </summary>
internal static partial class SampleAcceptance
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Task<int> SicAsync(string[] args) => RunAsync("sic-tersoff", args, Sic);

    public static Task<int> AlAsync(string[] args) => RunAsync("al-ndsc-phonons", args, Al);

    private static async Task<int> RunAsync(string name, string[] args, Func<string, string, string> check)
    {
        if (args.Length > 0 && Directory.Exists(args[0]))
        {
            Console.WriteLine(check(args[0], Path.Combine(RepositoryRoot(), "samples", "structures")));
            return 0;
        }

        var sample = Path.Combine(RepositoryRoot(), "samples", name + ".yaml");
        using var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "structures"));
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "samples", "structures")))
        {
            File.Copy(file, Path.Combine(temp.Path, "structures", Path.GetFileName(file)));
        }

        var campaign = Path.Combine(temp.Path, name + ".yaml");
        var workdir = Path.Combine(temp.Path, "run");
        File.WriteAllText(campaign, WorkdirLine().Replace(File.ReadAllText(sample), $"workdir: {workdir}"));
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        var code = await AlCli.RunAsync(["run", campaign], output, Console.Error, TimeProvider.System, CancellationToken.None);
        Console.WriteLine(output.ToString().Trim());
        Console.WriteLine(string.Create(Inv, $"al run {name}.yaml: exit code {code}, {clock.Elapsed.TotalSeconds:F0} s wall time on {Environment.ProcessorCount} processors"));
        if (code != 0)
        {
            return 1;
        }

        Console.WriteLine(check(workdir, Path.Combine(temp.Path, "structures")));
        return 0;
    }

    private static string Sic(string workdir, string structures)
    {
        var model = new MomentTensorPotential(MtpFile.Read(CampaignModels.Last(workdir)), [14, 6]);
        var teacher = PotentialLibrary.Load("SiC.tersoff", [14, 6]);
        var crystal = StructureFiles.ReadAll(Path.Combine(structures, "sic-64.vasp"))[0];
        var frames = TeacherDataset.Frames(teacher, crystal, 60, 300, 1500, temperatures: 6, seed: 7001);
        return HeldOut(model, frames, CampaignModels.Last(workdir));
    }

    private static string Al(string workdir, string structures)
    {
        var model = new MomentTensorPotential(MtpFile.Read(CampaignModels.Last(workdir)), [13]);
        var teacher = PotentialLibrary.Load("Al_zhou.eam.alloy", [13]);
        var primitive = StructureFiles.ReadAll(Path.Combine(structures, "al-fcc.vasp"))[0];
        var phonons = PhononReference.Create(teacher, primitive, 4, 0.01, [], CancellationToken.None).Compare(model, CancellationToken.None);
        var a = primitive.Cell.A.Length * Math.Sqrt(2);
        var cubic = Crystals.FccCubic(13, a, 2);
        var frames = TeacherDataset.Frames(teacher, cubic, 60, 150, 600, temperatures: 4, seed: 7001);
        var worst = phonons.Points.Select(p => (p, error: p.ModelTHz.Zip(p.TeacherTHz, (m, t) => Math.Abs(m - t)).Max())).MaxBy(x => x.error);
        return HeldOut(model, frames, CampaignModels.Last(workdir)) + "\n" + string.Create(Inv,
            $"phonons of the final model against the teacher (4×4×4 supercell, 0.01 Å): {phonons}; worst at q = ({worst.p.Q[0]:0.###}, {worst.p.Q[1]:0.###}, {worst.p.Q[2]:0.###}): model {string.Join(", ", worst.p.ModelTHz.Select(f => f.ToString("F3", Inv)))} THz, teacher {string.Join(", ", worst.p.TeacherTHz.Select(f => f.ToString("F3", Inv)))} THz");
    }

    private static string HeldOut(IPotential model, List<Structure> frames, string path)
    {
        var errors = new ValidationSet(frames).Evaluate(model).Overall;
        var scale = Math.Sqrt(frames.SelectMany(s => s.Reference!.Forces!).Average(f => f.LengthSquared / 3));
        return string.Create(Inv,
            $"final model {path}: held-out force RMSE {errors.ForceRmseEVPerAngstrom:F4} eV/Å (teacher's RMS force component {scale:F3} eV/Å), energy RMSE {errors.EnergyRmseMeVPerAtom:F2} meV/atom on {frames.Count} MD frames");
    }

    private static string RepositoryRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "ActiveLearning.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Run from inside the repository (ActiveLearning.sln not found above the benchmark).");
    }

    [GeneratedRegex(@"(?m)^workdir:.*$")]
    private static partial Regex WorkdirLine();
}
