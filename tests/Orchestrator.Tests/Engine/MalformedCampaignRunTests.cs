using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>Every malformed campaign file of <see cref="CampaignErrorTests"/>, given to <c>al run</c>: exit 2, the position, no work directory.</summary>
public sealed class MalformedCampaignRunTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, string, string, int, int, string> Cases => CampaignErrorTests.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Al_run_exits_2_with_line_and_column_and_creates_no_workdir(
        string what, string replace, string with, int line, int column, string fragment)
    {
        var file = folder.File("c.yaml");
        File.WriteAllText(file, Minimal.Replace(replace, with));

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(2, what);
        run.StandardError.Should().Contain($"{file}:{line}:{column}: ", what).And.Contain(fragment, what);
        Directory.Exists(folder.File("runs")).Should().BeFalse(what);
        folder.FileNames().Should().Equal(["c.yaml"], what);
    }
}
