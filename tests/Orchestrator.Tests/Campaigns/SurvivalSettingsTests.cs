using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

/// <summary>The validate step's <c>survival:</c> block and the <c>stop_when: { survival }</c> rule: defaults, errors, hashes.</summary>
public sealed class SurvivalSettingsTests : IDisposable
{
    private const string Validate = "    - fit: {}\n    - validate: { fraction: 0.2 }";
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private static string With(string validate, string? stop = null) =>
        Minimal.Replace("    - fit: {}", "    - fit: {}\n" + validate) + (stop is null ? string.Empty : "\n  stop_when: " + stop);

    [Fact]
    public void Survival_is_off_unless_asked_and_takes_the_documented_defaults()
    {
        var off = (ValidateStep)Parse(folder, With("    - validate: { fraction: 0.2 }")).Loop.Steps[^1];
        off.Survival.Should().BeNull();

        var defaults = (ValidateStep)Parse(folder, With("    - validate: { survival: {} }")).Loop.Steps[^1];
        defaults.Survival.Should().Be(new SurvivalSpec { Runs = 10, Steps = 10_000, Temperature = 1500, Timestep = 1.0, GradeBreak = 10 });

        var given = (ValidateStep)Parse(folder, With("    - validate: { survival: { runs: 3, steps: 500, temperature: 900, timestep: 0.5, grade_break: 20 } }")).Loop.Steps[^1];
        given.Survival.Should().Be(new SurvivalSpec { Runs = 3, Steps = 500, Temperature = 900, Timestep = 0.5, GradeBreak = 20 });
        Parse(folder, With("    - validate: { survival: {} }", "{ survival: 0.9 }")).Loop.StopWhen.Survival.Should().Be(0.9);
    }

    [Fact]
    public void A_campaign_without_survival_keeps_its_definition_hash()
    {
        // The hash of a campaign written before survival existed (canonical JSON without survival keys).
        var campaign = Parse(folder, With("    - validate: { fraction: 0.2 }", "{ quiet_iterations: 2 }"));
        var json = CampaignJson.Serialize(campaign);
        json.Should().NotContain("survival");
        CampaignJson.DefinitionHash(campaign).Should().NotBe(
            CampaignJson.DefinitionHash(Parse(folder, With("    - validate: { fraction: 0.2, survival: {} }", "{ quiet_iterations: 2 }"))));
    }

    [Theory]
    [InlineData("    - validate: { survival: { runs: 0 } }", "0 }", "loop.steps[2].validate.survival.runs: 0 is out of range; expected an integer from 1 to 10000")]
    [InlineData("    - validate: { survival: { temperature: -5 } }", "-5", "loop.steps[2].validate.survival.temperature: -5 is out of range")]
    [InlineData("    - validate: { survival: { grade_break: 1 } }", "1 }", "loop.steps[2].validate.survival.grade_break: 1 is out of range")]
    [InlineData("    - validate: { survival: { walkers: 2 } }", "walkers", "loop.steps[2].validate.survival: unknown key 'walkers'; expected one of runs, steps, temperature, timestep, grade_break")]
    [InlineData("    - validate: { survival: yes }", "yes", "loop.steps[2].validate.survival: found 'yes'; expected a mapping")]
    public void Wrong_survival_settings_are_refused_with_line_and_column(string validate, string at, string fragment)
    {
        var errors = Errors(folder, With(validate));

        var column = validate.IndexOf(at, StringComparison.Ordinal) + 1;
        errors.Should().ContainSingle().Which.ToString().Should().StartWith($"{folder.File("c.yaml")}:9:{column}: ").And.Contain(fragment);
    }

    [Theory]
    [InlineData("{ survival: 0 }", "loop.stop_when.survival: 0 is out of range")]
    [InlineData("{ survival: 1.5 }", "loop.stop_when.survival: 1.5 is out of range")]
    public void A_survival_target_outside_zero_to_one_is_refused(string stop, string fragment)
    {
        var errors = Errors(folder, With("    - validate: { survival: {} }", stop));

        errors.Should().ContainSingle().Which.ToString().Should().StartWith($"{folder.File("c.yaml")}:10:").And.Contain(fragment);
    }

    [Fact]
    public void The_survival_stop_rule_needs_a_validate_step_that_runs_survival()
    {
        var campaign = Parse(folder, With("    - validate: { fraction: 0.2 }", "{ survival: 1.0 }"));

        CampaignEngine.Unsupported(campaign, "c.yaml").Where(p => p.Contains("survival", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Be("c.yaml: loop.stop_when: survival needs a validate step with survival: { … } in loop.steps");
        CampaignEngine.Unsupported(Parse(folder, With("    - validate: { survival: { runs: 2 } }", "{ survival: 1.0 }")), "c.yaml")
            .Should().NotContain(p => p.Contains("survival", StringComparison.Ordinal));
    }
}
