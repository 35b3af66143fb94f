using System.Text.Json;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Logging;
using ActiveLearning.Orchestrator.Reports;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;
using Serilog;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>The campaign's <c>final</c> steps: run once after the loop's stop rule, resumed as final steps after an interruption.</summary>
public sealed class FinalStepsTests : IDisposable
{
    private const string Final = """
        final:
          - validate: { fraction: 0.2 }
          - fit: { refine_steps: 2 }
        """;

    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_final_steps_run_once_after_the_loop_as_one_more_iteration_that_adds_nothing()
    {
        var file = SmallCampaign.Write(folder.Path, iterations: 2, explore: true, extra: Final.Replace("refine_steps: 2", "refine_steps: 2, guard: false", StringComparison.Ordinal));

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardError.Should().Contain("the final steps run as iteration 3");
        var audit = await AlRunner.Run("audit", SmallCampaign.Workdir(folder.Path), "--json");
        using var json = JsonDocument.Parse(audit.StandardOutput);
        var iterations = json.RootElement.GetProperty("iterations").EnumerateArray().ToList();
        iterations.Select(i => i.GetProperty("iteration").GetInt32()).Should().Equal(0, 1, 2, 3);
        iterations.Take(3).Should().OnlyContain(i => i.GetProperty("final_after").ValueKind == JsonValueKind.Null);
        var final = iterations[3];
        final.GetProperty("final_after").GetString().Should().Be("max_iterations 2 reached");
        final.GetProperty("added").GetArrayLength().Should().Be(0);
        final.GetProperty("validations").GetArrayLength().Should().Be(1);
        final.GetProperty("models").GetArrayLength().Should().Be(1, "the final fit writes a model (kept or adopted by the guard)");
        final.GetProperty("models")[0].GetProperty("path").GetString().Should().Be("iterations/003/model.mtp");
        Metrics(final).TryGetProperty("Guard", out _).Should().BeFalse("guard: false adopts the final fit unjudged");
        Metrics(iterations[2]).GetProperty("Guard").GetString().Should().StartWith("Kept the", "the loop's fits are guarded");
        var status = await AlRunner.Run("status", SmallCampaign.Workdir(folder.Path), "--json");
        using var statusJson = JsonDocument.Parse(status.StandardOutput);
        statusJson.RootElement.GetProperty("state").GetString().Should().Be("finished");
        statusJson.RootElement.GetProperty("stop_reason").GetString().Should().Be("max_iterations 2 reached");
        statusJson.RootElement.GetProperty("final_steps").GetBoolean().Should().BeTrue();
        (await AlRunner.Run("status", SmallCampaign.Workdir(folder.Path))).StandardOutput.Should().Contain("iteration   3 (the final steps) (4 finished)");

        var report = await AlRunner.Run("report", SmallCampaign.Workdir(folder.Path));
        report.ExitCode.Should().Be(0, report.StandardError);
        report.StandardOutput.Should().MatchRegex(@"(?m)^\s*3 \(final\)\s+finished");

        var again = await AlRunner.Run("resume", SmallCampaign.Workdir(folder.Path));
        again.ExitCode.Should().Be(0, again.StandardError);
        var after = await AlRunner.Run("audit", SmallCampaign.Workdir(folder.Path), "--json");
        using var afterJson = JsonDocument.Parse(after.StandardOutput);
        afterJson.RootElement.GetProperty("iterations").GetArrayLength().Should().Be(4, "a finished campaign runs its final steps only once");
    }

    [Fact]
    public async Task An_interrupted_final_iteration_resumes_its_final_steps_instead_of_judging_the_stop_rule_again()
    {
        // The loop stops by force_rmse on its own validation. The final validate then records iteration 3's validation:
        // judged again after the interruption, force_rmse would no longer look at the loop's last iteration and the
        // engine would start a third loop iteration instead of finishing the final fit.
        var file = SmallCampaign.Write(folder.Path, iterations: 5, explore: true,
            extra: "  stop_when: { force_rmse: 100 }\n" + Final);
        var campaign = CampaignParser.Parse(file);
        campaign.Final.Select(s => s.Keyword).Should().Equal("validate", "fit");
        var workdir = SmallCampaign.Workdir(folder.Path);
        var definition = await File.ReadAllTextAsync(file);
        var hash = CampaignJson.DefinitionHash(campaign);

        using (var stop = new CancellationTokenSource())
        using (var store = CampaignStore.OpenOrCreate(workdir, campaign.Name, file, definition, hash, TimeProvider.System, out _))
        {
            var engine = new CampaignEngine(campaign, store, new LoggerConfiguration().CreateLogger(), TimeProvider.System)
            {
                ProgressDisplay = new CancelWhenBegun("final[1]", stop),
            };
            var interrupted = () => engine.RunAsync(stop.Token);
            await interrupted.Should().ThrowAsync<OperationCanceledException>();
            var iterations = store.Iterations();
            iterations.Select(i => (i.Number, i.State, i.IsFinal)).Should().Equal(
                [(0, "finished", false), (1, "finished", false), (2, "running", true)],
                "the first loop iteration met the target, so iteration 2 holds the final steps");
            iterations[2].StopReason.Should().StartWith("force_rmse: validation force RMSE").And.EndWith("within the target 100.0000 eV/Å");
            new[] { store.FindStepRun(2, 0), store.FindStepRun(2, 1) }.Select(r => (r!.StepPath, r.State)).Should().Equal(("final[0]", "finished"), ("final[1]", "interrupted"));
        }

        var resumed = await AlRunner.Run("resume", workdir);

        resumed.ExitCode.Should().Be(0, resumed.StandardError);
        using var reopened = CampaignStore.OpenOrCreate(workdir, campaign.Name, file, definition, hash, TimeProvider.System, out _);
        reopened.Iterations().Select(i => i.Number).Should().Equal(0, 1, 2);
        new[] { reopened.FindStepRun(2, 0), reopened.FindStepRun(2, 1) }.Select(r => (r!.StepPath, r.State)).Should().Equal(("final[0]", "finished"), ("final[1]", "finished"));
        reopened.ReadCampaign().State.Should().Be("finished");
    }

    private static JsonElement Metrics(JsonElement iteration)
    {
        var metrics = iteration.GetProperty("models")[0].GetProperty("metrics");
        return metrics.ValueKind == JsonValueKind.String ? JsonDocument.Parse(metrics.GetString()!).RootElement : metrics;
    }

    private sealed class CancelWhenBegun(string step, CancellationTokenSource stop) : IStepProgressDisplay
    {
        public IStepProgress Begin(string name)
        {
            if (name == step)
            {
                stop.Cancel();
            }

            return new Nothing();
        }

        private sealed class Nothing : IStepProgress
        {
            public void Report(Activities.Ports.ActivityProgress value)
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
