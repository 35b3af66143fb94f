using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>
/// Runs <see cref="JobTask"/>s as SLURM batch jobs on a machine reached through an <see cref="ITransport"/> (this machine
/// or OpenSSH), exactly once across crashes and restarts.
/// </summary>
/// <remarks>
/// <para>Each round: jobs journalled as being submitted by an earlier run are looked up by name (squeue, then sacct -c)
/// and adopted; tasks in no live job are checked for their finish markers; pending tasks are packed
/// <see cref="SlurmSchedulerOptions.TasksPerJob"/> to a job up to <see cref="SlurmSchedulerOptions.MaxQueued"/> live jobs
/// (inputs for the whole round go up in one transfer, every job row is journalled before one remote command runs all
/// the sbatch calls); one squeue polls every live job; the tasks of jobs that left the queue are classified by their
/// markers, and the outputs of finished tasks come down in one transfer.</para>
/// <para>Failures of the transport or of SLURM's commands make the round be retried with exponential backoff; after
/// <see cref="SlurmSchedulerOptions.RemoteErrorAfter"/> failed rounds the unfinished tasks are reported as
/// <see cref="JobTaskState.RemoteError"/> and return to their previous state by themselves once the machine answers.
/// Cancellation stops waiting without cancelling the batch jobs: a later run with the same journal picks them up.</para>
/// <para>One instance runs one <see cref="RunAsync"/> at a time.</para>
/// </remarks>
public sealed class SlurmJobScheduler : IJobScheduler, IAsyncDisposable
{
    private readonly ITransport transport;
    private readonly bool ownsTransport;
    private readonly SlurmSchedulerOptions options;
    private readonly SlurmJobJournal journal;

    /// <summary>Creates the scheduler; nothing is contacted until <see cref="RunAsync"/>.</summary>
    /// <param name="transport">Where SLURM's commands and the work directories are.</param>
    /// <param name="options">Packing, polling and retry settings.</param>
    /// <param name="ownsTransport">Whether <see cref="DisposeAsync"/> disposes the transport too (closing an ssh master); default false.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SlurmJobScheduler(ITransport transport, SlurmSchedulerOptions options, bool ownsTransport = false)
    {
        this.ownsTransport = ownsTransport;
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.transport = transport;
        this.options = options;
        journal = new SlurmJobJournal(options.JournalDirectory);
    }

    /// <inheritdoc />
    public string Description => "slurm via " + transport.Description;

    /// <summary>Disposes the transport when this scheduler owns it; batch jobs are left running.</summary>
    public ValueTask DisposeAsync() => ownsTransport ? transport.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Two tasks share a name, or a name cannot be a directory name (see <see cref="SlurmPacking.IsUsableTaskName"/>).</exception>
    public async IAsyncEnumerable<JobTaskResult> RunAsync(IReadOnlyList<JobTask> tasks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var run = new Run(this, tasks);
        var clock = options.TimeProvider;
        var failures = 0;
        DateTimeOffset? unreachableSince = null;
        while (!run.AllDone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Exception? failure = null;
            try
            {
                await run.RoundAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is TransportException or InvalidDataException or FormatException)
            {
                failure = exception;
            }

            foreach (var result in run.TakeResults())
            {
                yield return result;
            }

            if (run.AllDone)
            {
                break;
            }

            if (failure is null)
            {
                if (failures > 0)
                {
                    run.LeaveRemoteError();
                }

                failures = 0;
                unreachableSince = null;
                await Task.Delay(options.PollInterval, clock, cancellationToken);
                continue;
            }

            failures++;
            unreachableSince ??= clock.GetUtcNow();
            if (failures >= options.RemoteErrorAfter)
            {
                run.EnterRemoteError(failure.Message);
            }

            if (options.GiveUpAfter is { } limit && clock.GetUtcNow() - unreachableSince >= limit)
            {
                foreach (var result in run.GiveUp(failure.Message))
                {
                    yield return result;
                }

                yield break;
            }

            await Task.Delay(SlurmRecovery.Backoff(failures, options.InitialBackoff, options.MaximumBackoff), clock, cancellationToken);
        }
    }

    private sealed class Entry(JobTask task)
    {
        public JobTask Task { get; } = task;

        public JobTaskState State { get; set; } = JobTaskState.Pending;

        public JobTaskState StateBeforeRemoteError { get; set; }

        public int AttemptsUsed { get; set; }

        public JournalJob? Job { get; set; }

        public bool MarkerChecked { get; set; }

        public bool Done { get; set; }

        public bool SubmittedThisRun { get; set; }

        public string? LastJobId { get; set; }
    }

