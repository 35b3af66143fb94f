using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Outputs;
using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>Options of a <see cref="CodeLabeller{TSettings}"/>.</summary>
public sealed record CodeLabellerOptions
{
    /// <summary>Most corrections (of all handlers together) per structure before it is recorded as failed (≥ 0); default 3.</summary>
    public int MaxCorrections { get; init; } = 3;

    /// <summary>Whether files named by the settings (pseudopotentials, parameter directories) are checked on this machine before
    /// submitting; default true. Turn off when the code runs on a remote machine with its own files.</summary>
    public bool CheckLocalFiles { get; init; } = true;

    /// <summary>Whether a corrected attempt is submitted at once, in a scheduler call overlapping the one still running;
    /// default false: corrections wait until the current submission has ended, because a scheduler may run one call at a
    /// time (the SLURM scheduler does). The local scheduler accepts overlapping calls.</summary>
    public bool OverlappingSubmissions { get; init; }

    /// <summary>Told, on the thread enumerating <see cref="CodeLabeller{TSettings}.LabelAsync"/>, each time a structure's task is
    /// handed to the scheduler (first attempt and every corrected one), before the scheduler sees it; default none. Lets a
    /// caller record which task (and later which job) labels which structure.</summary>
    public IProgress<LabelTaskSubmission>? Submissions { get; init; }
}

/// <summary>A structure's task handed to the scheduler.</summary>
/// <param name="Index">Position of the structure in the list given to <see cref="ILabeller.LabelAsync"/>.</param>
/// <param name="Structure">The structure.</param>
/// <param name="Task">The task that labels it (its name is the hash of its inputs and command).</param>
/// <param name="Attempt">The labeller's attempt (1, then one more per correction).</param>
public sealed record LabelTaskSubmission(int Index, Structure Structure, JobTask Task, int Attempt);

/// <summary>A labeller that runs a code through a scheduler and can check its settings against structures beforehand.</summary>
public interface ICodeLabeller : ILabeller
{
    /// <summary>Every problem that would stop these structures from running (empty when none); nothing is submitted.</summary>
    IReadOnlyList<string> FindProblems(IReadOnlyList<Structure> structures);
}

