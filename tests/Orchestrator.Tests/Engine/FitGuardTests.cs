using System.Security.Cryptography;
using System.Text.Json;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.TestSupport;

using static ActiveLearning.Orchestrator.Tests.Engine.FitStepStore;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// The fit step's guard with the real store and artifacts: a refit that is worse on the validation set than the model in
/// use leaves the model in use in place (byte for byte), keeps the rejected fit beside it, and says so in the log and the
/// model's metrics; a better refit is adopted.
/// </summary>
public sealed class FitGuardTests : IDisposable
{
    private static readonly LinearFitOptions Options = new() { ForceWeight = 0.1, Threads = 1 };
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_refit_worse_on_the_validation_set_keeps_the_previous_model_and_says_so()
    {
        var template = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(10, 1, 2.0, 5.0)), [14]);
        var good = (MomentTensorPotential)LinearFitter.Fit(template, SiliconDataset.Frames(30, temperatures: 6, seed: 900), Options).Potential;
        var previousPath = folder.File("previous.mtp");
        MtpFile.Write(good.ToModel(), previousPath);
        var validation = new ValidationSet(SiliconDataset.Frames(12, temperatures: 6, seed: 950));
        using var store = CampaignStore.OpenOrCreate(folder.File("run"), "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        // The store holds only two 300 K frames: a model fitted to them is worse on 300–1500 K frames than the previous one
        // (by about 3% in forces with this small basis, so the tolerance is 1% with no floor).
        StoreLabelled(store, SiliconDataset.Frames(2, temperatures: 1, seed: 300));
        var log = new RecordingLog();

        var record = FitActivity.Run(Context(store, log), template, Options, CancellationToken.None, guard: new FitGuardSettings(
            validation, new PreviousModel(good, previousPath), new FitGuardOptions { RelativeTolerance = 0.01, ForceFloorEVPerAngstrom = 0 }, ForcesOnly: true));

        using var metrics = JsonDocument.Parse(record.MetricsJson);
        metrics.RootElement.GetProperty("Guard").GetString().Should().StartWith("Kept the previous model");
        var modelPath = Path.Combine(store.Workdir, "iterations", "000", "model.mtp");
        File.ReadAllBytes(modelPath).Should().Equal(File.ReadAllBytes(previousPath), "the model in use stays");
        record.Hash.Should().Be(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(previousPath))));
        File.Exists(Path.Combine(store.Workdir, "iterations", "000", "model.rejected.mtp")).Should().BeTrue();
        log.Warnings.Should().ContainSingle().Which.Should().Contain("Kept the previous model").And.Contain("force RMSE");
        store.LastModel(0)!.Hash.Should().Be(record.Hash);
    }

    [Fact]
    public void A_refit_better_on_the_validation_set_is_adopted()
    {
        var template = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(10, 1, 2.0, 5.0)), [14]);
        var poor = (MomentTensorPotential)LinearFitter.Fit(template, SiliconDataset.Frames(2, temperatures: 1, seed: 300), Options).Potential;
        var previousPath = folder.File("previous.mtp");
        MtpFile.Write(poor.ToModel(), previousPath);
        var validation = new ValidationSet(SiliconDataset.Frames(12, temperatures: 6, seed: 950));
        using var store = CampaignStore.OpenOrCreate(folder.File("run"), "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        StoreLabelled(store, SiliconDataset.Frames(30, temperatures: 6, seed: 900));
        var log = new RecordingLog();

        var record = FitActivity.Run(Context(store, log), template, Options, CancellationToken.None, guard: new FitGuardSettings(validation, new PreviousModel(poor, previousPath)));

        File.ReadAllBytes(Path.Combine(store.Workdir, "iterations", "000", "model.mtp")).Should().NotEqual(File.ReadAllBytes(previousPath));
        File.Exists(Path.Combine(store.Workdir, "iterations", "000", "model.rejected.mtp")).Should().BeFalse();
        log.Warnings.Should().BeEmpty();
        using var metrics = JsonDocument.Parse(record.MetricsJson);
        metrics.RootElement.GetProperty("Guard").GetString().Should().StartWith("Kept the new model");
        metrics.RootElement.GetProperty("Validation").GetProperty("ForceRmseEVPerAngstrom").GetDouble().Should().BeLessThan(
            validation.Evaluate(poor).Overall.ForceRmseEVPerAngstrom!.Value);
    }

    [Fact]
    public void Refine_steps_refine_the_radial_functions_and_lower_the_training_error()
    {
        var template = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(6, 1, 2.0, 5.0, radialBasisSize: 4)), [14]);
        using var linearStore = CampaignStore.OpenOrCreate(folder.File("linear"), "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        using var refinedStore = CampaignStore.OpenOrCreate(folder.File("refined"), "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        var frames = SiliconDataset.Frames(6, temperatures: 3, seed: 910);
        StoreLabelled(linearStore, frames);
        StoreLabelled(refinedStore, frames);

        var linear = FitActivity.Run(Context(linearStore, new RecordingLog()), template, Options, CancellationToken.None);
        var refined = FitActivity.Run(Context(refinedStore, new RecordingLog()), template, Options, CancellationToken.None, refineSteps: 2);

        var linearModel = MtpFile.Read(Path.Combine(linearStore.Workdir, linear.RelativePath));
        var refinedModel = MtpFile.Read(Path.Combine(refinedStore.Workdir, refined.RelativePath));
        refinedModel.RadialCoeffs.Should().NotEqual(linearModel.RadialCoeffs, "refinement moves the radial functions");
        using var linearMetrics = JsonDocument.Parse(linear.MetricsJson);
        using var refinedMetrics = JsonDocument.Parse(refined.MetricsJson);
        refinedMetrics.RootElement.GetProperty("ForceRmseEVPerAngstrom").GetDouble().Should().BeLessThan(
            linearMetrics.RootElement.GetProperty("ForceRmseEVPerAngstrom").GetDouble());
    }

    private sealed class RecordingLog : IActivityLog
    {
        public List<string> Warnings { get; } = [];

        public void Information(string messageTemplate, params object?[] values)
        {
        }

        public void Warning(string messageTemplate, params object?[] values) =>
            Warnings.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, messageTemplate.Replace("{Step}", "{0}", StringComparison.Ordinal)
                .Replace("{Decision}", "{1}", StringComparison.Ordinal), values));
    }
}