    private sealed class Run
    {
        private readonly SlurmJobScheduler owner;
        private readonly SlurmSchedulerOptions options;
        private readonly List<Entry> entries = [];
        private readonly Dictionary<string, Entry> byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, JournalJob> active = new(StringComparer.Ordinal);
        private readonly List<JobTaskResult> results = [];
        private readonly List<(Entry Entry, int ExitCode)> toDownload = [];

        public Run(SlurmJobScheduler owner, IReadOnlyList<JobTask> tasks)
        {
            this.owner = owner;
            options = owner.options;
            foreach (var task in tasks)
            {
                if (!SlurmPacking.IsUsableTaskName(task.Name))
                {
                    throw new ArgumentException($"Task name '{task.Name}' cannot be a directory name (empty, '.', '..', '/' or a control character).", nameof(tasks));
                }

                var entry = new Entry(task);
                if (!byName.TryAdd(task.Name, entry))
                {
                    throw new ArgumentException($"Two tasks are named '{task.Name}'.", nameof(tasks));
                }

                entries.Add(entry);
            }

            foreach (var row in owner.journal.Load())
            {
                if (row.State == JournalJobState.Ended)
                {
                    foreach (var failed in row.FailedTasks)
                    {
                        if (byName.TryGetValue(failed, out var entry))
                        {
                            entry.AttemptsUsed++;
                        }
                    }

                    // Rows come oldest first: a task finished by an earlier run reports the last job that ran it, which
                    // provenance records (a later run finds its marker and would otherwise know no job).
                    foreach (var name in row.Tasks)
                    {
                        if (row.JobId is not null && byName.TryGetValue(name, out var entry) && !row.FailedTasks.Contains(name))
                        {
                            entry.LastJobId = row.JobId;
                        }
                    }

                    continue;
                }

                var mine = false;
                foreach (var name in row.Tasks)
                {
                    if (byName.TryGetValue(name, out var entry))
                    {
                        entry.Job = row;
                        entry.LastJobId = row.JobId;
                        entry.State = JobTaskState.Submitting;
                        mine = true;
                    }
                }

                if (mine)
                {
                    active[row.Name] = row;
                }
            }
        }

        public bool AllDone => entries.All(e => e.Done);

        private ITransport Transport => owner.transport;

        private string Root => options.RemoteRoot.TrimEnd('/');

        public IReadOnlyList<JobTaskResult> TakeResults()
        {
            var taken = results.ToList();
            results.Clear();
            return taken;
        }

        public async Task RoundAsync(CancellationToken cancellationToken)
        {
            await RecoverSubmittingAsync(cancellationToken);
            await CheckMarkersAsync(cancellationToken);
            await DownloadAsync(cancellationToken);
            await SubmitAsync(cancellationToken);
            await PollAsync(cancellationToken);
            await DownloadAsync(cancellationToken);
        }

        public void EnterRemoteError(string why)
        {
            foreach (var entry in entries)
            {
                if (!entry.Done && entry.State != JobTaskState.RemoteError)
                {
                    entry.StateBeforeRemoteError = entry.State;
                    Report(entry, JobTaskState.RemoteError, why);
                }
            }
        }

        public void LeaveRemoteError()
        {
            foreach (var entry in entries)
            {
                if (!entry.Done && entry.State == JobTaskState.RemoteError)
                {
                    Report(entry, entry.StateBeforeRemoteError, "the machine answers again");
                }
            }
        }

        public IReadOnlyList<JobTaskResult> GiveUp(string why)
        {
            var given = new List<JobTaskResult>();
            foreach (var entry in entries)
            {
                if (!entry.Done)
                {
                    entry.Done = true;
                    Report(entry, JobTaskState.RemoteError, why);
                    given.Add(new JobTaskResult(entry.Task, JobTaskState.RemoteError, null, LocalDirectory(entry), entry.Job?.JobId, why));
                }
            }

            return given;
        }

