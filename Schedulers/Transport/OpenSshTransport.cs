namespace ActiveLearning.Schedulers.Transport;

/// <summary>
/// A host reached with the system OpenSSH client (<c>ssh</c>, <c>scp</c>) run as local processes, multiplexed over one
/// ControlMaster connection. ssh's own failures (exit code 255) become <see cref="TransportException"/>.
/// </summary>
/// <remarks>
/// Transfers go through a fresh <c>mktemp -d</c> directory on the remote side, whose name contains no special characters,
/// so scp never has to interpret a user path (legacy scp passes remote paths through the remote shell, SFTP-mode scp
/// globs them); the remote side then moves the payload into place with fully quoted arguments.
/// </remarks>
public sealed class OpenSshTransport : ITransport
{
    private const int SshFailure = 255;
    private const int Missing = 44;

    private const string ExistsScript = "test -e \"$1\" || test -L \"$1\"";
    private const string ReadScript = "[ -f \"$1\" ] || exit 44; cat -- \"$1\"";
    private const string WriteScript =
        "set -e; t=\"$1.tmp.$$\"; trap 'rm -f -- \"$t\"' EXIT; mkdir -p -- \"$(dirname -- \"$1\")\"; cat > \"$t\"; mv -f -- \"$t\" \"$1\"; trap - EXIT";
    private const string MakeTemporaryScript = "mktemp -d";
    private const string PlaceUploadScript =
        "set -e; src=\"$1/payload\"; dst=\"$2\"; trap 'rm -rf -- \"$1\"' EXIT; mkdir -p -- \"$(dirname -- \"$dst\")\"; " +
        "if [ -d \"$src\" ]; then if [ -e \"$dst\" ]; then cp -R -- \"$src\"/. \"$dst\"/; else mv -- \"$src\" \"$dst\"; fi; " +
        "else cp -- \"$src\" \"$dst.tmp.$$\"; mv -f -- \"$dst.tmp.$$\" \"$dst\"; fi";
    private const string StageDownloadScript =
        "set -e; [ -e \"$1\" ] || exit 44; d=$(mktemp -d); cp -R -- \"$1\" \"$d/payload\"; printf '%s' \"$d\"";
    private const string RemoveTemporaryScript = "case \"$1\" in /*/tmp.*|/tmp/*) rm -rf -- \"$1\";; esac";

    private readonly OpenSshCommandBuilder builder;
    private readonly TimeSpan commandTimeout;
    private readonly TimeSpan transferTimeout;

    /// <summary>Creates the transport; nothing connects until the first command.</summary>
    /// <param name="options">Where and how to connect. The control directory is created (mode 0700) if missing.</param>
    /// <param name="commandTimeout">Limit for the small helper commands (exists, read, write, staging); default 2 min.</param>
    /// <param name="transferTimeout">Limit for one scp transfer; default 1 h.</param>
    public OpenSshTransport(SshOptions options, TimeSpan? commandTimeout = null, TimeSpan? transferTimeout = null)
    {
        builder = new OpenSshCommandBuilder(options);
        this.commandTimeout = commandTimeout ?? TimeSpan.FromMinutes(2);
        this.transferTimeout = transferTimeout ?? TimeSpan.FromHours(1);
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(options.ControlDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(options.ControlDirectory);
        }
    }

    /// <inheritdoc />
    public string Description =>
        "ssh " + (builder.Options.User is null ? string.Empty : builder.Options.User + "@") + builder.Options.Host +
        (builder.Options.Port is { } port ? ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);

    /// <inheritdoc />
    /// <remarks>Exit code 255 is ssh's own failure code and is reported as <see cref="TransportException"/>.</remarks>
    public async Task<ExecutionResult> ExecuteAsync(IReadOnlyList<string> command, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunTextAsync(builder.Ssh(command), standardInput, timeout, cancellationToken);
        if (result.ExitCode == SshFailure)
        {
            throw new TransportException($"{Description}: ssh failed (exit 255): {result.StandardError.Trim()}");
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string remotePath, CancellationToken cancellationToken)
    {
        var result = await Script(ExistsScript, [remotePath], null, cancellationToken);
        return result.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw Failure("exists", remotePath, result),
        };
    }

