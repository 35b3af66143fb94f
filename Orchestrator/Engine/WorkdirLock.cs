namespace ActiveLearning.Orchestrator.Engine;

/// <summary>
/// Keeps a second <c>al</c> process out of a work directory: an exclusive lock on <c>WORKDIR/campaign.lock</c> held while
/// the campaign runs. The operating system drops the lock when the process ends, however it ends (even on SIGKILL), so a
/// crashed run never leaves a stale lock behind.
/// </summary>
public sealed class WorkdirLock : IDisposable
{
    private readonly FileStream stream;

    private WorkdirLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock.</summary>
    /// <exception cref="IOException">Another process holds it (the message says so).</exception>
    public static WorkdirLock Acquire(string workdir)
    {
        Directory.CreateDirectory(workdir);
        var path = Path.Combine(workdir, "campaign.lock");
        try
        {
            return new WorkdirLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new IOException($"{workdir}: another al process is running this campaign ({path} is locked).", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => stream.Dispose();
}