        private async Task RecoverSubmittingAsync(CancellationToken cancellationToken)
        {
            var submitting = active.Values.Where(r => r.State == JournalJobState.Submitting).ToList();
            if (submitting.Count == 0)
            {
                return;
            }

            var oldest = submitting.Min(r => r.CreatedUnixMilliseconds);
            var since = DateTimeOffset.FromUnixTimeMilliseconds(oldest).UtcDateTime.AddDays(-1);
            var accounting = Slurm(await Execute(SlurmCommands.Accounting(since: since), null, cancellationToken), SlurmParsers.ParseAccounting, "sacct -c");
            foreach (var row in submitting)
            {
                var queued = Slurm(await Execute(SlurmCommands.QueueByName(row.Name), null, cancellationToken), SlurmParsers.ParseQueue, "squeue --name");
                var (decision, jobId) = SlurmRecovery.DecideSubmitting(row, queued, accounting, options.TimeProvider.GetUtcNow(), options.SubmissionGrace);
                switch (decision)
                {
                    case SubmittingDecision.Adopt:
                        var adopted = row with { State = JournalJobState.Submitted, JobId = jobId };
                        await owner.journal.WriteAsync(adopted, CancellationToken.None);
                        Replace(row, adopted, JobTaskState.Queued);
                        break;
                    case SubmittingDecision.Forget:
                        owner.journal.Delete(row.Name);
                        active.Remove(row.Name);
                        foreach (var entry in TasksOf(row))
                        {
                            entry.Job = null;
                            Report(entry, JobTaskState.Pending, null);
                        }

                        break;
                    default:
                        break;
                }
            }
        }

        private async Task CheckMarkersAsync(CancellationToken cancellationToken)
        {
            var unchecked_ = entries.Where(e => !e.Done && e.Job is null && !e.MarkerChecked).ToList();
            if (unchecked_.Count == 0)
            {
                return;
            }

            var markers = await ReadMarkersAsync(unchecked_, cancellationToken);
            foreach (var entry in unchecked_)
            {
                entry.MarkerChecked = true;
                if (markers.TryGetValue(entry.Task.Name, out var code))
                {
                    toDownload.Add((entry, code));
                }
                else if (entry.AttemptsUsed >= options.MaxAttempts)
                {
                    Finish(entry, JobTaskState.Failed, null, $"no finish marker after {entry.AttemptsUsed} attempt(s)");
                }
            }
        }

