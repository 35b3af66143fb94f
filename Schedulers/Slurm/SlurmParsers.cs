using System.Globalization;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>Whether a failed SLURM command is worth retrying.</summary>
public enum SlurmFailureKind
{
    /// <summary>The controller or the connection was unavailable or busy; retry later (with backoff).</summary>
    Transient,
    /// <summary>SLURM rejected the request itself (bad partition, account, limits, ...); retrying cannot help.</summary>
    Permanent,
}

/// <summary>A failed SLURM command: its classification and the text it printed.</summary>
/// <param name="Kind">Retry or not.</param>
/// <param name="ExitCode">The command's exit code.</param>
/// <param name="Message">The command's error text (standard error, else standard output), trimmed.</param>
public sealed record SlurmFailure(SlurmFailureKind Kind, int ExitCode, string Message);

/// <summary>The parsed result of a SLURM command: a value, or a <see cref="SlurmFailure"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed record SlurmResult<T>
{
    private SlurmResult(T? value, SlurmFailure? failure) { Value = value; Failure = failure; }

    /// <summary>The value; meaningful only when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }
    /// <summary>Why the command failed; null when it succeeded.</summary>
    public SlurmFailure? Failure { get; }
    /// <summary>True when <see cref="Value"/> holds the parsed output.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>A successful result.</summary>
    public static SlurmResult<T> Success(T value) => new(value, null);
    /// <summary>A failed result.</summary>
    public static SlurmResult<T> Failed(SlurmFailure failure) => new(default, failure ?? throw new ArgumentNullException(nameof(failure)));
}

/// <summary>A submitted job as printed by <c>sbatch --parsable</c>.</summary>
/// <param name="JobId">The job id, e.g. "1234".</param>
/// <param name="Cluster">The cluster name when sbatch printed <c>ID;CLUSTER</c>, else null.</param>
public sealed record SlurmSubmission(string JobId, string? Cluster);

/// <summary>One line of <c>squeue --format=</c><see cref="SlurmCommands.QueueFormat"/>.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="State">Current state.</param>
/// <param name="StateText">The state as printed.</param>
/// <param name="Reason">Why it waits or ended ("None" while running), as printed.</param>
/// <param name="JobName">Job name.</param>
public sealed record SlurmQueueEntry(string JobId, SlurmJobState State, string StateText, string Reason, string JobName);

/// <summary>One job line of <c>sacct -c --parsable2 --format=</c><see cref="SlurmCommands.AccountingFields"/>.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="JobName">Job name.</param>
/// <param name="State">Final state.</param>
/// <param name="StateText">The state as printed (e.g. "CANCELLED by 0").</param>
/// <param name="ExitCode">Exit code of the batch script (the part before ':').</param>
/// <param name="Signal">Signal that ended it (the part after ':'), 0 if none.</param>
/// <param name="Start">Start time (cluster local time), null when it never started ("Unknown"/"None").</param>
/// <param name="End">End time (cluster local time), null when unknown.</param>
/// <param name="Elapsed">Run time, null when unknown.</param>
/// <param name="WorkDirectory">Working directory of the job.</param>
public sealed record SlurmAccountingRecord(string JobId, string JobName, SlurmJobState State, string StateText,
    int ExitCode, int Signal, DateTime? Start, DateTime? End, TimeSpan? Elapsed, string WorkDirectory);

/// <summary>What <c>scontrol show job</c> says about one job.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="JobName">Job name.</param>
/// <param name="State">State.</param>
/// <param name="StateText">The JobState value as printed.</param>
/// <param name="Reason">The Reason value ("None" when there is none).</param>
/// <param name="ExitCode">Exit code of the batch script (0 until it ends).</param>
/// <param name="Signal">Signal that ended it, 0 if none.</param>
/// <param name="WorkDirectory">Working directory, null if not printed.</param>
public sealed record SlurmJobDetails(string JobId, string JobName, SlurmJobState State, string StateText,
    string Reason, int ExitCode, int Signal, string? WorkDirectory);

/// <summary>
/// Parses the output of SLURM commands (as built by <see cref="SlurmCommands"/>) and classifies their errors.
/// Pure: nothing is executed. Every parser takes the exit code, standard output and standard error.
/// </summary>
public static class SlurmParsers
{
    /// <summary>Text SLURM prints when it does not know a job id (anymore): "Invalid job id specified".</summary>
    public const string InvalidJobIdText = "Invalid job id specified";

