using System.Security.Cryptography;
using System.Text;

namespace ActiveLearning.Schedulers.Jobs;

/// <summary>
/// One unit of work for an <see cref="IJobScheduler"/>: input files written into a work directory of its own, a shell command
/// run there, and the output files wanted back. The <see cref="Name"/> is derived from the content, so the same inputs and
/// command always map to the same work directory: a re-submission after a crash finds the existing directory (and its
/// finish marker) instead of duplicating work.
/// </summary>
/// <param name="Name">The task's name and work-directory name: <c>PREFIX-HASH</c>, only <c>[A-Za-z0-9._-]</c>.</param>
/// <param name="Command">A POSIX shell command line run with <c>sh -c</c> in the work directory, e.g. <c>pw.x -in pw.in &gt; pw.out</c>.</param>
/// <param name="InputFiles">Relative path → UTF-8 text written into the work directory before the command runs.</param>
/// <param name="OutputFiles">Relative paths brought back from a remote work directory after the task ends (missing ones are skipped).</param>
public sealed record JobTask(string Name, string Command, IReadOnlyDictionary<string, string> InputFiles, IReadOnlyList<string> OutputFiles)
{
    /// <summary>
    /// Creates a task whose name is <paramref name="prefix"/>, a dash and the first 16 hex digits of the SHA-256 of the
    /// command and the inputs (paths sorted, ordinal).
    /// </summary>
    /// <param name="prefix">A readable prefix such as <c>qe</c> or <c>cp2k</c>: letters, digits, dot, underscore or dash.</param>
    /// <param name="command">The shell command line.</param>
    /// <param name="inputFiles">Relative path → content.</param>
    /// <param name="outputFiles">Relative paths to bring back.</param>
    /// <exception cref="ArgumentException">The prefix is empty or has other characters, or an input path is absolute or climbs out with <c>..</c>.</exception>
    public static JobTask Create(string prefix, string command, IReadOnlyDictionary<string, string> inputFiles, IReadOnlyList<string> outputFiles)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(inputFiles);
        ArgumentNullException.ThrowIfNull(outputFiles);
        if (string.IsNullOrEmpty(prefix) || !IsSafeName(prefix))
        {
            throw new ArgumentException($"Task prefix '{prefix}' must be non-empty and use only letters, digits, '.', '_' and '-'.", nameof(prefix));
        }

        foreach (var path in inputFiles.Keys.Concat(outputFiles))
        {
            CheckRelative(path);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, command);
        foreach (var path in inputFiles.Keys.Order(StringComparer.Ordinal))
        {
            Append(hash, path);
            Append(hash, inputFiles[path]);
        }

        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        return new JobTask($"{prefix}-{digest}", command, inputFiles, outputFiles);
    }

    /// <summary>Whether <paramref name="name"/> uses only <c>[A-Za-z0-9._-]</c> (safe as a SLURM job name and a directory name).</summary>
    public static bool IsSafeName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return name.Length > 0 && name != "." && name != "..";
    }

    private static void CheckRelative(string path)
    {
        if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path) || path.Split('/').Contains(".."))
        {
            throw new ArgumentException($"Task file path '{path}' must be relative and stay inside the work directory.", nameof(path));
        }
    }

    private static void Append(IncrementalHash hash, string text)
    {
        // Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
        var bytes = Encoding.UTF8.GetBytes(text);
        hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
        hash.AppendData(bytes);
    }
}

/// <summary>Where a task stands. Finished and Failed are final; RemoteError is retried by the scheduler, then left for a human.</summary>
public enum JobTaskState
{
    /// <summary>Known, not yet handed to the scheduler.</summary>
    Pending,

    /// <summary>A durable row says it is being submitted (after a crash: look it up before submitting again).</summary>
    Submitting,

    /// <summary>Accepted by the scheduler, waiting.</summary>
    Queued,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Its finish marker exists; the command's exit code is known (it may be non-zero: see <see cref="JobTaskResult.ExitCode"/>).</summary>
    Finished,

    /// <summary>Ended without a usable finish marker (killed, timed out, cancelled externally, node failure) after all retries.</summary>
    Failed,

    /// <summary>The machine could not be reached (SSH or scheduler commands failing transiently) beyond the retry budget.</summary>
    RemoteError,
}

/// <summary>How one task ended.</summary>
/// <param name="Task">The task.</param>
/// <param name="State"><see cref="JobTaskState.Finished"/>, <see cref="JobTaskState.Failed"/> or <see cref="JobTaskState.RemoteError"/>.</param>
/// <param name="ExitCode">The command's exit code from the finish marker, when finished.</param>
/// <param name="LocalDirectory">The local directory holding the task's files (its outputs once finished).</param>
/// <param name="JobId">The scheduler's job id (SLURM job id; <c>local</c> for the local executor).</param>
/// <param name="Error">Why it failed, or <see langword="null"/>.</param>
/// <param name="AlreadyFinished">True when the finish marker already existed, so nothing was run this time.</param>
public sealed record JobTaskResult(
    JobTask Task,
    JobTaskState State,
    int? ExitCode,
    string LocalDirectory,
    string? JobId,
    string? Error,
    bool AlreadyFinished = false)
{
    /// <summary>Finished with exit code 0.</summary>
    public bool Succeeded => State == JobTaskState.Finished && ExitCode == 0;
}

/// <summary>Runs <see cref="JobTask"/>s somewhere (this machine, or a cluster's batch system) and brings their outputs back.</summary>
/// <remarks>
/// Contract: a task is finished only when its finish marker exists in its work directory; a task whose marker exists is never
/// run again; results are yielded as tasks end, in any order. Cancellation stops waiting (and kills local processes) and is
/// never reported as a failure.
/// </remarks>
public interface IJobScheduler
{
    /// <summary>A short description for logs and provenance, e.g. <c>local</c> or <c>slurm@login.example.org</c>.</summary>
    string Description { get; }

    /// <summary>Runs every task to an end state and yields each result as its task ends.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    IAsyncEnumerable<JobTaskResult> RunAsync(IReadOnlyList<JobTask> tasks, CancellationToken cancellationToken);
}
