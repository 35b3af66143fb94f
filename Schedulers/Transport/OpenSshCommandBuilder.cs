using System.Globalization;

namespace ActiveLearning.Schedulers.Transport;

/// <summary>How to reach a host with the system OpenSSH client.</summary>
/// <param name="Host">Host name, address or an alias from the user's ssh config (which may add a jump host).</param>
/// <param name="ControlDirectory">
/// Private directory (mode 0700, short path: unix sockets are limited to ~100 bytes) holding the ControlMaster sockets.
/// </param>
public sealed record SshOptions(string Host, string ControlDirectory)
{
    /// <summary>TCP port; null lets ssh config or the default (22) decide.</summary>
    public int? Port { get; init; }

    /// <summary>Remote user; null lets ssh config or the local user name decide.</summary>
    public string? User { get; init; }

    /// <summary>Private key file; when set, only this key is offered (<c>IdentitiesOnly=yes</c>).</summary>
    public string? IdentityFile { get; init; }

    /// <summary>
    /// Dedicated known-hosts file. Only with one is <c>StrictHostKeyChecking=accept-new</c> used (first key recorded, a
    /// changed key refused); without it the user's own known_hosts and settings apply. Checking is never disabled.
    /// </summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>ssh config file passed with <c>-F</c>; null uses <c>~/.ssh/config</c> as ssh normally does.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>How long the master connection outlives its last client, in seconds (default 60).</summary>
    public int ControlPersistSeconds { get; init; } = 60;
}

/// <summary>
/// Pure construction of the <c>ssh</c> and <c>scp</c> argument lists for an <see cref="SshOptions"/>: always batch mode
/// (never a password prompt), always ControlMaster multiplexing over a private socket, host keys always checked.
/// </summary>
public sealed class OpenSshCommandBuilder
{
    private readonly SshOptions options;

    /// <summary>Validates <paramref name="options"/> once.</summary>
    /// <exception cref="ArgumentException">
    /// The host is empty or starts with '-', the port is out of range, or a path given through <c>-o</c> contains
    /// whitespace or quotes (ssh would split it).
    /// </exception>
    public OpenSshCommandBuilder(SshOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Host) || options.Host.StartsWith('-') || options.Host.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"ssh host '{options.Host}' is empty, starts with '-' or contains whitespace.", nameof(options));
        }

        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"ssh port {options.Port} is outside 1..65535.", nameof(options));
        }

        if (options.ControlPersistSeconds < 0)
        {
            throw new ArgumentException("ControlPersistSeconds must not be negative.", nameof(options));
        }

        RequireOptionSafe(options.ControlDirectory, "control directory");
        RequireOptionSafe(options.KnownHostsFile, "known-hosts file");
        RequireOptionSafe(options.User, "user");
        this.options = options;
    }

    /// <summary>The options this builder was made from.</summary>
    public SshOptions Options => options;

    /// <summary>
    /// <c>ssh ... -- HOST 'CMD' 'ARG'...</c>: the remote command becomes one quoted string for the remote login shell.
    /// </summary>
    public IReadOnlyList<string> Ssh(IReadOnlyList<string> remoteCommand)
    {
        var arguments = Start("ssh", portFlag: "-p");
        arguments.Add("--");
        arguments.Add(options.Host);
        arguments.Add(RemoteCommand.Build(remoteCommand));
        return arguments;
    }

    /// <summary><c>ssh ... -O OPERATION -- HOST</c>, e.g. "check" or "exit" for the master connection.</summary>
    public IReadOnlyList<string> Control(string operation)
    {
        var arguments = Start("ssh", portFlag: "-p");
        arguments.Add("-O");
        arguments.Add(operation);
        arguments.Add("--");
        arguments.Add(options.Host);
        return arguments;
    }

    /// <summary><c>scp -q -r ... -- LOCAL HOST:REMOTE</c>; <paramref name="localPath"/> is made absolute so a ':' in it is never read as a host.</summary>
    public IReadOnlyList<string> ScpUpload(string localPath, string remotePath) =>
        Scp(Path.GetFullPath(localPath), RemoteSpec(remotePath));

    /// <summary><c>scp -q -r ... -- HOST:REMOTE LOCAL</c>.</summary>
    public IReadOnlyList<string> ScpDownload(string remotePath, string localPath) =>
        Scp(RemoteSpec(remotePath), Path.GetFullPath(localPath));

    private List<string> Scp(string source, string destination)
    {
        var arguments = Start("scp", portFlag: "-P");
        arguments.Insert(1, "-q");
        arguments.Insert(2, "-r");
        arguments.Add("--");
        arguments.Add(source);
        arguments.Add(destination);
        return arguments;
    }

    private string RemoteSpec(string remotePath) =>
        (options.Host.Contains(':', StringComparison.Ordinal) ? "[" + options.Host + "]" : options.Host) + ":" + remotePath;

    private List<string> Start(string program, string portFlag)
    {
        var arguments = new List<string> { program };
        if (options.ConfigFile is not null)
        {
            arguments.Add("-F");
            arguments.Add(options.ConfigFile);
        }

        Option(arguments, "BatchMode=yes");
        Option(arguments, "ControlMaster=auto");
        Option(arguments, "ControlPath=" + EscapePercent(options.ControlDirectory.TrimEnd('/')) + "/cm-%C");
        Option(arguments, "ControlPersist=" + options.ControlPersistSeconds.ToString(CultureInfo.InvariantCulture));
        if (options.KnownHostsFile is not null)
        {
            Option(arguments, "UserKnownHostsFile=" + EscapePercent(options.KnownHostsFile));
            Option(arguments, "StrictHostKeyChecking=accept-new");
        }

        if (options.IdentityFile is not null)
        {
            arguments.Add("-i");
            arguments.Add(EscapePercent(options.IdentityFile));
            Option(arguments, "IdentitiesOnly=yes");
        }

        if (options.User is not null)
        {
            Option(arguments, "User=" + options.User);
        }

        if (options.Port is { } port)
        {
            arguments.Add(portFlag);
            arguments.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        return arguments;
    }

    private static void Option(List<string> arguments, string setting)
    {
        arguments.Add("-o");
        arguments.Add(setting);
    }

    // ssh expands %-tokens in ControlPath, IdentityFile and UserKnownHostsFile.
    private static string EscapePercent(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    private static void RequireOptionSafe(string? value, string what)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' || char.IsControl(c)))
        {
            throw new ArgumentException($"ssh {what} '{value}' is empty or contains whitespace or quotes, which ssh's -o parsing would split.");
        }
    }
}