    // Lower-case fragments of messages that mean "the controller or link is unavailable or busy, try again".
    // An error that matches none of these and is not a SLURM rejection is also treated as transient (see Classify).
    private static readonly string[] TransientFragments =
    [
        "socket timed out on send/recv operation",
        "unable to contact slurm controller",
        "temporarily unable to accept job",
        "resource temporarily unavailable",
        "connection refused",
        "connection timed out",
        "zero bytes were transmitted or received",
        "communication connection failure",
        "slurmctld is not responding",
        "not responding",
        "slurm_load_jobs error: unexpected message received",
        "try again",
        "timed out",
    ];

    /// <summary>
    /// Classifies a failed command: texts of an unreachable or busy controller (socket time-outs, "Unable to contact
    /// slurm controller", "temporarily unable to accept job", ...) are transient; other explicit SLURM rejections
    /// (<c>sbatch: error: ...</c>, <c>Batch job submission failed: ...</c>, <c>... error: ...</c> from squeue, sacct,
    /// scontrol, scancel) are permanent; anything else (no SLURM text at all, e.g. a broken connection or a missing
    /// command) is transient so that it is retried and eventually paused for a human rather than failed.
    /// </summary>
    public static SlurmFailure Classify(int exitCode, string? standardOutput, string? standardError)
    {
        var message = (string.IsNullOrWhiteSpace(standardError) ? standardOutput : standardError)?.Trim() ?? "";
        var lower = message.ToLowerInvariant();
        foreach (var fragment in TransientFragments)
        {
            if (lower.Contains(fragment, StringComparison.Ordinal)) return new(SlurmFailureKind.Transient, exitCode, message);
        }
        var rejected = lower.Contains("error:", StringComparison.Ordinal)
            || lower.Contains("batch job submission failed", StringComparison.Ordinal)
            || lower.Contains("invalid", StringComparison.Ordinal);
        return new(rejected ? SlurmFailureKind.Permanent : SlurmFailureKind.Transient, exitCode, message);
    }

    /// <summary>
    /// <c>sbatch --parsable</c>: the id (and cluster) from the last non-empty line of standard output. Warnings on
    /// standard error are ignored when sbatch succeeded.
    /// </summary>
    public static SlurmResult<SlurmSubmission> ParseSubmission(int exitCode, string? standardOutput, string? standardError)
    {
        if (exitCode != 0) return SlurmResult<SlurmSubmission>.Failed(Classify(exitCode, standardOutput, standardError));
        string? last = null;
        foreach (var line in Lines(standardOutput))
        {
            if (line.Trim().Length > 0) last = line.Trim();
        }
        if (last is null) return Unparsable<SlurmSubmission>(exitCode, "sbatch printed no job id", standardOutput, standardError);
        var parts = last.Split(';');
        if (!IsJobId(parts[0]) || parts.Length > 2)
            return Unparsable<SlurmSubmission>(exitCode, $"sbatch printed '{last}' instead of a job id", standardOutput, standardError);
        return SlurmResult<SlurmSubmission>.Success(new(parts[0], parts.Length == 2 && parts[1].Length > 0 ? parts[1] : null));
    }

    /// <summary>
    /// <c>squeue --noheader --format=</c><see cref="SlurmCommands.QueueFormat"/>: the entries by job id. "Invalid job
    /// id specified" (squeue's answer when every requested id is unknown) is an empty result, not a failure.
    /// </summary>
    public static SlurmResult<IReadOnlyDictionary<string, SlurmQueueEntry>> ParseQueue(int exitCode, string? standardOutput, string? standardError)
    {
        var entries = new Dictionary<string, SlurmQueueEntry>(StringComparer.Ordinal);
        if (exitCode != 0)
        {
            return IsInvalidJobId(standardError, standardOutput)
                ? SlurmResult<IReadOnlyDictionary<string, SlurmQueueEntry>>.Success(entries)
                : SlurmResult<IReadOnlyDictionary<string, SlurmQueueEntry>>.Failed(Classify(exitCode, standardOutput, standardError));
        }
        foreach (var line in Lines(standardOutput))
        {
            if (line.Trim().Length == 0) continue;
            var fields = line.Split('|', 4);
            if (fields.Length != 4 || !IsJobId(fields[0].Trim()))
                return Unparsable<IReadOnlyDictionary<string, SlurmQueueEntry>>(exitCode, $"unexpected squeue line '{line}'", standardOutput, standardError);
            var id = fields[0].Trim();
            entries[id] = new(id, SlurmJobStates.Parse(fields[1]), fields[1].Trim(), fields[2].Trim(), fields[3]);
        }
        return SlurmResult<IReadOnlyDictionary<string, SlurmQueueEntry>>.Success(entries);
    }