        private async Task SubmitAsync(CancellationToken cancellationToken)
        {
            var capacity = options.MaxQueued - active.Count;
            if (capacity <= 0)
            {
                return;
            }

            var pending = new List<PendingTask>();
            var alreadyQueued = new HashSet<Entry>(toDownload.Select(d => d.Entry));
            foreach (var entry in entries)
            {
                if (!entry.Done && entry.Job is null && entry.MarkerChecked && !alreadyQueued.Contains(entry))
                {
                    pending.Add(new PendingTask(entry.Task, entry.AttemptsUsed + 1));
                    if (pending.Count == capacity * options.TasksPerJob)
                    {
                        break;
                    }
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            var packs = SlurmPacking.Pack(pending, options.TasksPerJob, options.JobNamePrefix);
            var upload = BuildUpload(packs);
            await Execute(["sh", "-c", SlurmPacking.UnpackScript, "sh", Root], upload, cancellationToken, requireSuccess: "upload of inputs");

            var created = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var rows = new List<JournalJob>(packs.Count);
            foreach (var pack in packs)
            {
                var row = new JournalJob(
                    pack.JobName,
                    pack.Tasks.Select(t => t.Task.Name).ToList(),
                    pack.Tasks.Select(t => t.Attempt).ToList(),
                    JournalJobState.Submitting,
                    null,
                    created,
                    [],
                    null);
                await owner.journal.WriteAsync(row, CancellationToken.None);
                active[row.Name] = row;
                rows.Add(row);
                foreach (var entry in TasksOf(row))
                {
                    entry.Job = row;
                    entry.SubmittedThisRun = true;
                    Report(entry, JobTaskState.Submitting, null);
                }
            }

            var command = new List<string> { "sh", "-c", SlurmPacking.SubmitScript, "sh", Root };
            command.AddRange(rows.Select(r => r.Name));
            var answer = await Execute(command, null, cancellationToken, requireSuccess: "sbatch round");
            var submissions = SlurmPacking.ParseSubmissions(answer.StandardOutput);
            string? transient = null;
            foreach (var row in rows)
            {
                if (!submissions.TryGetValue(row.Name, out var submission))
                {
                    transient ??= $"sbatch gave no answer for {row.Name}";
                    continue;
                }

                if (submission.Succeeded)
                {
                    var submitted = row with { State = JournalJobState.Submitted, JobId = submission.Value!.JobId };
                    await owner.journal.WriteAsync(submitted, CancellationToken.None);
                    Replace(row, submitted, JobTaskState.Queued);
                }
                else if (submission.Failure!.Kind == SlurmFailureKind.Permanent)
                {
                    // SLURM refused the job itself (partition, account, limits): no retry can help.
                    owner.journal.Delete(row.Name);
                    active.Remove(row.Name);
                    foreach (var entry in TasksOf(row))
                    {
                        entry.Job = null;
                        Finish(entry, JobTaskState.Failed, null, "sbatch refused the job: " + submission.Failure.Message);
                    }
                }
                else
                {
                    // Left as Submitting: the next round looks it up and, after the grace period, submits it again.
                    transient ??= "sbatch: " + submission.Failure.Message;
                }
            }

            if (transient is not null)
            {
                throw new TransportException(transient);
            }
        }

        private async Task PollAsync(CancellationToken cancellationToken)
        {
            var submitted = active.Values.Where(r => r.State == JournalJobState.Submitted).ToList();
            if (submitted.Count == 0)
            {
                return;
            }

            var queue = Slurm(await Execute(SlurmCommands.QueueStatus(submitted.Select(r => r.JobId!)), null, cancellationToken), SlurmParsers.ParseQueue, "squeue");
            var ended = new List<(JournalJob Row, string EndState)>();
            foreach (var row in submitted)
            {
                queue.TryGetValue(row.JobId!, out var entry);
                if (SlurmRecovery.HasEnded(entry?.State))
                {
                    ended.Add((row, entry?.StateText ?? "gone from the queue"));
                    continue;
                }

                var state = entry!.State is SlurmJobState.Running or SlurmJobState.Completing ? JobTaskState.Running : JobTaskState.Queued;
                foreach (var task in TasksOf(row))
                {
                    Report(task, state, null);
                }
            }

            if (ended.Count == 0)
            {
                return;
            }

            var endedTasks = ended.SelectMany(e => TasksOf(e.Row)).ToList();
            var markers = await ReadMarkersAsync(endedTasks, cancellationToken);
            foreach (var (row, endState) in ended)
            {
                var failed = row.Tasks.Where(name => byName.ContainsKey(name) && !markers.ContainsKey(name)).ToList();
                var endedRow = row with { State = JournalJobState.Ended, FailedTasks = failed, EndState = endState };
                await owner.journal.WriteAsync(endedRow, CancellationToken.None);
                active.Remove(row.Name);
                foreach (var entry in TasksOf(row))
                {
                    entry.Job = null;
                    var marker = markers.TryGetValue(entry.Task.Name, out var code) ? code : (int?)null;
                    if (marker is null)
                    {
                        entry.AttemptsUsed++;
                    }

                    switch (SlurmRecovery.ClassifyTask(marker, entry.AttemptsUsed, options.MaxAttempts))
                    {
                        case TaskEnding.Finished:
                            entry.MarkerChecked = true;
                            toDownload.Add((entry, marker!.Value));
                            break;
                        case TaskEnding.Retry:
                            entry.MarkerChecked = true;
                            Report(entry, JobTaskState.Pending, $"job {row.JobId} ended {endState} without the task's finish marker; attempt {entry.AttemptsUsed + 1} of {options.MaxAttempts} follows");
                            break;
                        default:
                            Finish(entry, JobTaskState.Failed, null, $"job {row.JobId} ended {endState} without the task's finish marker after {entry.AttemptsUsed} attempt(s)", row.JobId);
                            break;
                    }
                }
            }
        }

        private async Task DownloadAsync(CancellationToken cancellationToken)
        {
            const int PerTransfer = 100;
            while (toDownload.Count > 0)
            {
                var batch = toDownload.Take(PerTransfer).ToList();
                var paths = new List<string> { "sh", "-c", SlurmPacking.PackScript, "sh", Root };
                foreach (var (entry, _) in batch)
                {
                    foreach (var file in entry.Task.OutputFiles.Append(LocalExecutor.StdoutFile).Append(LocalExecutor.StderrFile).Append(LocalExecutor.FinishMarkerFile))
                    {
                        paths.Add(entry.Task.Name + "/" + file);
                    }
                }

                var answer = await Execute(paths, null, cancellationToken, requireSuccess: "download of outputs");
                Extract(answer.StandardOutput);
                foreach (var (entry, code) in batch)
                {
                    var error = code == 0 ? null : $"command exited with code {code} (see {Path.Combine(LocalDirectory(entry), LocalExecutor.StderrFile)})";
                    Finish(entry, JobTaskState.Finished, code, error, entry.LastJobId, alreadyFinished: !entry.SubmittedThisRun);
                }

                toDownload.RemoveRange(0, batch.Count);
            }
        }

        private string BuildUpload(IReadOnlyList<TaskPack> packs)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var pack in packs)
                {
                    foreach (var pending in pack.Tasks)
                    {
                        var task = pending.Task;
                        AddFile(tar, task.Name + "/" + SlurmPacking.CommandFile, task.Command + "\n");
                        foreach (var (path, text) in task.InputFiles)
                        {
                            AddFile(tar, task.Name + "/" + path, text);
                        }
                    }

                    var request = new SlurmJobRequest(
                        pack.JobName,
                        Root.Length == 0 ? "/" : Root,
                        options.Resources,
                        SlurmPacking.JobBody(Root, pack.Tasks.Select(t => t.Task.Name).ToList(), options.MpiLauncher))
                    {
                        OutputPath = Root + "/" + SlurmPacking.JobsFolder + "/" + pack.JobName + "-%j.out",
                    };
                    AddFile(tar, SlurmPacking.JobsFolder + "/" + pack.JobName + ".sh", SlurmCommands.BatchScript(request));
                }
            }

