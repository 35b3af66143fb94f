using System.Text.Json;
using ActiveLearning.Integration.Tests.Labelling;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Campaigns;

/// <summary>A campaign labelling with CP2K (non-SCC DFTB, about a second per cell) on the local cluster: the engine's label step, its jobs rows and its audit.</summary>
public sealed class LocalCodeCampaignTests
{
    [Fact]
    public async Task A_campaign_labels_with_cp2k_on_this_machine_and_records_a_local_job_for_every_label()
    {
        Codes.Require("cp2k", "cp2k");
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("si.vasp"), """
            Si diamond primitive cell
            1.0
               0.0000000000   2.7155000000   2.7155000000
               2.7155000000   0.0000000000   2.7155000000
               2.7155000000   2.7155000000   0.0000000000
            Si
            2
            Direct
               0.0000000000   0.0000000000   0.0000000000
               0.2500000000   0.2500000000   0.2500000000
            """);
        File.WriteAllText(folder.File("c.yaml"), """
            name: dftb
            species: [Si]
            model: { kind: mtp, level: 8 }
            reference: { kind: cp2k, on: local, method: dftb }
            clusters:
              local: { kind: local, cores: 2 }
            initial:
              - generate: { kind: rattle, source: si.vasp, sigma: 0.05, copies: 3 }
              - label: {}
              - fit: {}
            loop:
              max_iterations: 1
              steps:
                - generate: { kind: rattle, source: si.vasp, sigma: 0.08, copies: 2 }
                - label: { on: local }
                - fit: {}
            """);
        var workdir = folder.File("runs/dftb");

        var run = await Al.RunAsync("run", folder.File("c.yaml"));

        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardError.Should().Contain("cp2k (settings ").And.Contain("on local: 2 cores");
        var audit = await Al.RunAsync("audit", workdir, "--json");
        audit.ExitCode.Should().Be(0, audit.StandardError);
        using var document = JsonDocument.Parse(audit.StandardOutput);
        var labels = document.RootElement.GetProperty("iterations").EnumerateArray()
            .SelectMany(i => i.GetProperty("added").EnumerateArray()).Select(s => s.GetProperty("labels").EnumerateArray().Single()).ToList();
        labels.Should().HaveCount(5);
        foreach (var label in labels)
        {
            label.GetProperty("method").GetString().Should().Be("cp2k");
            label.GetProperty("job_id").GetString().Should().Be("local");
            var job = label.GetProperty("job");
            job.GetProperty("scheduler").GetString().Should().Be("local");
            job.GetProperty("state").GetString().Should().Be("Finished");
            var task = job.GetProperty("task").GetString()!;
            task.Should().MatchRegex("^cp2k-[0-9a-f]{16}$");
            Directory.Exists(Path.Combine(workdir, "jobs", "local", task)).Should().BeTrue("the local work directories are inside the work directory");
            job.GetProperty("finished").GetString().Should().NotBeNull();
        }

        var status = await Al.RunAsync("status", workdir, "--json");
        using var statusJson = JsonDocument.Parse(status.StandardOutput);
        statusJson.RootElement.GetProperty("jobs_in_flight").GetInt64().Should().Be(0);
    }
}
