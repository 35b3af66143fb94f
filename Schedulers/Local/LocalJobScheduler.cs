using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Local;

/// <summary>
/// Runs <see cref="JobTask"/>s on this machine through a <see cref="LocalExecutor"/>: each task's work directory is
/// <c>ROOT/NAME</c>, its inputs are written there atomically, and its command runs under <c>sh -c</c> with a private
/// <c>TMPDIR</c> (Open MPI programs such as pw.x, cp2k and lmp race on a shared session directory otherwise) and
/// <c>OMP_NUM_THREADS=1</c> unless the environment sets it.
/// </summary>
public sealed class LocalJobScheduler : IJobScheduler, IDisposable
{
    private readonly LocalExecutor executor;

    /// <summary>Creates a scheduler whose work directories live under <paramref name="root"/>, running at most <paramref name="maxConcurrency"/> tasks at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is below 1.</exception>
    public LocalJobScheduler(string root, int maxConcurrency)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        executor = new LocalExecutor(maxConcurrency);
    }

    /// <summary>The directory holding one work directory per task.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Description => "local";

    /// <inheritdoc />
    public async IAsyncEnumerable<JobTaskResult> RunAsync(IReadOnlyList<JobTask> tasks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var finished = Channel.CreateUnbounded<JobTaskResult>();
        var running = new List<Task>(tasks.Count);
        foreach (var task in tasks)
        {
            running.Add(RunOneAsync(task, finished.Writer, cancellationToken));
        }

        var all = Task.WhenAll(running).ContinueWith(t => finished.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        await foreach (var result in finished.Reader.ReadAllAsync(cancellationToken))
        {
            yield return result;
        }

        await all;
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task RunOneAsync(JobTask task, ChannelWriter<JobTaskResult> results, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, task.Name);
        if (LocalExecutor.ReadFinishMarker(directory) is null)
        {
            Directory.CreateDirectory(directory);
            foreach (var (path, text) in task.InputFiles)
            {
                var target = Path.Combine(directory, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await LocalTransport.WriteAtomicallyAsync(target, Encoding.UTF8.GetBytes(text), cancellationToken);
            }
        }

        var script = "mkdir -p .tmp && export TMPDIR=\"$PWD/.tmp\" && export OMP_NUM_THREADS=\"${OMP_NUM_THREADS:-1}\" && " + task.Command;
        var outcome = await executor.RunAsync(new LocalTask(["/bin/sh", "-c", script], directory), cancellationToken);
        var error = outcome.ExitCode == 0 ? null : $"command exited with code {outcome.ExitCode} (see {Path.Combine(directory, LocalExecutor.StderrFile)})";
        await results.WriteAsync(
            new JobTaskResult(task, JobTaskState.Finished, outcome.ExitCode, directory, "local", error, outcome.AlreadyFinished),
            CancellationToken.None);
    }

    /// <inheritdoc />
    public void Dispose() => executor.Dispose();
}
