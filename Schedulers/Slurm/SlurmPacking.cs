using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>A task waiting for a job, with the attempt it is about to make (1 = first).</summary>
/// <param name="Task">The task.</param>
/// <param name="Attempt">The attempt number.</param>
public sealed record PendingTask(JobTask Task, int Attempt);

/// <summary>Tasks that go into one batch job under a deterministic name.</summary>
/// <param name="JobName">The job's name: <c>PREFIX-HASH16</c> of the tasks' names and attempts.</param>
/// <param name="Tasks">The tasks, in the order given.</param>
public sealed record TaskPack(string JobName, IReadOnlyList<PendingTask> Tasks);

/// <summary>
/// Pure pieces of the SLURM scheduler: packing tasks into jobs, naming the jobs, and the shell text run on the cluster.
/// Every name or path that reaches a shell is quoted with <see cref="ShellQuoting.Quote"/> or passed as a positional
/// argument, never spliced into code.
/// </summary>
public static class SlurmPacking
{
    /// <summary>File in a task's work directory holding its command.</summary>
    public const string CommandFile = ".al-task.sh";

    /// <summary>Folder under the remote root holding the batch scripts and SLURM's own output files.</summary>
    public const string JobsFolder = ".al-jobs";

    /// <summary>
    /// Splits <paramref name="pending"/> into packs of at most <paramref name="tasksPerJob"/> tasks in the order given.
    /// The same tasks with the same attempts always give the same job name, which is what lets a restarted
    /// scheduler find a job it submitted before a crash; another attempt gives another name.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tasksPerJob"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The prefix is not a safe name.</exception>
    public static IReadOnlyList<TaskPack> Pack(IReadOnlyList<PendingTask> pending, int tasksPerJob, string prefix)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentOutOfRangeException.ThrowIfLessThan(tasksPerJob, 1);
        if (!JobTask.IsSafeName(prefix))
        {
            throw new ArgumentException($"Job name prefix '{prefix}' must use only letters, digits, '.', '_' and '-'.", nameof(prefix));
        }

        var packs = new List<TaskPack>((pending.Count + tasksPerJob - 1) / tasksPerJob);
        for (var start = 0; start < pending.Count; start += tasksPerJob)
        {
            var tasks = new List<PendingTask>(Math.Min(tasksPerJob, pending.Count - start));
            for (var i = start; i < Math.Min(start + tasksPerJob, pending.Count); i++)
            {
                tasks.Add(pending[i]);
            }

            packs.Add(new TaskPack(JobName(prefix, tasks), tasks));
        }

