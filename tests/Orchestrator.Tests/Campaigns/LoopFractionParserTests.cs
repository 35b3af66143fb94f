using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class LoopFractionParserTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Loop_fraction_is_read_and_absent_it_leaves_the_hash_as_it_was()
    {
        var plain = Parse(folder, Minimal + "\n    - validate: { fraction: 0.1 }\n");
        var with = Parse(folder, Minimal + "\n    - validate: { fraction: 0.1, loop_fraction: 0.25 }\n");

        plain.Loop.Steps[2].Should().BeOfType<ValidateStep>().Which.LoopFraction.Should().BeNull();
        with.Loop.Steps[2].Should().BeOfType<ValidateStep>().Which.LoopFraction.Should().Be(0.25);
        CampaignJson.Serialize(plain).Should().NotContain("loop_fraction");
        CampaignJson.DefinitionHash(with).Should().NotBe(CampaignJson.DefinitionHash(plain));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.6")]
    [InlineData("half")]
    public void A_loop_fraction_outside_0_to_one_half_is_an_error_at_its_line(string value)
    {
        var errors = Errors(folder, Minimal + "\n    - validate: { loop_fraction: " + value + " }\n");

        errors.Should().ContainSingle().Which.Should().Match<CampaignError>(e => e.Line == 9 && e.Message.Contains("loop.steps[2].validate.loop_fraction"));
    }
}
