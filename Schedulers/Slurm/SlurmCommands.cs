using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>
/// Builds SLURM command argument lists and batch-script text. Pure: nothing is executed. Argument lists are
/// meant for direct process execution, or for <see cref="ShellQuoting.Join"/> when they must cross a shell (ssh).
/// </summary>
public static partial class SlurmCommands
{
    /// <summary>
    /// The <c>squeue --format</c> used by <see cref="QueueStatus"/> and <see cref="QueueByName"/>: id, long state,
    /// reason, name. The name goes last so that a <c>|</c> inside it cannot shift the other fields.
    /// </summary>
    public const string QueueFormat = "%i|%T|%r|%j";

    /// <summary>The <c>sacct --format</c> fields used by <see cref="Accounting"/>; WorkDir last for the same reason.</summary>
    public const string AccountingFields = "JobID,JobName,State,ExitCode,Start,End,Elapsed,WorkDir";

    /// <summary>
    /// The batch script for <paramref name="request"/>: <c>#!/bin/bash</c>, the <c>#SBATCH</c> directives (name, paths
    /// and resources), the extra directives, the set-up lines, a <c>cd</c> into the working directory and the body.
    /// Names and paths in directives are double-quoted with <c>\</c> escapes, which is how sbatch itself reads them;
    /// in shell lines they are single-quoted (<see cref="ShellQuoting.Quote"/>), so no text of theirs is ever executed.
    /// </summary>
    /// <exception cref="ArgumentException">A name or path contains a line break or NUL, the working directory is not
    /// absolute, a count is below 1, a wall time is not positive, or a partition/account/QoS holds characters
    /// outside letters, digits and <c>_.-</c> (plus <c>,</c> for partitions).</exception>
    public static string BatchScript(SlurmJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resources = request.Resources ?? throw new ArgumentException("Resources are required.", nameof(request));
        RequireSingleLine(request.JobName, "job name");
        if (request.JobName.Length == 0) throw new ArgumentException("The job name is empty.", nameof(request));
        RequireSingleLine(request.WorkingDirectory, "working directory");
        if (!request.WorkingDirectory.StartsWith('/'))
            throw new ArgumentException($"The working directory must be absolute: '{request.WorkingDirectory}'.", nameof(request));

        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        Directive(script, "job-name", request.JobName);
        Directive(script, "chdir", request.WorkingDirectory);
        if (request.OutputPath is { } output) { RequireSingleLine(output, "output path"); Directive(script, "output", output); }
        if (request.ErrorPath is { } error) { RequireSingleLine(error, "error path"); Directive(script, "error", error); }
        if (resources.Partition is { } partition) Directive(script, "partition", Token(partition, "partition", allowComma: true));
        if (resources.Nodes is { } nodes) Directive(script, "nodes", Positive(nodes, "node count"));
        if (resources.Tasks is { } tasks) Directive(script, "ntasks", Positive(tasks, "task count"));
        if (resources.CpusPerTask is { } cpus) Directive(script, "cpus-per-task", Positive(cpus, "CPUs per task"));
        if (resources.MemoryMegabytes is { } memory) Directive(script, "mem", Positive(memory, "memory (MiB)") + "M");
        if (resources.Walltime is { } walltime) Directive(script, "time", Walltime(walltime));
        if (resources.Account is { } account) Directive(script, "account", Token(account, "account", allowComma: false));
        if (resources.Qos is { } qos) Directive(script, "qos", Token(qos, "QoS", allowComma: false));
        foreach (var extra in resources.ExtraDirectives ?? [])
        {
            RequireSingleLine(extra, "extra #SBATCH line");
            var text = extra.Trim();
            if (text.StartsWith("#SBATCH", StringComparison.Ordinal)) text = text["#SBATCH".Length..].TrimStart();
            script.Append("#SBATCH ").Append(text).Append('\n');
        }
        foreach (var line in resources.SetupLines ?? [])
        {
            RequireSingleLine(line, "set-up line");
            script.Append(line).Append('\n');
        }
        script.Append("cd -- ").Append(ShellQuoting.Quote(request.WorkingDirectory)).Append(" || exit 1\n");
        script.Append(request.Body);
        if (!request.Body.EndsWith('\n')) script.Append('\n');
        return script.ToString();
    }

    /// <summary>
    /// <c>sbatch --parsable [SCRIPT]</c>: submits the script file at <paramref name="scriptPath"/>, or, when it is
    /// null, the script given on standard input. Prints <c>ID</c> or <c>ID;CLUSTER</c>.
    /// </summary>
    public static IReadOnlyList<string> Submit(string? scriptPath = null) =>
        scriptPath is null ? ["sbatch", "--parsable"] : ["sbatch", "--parsable", scriptPath];

    /// <summary>
    /// One <c>squeue</c> for all <paramref name="jobIds"/>, including jobs that finished within MinJobAge
    /// (<c>--states=all</c>). Ids the controller no longer knows are simply absent from the output; when the only id
    /// is unknown squeue exits 1 with "Invalid job id specified" (see <see cref="SlurmParsers.ParseQueue"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No ids, or an id that is not <c>N</c> or <c>N_M</c>.</exception>
    public static IReadOnlyList<string> QueueStatus(IEnumerable<string> jobIds) =>
        ["squeue", "--noheader", "--states=all", "--jobs=" + JobIdList(jobIds), "--format=" + QueueFormat];

