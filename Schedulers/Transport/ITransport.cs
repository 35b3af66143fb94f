namespace ActiveLearning.Schedulers.Transport;

/// <summary>Outcome of a command that ran to completion (whatever its exit code).</summary>
/// <param name="ExitCode">The program's exit code; 0 means success by convention.</param>
/// <param name="StandardOutput">Everything the program wrote to stdout, decoded as UTF-8.</param>
/// <param name="StandardError">Everything the program wrote to stderr, decoded as UTF-8.</param>
/// <param name="Elapsed">Wall-clock time from start to exit.</param>
public sealed record ExecutionResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>True when the exit code is 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Where a scheduler's commands and files live: this machine or a host reached over OpenSSH. Commands are argument lists,
/// never shell strings, so no implementation lets a path or a name inject commands. Every operation honours its
/// <see cref="CancellationToken"/> by killing whatever it started and throwing <see cref="OperationCanceledException"/>.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>A short human-readable name ("local", "ssh user@host:port").</summary>
    string Description { get; }

    /// <summary>Runs <paramref name="command"/> (program then arguments) and waits for it.</summary>
    /// <param name="command">The program and its arguments, passed verbatim.</param>
    /// <param name="standardInput">Text written to the program's stdin (UTF-8), or null for an empty stdin.</param>
    /// <param name="timeout">Time limit; when exceeded the program's whole process group is killed.</param>
    /// <param name="cancellationToken">Cancels the command: its process group is killed.</param>
    /// <returns>The exit code and captured output; a non-zero exit code is not an exception.</returns>
    /// <exception cref="TransportTimeoutException">The time limit was exceeded.</exception>
    /// <exception cref="TransportException">The transport failed (e.g. ssh could not connect).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<ExecutionResult> ExecuteAsync(IReadOnlyList<string> command, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a local file or directory tree to <paramref name="remotePath"/>: a file becomes that file (replaced
    /// atomically); a directory's contents are merged into that directory (created with its parents if missing).
    /// </summary>
    /// <exception cref="FileNotFoundException">The local path does not exist.</exception>
    /// <exception cref="TransportException">The copy failed.</exception>
    Task UploadAsync(string localPath, string remotePath, CancellationToken cancellationToken);

    /// <summary>The mirror image of <see cref="UploadAsync"/>: copies a remote file or directory tree to <paramref name="localPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The remote path does not exist.</exception>
    /// <exception cref="TransportException">The copy failed.</exception>
    Task DownloadAsync(string remotePath, string localPath, CancellationToken cancellationToken);

    /// <summary>True when a file or directory exists at <paramref name="remotePath"/>.</summary>
    /// <exception cref="TransportException">The answer could not be obtained.</exception>
    Task<bool> ExistsAsync(string remotePath, CancellationToken cancellationToken);

    /// <summary>Reads a whole text file (UTF-8).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TransportException">The file could not be read.</exception>
    Task<string> ReadTextAsync(string remotePath, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a whole text file (UTF-8) atomically: the text goes to a temporary file next to the target which is then
    /// renamed over it, so readers see the old content or the new one, never a part. Parent directories are created.
    /// </summary>
    /// <exception cref="TransportException">The file could not be written; the target is left untouched.</exception>
    Task WriteTextAsync(string remotePath, string text, CancellationToken cancellationToken);
}
