using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class CodeDirectoryTests : IDisposable
{
    private const string Reference =
        "reference: { kind: quantum-espresso, on: CLUSTER, pseudopotentials: { Si: Si.pbe-rrkj.UPF }, pseudo_dir: DIR, ecutwfc: 16, kspacing: 0.8 }\n" +
        "clusters:\n" +
        "  hpc: { kind: slurm, ssh: { host: login }, remote_root: /scratch/al }\n" +
        "  local: { kind: local }";

    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private string With(string cluster, string directory) =>
        Minimal.Replace("reference: { kind: potential, potential: sw }", Reference.Replace("CLUSTER", cluster).Replace("DIR", directory));

    [Fact]
    public void The_pseudopotential_folder_of_a_code_run_over_ssh_is_a_path_on_the_cluster_not_checked_here()
    {
        var campaign = Parse(folder, With("hpc", "/opt/cluster-only/pseudo"));

        campaign.Reference.Should().BeOfType<Orchestrator.Campaigns.CodeReference>()
            .Which.QuantumEspresso!.PseudoDirectory.Should().Be("/opt/cluster-only/pseudo");
    }

    [Fact]
    public void Over_ssh_the_folder_must_be_absolute_and_here_it_must_exist()
    {
        var remote = Errors(folder, With("hpc", "pseudo"));
        var local = Errors(folder, With("local", "/opt/cluster-only/pseudo"));

        remote.Should().ContainSingle().Which.Message.Should().Be("reference.pseudo_dir: 'pseudo' is not valid; expected an absolute path on the cluster the reference runs on");
        local.Should().ContainSingle().Which.Message.Should().Contain("reference.pseudo_dir: no such directory /opt/cluster-only/pseudo");
    }
}
