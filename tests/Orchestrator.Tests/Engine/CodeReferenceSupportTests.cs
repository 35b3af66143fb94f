using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Tests.Campaigns;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

public sealed class CodeReferenceSupportTests : IDisposable
{
    private const string Campaign =
        """
        name: t
        species: [Si]
        model: { kind: mtp, level: 8 }
        reference: { kind: cp2k, on: hpc, method: dftb }
        clusters:
          local: { kind: local, cores: 1 }
          hpc: { kind: slurm }
          other: { kind: slurm }
        initial:
          - label: { on: hpc }
          - fit: {}
        loop:
          max_iterations: 1
          steps:
            - label: {}
            - fit: {}
        """;

    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_code_reference_runs_in_the_engine_on_its_cluster()
    {
        var campaign = CampaignFiles.Parse(folder, Campaign);

        CampaignEngine.Unsupported(campaign, "c.yaml").Should().BeEmpty();
    }

    [Fact]
    public void A_label_step_on_another_cluster_than_the_reference_is_refused_at_its_line()
    {
        var campaign = CampaignFiles.Parse(folder, Campaign.Replace("    - label: {}", "    - label: { on: other }"));

        CampaignEngine.Unsupported(campaign, "c.yaml").Should().ContainSingle()
            .Which.Should().StartWith("c.yaml:15:").And.Contain("on: other, but reference: runs cp2k on hpc; expected on: hpc (or no on)");
    }

    [Fact]
    public void A_code_reference_without_settings_is_refused_with_what_it_needs()
    {
        var campaign = CampaignFiles.Parse(folder, Campaign.Replace(", method: dftb", string.Empty));

        CampaignEngine.Unsupported(campaign, "c.yaml").Should().ContainSingle()
            .Which.Should().Be("c.yaml: reference: kind cp2k gives no settings; expected method: dftb | gfn1-xtb | gpw and its settings");
    }

    [Fact]
    public void Phonon_validation_with_a_code_reference_is_refused_before_anything_runs()
    {
        File.WriteAllText(folder.File("si.vasp"), "Si\n1.0\n0 2.715 2.715\n2.715 0 2.715\n2.715 2.715 0\nSi\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n");
        var campaign = CampaignFiles.Parse(folder, Campaign.Replace("    - fit: {}", "    - fit: {}\n    - validate: { phonons: { primitive: si.vasp } }"));

        CampaignEngine.Unsupported(campaign, "c.yaml").Should().ContainSingle()
            .Which.Should().StartWith("c.yaml:").And.Contain("phonons are compared with a teacher potential only; this campaign's reference is cp2k");
    }
}
