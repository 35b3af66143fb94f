using System.Text.Json;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_valid_campaign_prints_a_summary_with_its_hash_and_exits_0()
    {
        var result = await Run("validate", CampaignFiles.SamplePath);

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var hash = CampaignJson.DefinitionHash(CampaignParser.Parse(CampaignFiles.SamplePath));
        result.StandardOutput.Should()
            .Contain("Campaign si-embedded: valid")
            .And.Contain("species    Si")
            .And.Contain("mtp level 16")
            .And.Contain("potential sw")
            .And.Contain("local (local)")
            .And.Contain("generate ndsc → generate random → generate rattle → label → fit")
            .And.Contain("explore → select → label → fit → validate")
            .And.Contain(hash);
        Directory.Exists(Path.Combine(Path.GetDirectoryName(CampaignFiles.SamplePath)!, "runs")).Should().BeFalse("validating creates no workdir");
    }

    [Fact]
    public async Task Errors_are_printed_one_per_line_as_file_line_column_and_exit_2()
    {
        var path = folder.File("bad.yaml");
        File.WriteAllText(path, CampaignFiles.Minimal.Replace("level: 16", "level: 30").Replace("limit: 5", "limit: many"));

        var result = await Run("validate", path);

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardOutput.Should().BeEmpty();
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().HaveCount(3);
        lines[0].Should().StartWith($"{path}:3:28: model.level: 30 is out of range; expected");
        lines[1].Should().StartWith($"{path}:7:40: loop.steps[0].select.limit: 'many' is not an integer; expected");
        lines[2].Should().Be($"al: {path}: 2 errors.");
        Directory.Exists(folder.File("runs")).Should().BeFalse();
    }

    [Fact]
    public async Task A_missing_file_is_bad_input()
    {
        var result = await Run("validate", folder.File("nowhere.yaml"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("nowhere.yaml: no such campaign file");
    }

    [Fact]
    public async Task Json_prints_the_normalised_campaign_with_defaults_and_absolute_paths()
    {
        var result = await Run("validate", CampaignFiles.SamplePath, "--json");

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        root.GetProperty("name").GetString().Should().Be("si-embedded");
        root.GetProperty("model").GetProperty("level").GetInt32().Should().Be(16);
        root.GetProperty("reference").GetProperty("kind").GetString().Should().Be("potential");
        root.GetProperty("clusters").GetProperty("local").GetProperty("max_queued").GetInt32().Should().Be(50);
        var ndsc = root.GetProperty("initial")[0];
        ndsc.GetProperty("step").GetString().Should().Be("generate");
        ndsc.GetProperty("generator").GetProperty("kind").GetString().Should().Be("ndsc");
        Path.IsPathRooted(ndsc.GetProperty("generator").GetProperty("primitive").GetString()).Should().BeTrue();
        root.GetProperty("loop").GetProperty("steps")[0].GetProperty("temperature").GetProperty("hi").GetDouble().Should().Be(1500);
    }

    [Fact]
    public async Task Validate_explains_itself()
    {
        var result = await Run("validate", "--help");

        result.ExitCode.Should().Be(ExitCodes.Ok);
        result.StandardOutput.Should().Contain("Usage:").And.Contain("Example");
    }
}