    /// <inheritdoc />
    public async Task<string> ReadTextAsync(string remotePath, CancellationToken cancellationToken)
    {
        var result = await Script(ReadScript, [remotePath], null, cancellationToken);
        return result.ExitCode switch
        {
            0 => result.StandardOutput,
            Missing => throw new FileNotFoundException($"{Description}: '{remotePath}' does not exist or is not a file.", remotePath),
            _ => throw Failure("read", remotePath, result),
        };
    }

    /// <inheritdoc />
    public async Task WriteTextAsync(string remotePath, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = await Script(WriteScript, [remotePath], text, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure("write", remotePath, result);
        }
    }

    /// <inheritdoc />
    public async Task UploadAsync(string localPath, string remotePath, CancellationToken cancellationToken)
    {
        if (!File.Exists(localPath) && !Directory.Exists(localPath))
        {
            throw new FileNotFoundException($"'{localPath}' does not exist.", localPath);
        }

        var staging = await MakeRemoteTemporary(cancellationToken);
        try
        {
            await Transfer(builder.ScpUpload(localPath, staging + "/payload"), cancellationToken);
            var placed = await Script(PlaceUploadScript, [staging, remotePath], null, cancellationToken);
            if (placed.ExitCode != 0)
            {
                throw Failure("upload to", remotePath, placed);
            }
        }
        finally
        {
            await RemoveRemoteTemporary(staging);
        }
    }

    /// <inheritdoc />
    public async Task DownloadAsync(string remotePath, string localPath, CancellationToken cancellationToken)
    {
        var staged = await Script(StageDownloadScript, [remotePath], null, cancellationToken);
        if (staged.ExitCode == Missing)
        {
            throw new FileNotFoundException($"{Description}: '{remotePath}' does not exist.", remotePath);
        }

        if (staged.ExitCode != 0)
        {
            throw Failure("download from", remotePath, staged);
        }

        var staging = RequireTemporaryPath(staged.StandardOutput);
        var localStaging = Path.Combine(Path.GetTempPath(), "al-download-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(localStaging);
            var payload = Path.Combine(localStaging, "payload");
            await Transfer(builder.ScpDownload(staging + "/payload", payload), cancellationToken);
            await using var local = new LocalTransport();
            await local.UploadAsync(payload, localPath, cancellationToken);
        }
        finally
        {
            await RemoveRemoteTemporary(staging);
            try
            {
                Directory.Delete(localStaging, recursive: true);
            }
            catch (IOException)
            {
                // Best effort clean-up of our own staging area.
            }
        }
    }

    /// <summary>Asks the master connection to exit (best effort, bounded to 10 s).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ProcessRunner.RunTextAsync(builder.Control("exit"), null, TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (TransportException)
        {
            // Nothing more we can do; ControlPersist ends the master on its own.
        }
    }

    private Task<ExecutionResult> Script(string script, IReadOnlyList<string> arguments, string? standardInput, CancellationToken cancellationToken)
    {
        // "sh -c SCRIPT sh ARG..." makes ARG the script's $1, $2: user paths are data, never code.
        var command = new List<string>(arguments.Count + 4) { "sh", "-c", script, "sh" };
        command.AddRange(arguments);
        return ExecuteAsync(command, standardInput, commandTimeout, cancellationToken);
    }

    private async Task<string> MakeRemoteTemporary(CancellationToken cancellationToken)
    {
        var result = await Script(MakeTemporaryScript, [], null, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure("mktemp", "(remote temporary directory)", result);
        }

        return RequireTemporaryPath(result.StandardOutput);
    }

    private string RequireTemporaryPath(string output)
    {
        var path = output.Trim();
        if (!path.StartsWith('/') || path.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-')))
        {
            throw new TransportException($"{Description}: unexpected temporary directory name '{path}'.");
        }

        return path;
    }

    private async Task RemoveRemoteTemporary(string staging)
    {
        try
        {
            await Script(RemoveTemporaryScript, [staging], null, CancellationToken.None);
        }
        catch (TransportException)
        {
            // A leftover directory under the remote temp area is harmless.
        }
    }

    private async Task Transfer(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunTextAsync(command, null, transferTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new TransportException($"{Description}: scp failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }
    }

    private TransportException Failure(string operation, string path, ExecutionResult result) =>
        new($"{Description}: cannot {operation} '{path}' (exit {result.ExitCode}): {result.StandardError.Trim()}");
}