    /// <summary>
    /// <c>squeue</c> for the jobs named <paramref name="jobName"/> (any state still held by the controller), to find a
    /// job submitted before a crash whose id was never recorded.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or contains a comma or line break (squeue reads
    /// <c>--name</c> as a comma-separated list).</exception>
    public static IReadOnlyList<string> QueueByName(string jobName) =>
        ["squeue", "--noheader", "--states=all", "--name=" + LookupName(jobName), "--format=" + QueueFormat];

    /// <summary>
    /// <c>sacct -c</c> (the job-completion file; works without slurmdbd) with <see cref="AccountingFields"/> and a
    /// header line, for the given job ids or, when <paramref name="jobIds"/> is null, all jobs that ended since
    /// <paramref name="since"/>.
    /// </summary>
    /// <remarks>sacct -c ignores <c>--name</c> (it prints every job), so look-ups by name filter the parsed records.</remarks>
    /// <param name="jobIds">Ids to report; null for all.</param>
    /// <param name="since">Earliest time of interest (sacct's <c>--starttime</c>, local time of the cluster);
    /// null keeps sacct's default (since midnight).</param>
    public static IReadOnlyList<string> Accounting(IEnumerable<string>? jobIds = null, DateTime? since = null)
    {
        var arguments = new List<string> { "sacct", "-c", "--parsable2", "--format=" + AccountingFields };
        if (jobIds is not null) arguments.Add("--jobs=" + JobIdList(jobIds));
        if (since is { } start) arguments.Add("--starttime=" + start.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        return arguments;
    }

    /// <summary><c>scontrol show job ID</c>: the controller's full record, kept MinJobAge seconds after the job ends.</summary>
    public static IReadOnlyList<string> ShowJob(string jobId) => ["scontrol", "show", "job", JobId(jobId)];

    /// <summary>
    /// <c>scancel ID...</c>. Note that scancel exits 0 and prints nothing for an id the controller does not know.
    /// </summary>
    public static IReadOnlyList<string> Cancel(IEnumerable<string> jobIds)
    {
        var arguments = new List<string> { "scancel" };
        foreach (var id in jobIds) arguments.Add(JobId(id));
        if (arguments.Count == 1) throw new ArgumentException("No job ids to cancel.", nameof(jobIds));
        return arguments;
    }

    /// <summary>A wall time as SLURM's <c>D-HH:MM:SS</c>.</summary>
    /// <exception cref="ArgumentException">The time is not positive.</exception>
    public static string Walltime(TimeSpan walltime)
    {
        if (walltime <= TimeSpan.Zero) throw new ArgumentException($"The wall time must be positive: {walltime}.", nameof(walltime));
        var seconds = (long)Math.Ceiling(walltime.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"{seconds / 86400}-{seconds / 3600 % 24:00}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }

    private static void Directive(StringBuilder script, string option, string value)
    {
        script.Append("#SBATCH --").Append(option).Append("=\"")
            .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))
            .Append("\"\n");
    }

    private static string Positive(int value, string what) => value >= 1
        ? value.ToString(CultureInfo.InvariantCulture)
        : throw new ArgumentException($"The {what} must be at least 1, got {value}.");

    private static string Token(string value, string what, bool allowComma)
    {
        if (!(allowComma ? PartitionToken() : NameToken()).IsMatch(value))
            throw new ArgumentException($"Invalid {what} '{value}': only letters, digits and _.-{(allowComma ? "," : "")} are allowed.");
        return value;
    }

    private static void RequireSingleLine(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
            throw new ArgumentException($"The {what} must not contain a line break or NUL: '{value}'.");
    }

    private static string LookupName(string jobName)
    {
        RequireSingleLine(jobName, "job name");
        if (jobName.Length == 0 || jobName.Contains(',', StringComparison.Ordinal))
            throw new ArgumentException($"A job looked up by name must have a non-empty name without commas: '{jobName}'.", nameof(jobName));
        return jobName;
    }

    private static string JobIdList(IEnumerable<string> jobIds)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var list = new StringBuilder();
        foreach (var id in jobIds)
        {
            if (list.Length > 0) list.Append(',');
            list.Append(JobId(id));
        }
        if (list.Length == 0) throw new ArgumentException("No job ids given.", nameof(jobIds));
        return list.ToString();
    }

    private static string JobId(string jobId) => jobId is not null && JobIdPattern().IsMatch(jobId)
        ? jobId
        : throw new ArgumentException($"Not a SLURM job id: '{jobId}'.", nameof(jobId));

    [GeneratedRegex("^[0-9]+(_[0-9]+)?$")]
    private static partial Regex JobIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex NameToken();

    [GeneratedRegex("^[A-Za-z0-9_.,-]+$")]
    private static partial Regex PartitionToken();
}
