using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class FinalSectionParserTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Final_takes_fit_and_validate_steps_with_their_settings_and_locations()
    {
        var campaign = Parse(folder, Minimal + "\nfinal:\n  - fit: { refine_steps: 5 }\n  - validate: { fraction: 0.2 }\n");

        campaign.Final.Should().HaveCount(2);
        campaign.Final[0].Should().BeOfType<FitStep>().Which.RefineSteps.Should().Be(5);
        campaign.Final[1].Should().BeOfType<ValidateStep>();
        campaign.Final.Select(s => s.Location!.Path).Should().Equal("final[0]", "final[1]");
        campaign.Final[0].Location!.Line.Should().Be(10);
        Parse(folder, Minimal).Final.Should().BeEmpty();
    }

    [Theory]
    [InlineData("  - explore: { walkers: 1 }", "'explore' is not a step of final; expected fit or validate")]
    [InlineData("  - label: {}", "'label' is not a step of final; expected fit or validate")]
    [InlineData("  - fit: { refine_steps: -1 }", "final[0].fit.refine_steps")]
    [InlineData("  - fit: { guard: maybe }", "final[0].fit.guard")]
    public void Other_steps_and_wrong_settings_in_final_are_errors_with_their_line(string step, string message)
    {
        var errors = Errors(folder, Minimal + "\nfinal:\n" + step + "\n");

        errors.Should().ContainSingle().Which.Should().Match<CampaignError>(e => e.Line == 10 && e.Message.Contains(message));
    }

    [Fact]
    public void A_campaign_without_final_hashes_as_before_the_key_existed_and_final_steps_change_the_hash()
    {
        var without = Parse(folder, Minimal);
        var with = Parse(folder, Minimal + "\nfinal:\n  - fit: { refine_steps: 5 }\n");

        CampaignJson.Serialize(without).Should().NotContain("\"final\"");
        CampaignJson.Serialize(with).Should().Contain("\"final\"");
        CampaignJson.DefinitionHash(with).Should().NotBe(CampaignJson.DefinitionHash(without));
    }

    [Fact]
    public void Fit_guard_defaults_to_on_and_only_guard_false_changes_the_hash()
    {
        var plain = Parse(folder, Minimal);
        var on = Parse(folder, Minimal.Replace("- fit: {}", "- fit: { guard: true }", StringComparison.Ordinal));
        var off = Parse(folder, Minimal.Replace("- fit: {}", "- fit: { guard: false }", StringComparison.Ordinal));

        plain.Loop.Steps[1].Should().BeOfType<FitStep>().Which.Guard.Should().BeTrue();
        off.Loop.Steps[1].Should().BeOfType<FitStep>().Which.Guard.Should().BeFalse();
        CampaignJson.DefinitionHash(on).Should().Be(CampaignJson.DefinitionHash(plain), "guard: true is the default written out");
        CampaignJson.Serialize(plain).Should().NotContain("\"guard\"");
        CampaignJson.Serialize(off).Should().Contain("\"guard\": false");
        CampaignJson.DefinitionHash(off).Should().NotBe(CampaignJson.DefinitionHash(plain));
    }
}
