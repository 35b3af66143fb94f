namespace ActiveLearning.Activities.Ports;

/// <summary>Files a step writes into the campaign's work directory.</summary>
/// <remarks>Each file is written through a temporary file that is flushed to disk and renamed over its target, so a
/// reader (or a resumed run) sees the old file or the whole new one, never half of one. Write artifacts before
/// <see cref="IActivityStore.Complete"/> so that a committed step always has them.</remarks>
public interface IArtifactStore
{
    /// <summary>The absolute path of a file of the current iteration (e.g. <c>WORKDIR/iterations/003/model.mtp</c>).</summary>
    string PathOf(string fileName);

    /// <summary>The path of a file of the current iteration relative to the work directory, with '/' separators.</summary>
    string RelativePathOf(string fileName);

    /// <summary>Writes a text file of the current iteration atomically and returns its absolute path.</summary>
    string WriteText(string fileName, Action<TextWriter> write);
}
