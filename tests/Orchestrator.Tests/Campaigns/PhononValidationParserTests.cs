using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

/// <summary>The <c>phonons:</c> block of a validate step: defaults, explicit values, errors with line and column, and hashes.</summary>
public sealed class PhononValidationParserTests : IDisposable
{
    private const string WithNdsc =
        """
        name: t
        species: [Al]
        model: { kind: mtp, level: 8 }
        reference: { kind: potential, potential: lj:Al:0.4:2.6:6.0 }
        initial:
          - generate: { kind: ndsc, primitive: al.vasp, grid: 2 }
          - label: {}
          - fit: {}
        loop:
          steps:
            - explore: { temperature: 300, steps: 10 }
            - select: { limit: 2 }
            - validate: PHONONS
        """;

    private readonly TempDirectory folder = new();

    public PhononValidationParserTests() => File.WriteAllText(folder.File("al.vasp"), "Al\n1.0\n0 2 2\n2 0 2\n2 2 0\nAl\n1\nDirect\n0 0 0\n");

    public void Dispose() => folder.Dispose();

    private Campaign ParseWith(string validate) => Parse(folder, WithNdsc.Replace("PHONONS", validate, StringComparison.Ordinal));

    [Fact]
    public void Omitted_phonon_settings_take_their_defaults_and_the_ndsc_primitive()
    {
        var campaign = ParseWith("{ phonons: {} }");

        var phonons = campaign.Loop.Steps.OfType<ValidateStep>().Single().Phonons!;
        phonons.Supercell.Should().Be(4);
        phonons.Displacement.Should().Be(0.01);
        phonons.QPoints.Should().BeEmpty();
        phonons.Primitive.Should().BeNull();
        CampaignEngine.PhononPrimitive(campaign, phonons)!.FullPath.Should().Be(folder.File("al.vasp"));
        CampaignEngine.Unsupported(campaign, "c.yaml").Should().BeEmpty();
    }

    [Fact]
    public void Explicit_phonon_settings_are_read()
    {
        var phonons = ParseWith("{ phonons: { primitive: al.vasp, supercell: 2, displacement: 0.02, qpoints: [[0, 0, 0], [0.5, 0, 0.5]] } }")
            .Loop.Steps.OfType<ValidateStep>().Single().Phonons!;

        phonons.Supercell.Should().Be(2);
        phonons.Displacement.Should().Be(0.02);
        phonons.QPoints.Select(q => q.ToArray()).Should().BeEquivalentTo(new[] { new[] { 0.0, 0, 0 }, [0.5, 0, 0.5] }, o => o.WithStrictOrdering());
        phonons.Primitive!.FullPath.Should().Be(folder.File("al.vasp"));
    }

    [Theory]
    [InlineData("{ phonons: { supercell: 0 } }", 13, 41, "validate.phonons.supercell: 0 is out of range")]
    [InlineData("{ phonons: { displacement: -0.1 } }", 13, 44, "validate.phonons.displacement: -0.1 is out of range")]
    [InlineData("{ phonons: { qpoints: [[0, 0]] } }", 13, 40, "qpoints[0]: found a list; expected three numbers [q1, q2, q3]")]
    [InlineData("{ phonons: { mesh: 4 } }", 13, 30, "validate.phonons: unknown key 'mesh'; expected one of primitive, supercell, displacement, qpoints")]
    [InlineData("{ phonons: { primitive: none.vasp } }", 13, 41, "phonons.primitive: no such file")]
    public void Wrong_phonon_settings_are_refused_where_they_are_written(string validate, int line, int column, string message)
    {
        var errors = Errors(folder, WithNdsc.Replace("PHONONS", validate, StringComparison.Ordinal));

        errors.Should().ContainSingle();
        errors[0].Line.Should().Be(line);
        errors[0].Column.Should().Be(column);
        errors[0].Message.Should().Contain(message);
    }

    [Fact]
    public void Without_an_ndsc_generator_or_a_primitive_the_engine_refuses_the_campaign()
    {
        var text = WithNdsc.Replace("  - generate: { kind: ndsc, primitive: al.vasp, grid: 2 }\n", "  - generate: { kind: rattle, source: al.vasp, sigma: 0.1 }\n", StringComparison.Ordinal)
            .Replace("PHONONS", "{ phonons: {} }", StringComparison.Ordinal);
        var campaign = Parse(folder, text);

        CampaignEngine.Unsupported(campaign, "c.yaml").Should().ContainSingle().Which.Should().Contain("c.yaml:13:7: loop.steps[2]").And.Contain("phonons: no primitive cell");
    }

    [Fact]
    public void A_validate_step_without_phonons_keeps_its_hash()
    {
        var plain = ParseWith("{ fraction: 0.1 }");

        CampaignJson.StepHash(plain.Loop.Steps[2]).Should().Be(CampaignJson.StepHash(new ValidateStep(0.1)));
        CampaignJson.Serialize(plain).Should().NotContain("phonons");
        CampaignJson.StepHash(ParseWith("{ fraction: 0.1, phonons: {} }").Loop.Steps[2]).Should().NotBe(CampaignJson.StepHash(plain.Loop.Steps[2]));
    }
}
