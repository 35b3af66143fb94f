using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class CampaignHashTests : IDisposable
{
    private const string Reformatted =
        """
        # the same campaign: keys reordered, block style, other indentation, defaults written out, 16.0 for 16
        loop:
              steps:
                    -   select:
                              limit: 5
                              method: maxvol
                    -   fit:
        reference:
              potential: sw
              kind: potential
        model:
              level: 16
              kind: mtp
              min_dist: 2.0
        species:
              - Si
        name: t
        seed: 1
        """;

    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_hash_is_a_sha256_and_stable_under_reformatting()
    {
        var hash = CampaignJson.DefinitionHash(Parse(folder, Minimal));

        hash.Should().MatchRegex("^[0-9a-f]{64}$");
        CampaignJson.DefinitionHash(Parse(folder, Reformatted)).Should().Be(hash);
        CampaignJson.DefinitionHash(Parse(folder, Minimal)).Should().Be(hash);
    }

    [Theory]
    [InlineData("limit: 5", "limit: 6")]
    [InlineData("level: 16", "level: 18")]
    [InlineData("name: t", "name: t\nseed: 2")]
    [InlineData("    - fit: {}", "    - fit: { refine_steps: 2 }")]
    public void The_hash_changes_with_any_value(string replace, string with)
    {
        var hash = CampaignJson.DefinitionHash(Parse(folder, Minimal));

        CampaignJson.DefinitionHash(Parse(folder, Minimal.Replace(replace, with))).Should().NotBe(hash);
    }

    [Fact]
    public void The_hash_does_not_depend_on_where_the_campaign_lies()
    {
        using var other = new TempDirectory();

        CampaignJson.DefinitionHash(Parse(other, Minimal)).Should().Be(CampaignJson.DefinitionHash(Parse(folder, Minimal)));
    }

    [Fact]
    public void Step_hashes_tell_which_steps_an_edit_changed()
    {
        var before = Parse(folder, Minimal).Loop.Steps;
        var after = Parse(folder, Minimal.Replace("limit: 5", "limit: 6")).Loop.Steps;

        CampaignJson.StepHash(after[0]).Should().NotBe(CampaignJson.StepHash(before[0]));
        CampaignJson.StepHash(after[1]).Should().Be(CampaignJson.StepHash(before[1]));
    }
}
