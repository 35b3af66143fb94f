using System.Collections.Immutable;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

/// <summary><c>model: { kind: snap, … }</c>: defaults, every key, wrong values with line and column, and the MTP keys kept apart.</summary>
public sealed class SnapModelParserTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    // The model is line 3 of every text; species on line 2.
    private static string With(string model, string species = "[Si]", string fit = "") => $"""
        name: t
        species: {species}
        model: {model}
        reference: {"{"} kind: potential, potential: {(species.Contains('C', StringComparison.Ordinal) ? "SiC.tersoff" : "sw")} {"}"}
        {fit}
        loop:
          steps:
            - generate: {"{"} kind: random, count: 2, atoms: [2, 4], volume_per_atom: [18, 22] {"}"}
            - label: {"{"}{"}"}
            - fit: {"{"}{"}"}
        """;

    [Fact]
    public void Kind_snap_alone_takes_the_documented_defaults_for_every_species()
    {
        var campaign = Parse(folder, With("{ kind: snap }", species: "[Si, C]"));

        campaign.Model.Kind.Should().Be("snap");
        var snap = campaign.Model.Snap!;
        snap.Should().Be(new SnapModelSpec
        {
            TwoJMax = 6, CutoffFactor = 5.0, RadialFactor = 0.99363, InnerRadius = 0, Switch = true, BZero = true, Quadratic = false,
            Radius = new Dictionary<string, double> { ["C"] = 0.5, ["Si"] = 0.5 }.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Weight = new Dictionary<string, double> { ["C"] = 1.0, ["Si"] = 1.0 }.ToImmutableSortedDictionary(StringComparer.Ordinal),
        });
    }

    [Fact]
    public void Every_key_is_read_and_radius_and_weight_take_a_number_for_all_or_a_mapping_for_some_species()
    {
        var campaign = Parse(folder, With(
            "{ kind: snap, twojmax: 4, rcutfac: 4.2, rfac0: 0.95, rmin0: 0.1, switch: false, bzero: false, quadratic: true, radius: { C: 0.4 }, weight: 0.8 }",
            species: "[Si, C]"));

        var snap = campaign.Model.Snap!;
        (snap.TwoJMax, snap.CutoffFactor, snap.RadialFactor, snap.InnerRadius).Should().Be((4, 4.2, 0.95, 0.1));
        (snap.Switch, snap.BZero, snap.Quadratic).Should().Be((false, false, true));
        snap.Radius.Should().Equal(new Dictionary<string, double> { ["C"] = 0.4, ["Si"] = 0.5 });
        snap.Weight.Should().Equal(new Dictionary<string, double> { ["C"] = 0.8, ["Si"] = 0.8 });
    }

    [Fact]
    public void An_mtp_model_keeps_its_json_so_mtp_campaigns_keep_their_definition_hashes()
    {
        // The model's canonical JSON as it was before SNAP students existed.
        var json = CampaignJson.Serialize(Parse(folder, Minimal));

        json.Should().Contain("""
              "model": {
                "kind": "mtp",
                "level": 16,
                "min_dist": 2,
                "max_dist": 5,
                "radial_basis_size": 8
              },
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_snap_model_shows_only_its_own_keys_and_every_value_enters_the_hash()
    {
        var campaign = Parse(folder, With("{ kind: snap, twojmax: 4 }"));

        var json = CampaignJson.Serialize(campaign);
        json.Should().Contain("\"kind\": \"snap\"").And.Contain("\"twojmax\": 4").And.Contain("\"rcutfac\": 5").And.Contain("\"switch\": true")
            .And.Contain("\"radius\": {").And.NotContain("level").And.NotContain("min_dist");
        var hash = CampaignJson.DefinitionHash(campaign);
        foreach (var other in new[] { "twojmax: 6", "twojmax: 4, rcutfac: 4.9", "twojmax: 4, quadratic: true", "twojmax: 4, radius: 0.45", "twojmax: 4, weight: 0.9" })
        {
            CampaignJson.DefinitionHash(Parse(folder, With($"{{ kind: snap, {other} }}"))).Should().NotBe(hash, other);
        }
    }

    [Theory]
    [InlineData("{ kind: snap, twojmax: 21 }", "21", "model.twojmax: 21 is out of range; expected an integer from 0 to 20")]
    [InlineData("{ kind: snap, twojmax: 4.5 }", "4.5", "model.twojmax: '4.5' is not an integer")]
    [InlineData("{ kind: snap, rcutfac: 0 }", "0 }", "model.rcutfac: 0 is out of range; expected a number > 0")]
    [InlineData("{ kind: snap, rfac0: 1.2 }", "1.2", "model.rfac0: 1.2 is out of range; expected a number > 0 and ≤ 1")]
    [InlineData("{ kind: snap, rmin0: -1 }", "-1", "model.rmin0: -1 is out of range; expected a number ≥ 0")]
    [InlineData("{ kind: snap, rmin0: 5 }", "5 }", "model.rmin0: 5 Å is not below the shortest pair cutoff 5 Å")]
    [InlineData("{ kind: snap, switch: yes }", "yes", "model.switch: 'yes' is not a Boolean; expected true or false")]
    [InlineData("{ kind: snap, quadratic: 1 }", "1 }", "model.quadratic: '1' is not a Boolean")]
    [InlineData("{ kind: snap, radius: { Ge: 0.5 } }", "Ge", "model.radius: 'Ge' is not valid; expected one of the campaign's species (Si)")]
    [InlineData("{ kind: snap, radius: { Si: -0.5 } }", "-0.5", "model.radius.Si: -0.5 is out of range; expected a number > 0")]
    [InlineData("{ kind: snap, weight: [1, 2] }", "[1", "model.weight: found a list; expected a positive number for every species or a mapping such as { Si: 0.5 }")]
    [InlineData("{ kind: snap, level: 16 }", "level", "model: 'level' does not apply to kind snap; expected kind and twojmax, rcutfac, rfac0, rmin0, switch, bzero, quadratic, radius, weight")]
    [InlineData("{ kind: snap, max_dist: 5 }", "max_dist", "model: 'max_dist' does not apply to kind snap")]
    [InlineData("{ kind: mtp, twojmax: 6 }", "twojmax", "model: 'twojmax' does not apply to kind mtp; expected kind and level, min_dist, max_dist, radial_basis_size")]
    [InlineData("{ kind: snap, twojmx: 6 }", "twojmx", "model: unknown key 'twojmx'; expected one of kind, twojmax, rcutfac")]
    [InlineData("{ kind: ace }", "ace", "model.kind: 'ace' is not a known choice; expected one of mtp, snap")]
    public void Wrong_snap_values_and_keys_of_the_other_kind_are_refused_with_line_and_column(string model, string at, string fragment)
    {
        var errors = Errors(folder, With(model));

        var column = "model: ".Length + model.IndexOf(at, StringComparison.Ordinal) + 1;
        errors.Should().ContainSingle().Which.ToString().Should().StartWith($"{folder.File("c.yaml")}:3:{column}: ").And.Contain(fragment);
    }

    [Fact]
    public void Refine_steps_with_a_snap_model_is_refused_in_fit_and_in_a_fit_step()
    {
        var text = With("{ kind: snap }", fit: "fit: { refine_steps: 5 }").Replace("    - fit: {}", "    - fit: { refine_steps: 2 }");

        var errors = Errors(folder, text).Select(e => e.ToString()).ToList();

        errors.Should().HaveCount(2);
        errors[0].Should().StartWith($"{folder.File("c.yaml")}:5:8: fit.refine_steps: refines the radial functions of a moment tensor potential and does not apply to model kind snap");
        errors[1].Should().StartWith($"{folder.File("c.yaml")}:10:14: loop.steps[2].fit.refine_steps: refines the radial functions");
        Parse(folder, text.Replace("kind: snap", "kind: mtp")).Fit.RefineSteps.Should().Be(5, "the same keys are fine for an MTP");
    }
}
