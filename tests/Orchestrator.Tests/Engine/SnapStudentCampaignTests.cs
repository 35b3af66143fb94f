using System.Security.Cryptography;
using System.Text.Json;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

using static ActiveLearning.Orchestrator.Tests.Engine.FitStepStore;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// <c>model: { kind: snap }</c> as a campaign's student: explore, MaxVol selection over bispectrum rows, label, fit,
/// validate with survival, then status, audit, export and report; interrupted and resumed it ends with the same models;
/// the fit guard keeps a SNAP model in use with both its files.
/// </summary>
public sealed class SnapStudentCampaignTests : IDisposable
{
    private const string Model = "{ kind: snap, twojmax: 4, rcutfac: 4.5 }";
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_snap_student_learns_silicon_on_the_fly_and_every_command_reads_its_model()
    {
        var file = SmallCampaign.Write(folder.Path, iterations: 2, explore: true, survival: "{ runs: 2, steps: 200, temperature: 900 }", model: Model);
        var workdir = SmallCampaign.Workdir(folder.Path);

        var validate = await AlRunner.Run("validate", file);
        validate.StandardOutput.Should().Contain("  model      snap twojmax 4 (14 components), rcutfac 4.5, rfac0 0.99363, rmin0 0 Å, switch on, bzero on; Si radius 0.5 weight 1");

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        var iterations = Path.Combine(workdir, "iterations");
        Directory.GetFiles(iterations, "*.mtp", SearchOption.AllDirectories).Should().BeEmpty();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(workdir, "campaign.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT iteration, path, hash FROM models ORDER BY id";
        using var reader = command.ExecuteReader();
        var models = new List<(long Iteration, string Path, string Hash)>();
        while (reader.Read())
        {
            models.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        models.Select(m => m.Path).Should().Equal("iterations/000/model.snapcoeff", "iterations/001/model.snapcoeff", "iterations/002/model.snapcoeff");
        foreach (var (_, path, hash) in models)
        {
            var coefficients = Path.Combine(workdir, path);
            var parameters = Path.ChangeExtension(coefficients, ".snapparam");
            File.Exists(parameters).Should().BeTrue();
            hash.Should().Be(Convert.ToHexStringLower(SHA256.HashData([.. File.ReadAllBytes(coefficients), .. File.ReadAllBytes(parameters)])),
                "the hash covers the coefficients and the hyper-parameters");
        }

        var final = SnapPotential.FromFile(Path.Combine(workdir, models[^1].Path), [14]);
        final.Model.Parameters.Should().Be(new SnapHyperParameters(4.5, 4, 0.99363, 0, true, true, false));
        final.ParameterCount.Should().Be(1 + SnapFile.ComponentCount(4));
        final.Parameters.Should().Contain(p => p != 0, "the coefficients were fitted");
        var frames = SiliconDataset.Frames(4, temperatures: 2, seed: 77);
        var errors = new ValidationSet(frames).Evaluate(final).Overall;
        errors.ForceRmseEVPerAngstrom.Should().BeLessThan(0.5, "a SNAP fitted to Stillinger–Weber silicon reproduces its forces roughly");

        var status = await AlRunner.Run("status", workdir, "--json");
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            json.RootElement.GetProperty("last_model").GetProperty("path").GetString().Should().Be("iterations/002/model.snapcoeff");
        }

        var audit = await AlRunner.Run("audit", workdir, "--iteration", "1");
        audit.ExitCode.Should().Be(0, audit.StandardError);
        audit.StandardOutput.Should().Contain("MaxVol select-add rank 0").And.Contain("model iterations/001/model.snapcoeff sha256");

        var export = await AlRunner.Run("export", workdir, "--iteration", "2", "-o", folder.File("out"));
        export.ExitCode.Should().Be(0, export.StandardError);
        File.ReadAllBytes(folder.File("out/model.snapcoeff")).Should().Equal(File.ReadAllBytes(Path.Combine(iterations, "002", "model.snapcoeff")));
        File.ReadAllBytes(folder.File("out/model.snapparam")).Should().Equal(File.ReadAllBytes(Path.Combine(iterations, "002", "model.snapparam")));

        var report = await AlRunner.Run("report", workdir, "--speed-seconds", "0.2");
        report.ExitCode.Should().Be(0, report.StandardError);
        report.StandardOutput.Should().MatchRegex(@"MD speed \(\d+ atoms, 1 thread\): student [\d,]+ atom-steps/s, teacher [\d,]+ atom-steps/s", "the student's MD speed is measured against the teacher's");
    }

    [Fact]
    public async Task A_snap_campaign_stopped_mid_way_resumes_to_the_models_of_an_uninterrupted_run()
    {
        var reference = Path.Combine(folder.Path, "reference");
        Directory.CreateDirectory(reference);
        (await AlRunner.Run("run", SmallCampaign.Write(reference, iterations: 2, explore: true, model: Model))).ExitCode.Should().Be(0);

        var interrupted = Path.Combine(folder.Path, "interrupted");
        Directory.CreateDirectory(interrupted);
        var file = SmallCampaign.Write(interrupted, iterations: 2, explore: true, model: Model);
        using var cancellation = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new CancelOnText("Iteration 1 started", cancellation);
        var code = await Orchestrator.Cli.AlCli.RunAsync(["run", file], output, error, TimeProvider.System, cancellation.Token);
        code.Should().Be(130, error.ToString());

        (await AlRunner.Run("resume", SmallCampaign.Workdir(interrupted))).ExitCode.Should().Be(0);
        var expected = CampaignOutcome.Read(SmallCampaign.Workdir(reference));
        var actual = CampaignOutcome.Read(SmallCampaign.Workdir(interrupted));
        actual.Structures.Should().Equal(expected.Structures);
        actual.ModelHashes.Should().HaveCount(3).And.Equal(expected.ModelHashes);
        actual.DatasetHash.Should().Be(expected.DatasetHash);
    }

    [Fact]
    public void The_fit_guard_keeps_a_better_snap_model_with_both_files_and_the_rejected_fit_beside_it()
    {
        var options = new LinearFitOptions { ForceWeight = 0.1, Threads = 1 };
        var untrained = StudentModels.Untrained(new ModelSpec { Kind = "snap", Snap = new SnapModelSpec { TwoJMax = 4, CutoffFactor = 4.5 } }, [14]);
        untrained.Parameters.Should().OnlyContain(p => p == 0);
        var good = LinearFitter.Fit(untrained, SiliconDataset.Frames(30, temperatures: 6, seed: 900), options).Potential;
        var previous = folder.File("previous/model.snapcoeff");
        Directory.CreateDirectory(folder.File("previous"));
        SnapFile.Write(previous, ((SnapPotential)good).Model);
        var validation = new ValidationSet(SiliconDataset.Frames(12, temperatures: 6, seed: 950));
        using var store = CampaignStore.OpenOrCreate(folder.File("run"), "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        StoreLabelled(store, SiliconDataset.Frames(2, temperatures: 1, seed: 300));

        var record = FitActivity.Run(Context(store), untrained, options, CancellationToken.None, guard: new FitGuardSettings(
            validation, new PreviousModel(good, previous), new FitGuardOptions { RelativeTolerance = 0.01, ForceFloorEVPerAngstrom = 0 }, ForcesOnly: true));

        using var metrics = JsonDocument.Parse(record.MetricsJson);
        metrics.RootElement.GetProperty("Guard").GetString().Should().StartWith("Kept the previous model");
        record.RelativePath.Should().Be("iterations/000/model.snapcoeff");
        var folder000 = Path.Combine(store.Workdir, "iterations", "000");
        File.ReadAllBytes(Path.Combine(folder000, "model.snapcoeff")).Should().Equal(File.ReadAllBytes(previous));
        File.ReadAllBytes(Path.Combine(folder000, "model.snapparam")).Should().Equal(File.ReadAllBytes(Path.ChangeExtension(previous, ".snapparam")));
        File.Exists(Path.Combine(folder000, "model.rejected.snapcoeff")).Should().BeTrue();
        File.Exists(Path.Combine(folder000, "model.rejected.snapparam")).Should().BeTrue();
        record.Hash.Should().Be(StudentModel.Snap.Hash(previous));
        StudentModel.OfFile(Path.Combine(folder000, "model.snapcoeff")).Load(Path.Combine(folder000, "model.snapcoeff"), [14]).Parameters
            .Should().Equal(good.Parameters);
    }

    [Fact]
    public void Refining_radial_functions_is_refused_for_a_snap_model()
    {
        var untrained = StudentModels.Untrained(new ModelSpec { Kind = "snap", Snap = new SnapModelSpec { TwoJMax = 2 } }, [14]);
        using var store = CampaignStore.OpenOrCreate(folder.File("run"), "t", "/c.yaml", "name: t", new string('a', 64), TimeProvider.System, out _);
        StoreLabelled(store, SiliconDataset.Frames(2, temperatures: 1, seed: 300));

        var fit = () => FitActivity.Run(Context(store), untrained, new LinearFitOptions(), CancellationToken.None, refineSteps: 3);

        fit.Should().Throw<ArgumentException>().WithMessage("*moment tensor potentials only, not to snap models*");
        Directory.Exists(Path.Combine(store.Workdir, "iterations", "000")).Should().BeFalse("nothing was written");
    }

    private sealed class CancelOnText(string trigger, CancellationTokenSource cancellation) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            if (!cancellation.IsCancellationRequested && ToString().Contains(trigger, StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        }
    }
}
