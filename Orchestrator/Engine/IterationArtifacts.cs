using System.Globalization;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>The files of one iteration: <c>WORKDIR/iterations/NNN/</c>, each written through a flushed temporary file and a rename.</summary>
/// <param name="workdir">The campaign's work directory.</param>
/// <param name="iteration">The iteration (0 for the initial steps).</param>
public sealed class IterationArtifacts(string workdir, int iteration) : IArtifactStore
{
    /// <summary>The folder name of an iteration: three digits, e.g. <c>003</c>.</summary>
    public static string FolderName(int iteration) => iteration.ToString("000", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string PathOf(string fileName) => Path.Combine(workdir, "iterations", FolderName(iteration), fileName);

    /// <inheritdoc/>
    public string RelativePathOf(string fileName) => $"iterations/{FolderName(iteration)}/{fileName}";

    /// <inheritdoc/>
    public string WriteText(string fileName, Action<TextWriter> write)
    {
        var path = PathOf(fileName);
        AtomicTextFile.Write(path, write);
        return path;
    }
}
