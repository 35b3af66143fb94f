using System.Text.Json;
using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

public sealed class CampaignCommandsTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Run_finishes_and_status_audit_and_export_describe_what_it_made()
    {
        var file = SmallCampaign.Write(folder.Path, initialCopies: 4, loopCopies: 2, iterations: 2);
        var workdir = SmallCampaign.Workdir(folder.Path);

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Contain("Campaign small finished: max_iterations 2 reached. 8 structures (8 labelled, 0 failed)");
        File.Exists(Path.Combine(workdir, "iterations", "002", "model.mtp")).Should().BeTrue();
        var log = Directory.GetFiles(Path.Combine(workdir, "logs"), "*.jsonl").Should().ContainSingle().Subject;
        var lines = File.ReadAllLines(log);
        lines.Should().HaveCountGreaterThan(10);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            entry.RootElement.GetProperty("RenderedMessage").GetString().Should().NotBeNullOrEmpty("the log file holds one JSON object per line");
        }

        var status = await AlRunner.Run("status", workdir, "--json");
        status.ExitCode.Should().Be(0);
        using var statusJson = JsonDocument.Parse(status.StandardOutput);
        statusJson.RootElement.GetProperty("state").GetString().Should().Be("finished");
        statusJson.RootElement.GetProperty("iteration").GetInt32().Should().Be(2);
        statusJson.RootElement.GetProperty("structures").GetInt64().Should().Be(8);
        statusJson.RootElement.GetProperty("last_model").GetProperty("path").GetString().Should().Be("iterations/002/model.mtp");

        var audit = await AlRunner.Run("audit", workdir, "--json");
        audit.ExitCode.Should().Be(0);
        using var auditJson = JsonDocument.Parse(audit.StandardOutput);
        auditJson.RootElement.GetProperty("schema").GetString().Should().Be("al-audit/1");
        var added = auditJson.RootElement.GetProperty("iterations").EnumerateArray().SelectMany(i => i.GetProperty("added").EnumerateArray()).ToList();
        added.Should().HaveCount(8);
        foreach (var structure in added)
        {
            structure.GetProperty("origin").GetProperty("source").GetString().Should().Be("generate:rattle");
            structure.GetProperty("origin").GetProperty("parent").GetString().Should().Be("si8.extxyz#0");
            structure.GetProperty("reason").GetString().Should().NotBeNullOrEmpty();
            var label = structure.GetProperty("labels").EnumerateArray().Should().ContainSingle().Subject;
            label.GetProperty("status").GetString().Should().Be("ok");
            label.GetProperty("method").GetString().Should().StartWith("teacher:sw");
            label.GetProperty("settings_hash").GetString().Should().HaveLength(16);
            label.GetProperty("energy_ev").GetDouble().Should().BeNegative();
        }

        var iteration1 = await AlRunner.Run("audit", workdir, "--iteration", "1");
        iteration1.StandardOutput.Should().StartWith("Iteration 1 (finished): 2 added, 0 rejected, 0 label failures");

        var one = await AlRunner.Run("audit", workdir, "--structure", "3", "--json");
        using var oneJson = JsonDocument.Parse(one.StandardOutput);
        oneJson.RootElement.GetProperty("structure").GetProperty("id").GetInt64().Should().Be(3);
        oneJson.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString())
            .Should().Equal("label.requested", "label.computed");

        var export = await AlRunner.Run("export", workdir, "--iteration", "1", "--format", "cfg", "-o", folder.File("out"));
        export.ExitCode.Should().Be(0, export.StandardError);
        File.ReadAllText(folder.File("out/dataset.cfg")).Split("BEGIN_CFG").Length.Should().Be(7, "6 structures up to iteration 1");
        File.ReadAllText(folder.File("out/model.mtp")).Should().Be(File.ReadAllText(Path.Combine(workdir, "iterations", "001", "model.mtp")));

        var again = await AlRunner.Run("run", file);
        again.ExitCode.Should().Be(0);
        CampaignOutcome.Read(workdir).ModelHashes.Should().HaveCount(3, "a finished campaign runs nothing more");
    }

    [Fact]
    public async Task Ctrl_c_stops_with_state_saved_and_resume_finishes_like_an_uninterrupted_run()
    {
        var reference = Path.Combine(folder.Path, "reference");
        Directory.CreateDirectory(reference);
        (await AlRunner.Run("run", SmallCampaign.Write(reference, iterations: 2))).ExitCode.Should().Be(0);

        var interrupted = Path.Combine(folder.Path, "interrupted");
        Directory.CreateDirectory(interrupted);
        var file = SmallCampaign.Write(interrupted, iterations: 2);
        using var cancellation = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new CancelOnText("Iteration 1 started", cancellation);
        var code = await Orchestrator.Cli.AlCli.RunAsync(["run", file], output, error, TimeProvider.System, cancellation.Token);

        code.Should().Be(130, error.ToString());
        error.ToString().Should().Contain("Stopped on request; state saved. Continue with: al resume");
        var status = await AlRunner.Run("status", SmallCampaign.Workdir(interrupted), "--json");
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            json.RootElement.GetProperty("state").GetString().Should().Be("stopped");
            json.RootElement.GetProperty("step").GetProperty("state").GetString().Should().Be("interrupted");
        }

        (await AlRunner.Run("resume", SmallCampaign.Workdir(interrupted))).ExitCode.Should().Be(0);
        var expected = CampaignOutcome.Read(SmallCampaign.Workdir(reference));
        var actual = CampaignOutcome.Read(SmallCampaign.Workdir(interrupted));
        actual.Structures.Should().Equal(expected.Structures);
        actual.ModelHashes.Should().Equal(expected.ModelHashes);
        actual.DatasetHash.Should().Be(expected.DatasetHash);
    }

    [Fact]
    public async Task An_edited_campaign_file_is_explained_and_only_run_when_accepted()
    {
        var file = SmallCampaign.Write(folder.Path, initialCopies: 4, loopCopies: 2, iterations: 1);
        (await AlRunner.Run("run", file)).ExitCode.Should().Be(0);
        File.WriteAllText(file, File.ReadAllText(file).Replace("max_iterations: 1", "max_iterations: 2").Replace("sigma: 0.06", "sigma: 0.07"));

        var refused = await AlRunner.Run("run", file);

        refused.ExitCode.Should().Be(2);
        refused.StandardError.Should().Contain("differs from the campaign stored in")
            .And.Contain("loop.max_iterations and stop_when changed")
            .And.Contain("loop.steps[0] changed (generate → generate)")
            .And.Contain("finished runs (iteration 1) keep their results; runs from now on use the new settings")
            .And.Contain("--accept-changes");
        CampaignOutcome.Read(SmallCampaign.Workdir(folder.Path)).ModelHashes.Should().HaveCount(2, "nothing ran");

        var accepted = await AlRunner.Run("run", file, "--accept-changes");

        accepted.ExitCode.Should().Be(0, accepted.StandardError);
        var outcome = CampaignOutcome.Read(SmallCampaign.Workdir(folder.Path));
        outcome.ModelHashes.Should().HaveCount(3, "iteration 2 ran with the edited file");
        outcome.Structures.Count(s => s.EndsWith("@2", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public async Task A_select_step_without_an_explore_step_before_it_fails_at_run_with_its_line_and_creates_no_workdir()
    {
        var file = folder.File("c.yaml");
        File.WriteAllText(file, CampaignFiles.Minimal);

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(2);
        run.StandardError.Should().Contain($"{file}:7:7: loop.steps[0]: a select step needs an explore step before it in the same iteration");
        Directory.Exists(folder.File("runs")).Should().BeFalse();
    }

    [Fact]
    public async Task A_force_rmse_target_stops_the_loop_after_the_first_validation_that_meets_it()
    {
        var file = SmallCampaign.Write(folder.Path, iterations: 3, explore: true, extra: "  stop_when: { force_rmse: 10.0 }");

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().MatchRegex(@"Campaign small finished: force_rmse: validation force RMSE \d+\.\d{4} eV/Å is within the target 10\.0000 eV/Å");
        var status = await AlRunner.Run("status", SmallCampaign.Workdir(folder.Path));
        status.StandardOutput.Should().Contain("iteration 1");
        Directory.Exists(Path.Combine(SmallCampaign.Workdir(folder.Path), "iterations", "002")).Should().BeFalse("the loop stopped after iteration 1");
    }

    [Fact]
    public async Task Quiet_iterations_stop_the_loop_when_iterations_add_only_duplicates()
    {
        SmallCampaign.Write(folder.Path);
        Atomistics.Formats.StructureFiles.Write(folder.File("si2.extxyz"), [Zincblende.Primitive(5.431, 14, 14)], Atomistics.Formats.StructureFiles.ResolveFormat("si2.extxyz", null));
        var file = folder.File("quiet.yaml");
        File.WriteAllText(file, """
            name: quiet
            species: [Si]
            model: { kind: mtp, level: 6, min_dist: 2.0, max_dist: 4.5, radial_basis_size: 6 }
            reference: { kind: potential, potential: sw }
            initial:
              - generate: { kind: rattle, source: si8.extxyz, sigma: 0.1, copies: 3 }
              - generate: { kind: ndsc, primitive: si2.extxyz, grid: 1 }
              - label: {}
              - fit: {}
            loop:
              max_iterations: 5
              steps:
                - generate: { kind: ndsc, primitive: si2.extxyz, grid: 1 }
                - label: {}
                - fit: {}
              stop_when: { quiet_iterations: 1 }
            """);

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Contain("finished: quiet_iterations: the last 1 iterations added no structure. 4 structures");
        var audit = await AlRunner.Run("audit", Path.Combine(folder.Path, "runs", "quiet"), "--iteration", "1");
        audit.StandardOutput.Should().Contain("Iteration 1 (finished): 0 added, 1 rejected").And.Contain("duplicate of structure 4");
    }

    [Fact]
    public async Task The_shipped_rattle_loop_sample_runs_as_shipped()
    {
        var samples = Path.GetDirectoryName(CampaignFiles.SamplePath)!;
        File.Copy(Path.Combine(samples, "si-rattle-loop.yaml"), folder.File("si-rattle-loop.yaml"));
        Directory.CreateDirectory(folder.File("structures"));
        File.Copy(Path.Combine(samples, "structures", "si-diamond.vasp"), folder.File("structures/si-diamond.vasp"));

        var run = await AlRunner.Run("run", folder.File("si-rattle-loop.yaml"));

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Contain("Campaign si-rattle-loop finished: max_iterations 3 reached.");
        CampaignOutcome.Read(folder.File("runs/si-rattle-loop")).ModelHashes.Should().HaveCount(4);
    }

    [Fact]
    public async Task Resume_of_a_directory_without_a_campaign_is_bad_input()
    {
        var resume = await AlRunner.Run("resume", folder.Path);

        resume.ExitCode.Should().Be(2);
        resume.StandardError.Should().Contain("no campaign here");
    }

    /// <summary>A writer that cancels a token once a text has been written to it (a Ctrl-C at a known moment).</summary>
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
