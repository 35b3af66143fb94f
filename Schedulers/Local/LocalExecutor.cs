using System.Globalization;
using System.Text;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Local;

/// <summary>One unit of work for the <see cref="LocalExecutor"/>.</summary>
/// <param name="Command">Program then arguments, passed verbatim (no shell).</param>
/// <param name="WorkingDirectory">The task's own directory (created if missing); it receives the output files and the finish marker.</param>
public sealed record LocalTask(IReadOnlyList<string> Command, string WorkingDirectory);

/// <summary>How a task ended.</summary>
/// <param name="Task">The task.</param>
/// <param name="ExitCode">The command's exit code, as recorded in the finish marker.</param>
/// <param name="AlreadyFinished">True when the marker existed before this run, so the command was not run again.</param>
public sealed record LocalTaskOutcome(LocalTask Task, int ExitCode, bool AlreadyFinished);

/// <summary>
/// Runs tasks as local processes with at most a fixed number at once. Each task's stdout and stderr go to
/// <see cref="StdoutFile"/> and <see cref="StderrFile"/> in its directory, and only after the command has exited is the
/// finish marker <see cref="FinishMarkerFile"/> written (atomically) holding the exit code. A task is finished only when
/// its marker exists, so a task whose marker is present is never run twice; a cancelled task gets no marker.
/// </summary>
public sealed class LocalExecutor : IDisposable
{
    /// <summary>File name of the captured stdout in a task's directory.</summary>
    public const string StdoutFile = "task.out";

    /// <summary>File name of the captured stderr in a task's directory.</summary>
    public const string StderrFile = "task.err";

    /// <summary>File name of the finish marker (its content: the exit code and a newline).</summary>
    public const string FinishMarkerFile = "task.finished";

    private readonly SemaphoreSlim slots;

    /// <summary>Creates an executor running at most <paramref name="maxConcurrency"/> tasks at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is below 1.</exception>
    public LocalExecutor(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        MaxConcurrency = maxConcurrency;
        slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    /// <summary>The concurrency bound.</summary>
    public int MaxConcurrency { get; }

    /// <summary>The exit code recorded in the directory's finish marker, or null when the task has not finished.</summary>
    /// <exception cref="FormatException">The marker exists but does not hold an integer.</exception>
    public static int? ReadFinishMarker(string workingDirectory)
    {
        var marker = Path.Combine(workingDirectory, FinishMarkerFile);
        if (!File.Exists(marker))
        {
            return null;
        }

        var text = File.ReadAllText(marker).Trim();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)
            ? code
            : throw new FormatException($"{marker}:1: finish marker should hold an exit code, found '{text}'.");
    }

    /// <summary>
    /// Runs the task when a slot is free, unless its finish marker already exists. Cancellation kills the task's whole
    /// process group and throws <see cref="OperationCanceledException"/>; no marker is written then.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled (while waiting or running).</exception>
    /// <exception cref="TransportException">The command could not be started.</exception>
    public async Task<LocalTaskOutcome> RunAsync(LocalTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (ReadFinishMarker(task.WorkingDirectory) is { } previous)
        {
            return new LocalTaskOutcome(task, previous, AlreadyFinished: true);
        }

        await slots.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(task.WorkingDirectory);
            int exitCode;
            await using (var stdout = new FileStream(Path.Combine(task.WorkingDirectory, StdoutFile), FileMode.Create, FileAccess.Write, FileShare.Read))
            await using (var stderr = new FileStream(Path.Combine(task.WorkingDirectory, StderrFile), FileMode.Create, FileAccess.Write, FileShare.Read))
            {
                exitCode = await ProcessRunner.RunAsync(
                    new ProcessSpec(task.Command) { WorkingDirectory = task.WorkingDirectory, StandardOutput = stdout, StandardError = stderr },
                    cancellationToken);
            }

            var marker = Encoding.UTF8.GetBytes(exitCode.ToString(CultureInfo.InvariantCulture) + "\n");
            await LocalTransport.WriteAtomicallyAsync(Path.Combine(task.WorkingDirectory, FinishMarkerFile), marker, CancellationToken.None);
            return new LocalTaskOutcome(task, exitCode, AlreadyFinished: false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Runs all tasks (at most <see cref="MaxConcurrency"/> at once) and returns their outcomes in input order.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled; running tasks were killed.</exception>
    public async Task<IReadOnlyList<LocalTaskOutcome>> RunAllAsync(IEnumerable<LocalTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var running = new List<Task<LocalTaskOutcome>>();
        foreach (var task in tasks)
        {
            running.Add(RunAsync(task, cancellationToken));
        }

        return await Task.WhenAll(running);
    }

    /// <inheritdoc />
    public void Dispose() => slots.Dispose();
}
