using System.Text;

namespace ActiveLearning.Schedulers.Transport;

/// <summary>The transport for this machine: commands are local processes, paths are local paths.</summary>
public sealed class LocalTransport : ITransport
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <inheritdoc />
    public string Description => "local";

    /// <inheritdoc />
    public Task<ExecutionResult> ExecuteAsync(IReadOnlyList<string> command, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessRunner.RunTextAsync(command, standardInput, timeout, cancellationToken);

    /// <inheritdoc />
    public Task UploadAsync(string localPath, string remotePath, CancellationToken cancellationToken) =>
        Task.Run(() => Copy(localPath, remotePath, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task DownloadAsync(string remotePath, string localPath, CancellationToken cancellationToken) =>
        Task.Run(() => Copy(remotePath, localPath, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string remotePath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(remotePath) || Directory.Exists(remotePath));
    }

    /// <inheritdoc />
    public async Task<string> ReadTextAsync(string remotePath, CancellationToken cancellationToken) =>
        await File.ReadAllTextAsync(remotePath, Utf8, cancellationToken);

    /// <inheritdoc />
    public async Task WriteTextAsync(string remotePath, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        await WriteAtomicallyAsync(remotePath, Utf8.GetBytes(text), cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to a unique temporary file next to <paramref name="path"/>, flushes it to disk and
    /// renames it over the target; on any failure the temporary file is removed and the target is untouched.
    /// </summary>
    /// <exception cref="TransportException">The file could not be written or renamed.</exception>
    public static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));
        var temporary = Path.Combine(directory, "." + Path.GetFileName(full) + ".tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(directory);
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new TransportException($"cannot write '{full}': {exception.Message}", exception);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Copy(string source, string destination, CancellationToken cancellationToken)
    {
        if (File.Exists(source))
        {
            var bytes = File.ReadAllBytes(source);
            WriteAtomicallyAsync(destination, bytes, cancellationToken).GetAwaiter().GetResult();
            return;
        }

        if (!Directory.Exists(source))
        {
            throw new FileNotFoundException($"'{source}' does not exist.", source);
        }

        try
        {
            CopyDirectory(new DirectoryInfo(source), destination, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TransportException($"cannot copy '{source}' to '{destination}': {exception.Message}", exception);
        }
    }

    private static void CopyDirectory(DirectoryInfo source, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in source.EnumerateFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            file.CopyTo(Path.Combine(destination, file.Name), overwrite: true);
        }

        foreach (var child in source.EnumerateDirectories())
        {
            CopyDirectory(child, Path.Combine(destination, child.Name), cancellationToken);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temporary file is harmless next to an untouched target.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
