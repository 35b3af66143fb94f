using System.Text.Json;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>The validate step's survival test in a campaign: stored, shown by al status and al audit, and ending the loop by stop_when.survival.</summary>
public sealed class SurvivalCampaignTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Survival_runs_are_recorded_shown_and_stop_the_campaign_when_enough_survive()
    {
        var file = SmallCampaign.Write(folder.Path, iterations: 3, explore: true,
            survival: "{ runs: 2, steps: 80, temperature: 600, grade_break: 1000 }", extra: "  stop_when: { survival: 0.5 }");

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        var workdir = SmallCampaign.Workdir(folder.Path);
        var rows = Validations(workdir);
        rows.Should().ContainSingle("the first iteration's survival (2 of 2 hot runs of a model fitted to rattled diamond) met the target")
            .Which.Should().Be((1, 2L, 2L, 1.0));
        run.StandardOutput.Should().Contain("finished: survival: 100% of the survival runs finished, at least the target 50%");

        var status = await AlRunner.Run("status", workdir, "--json");
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            var last = json.RootElement.GetProperty("last_validation");
            last.GetProperty("iteration").GetInt32().Should().Be(1);
            last.GetProperty("survival_runs").GetInt32().Should().Be(2);
            last.GetProperty("survived").GetInt32().Should().Be(2);
            last.GetProperty("survival").GetDouble().Should().Be(1.0);
        }

        var text = await AlRunner.Run("status", workdir);
        text.StandardOutput.Should().Contain("validation  iteration 1").And.Contain("survival 2/2 runs");

        var audit = await AlRunner.Run("audit", workdir, "--iteration", "1");
        audit.StandardOutput.Should().Contain("survival 2/2 runs").And.Contain("walker 0: ").And.Contain("walker 1: ");
        var auditJson = await AlRunner.Run("audit", workdir, "--iteration", "1", "--json");
        using var document = JsonDocument.Parse(auditJson.StandardOutput);
        var iteration = document.RootElement.GetProperty("iterations")[0];
        iteration.GetProperty("validations")[0].GetProperty("survived").GetInt32().Should().Be(2);
        iteration.GetProperty("walkers").GetArrayLength().Should().Be(2, "both explore walkers were committed");
    }

    private static List<(int Iteration, long Runs, long Survived, double Share)> Validations(string workdir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(workdir, "campaign.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT iteration, survival_runs, survived, survival FROM validations ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<(int, long, long, double)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3)));
        }

        return rows;
    }
}
