using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class EnvironmentInterpolationTests : IDisposable
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["HOST"] = "login.example.org",
        ["PORT"] = "2222",
        ["EMPTY"] = string.Empty,
    };

    private readonly TempDirectory folder = new();

    // Unique names: the process environment is shared by every test running at the same time.
    private readonly string port = "AL_TEST_PORT_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string unset = "AL_TEST_UNSET_" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        System.Environment.SetEnvironmentVariable(port, null);
        folder.Dispose();
    }

    private static (string Text, List<InterpolationProblem> Problems) Expand(string text)
    {
        var problems = new List<InterpolationProblem>();
        return (EnvironmentInterpolation.Expand(text, n => Environment.GetValueOrDefault(n), problems), problems);
    }

    [Theory]
    [InlineData("${HOST}", "login.example.org")]
    [InlineData("ssh://${HOST}:${PORT}/x", "ssh://login.example.org:2222/x")]
    [InlineData("${NOPE:-22}", "22")]
    [InlineData("${PORT:-22}", "2222")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY}", "")]
    [InlineData("${NOPE:-}", "")]
    [InlineData("${NOPE:-a b/c}", "a b/c")]
    [InlineData("$$HOME and $$${HOST}", "$HOME and $login.example.org")]
    [InlineData("$HOME $1 50$ {x}", "$HOME $1 50$ {x}")]
    public void Values_are_expanded_shell_style(string text, string expected)
    {
        var (result, problems) = Expand(text);

        problems.Should().BeEmpty();
        result.Should().Be(expected);
    }

    [Theory]
    [InlineData("port ${NOPE}", 5, "the environment variable NOPE is not set; expected it set, or a default as in ${NOPE:-value}")]
    [InlineData("${HOST", 0, "'${' is not closed")]
    [InlineData("x${1A}", 1, "'1A' is not a variable name")]
    [InlineData("${}", 0, "'' is not a variable name")]
    [InlineData("${A-B:-c}", 0, "'A-B' is not a variable name")]
    public void Problems_name_the_offset_of_the_reference_and_keep_it_as_written(string text, int offset, string fragment)
    {
        var (result, problems) = Expand(text);

        problems.Should().ContainSingle().Which.Offset.Should().Be(offset);
        problems[0].Message.Should().Contain(fragment);
        result.Should().Contain(text[offset..].Split('}')[0]);
    }

    [Fact]
    public void A_campaign_takes_its_values_from_the_environment_and_an_empty_default_leaves_the_key_out()
    {
        System.Environment.SetEnvironmentVariable(port, "2200");
        var text = Minimal.Replace(
            "reference: { kind: potential, potential: sw }",
            $"reference: {{ kind: potential, potential: sw }}\nclusters:\n  hpc:\n    kind: slurm\n    ssh:\n      host: ${{{unset}:-login}}\n      port: ${{{port}:-22}}\n      user: ${{{unset}:-}}\n    remote_root: /scratch/${{{unset}:-me}}/al");

        var campaign = Parse(folder, text);

        var hpc = campaign.Clusters["hpc"];
        hpc.Ssh!.Host.Should().Be("login");
        hpc.Ssh.Port.Should().Be(2200);
        hpc.Ssh.User.Should().BeNull("an empty value leaves the key out, so ssh's own default applies");
        hpc.RemoteRoot.Should().Be("/scratch/me/al");
    }

    [Fact]
    public void An_unset_variable_without_a_default_is_an_error_at_its_line_and_column()
    {
        var text = Minimal.Replace("name: t", $"name: t\nworkdir: runs/${{{unset}}}");

        var errors = Errors(folder, text);

        errors.Should().ContainSingle();
        errors[0].ToString().Should().StartWith($"{folder.File("c.yaml")}:2:15: the environment variable {unset} is not set");
    }

    [Fact]
    public void An_expanded_value_is_checked_like_a_written_one()
    {
        System.Environment.SetEnvironmentVariable(port, "seventy");
        var text = Minimal.Replace(
            "reference: { kind: potential, potential: sw }",
            $"reference: {{ kind: potential, potential: sw }}\nclusters:\n  hpc:\n    kind: slurm\n    ssh:\n      host: h\n      port: \"${{{port}}}\"\n    remote_root: /s");

        var errors = Errors(folder, text);

        errors.Should().ContainSingle().Which.Message.Should().Contain("clusters.hpc.ssh.port: 'seventy' is not an integer");
        errors[0].Line.Should().Be(10);
    }
}