    /// <summary>
    /// <c>sacct -c --parsable2 --format=</c><see cref="SlurmCommands.AccountingFields"/> (with its header line):
    /// one record per job line in file order (a requeued job can appear more than once; the last one is the latest).
    /// Columns are located by the header, so extra or reordered fields are tolerated; JobID, JobName, State and
    /// ExitCode are required. Step lines ("123.batch") are skipped. Lines sacct -c prints on standard error while
    /// exiting 0 (it complains about records it cannot read) do not make the result a failure. The job-completion file is written as
    /// space-separated KEY=VALUE pairs, so a job name with a space comes back cut at the space with an empty State
    /// (<see cref="SlurmJobState.Unknown"/>): jobs meant to be found again must have names without spaces.
    /// </summary>
    public static SlurmResult<IReadOnlyList<SlurmAccountingRecord>> ParseAccounting(int exitCode, string? standardOutput, string? standardError)
    {
        if (exitCode != 0) return SlurmResult<IReadOnlyList<SlurmAccountingRecord>>.Failed(Classify(exitCode, standardOutput, standardError));
        var records = new List<SlurmAccountingRecord>();
        string[]? header = null;
        int id = -1, name = -1, state = -1, exit = -1, start = -1, end = -1, elapsed = -1, workDir = -1;
        foreach (var line in Lines(standardOutput))
        {
            if (line.Trim().Length == 0) continue;
            if (header is null)
            {
                header = line.Trim().Split('|');
                id = Array.IndexOf(header, "JobID"); name = Array.IndexOf(header, "JobName");
                state = Array.IndexOf(header, "State"); exit = Array.IndexOf(header, "ExitCode");
                start = Array.IndexOf(header, "Start"); end = Array.IndexOf(header, "End");
                elapsed = Array.IndexOf(header, "Elapsed"); workDir = Array.IndexOf(header, "WorkDir");
                if (id < 0 || name < 0 || state < 0 || exit < 0)
                    return Unparsable<IReadOnlyList<SlurmAccountingRecord>>(exitCode, $"sacct header '{line}' lacks JobID, JobName, State or ExitCode", standardOutput, standardError);
                continue;
            }
            // Only the last column may contain '|' (WorkDir by our format), so split into exactly as many fields.
            var fields = line.Split('|', header.Length);
            if (fields.Length != header.Length || !IsJobId(fields[id]))
            {
                if (fields.Length == header.Length && fields[id].Contains('.', StringComparison.Ordinal)) continue;
                return Unparsable<IReadOnlyList<SlurmAccountingRecord>>(exitCode, $"unexpected sacct line '{line}'", standardOutput, standardError);
            }
            var (code, signal) = ParseExitCode(fields[exit]);
            records.Add(new(fields[id], fields[name], SlurmJobStates.Parse(fields[state]), fields[state],
                code, signal, Time(start, fields), Time(end, fields), Duration(elapsed, fields), workDir >= 0 ? fields[workDir] : ""));
        }
        return SlurmResult<IReadOnlyList<SlurmAccountingRecord>>.Success(records);
    }

