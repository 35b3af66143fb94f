using System.Globalization;
using Xunit;

namespace ActiveLearning.TestSupport;

/// <summary>How to log in to a test sshd: host, port, user, private key and a known_hosts file holding its host key.</summary>
public sealed record SshServer(string Host, int Port, string User, string IdentityFile, string KnownHostsFile);

/// <summary>
/// The services <c>./test.sh</c> starts on loopback before the tests (scripts/services/slurm.sh and sshd.sh) and
/// describes in environment variables. They are shared by every test assembly running in parallel: tests use names
/// of their own and never stop them. A missing variable fails the test with a message saying to run ./test.sh.
/// </summary>
public static class TestServices
{
    /// <summary>The shared sshd (AL_SSH_HOST, AL_SSH_PORT, AL_SSH_USER, AL_SSH_IDENTITY, AL_SSH_KNOWN_HOSTS).</summary>
    public static SshServer Ssh => new(
        Require("AL_SSH_HOST"),
        int.Parse(Require("AL_SSH_PORT"), NumberStyles.None, CultureInfo.InvariantCulture),
        Require("AL_SSH_USER"),
        Require("AL_SSH_IDENTITY"),
        Require("AL_SSH_KNOWN_HOSTS"));

    /// <summary>The shared SLURM's state directory (AL_SLURM_DIR); its log/jobcomp.txt is what <c>sacct -c</c> reads.</summary>
    public static string SlurmDirectory => Require("AL_SLURM_DIR");

    /// <summary>The folder of the service scripts (AL_SERVICES_SCRIPTS), for tests that start a private sshd of their own.</summary>
    public static string ServiceScripts => Require("AL_SERVICES_SCRIPTS");

    /// <summary>Reads the <c>ssh.env</c> file a <c>sshd.sh start DIR</c> wrote into DIR.</summary>
    /// <exception cref="FileNotFoundException">DIR holds no ssh.env.</exception>
    public static SshServer ReadSshEnvironment(string directory)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(directory, "ssh.env")))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return new SshServer(
            values["AL_SSH_HOST"],
            int.Parse(values["AL_SSH_PORT"], NumberStyles.None, CultureInfo.InvariantCulture),
            values["AL_SSH_USER"],
            values["AL_SSH_IDENTITY"],
            values["AL_SSH_KNOWN_HOSTS"]);
    }

    private static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        Assert.False(
            string.IsNullOrEmpty(value),
            $"The environment variable {name} is not set: run ./test.sh, which starts SLURM and sshd on loopback and sets it.");
        return value!;
    }
}