            return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        private static void AddFile(TarWriter tar, string name, string text)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(new UTF8Encoding(false).GetBytes(text)),
            };
            tar.WriteEntry(entry);
        }

        private void Extract(string base64)
        {
            var localRoot = Path.GetFullPath(options.LocalRoot);
            Directory.CreateDirectory(localRoot);
            using var compressed = new MemoryStream(Convert.FromBase64String(base64));
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                var target = Path.GetFullPath(Path.Combine(localRoot, entry.Name));
                if (!target.StartsWith(localRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"Downloaded entry '{entry.Name}' would land outside {localRoot}.");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var file = new FileStream(target, FileMode.Create, FileAccess.Write);
                entry.DataStream.CopyTo(file);
            }
        }

        private async Task<IReadOnlyDictionary<string, int>> ReadMarkersAsync(IReadOnlyList<Entry> of, CancellationToken cancellationToken)
        {
            const int PerCommand = 500;
            var markers = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var start = 0; start < of.Count; start += PerCommand)
            {
                var command = new List<string> { "sh", "-c", SlurmPacking.ListMarkersScript, "sh", Root };
                command.AddRange(of.Skip(start).Take(PerCommand).Select(e => e.Task.Name));
                var answer = await Execute(command, null, cancellationToken);
                if (answer.ExitCode != 0)
                {
                    // The root itself is missing before the first upload: no task has a marker yet.
                    if (!await Transport.ExistsAsync(Root, cancellationToken))
                    {
                        return markers;
                    }

                    throw new TransportException($"cannot list finish markers in '{Root}' (exit {answer.ExitCode}): {answer.StandardError.Trim()}");
                }

                foreach (var (name, code) in SlurmPacking.ParseMarkers(answer.StandardOutput))
                {
                    markers[name] = code;
                }
            }

            return markers;
        }

        private async Task<ExecutionResult> Execute(IReadOnlyList<string> command, string? input, CancellationToken cancellationToken, string? requireSuccess = null)
        {
            var result = await Transport.ExecuteAsync(command, input, options.CommandTimeout, cancellationToken);
            if (requireSuccess is not null && result.ExitCode != 0)
            {
                throw new TransportException($"{requireSuccess} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
            }

            return result;
        }

        private static T Slurm<T>(ExecutionResult result, Func<int, string?, string?, SlurmResult<T>> parse, string what)
        {
            var parsed = parse(result.ExitCode, result.StandardOutput, result.StandardError);
            return parsed.Succeeded
                ? parsed.Value!
                : throw new TransportException($"{what} failed ({parsed.Failure!.Kind}, exit {parsed.Failure.ExitCode}): {parsed.Failure.Message}");
        }

        private void Replace(JournalJob old, JournalJob row, JobTaskState state)
        {
            active[row.Name] = row;
            foreach (var entry in TasksOf(old))
            {
                entry.Job = row;
                entry.LastJobId = row.JobId ?? entry.LastJobId;
                Report(entry, state, null);
            }
        }

        private IEnumerable<Entry> TasksOf(JournalJob row)
        {
            foreach (var name in row.Tasks)
            {
                if (byName.TryGetValue(name, out var entry) && !entry.Done)
                {
                    yield return entry;
                }
            }
        }

        private string LocalDirectory(Entry entry) => Path.Combine(Path.GetFullPath(options.LocalRoot), entry.Task.Name);

        private void Finish(Entry entry, JobTaskState state, int? exitCode, string? error, string? jobId = null, bool alreadyFinished = false)
        {
            entry.Done = true;
            Report(entry, state, error);
            results.Add(new JobTaskResult(entry.Task, state, exitCode, LocalDirectory(entry), jobId, error, alreadyFinished));
        }

        private void Report(Entry entry, JobTaskState state, string? detail)
        {
            if (entry.State == state && state != JobTaskState.RemoteError)
            {
                return;
            }

            entry.State = state;
            options.Progress?.Report(new JobTaskUpdate(entry.Task, state, entry.Job?.JobId, detail));
        }
    }
}