/// <summary>
/// Labels structures with an electronic-structure code through an <see cref="IJobScheduler"/>: one <see cref="JobTask"/> per
/// structure (named by the hash of its inputs and command), outputs parsed as tasks end, failed runs passed to custodian-style
/// error handlers, corrected runs submitted again as new tasks, and a failed outcome with the reason when nothing helps.
/// </summary>
/// <remarks>
/// Settings and profile are checked for every structure before anything is submitted; all problems are reported together in a
/// <see cref="LabelSettingsException"/>. Only a run whose output is complete and converged, whose command exited with 0 and
/// whose forces cover every atom becomes a label; truncated or garbled outputs never do. The first attempt of a structure has
/// the same task name every time, so labelling again after a crash finds the finished work directory instead of running
/// again, and so do corrected attempts (their inputs, hence names, are deterministic too). Identical structures in one batch
/// share one task. Each submission is one <see cref="IJobScheduler.RunAsync"/> call; corrected attempts go in the next call
/// once the current one has ended, or at once with <see cref="CodeLabellerOptions.OverlappingSubmissions"/>.
/// </remarks>
/// <typeparam name="TSettings">The code's settings record.</typeparam>
public sealed class CodeLabeller<TSettings> : ICodeLabeller
    where TSettings : notnull
{
    /// <summary>Input file that marks the attempt number of a retry, so a retry with unchanged settings is a new task.</summary>
    public const string AttemptFile = "attempt";

    private readonly ICodeTemplate<TSettings> template;
    private readonly TSettings settings;
    private readonly CodeProfile profile;
    private readonly IJobScheduler scheduler;
    private readonly IReadOnlyList<IErrorHandler<TSettings>> handlers;
    private readonly CodeLabellerOptions options;

    /// <summary>Creates the labeller.</summary>
    /// <param name="template">The code's input writer and output parser.</param>
    /// <param name="settings">The calculation settings.</param>
    /// <param name="profile">How the code runs.</param>
    /// <param name="scheduler">Where tasks run.</param>
    /// <param name="handlers">Error handlers, asked in order; the first whose <see cref="IErrorHandler{TSettings}.Check"/> is true corrects.</param>
    /// <param name="options">Limits; default <see cref="CodeLabellerOptions"/>'s defaults.</param>
    public CodeLabeller(
        ICodeTemplate<TSettings> template,
        TSettings settings,
        CodeProfile profile,
        IJobScheduler scheduler,
        IReadOnlyList<IErrorHandler<TSettings>> handlers,
        CodeLabellerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(handlers);
        this.template = template;
        this.profile = profile;
        this.scheduler = scheduler;
        this.handlers = handlers;
        this.options = options ?? new CodeLabellerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(this.options.MaxCorrections, nameof(options));
        this.settings = template.ForProfile(settings, profile);
        var text = template.Program + "\n" + template.Describe(this.settings);
        SettingsHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <inheritdoc />
    public string Method => template.Program;

    /// <inheritdoc />
    public string SettingsHash { get; }

    /// <summary>Every problem that would stop these structures from running (empty when none); nothing is submitted.</summary>
    public IReadOnlyList<string> FindProblems(IReadOnlyList<Structure> structures)
    {
        ArgumentNullException.ThrowIfNull(structures);
        var problems = new List<string>(profile.FindProblems());
        foreach (var problem in template.FindProblems(settings, structures, options.CheckLocalFiles))
        {
            if (!problems.Contains(problem))
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    /// <inheritdoc />
    /// <exception cref="LabelSettingsException">The settings or profile cannot run these structures (nothing was submitted).</exception>
    public async IAsyncEnumerable<LabelOutcome> LabelAsync(IReadOnlyList<Structure> structures, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(structures);
        var problems = FindProblems(structures);
        if (problems.Count > 0)
        {
            throw new LabelSettingsException(template.Program, problems);
        }

        var first = new List<Work>(structures.Count);
        for (var index = 0; index < structures.Count; index++)
        {
            first.Add(new Work(index, structures[index], settings));
        }

        // Every submission is a batch of its own. With overlapping submissions a corrected attempt starts as soon as its
        // failed run is judged; otherwise corrections wait until the running batch has ended and then go as one batch.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = Channel.CreateUnbounded<BatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        var batches = new List<Task> { Submit(first, events.Writer, stop.Token) };
        var running = 1;
        var waiting = new List<Work>();
        try
        {
            while (running > 0)
            {
                var item = await events.Reader.ReadAsync(cancellationToken);
                if (item.Error is { } error)
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                if (item.Result is not { } result)
                {
                    running--;
                    foreach (var (name, lost) in item.Batch)
                    {
                        // A scheduler that ends without reporting a task breaks its contract; the structures still get an outcome.
                        foreach (var work in lost)
                        {
                            yield return Failed(work, null, null, $"the scheduler {scheduler.Description} reported nothing for task {name}");
                        }
                    }

                    if (running == 0 && waiting.Count > 0)
                    {
                        batches.Add(Submit(waiting, events.Writer, stop.Token));
                        running++;
                        waiting = [];
                    }

                    continue;
                }

                if (!item.Batch.Remove(result.Task.Name, out var sharing))
                {
                    continue;
                }

                var next = new List<Work>();
                foreach (var work in sharing)
                {
                    if (Judge(work, result) is { } outcome)
                    {
                        yield return outcome;
                    }
                    else
                    {
                        next.Add(work);
                    }
                }

                if (next.Count > 0 && options.OverlappingSubmissions)
                {
                    batches.Add(Submit(next, events.Writer, stop.Token));
                    running++;
                }
                else
                {
                    waiting.AddRange(next);
                }
            }
        }
        finally
        {
            // Stopped early (cancelled, or the caller left the loop): stop the batches still running and wait for them, so no
            // process outlives the enumeration and the scheduler can be disposed.
            await stop.CancelAsync();
            await Task.WhenAll(batches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Starts one batch of tasks; its results, its end or its exception arrive on <paramref name="events"/>.</summary>
    private Task Submit(List<Work> works, ChannelWriter<BatchEvent> events, CancellationToken cancellationToken)
    {
        var batch = new Dictionary<string, List<Work>>(StringComparer.Ordinal);
        var tasks = new List<JobTask>();
        foreach (var work in works)
        {
            var task = TaskFor(work);
            options.Submissions?.Report(new LabelTaskSubmission(work.Index, work.Structure, task, work.Attempt));
            if (!batch.TryGetValue(task.Name, out var sharing))
            {
                batch[task.Name] = sharing = [];
                tasks.Add(task);
            }

            sharing.Add(work);
        }

        return Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var result in scheduler.RunAsync(tasks, cancellationToken))
                    {
                        events.TryWrite(new BatchEvent(batch, result, null));
                    }

                    events.TryWrite(new BatchEvent(batch, null, null));
                }
                catch (Exception e)
                {
                    // Handed to the reader, which rethrows it: cancellation stays cancellation, a scheduler fault stays a fault.
                    events.TryWrite(new BatchEvent(batch, null, e));
                }
            },
            CancellationToken.None);
    }

    private JobTask TaskFor(Work work)
    {
        var inputs = new Dictionary<string, string>(template.WriteInputs(work.Structure, work.Settings), StringComparer.Ordinal);
        if (work.Attempt > 1)
        {
            inputs[AttemptFile] = work.Attempt.ToString(CultureInfo.InvariantCulture) + "\n";
        }

        return JobTask.Create(template.TaskPrefix, profile.CommandLine(template.Arguments), inputs, template.OutputFiles);
    }

    /// <summary>The outcome of a finished run, or null when a handler corrected the settings for another attempt.</summary>
    private LabelOutcome? Judge(Work work, JobTaskResult job)
    {
        var attempt = Examine(work, job);
        if (attempt.Status == OutputStatus.Converged)
        {
            return new LabelOutcome(work.Index, attempt.Output!.ToLabels(), Provenance(work, attempt.Output, job), null);
        }

        var handler = handlers.FirstOrDefault(h => h.Check(attempt));
        if (handler is null)
        {
            return Failed(work, attempt.Output, job, attempt.Reason);
        }

        if (work.Corrections.Count >= options.MaxCorrections)
        {
            return Failed(work, attempt.Output, job, $"{attempt.Reason} (correction limit of {options.MaxCorrections} reached)");
        }

        var applied = work.TimesApplied.GetValueOrDefault(handler.Name);
        if (handler.Correct(work.Settings, attempt, applied) is not { } correction)
        {
            return Failed(work, attempt.Output, job, $"{attempt.Reason} (the {handler.Name} handler has nothing more to try)");
        }

        work.TimesApplied[handler.Name] = applied + 1;
        work.Corrections.Add($"attempt {work.Attempt}: {correction.Description}");
        work.Settings = correction.Settings;
        work.Attempt++;
        return null;
    }

    private CodeAttempt Examine(Work work, JobTaskResult job)
    {
        if (job.State != JobTaskState.Finished)
        {
            return new CodeAttempt(work.Attempt, OutputStatus.Incomplete, $"job {job.State}: {job.Error ?? "no reason given"}", null, job);
        }

        var output = template.ParseOutputs(job.LocalDirectory);
        if (output.Status != OutputStatus.Converged)
        {
            var reason = $"{template.Program} {Describe(output.Status)}: {output.Detail}";
            if (job.ExitCode is not 0)
            {
                reason += string.Create(CultureInfo.InvariantCulture, $" (exit code {job.ExitCode})");
            }

            return new CodeAttempt(work.Attempt, output.Status, reason, output, job);
        }

        if (job.ExitCode is not 0)
        {
            return new CodeAttempt(
                work.Attempt,
                OutputStatus.Crashed,
                string.Create(CultureInfo.InvariantCulture, $"{template.Program} exited with code {job.ExitCode} although its output looks complete"),
                output,
                job);
        }

        if (output.Forces!.Length != work.Structure.Count)
        {
            return new CodeAttempt(
                work.Attempt,
                OutputStatus.Malformed,
                string.Create(CultureInfo.InvariantCulture, $"{template.Program} output has forces on {output.Forces.Length} atoms, the structure {work.Structure.Count}"),
                output,
                job);
        }

        return new CodeAttempt(work.Attempt, OutputStatus.Converged, "converged", output, job);
    }

    private static string Describe(OutputStatus status) => status switch
    {
        OutputStatus.NotConverged => "did not converge",
        OutputStatus.Crashed => "crashed",
        OutputStatus.Incomplete => "output is incomplete",
        OutputStatus.Malformed => "output is malformed",
        _ => "converged",
    };

    private LabelOutcome Failed(Work work, CodeResult? output, JobTaskResult? job, string reason) =>
        new(work.Index, null, Provenance(work, output, job), reason);

    private LabelProvenance Provenance(Work work, CodeResult? output, JobTaskResult? job) =>
        new(Method, output?.Version, SettingsHash, job?.JobId, job?.LocalDirectory, work.Attempt, [.. work.Corrections]);

    /// <summary>A result of a batch, its end (no result, no error) or the exception that stopped it.</summary>
    private sealed record BatchEvent(Dictionary<string, List<Work>> Batch, JobTaskResult? Result, Exception? Error);

    private sealed class Work(int index, Structure structure, TSettings settings)
    {
        public int Index { get; } = index;

        public Structure Structure { get; } = structure;

        public TSettings Settings { get; set; } = settings;

        public int Attempt { get; set; } = 1;

        public List<string> Corrections { get; } = [];

        public Dictionary<string, int> TimesApplied { get; } = new(StringComparer.Ordinal);
    }
}