    /// <summary>
    /// <c>scontrol show job ID</c> (multi-line or <c>-o</c> one-line form): the job's state, reason, exit code and work
    /// directory. A successful result with a null value means the controller does not know the id ("Invalid job id
    /// specified": never existed, or ended more than MinJobAge ago).
    /// </summary>
    public static SlurmResult<SlurmJobDetails?> ParseShowJob(int exitCode, string? standardOutput, string? standardError)
    {
        if (exitCode != 0)
        {
            return IsInvalidJobId(standardError, standardOutput)
                ? SlurmResult<SlurmJobDetails?>.Success(null)
                : SlurmResult<SlurmJobDetails?>.Failed(Classify(exitCode, standardOutput, standardError));
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in Lines(standardOutput))
        {
            var line = rawLine.Trim();
            if (line.Length == 0) continue;
            // Paths and the command run to the end of their line and may contain spaces; so may JobName, which
            // follows JobId on the first line.
            if (TakeWholeLine(line, values, "WorkDir=", "StdErr=", "StdOut=", "StdIn=", "Command=")) continue;
            var nameAt = line.IndexOf(" JobName=", StringComparison.Ordinal);
            if (line.StartsWith("JobId=", StringComparison.Ordinal) && nameAt > 0 && !line.Contains(" UserId=", StringComparison.Ordinal))
            {
                AddPairs(line[..nameAt], values);
                values["JobName"] = line[(nameAt + " JobName=".Length)..];
                continue;
            }
            AddPairs(line, values);
        }
        if (!values.TryGetValue("JobId", out var jobId) || !values.TryGetValue("JobState", out var stateText))
            return Unparsable<SlurmJobDetails?>(exitCode, "scontrol printed no JobId or JobState", standardOutput, standardError);
        var (code, signal) = values.TryGetValue("ExitCode", out var exitText) ? ParseExitCode(exitText) : (0, 0);
        return SlurmResult<SlurmJobDetails?>.Success(new(jobId, values.GetValueOrDefault("JobName", ""),
            SlurmJobStates.Parse(stateText), stateText, values.GetValueOrDefault("Reason", "None"), code, signal,
            values.GetValueOrDefault("WorkDir")));
    }

    /// <summary>Parses SLURM's <c>CODE:SIGNAL</c> exit code (e.g. "3:0", "0:15"); unparsable text gives (-1, 0).</summary>
    public static (int ExitCode, int Signal) ParseExitCode(string text)
    {
        var parts = (text ?? "").Trim().Split(':');
        if (!int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)) return (-1, 0);
        var signal = 0;
        if (parts.Length > 1 && !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out signal)) signal = 0;
        return (code, signal);
    }

    /// <summary>
    /// Parses a SLURM duration: <c>[D-]HH:MM:SS</c>, <c>MM:SS</c> or <c>MM:SS.fff</c>; null for "UNLIMITED",
    /// "Unknown", "INVALID" or other text.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var t = (text ?? "").Trim();
        var days = 0;
        var dash = t.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            if (!int.TryParse(t[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days)) return null;
            t = t[(dash + 1)..];
        }
        var parts = t.Split(':');
        if (parts.Length is < 2 or > 3) return null;
        var numbers = new double[3];
        var offset = 3 - parts.Length;
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out numbers[offset + i])) return null;
        }
        return TimeSpan.FromDays(days) + TimeSpan.FromHours(numbers[0]) + TimeSpan.FromMinutes(numbers[1]) + TimeSpan.FromSeconds(numbers[2]);
    }

    /// <summary>True when the text contains "Invalid job id specified".</summary>
    public static bool IsInvalidJobId(params string?[] texts)
    {
        foreach (var text in texts)
        {
            if (text is not null && text.Contains(InvalidJobIdText, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static bool TakeWholeLine(string line, Dictionary<string, string> values, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            values[key[..^1]] = line[key.Length..];
            return true;
        }
        return false;
    }

    private static void AddPairs(string line, Dictionary<string, string> values)
    {
        foreach (var token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0) values.TryAdd(token[..equals], token[(equals + 1)..]);
        }
    }

    private static DateTime? Time(int column, string[] fields) => column >= 0
        && DateTime.TryParseExact(fields[column], "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
        ? time : null;

    private static TimeSpan? Duration(int column, string[] fields) => column >= 0 ? ParseDuration(fields[column]) : null;

    private static bool IsJobId(string text)
    {
        if (text.Length == 0) return false;
        var underscore = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i])) continue;
            if (text[i] == '_' && !underscore && i > 0 && i < text.Length - 1) { underscore = true; continue; }
            return false;
        }
        return true;
    }

    private static string[] Lines(string? text) => (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    // Output that cannot be parsed is usually cut short by a broken connection, so it is retried, not failed.
    private static SlurmResult<T> Unparsable<T>(int exitCode, string what, string? standardOutput, string? standardError) =>
        SlurmResult<T>.Failed(new(SlurmFailureKind.Transient, exitCode,
            $"{what}; stdout: '{standardOutput?.Trim()}', stderr: '{standardError?.Trim()}'"));
}
