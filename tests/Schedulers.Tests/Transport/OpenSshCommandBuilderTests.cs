using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Tests.Transport;

public sealed class OpenSshCommandBuilderTests
{
    private static readonly string[] Multiplexing =
        ["-o", "BatchMode=yes", "-o", "ControlMaster=auto", "-o", "ControlPath=/run/al/cm-%C", "-o", "ControlPersist=60"];

    [Fact]
    public void Minimal_ssh_command_is_batch_mode_and_multiplexed_with_the_remote_command_quoted()
    {
        var builder = new OpenSshCommandBuilder(new SshOptions("cluster", "/run/al/"));

        builder.Ssh(["ls", "-l", "my dir; rm -rf ~"]).Should().Equal(
            ["ssh", .. Multiplexing, "--", "cluster", "'ls' '-l' 'my dir; rm -rf ~'"]);
    }

    [Fact]
    public void Full_options_add_config_known_hosts_identity_user_and_port()
    {
        var options = new SshOptions("login.example.org", "/run/al")
        {
            Port = 2222,
            User = "me",
            IdentityFile = "/keys/id 50%",
            KnownHostsFile = "/keys/known_hosts",
            ConfigFile = "/keys/ssh config",
        };
        var builder = new OpenSshCommandBuilder(options);
        string[] expectedOptions =
        [
            "-F", "/keys/ssh config", .. Multiplexing,
            "-o", "UserKnownHostsFile=/keys/known_hosts", "-o", "StrictHostKeyChecking=accept-new",
            "-i", "/keys/id 50%%", "-o", "IdentitiesOnly=yes", "-o", "User=me",
        ];

        builder.Ssh(["true"]).Should().Equal(["ssh", .. expectedOptions, "-p", "2222", "--", "login.example.org", "'true'"]);
        builder.Control("exit").Should().Equal(["ssh", .. expectedOptions, "-p", "2222", "-O", "exit", "--", "login.example.org"]);
        builder.ScpUpload("/data/in", "/tmp/tmp.X/payload").Should().Equal(
            ["scp", "-q", "-r", .. expectedOptions, "-P", "2222", "--", "/data/in", "login.example.org:/tmp/tmp.X/payload"]);
        builder.ScpDownload("/tmp/tmp.X/payload", "/data/out").Should().Equal(
            ["scp", "-q", "-r", .. expectedOptions, "-P", "2222", "--", "login.example.org:/tmp/tmp.X/payload", "/data/out"]);
    }

    [Fact]
    public void Host_key_checking_is_never_switched_off()
    {
        var builder = new OpenSshCommandBuilder(new SshOptions("h", "/c") { KnownHostsFile = "/k" });
        var all = builder.Ssh(["true"]).Concat(builder.ScpUpload("/a", "/b")).ToList();

        all.Should().NotContain(a => a.Contains("StrictHostKeyChecking=no", StringComparison.Ordinal));
        all.Should().NotContain(a => a.Contains("/dev/null", StringComparison.Ordinal));
        new OpenSshCommandBuilder(new SshOptions("h", "/c")).Ssh(["true"]).Should().NotContain(a => a.StartsWith("StrictHostKeyChecking", StringComparison.Ordinal));
    }

    [Fact]
    public void Local_scp_paths_are_absolute_so_a_colon_is_not_a_host_and_ipv6_hosts_are_bracketed()
    {
        var builder = new OpenSshCommandBuilder(new SshOptions("::1", "/c"));
        var upload = builder.ScpUpload("a:b", "/r");

        upload[^2].Should().Be(Path.GetFullPath("a:b")).And.StartWith("/");
        upload[^1].Should().Be("[::1]:/r");
    }

    [Theory]
    [InlineData("-oProxyCommand=touch /tmp/x", "/c", null)]
    [InlineData("", "/c", null)]
    [InlineData("host name", "/c", null)]
    [InlineData("h", "/c d", null)]
    [InlineData("h", "/c", "/k h")]
    public void Unsafe_hosts_and_paths_are_refused(string host, string control, string? knownHosts)
    {
        FluentActions.Invoking(() => new OpenSshCommandBuilder(new SshOptions(host, control) { KnownHostsFile = knownHosts }))
            .Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Out_of_range_port_is_refused()
    {
        FluentActions.Invoking(() => new OpenSshCommandBuilder(new SshOptions("h", "/c") { Port = 0 })).Should().Throw<ArgumentException>();
    }
}
