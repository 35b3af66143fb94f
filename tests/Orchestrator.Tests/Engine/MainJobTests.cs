using System.Text.RegularExpressions;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// The main job, samples/si-embedded.yaml, as shipped except shorter walkers (the full run and its acceptance check are
/// the si-embedded benchmark): it explores, selects, labels, fits and validates until its stop rule, the audit shows
/// where each selected structure came from and why, and the final model is accurate on teacher MD frames it never saw.
/// </summary>
public sealed partial class MainJobTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_shortened_si_embedded_converges_by_its_stop_rule_and_its_model_fits_held_out_md_frames()
    {
        var sampleDirectory = Path.GetDirectoryName(CampaignFiles.SamplePath)!;
        Directory.CreateDirectory(folder.File("structures"));
        foreach (var structure in Directory.GetFiles(Path.Combine(sampleDirectory, "structures")))
        {
            File.Copy(structure, Path.Combine(folder.File("structures"), Path.GetFileName(structure)));
        }

        var text = File.ReadAllText(CampaignFiles.SamplePath);
        StepsSetting().Matches(text).Should().ContainSingle("the sample's explore step sets its walkers' steps once");
        var file = folder.File("si-embedded.yaml");
        File.WriteAllText(file, StepsSetting().Replace(text, "steps: 3000"));
        var workdir = Path.Combine(folder.Path, "runs", "si-embedded");

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Contain("Campaign si-embedded finished: quiet_iterations: the last 2 iterations added no structure");
        var audit = await AlRunner.Run("audit", workdir, "--iteration", "1");
        audit.ExitCode.Should().Be(0, audit.StandardError);
        audit.StandardOutput.Should().MatchRegex(@"from explore of candidates\.extxyz walker \d at [\d.]+ K, MD step \d+ \[method=maxvol rank=0 candidate=\d+\]")
            .And.MatchRegex(@", γ \d+\.\d\d")
            .And.Contain("on the validation set energy RMSE");

        var models = Directory.GetFiles(Path.Combine(workdir, "iterations"), "model.mtp", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var final = new MomentTensorPotential(MtpFile.Read(models[^1]), [14]);
        var heldOut = new ValidationSet(SiliconDataset.Frames(24, temperatures: 6, seed: 7001));
        var errors = heldOut.Evaluate(final).Overall;
        errors.ForceRmseEVPerAngstrom.Should().BeLessThan(0.15, "the acceptance target for forces on held-out 300–1500 K frames");
        errors.EnergyRmseMeVPerAtom.Should().BeLessThan(10, "the acceptance target for energies");
    }

    [GeneratedRegex(@"steps: 10000")]
    private static partial Regex StepsSetting();
}