        return packs;
    }

    /// <summary>The job name for tasks and their attempts: <c>PREFIX-</c> and 16 hex digits of SHA-256 (order-independent).</summary>
    public static string JobName(string prefix, IReadOnlyList<PendingTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var keys = new List<string>(tasks.Count);
        foreach (var pending in tasks)
        {
            keys.Add(pending.Task.Name + "\u0001" + pending.Attempt.ToString(CultureInfo.InvariantCulture));
        }

        keys.Sort(StringComparer.Ordinal);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u0002', keys)));
        return prefix + "-" + Convert.ToHexStringLower(digest)[..16];
    }

    /// <summary>
    /// Whether <paramref name="name"/> can be a work-directory name: not empty, not <c>.</c> or <c>..</c>, no <c>/</c> and no
    /// control characters (quotes, <c>$</c>, <c>;</c> and spaces are fine: they are always quoted).
    /// </summary>
    public static bool IsUsableTaskName(string name) =>
        !string.IsNullOrEmpty(name) && name is not "." and not ".." && !name.Contains('/', StringComparison.Ordinal) && !name.Any(char.IsControl);

    /// <summary>
    /// The body of a packed job: every task runs in the background in its own work directory under
    /// <paramref name="remoteRoot"/> with a private <c>TMPDIR</c>; stdout and stderr go to <c>task.out</c> and
    /// <c>task.err</c>, and only after the command exits is <c>task.finished</c> (its exit code) put in place with a
    /// rename. A task whose marker already exists is not run again. The script waits for all of them.
    /// A command that did not run to its end — its runner was signalled (cancel, time-out, preemption) or the command
    /// itself died of SIGHUP, SIGINT, SIGKILL or SIGTERM (exit codes 129, 130, 137, 143) — gets no marker, so the task is
    /// retried rather than finished.
    /// </summary>
    /// <param name="remoteRoot">Absolute directory holding the work directories.</param>
    /// <param name="taskNames">The pack's task names.</param>
    /// <param name="mpiLauncher">Exported to the commands as <c>AL_MPI_LAUNCHER</c> when given (e.g. <c>mpirun -np 2</c>).</param>
    public static string JobBody(string remoteRoot, IReadOnlyList<string> taskNames, string? mpiLauncher)
    {
        ArgumentNullException.ThrowIfNull(taskNames);
        var body = new StringBuilder();
        if (mpiLauncher is not null)
        {
            body.Append("export AL_MPI_LAUNCHER=").Append(ShellQuoting.Quote(mpiLauncher)).Append('\n');
        }

        body.Append("run_task() {\n")
            .Append("  trap 'exit 143' HUP INT TERM\n")
            .Append("  cd -- \"$1\" || return 1\n")
            .Append("  [ -f ").Append(LocalExecutor.FinishMarkerFile).Append(" ] && return 0\n")
            .Append("  mkdir -p .tmp\n")
            .Append("  ( export TMPDIR=\"$PWD/.tmp\"; export OMP_NUM_THREADS=\"${OMP_NUM_THREADS:-1}\"; exec sh ./").Append(CommandFile)
            .Append(" ) >").Append(LocalExecutor.StdoutFile).Append(" 2>").Append(LocalExecutor.StderrFile).Append(" </dev/null\n")
            .Append("  code=$?\n")
            .Append("  case $code in 129|130|137|143) return \"$code\" ;; esac\n")
            .Append("  printf '%s\\n' \"$code\" >.").Append(LocalExecutor.FinishMarkerFile).Append(".tmp && mv -f -- .")
            .Append(LocalExecutor.FinishMarkerFile).Append(".tmp ").Append(LocalExecutor.FinishMarkerFile).Append('\n')
            .Append("}\n");
        foreach (var name in taskNames)
        {
            body.Append("run_task ").Append(ShellQuoting.Quote(remoteRoot.TrimEnd('/') + "/" + name)).Append(" &\n");
        }

        body.Append("wait\n");
        return body.ToString();
    }

    /// <summary>
    /// Shell script (arguments: ROOT then task names) printing <c>CODE&lt;TAB&gt;NAME</c> for every task whose finish
    /// marker exists.
    /// </summary>
    public const string ListMarkersScript =
        "cd -- \"$1\" || exit 1; shift; for n in \"$@\"; do if [ -f \"$n/task.finished\" ]; then " +
        "printf '%s\\t%s\\n' \"$(head -n 1 -- \"$n/task.finished\")\" \"$n\"; fi; done";

    /// <summary>
    /// Shell script (argument: ROOT) unpacking a base64 gzip tar read from stdin into ROOT (created, with its jobs
    /// folder, when missing).
    /// </summary>
    public const string UnpackScript =
        "set -e; mkdir -p -- \"$1/" + JobsFolder + "\"; base64 -d | tar -xzf - -C \"$1\"";

    /// <summary>
    /// Shell script (arguments: ROOT then relative paths) writing to stdout a base64 gzip tar of those paths that exist.
    /// </summary>
    public const string PackScript =
        "set -e; cd -- \"$1\"; shift; for p in \"$@\"; do if [ -e \"$p\" ]; then printf '%s\\0' \"$p\"; fi; done | " +
        "tar --null -T - -czf - | base64";

    /// <summary>
    /// Shell script (arguments: ROOT then job names) running <c>sbatch --parsable</c> on each
    /// <c>ROOT/.al-jobs/NAME.sh</c> and printing <c>NAME&lt;TAB&gt;EXIT&lt;TAB&gt;STDOUT&lt;TAB&gt;STDERR</c> per job
    /// (line breaks and tabs in the outputs turned into spaces).
    /// </summary>
    public const string SubmitScript =
        "cd -- \"$1/" + JobsFolder + "\" || exit 1; shift; for n in \"$@\"; do " +
        "out=$(sbatch --parsable \"./$n.sh\" 2>\"./$n.sbatch-err\"); code=$?; " +
        "printf '%s\\t%s\\t%s\\t%s\\n' \"$n\" \"$code\" \"$(printf '%s' \"$out\" | tr '\\n\\t' '  ')\" \"$(tr '\\n\\t' '  ' <\"./$n.sbatch-err\")\"; " +
        "rm -f -- \"./$n.sbatch-err\"; done";

    /// <summary>Parses <see cref="ListMarkersScript"/> output: task name → exit code (an unreadable code is -1).</summary>
    public static IReadOnlyDictionary<string, int> ParseMarkers(string output)
    {
        var markers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in (output ?? "").Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                continue;
            }

            markers[line[(tab + 1)..]] = int.TryParse(line.AsSpan(0, tab).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)
                ? code
                : -1;
        }

        return markers;
    }

    /// <summary>Parses <see cref="SubmitScript"/> output: job name → sbatch's parsed answer.</summary>
    public static IReadOnlyDictionary<string, SlurmResult<SlurmSubmission>> ParseSubmissions(string output)
    {
        var results = new Dictionary<string, SlurmResult<SlurmSubmission>>(StringComparer.Ordinal);
        foreach (var line in (output ?? "").Split('\n'))
        {
            var fields = line.Split('\t');
            if (fields.Length != 4 || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var exitCode))
            {
                continue;
            }

            results[fields[0]] = SlurmParsers.ParseSubmission(exitCode, fields[2], fields[3]);
        }

        return results;
    }
}
