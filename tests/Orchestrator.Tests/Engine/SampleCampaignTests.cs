using System.Text.Json;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// The two samples beside the main job, run as shipped (each finishes in under two minutes on 2 cores):
/// samples/al-ndsc-phonons.yaml (EAM Al teacher, NDSC seeds, phonon validation) and samples/sic-tersoff.yaml (two species,
/// Tersoff SiC teacher). Each must end by its stop rule, and its final model must meet the bounds stated here against the
/// teacher (measured figures: docs/benchmarks.md).
/// </summary>
public sealed class SampleCampaignTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private async Task<string> RunSample(string name)
    {
        var samples = Path.GetDirectoryName(CampaignFiles.SamplePath)!;
        Directory.CreateDirectory(folder.File("structures"));
        foreach (var structure in Directory.GetFiles(Path.Combine(samples, "structures")))
        {
            File.Copy(structure, Path.Combine(folder.File("structures"), Path.GetFileName(structure)));
        }

        var file = folder.File(name + ".yaml");
        File.Copy(Path.Combine(samples, name + ".yaml"), file);
        var run = await AlRunner.Run("run", file);
        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Contain($"Campaign {name} finished: quiet_iterations: the last 2 iterations added no structure");
        return Path.Combine(folder.Path, "runs", name);
    }

    [Fact]
    public async Task Al_ndsc_phonons_converges_and_its_phonons_stay_close_to_the_teachers()
    {
        var workdir = await RunSample("al-ndsc-phonons");

        var report = await AlRunner.Run("report", workdir);
        report.ExitCode.Should().Be(0, report.StandardError);
        var lines = report.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Contain("ph RMSE THz").And.Contain("ph max THz");
        var last = lines.Last(l => l.TrimStart().Length > 0 && char.IsDigit(l.TrimStart()[0])).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var phononRmse = double.Parse(last[^3], System.Globalization.CultureInfo.InvariantCulture);
        var phononMax = double.Parse(last[^2], System.Globalization.CultureInfo.InvariantCulture);
        phononRmse.Should().BeLessThan(0.4, "the final model's frequencies at the 36 q-points of the 4×4×4 grid (Al reaches ~9.7 THz)");
        phononMax.Should().BeLessThan(0.8);
        File.ReadAllText(Path.Combine(workdir, "report.html")).Should().Contain("id=\"phonon-rmse\"");

        var audit = await AlRunner.Run("audit", workdir, "--iteration", "1", "--json");
        audit.ExitCode.Should().Be(0, audit.StandardError);
        using var json = JsonDocument.Parse(audit.StandardOutput);
        var validation = json.RootElement.GetProperty("iterations")[0].GetProperty("validations")[0];
        validation.GetProperty("phonon_rmse_thz").GetDouble().Should().BePositive().And.BeLessThan(0.4, "NDSC seed data alone already give the phonons");

        // The recorded figure is what an independent computation gives: the final model against the teacher at Γ, X and L.
        var model = new MomentTensorPotential(MtpFile.Read(LastModel(workdir)), [13]);
        var teacher = PotentialLibrary.Load("Al_zhou.eam.alloy", [13]);
        var primitive = StructureFiles.ReadAll(folder.File("structures/al-fcc.vasp"))[0];
        var reference = PhononReference.Create(teacher, primitive, 4, 0.01, [new Vec3(0, 0, 0), new Vec3(0.5, 0, 0.5), new Vec3(0.5, 0.5, 0.5)], CancellationToken.None);
        var errors = reference.Compare(model, CancellationToken.None);
        errors.MaxErrorTHz.Should().BeLessThanOrEqualTo(phononMax + 1e-3, "Γ, X and L are among the grid's q-points");
        reference.FrequenciesTHz[1][2].Should().BeGreaterThan(8, "the longitudinal mode at X of Al");
    }

    [Fact]
    public async Task Sic_tersoff_converges_and_its_model_fits_held_out_silicon_carbide_md_frames()
    {
        var workdir = await RunSample("sic-tersoff");

        var model = new MomentTensorPotential(MtpFile.Read(LastModel(workdir)), [14, 6]);
        var teacher = PotentialLibrary.Load("SiC.tersoff", [14, 6]);
        var crystal = StructureFiles.ReadAll(folder.File("structures/sic-64.vasp"))[0];
        var heldOut = new ValidationSet(TeacherDataset.Frames(teacher, crystal, 24, 300, 1500, temperatures: 6, seed: 7001));
        var errors = heldOut.Evaluate(model).Overall;
        errors.ForceRmseEVPerAngstrom.Should().BeLessThan(0.8, "Tersoff SiC forces in these frames are ~2 eV/Å RMS");
        errors.EnergyRmseMeVPerAtom.Should().BeLessThan(15);
    }

    private static string LastModel(string workdir) =>
        Directory.GetFiles(Path.Combine(workdir, "iterations"), "model.mtp", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last();
}
