using System.Globalization;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>The files of one iteration: <c>WORKDIR/iterations/NNN/</c>, each written through a flushed temporary file and a rename.</summary>
internal sealed class IterationArtifacts(string workdir, int iteration) : IArtifactStore
{
    public static string FolderName(int iteration) => iteration.ToString("000", CultureInfo.InvariantCulture);

    public string PathOf(string fileName) => Path.Combine(workdir, "iterations", FolderName(iteration), fileName);

    public string RelativePathOf(string fileName) => $"iterations/{FolderName(iteration)}/{fileName}";

    public string WriteText(string fileName, Action<TextWriter> write)
    {
        var path = PathOf(fileName);
        AtomicTextFile.Write(path, write);
        return path;
    }
}
