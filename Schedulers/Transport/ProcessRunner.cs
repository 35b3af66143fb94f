using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ActiveLearning.Schedulers.Transport;

/// <summary>What to run and where its streams go.</summary>
/// <param name="Command">Program then arguments, passed through <see cref="ProcessStartInfo.ArgumentList"/> (no shell).</param>
public sealed record ProcessSpec(IReadOnlyList<string> Command)
{
    /// <summary>Working directory; null means the current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Bytes fed to stdin, then stdin is closed; null means an empty stdin.</summary>
    public Stream? StandardInput { get; init; }

    /// <summary>Where stdout is copied; null discards it.</summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>Where stderr is copied; null discards it.</summary>
    public Stream? StandardError { get; init; }

    /// <summary>Time limit; <see cref="Timeout.InfiniteTimeSpan"/> (the default) means none.</summary>
    public TimeSpan Timeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;
}

/// <summary>
/// Runs real processes, each as the leader of its own session and process group (through <c>setsid</c> when present), so
/// a timeout or a cancellation kills the program together with every child it spawned, even children re-parented after
/// their own parent died.
/// </summary>
public static class ProcessRunner
{
    private const int SigKill = 9;
    private static readonly TimeSpan DrainAfterKill = TimeSpan.FromSeconds(5);
    private static readonly string? SetsidPath = FindSetsid();

    /// <summary>Runs the process to completion and returns its exit code.</summary>
    /// <exception cref="TransportTimeoutException">The time limit was exceeded; the process group was killed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the process group was killed.</exception>
    /// <exception cref="TransportException">The program could not be started.</exception>
    public static async Task<int> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Command.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program.", nameof(spec));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var start = BuildStartInfo(spec);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new TransportException($"cannot start '{spec.Command[0]}': {exception.Message}", exception);
        }

        var stdout = Pump(process.StandardOutput.BaseStream, spec.StandardOutput);
        var stderr = Pump(process.StandardError.BaseStream, spec.StandardError);
        var stdin = FeedStdin(process.StandardInput.BaseStream, spec.StandardInput);

        using var timeout = new CancellationTokenSource();
        if (spec.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(spec.Timeout);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
            await Task.WhenAll(stdout, stderr);
            await IgnoreBrokenPipe(stdin);
            return process.ExitCode;
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            KillGroup(process);
            await DrainQuietly(process, stdout, stderr, stdin);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TransportTimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"'{spec.Command[0]}' exceeded its time limit of {spec.Timeout.TotalSeconds:0.###} s and was killed"));
        }
    }

    /// <summary>Runs the process with UTF-8 text in and captured UTF-8 text out.</summary>
    /// <exception cref="TransportTimeoutException">The time limit was exceeded; the process group was killed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the process group was killed.</exception>
    /// <exception cref="TransportException">The program could not be started.</exception>
    public static async Task<ExecutionResult> RunTextAsync(
        IReadOnlyList<string> command, string? standardInput, TimeSpan timeout, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        using var input = standardInput is null ? null : new MemoryStream(new UTF8Encoding(false).GetBytes(standardInput));
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var clock = Stopwatch.StartNew();
        var exitCode = await RunAsync(
            new ProcessSpec(command)
            {
                WorkingDirectory = workingDirectory,
                StandardInput = input,
                StandardOutput = output,
                StandardError = error,
                Timeout = timeout,
            },
            cancellationToken);
        return new ExecutionResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(error.ToArray()), clock.Elapsed);
    }

    private static ProcessStartInfo BuildStartInfo(ProcessSpec spec)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        if (SetsidPath is not null)
        {
            // The child is never a group leader, so setsid calls setsid() and execs in place: the pid we hold is the
            // new group's id.
            start.FileName = SetsidPath;
            start.ArgumentList.Add(spec.Command[0]);
        }
        else
        {
            start.FileName = spec.Command[0];
        }

        for (var i = 1; i < spec.Command.Count; i++)
        {
            start.ArgumentList.Add(spec.Command[i]);
        }

        return start;
    }

    private static async Task Pump(Stream source, Stream? sink)
    {
        if (sink is null)
        {
            await source.CopyToAsync(Stream.Null);
        }
        else
        {
            await source.CopyToAsync(sink);
        }
    }

    private static async Task FeedStdin(Stream stdin, Stream? input)
    {
        try
        {
            if (input is not null)
            {
                await input.CopyToAsync(stdin);
            }
        }
        finally
        {
            stdin.Dispose();
        }
    }

    private static async Task IgnoreBrokenPipe(Task stdin)
    {
        try
        {
            await stdin;
        }
        catch (IOException)
        {
            // The program exited without reading all its input; that is its business, not a transport failure.
        }
    }

    private static void KillGroup(Process process)
    {
        if (SetsidPath is not null)
        {
            // The negative pid addresses the whole process group, including children already re-parented away from us.
            _ = NativeMethods.kill(-process.Id, SigKill);
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Raced with its exit.
        }
    }

    private static async Task DrainQuietly(Process process, Task stdout, Task stderr, Task stdin)
    {
        using var drain = new CancellationTokenSource(DrainAfterKill);
        try
        {
            await process.WaitForExitAsync(drain.Token);
            await Task.WhenAll(stdout, stderr, stdin).WaitAsync(drain.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // A grandchild that escaped the group may still hold a pipe; we do not wait for it forever.
        }
    }

    private static string? FindSetsid()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for the whole assembly.
        internal static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
    }
}
