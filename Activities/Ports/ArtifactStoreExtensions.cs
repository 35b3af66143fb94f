using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Activities.Ports;

/// <summary>Structure files as artifacts.</summary>
public static class ArtifactStoreExtensions
{
    /// <summary>Writes structures as extended XYZ (reference labels as <c>REF_*</c> fields), atomically; returns the absolute path.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; the target was not touched.</exception>
    public static string WriteStructures(
        this IArtifactStore artifacts, string fileName, IEnumerable<Structure> structures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(structures);
        var format = StructureFormats.FindByName("extxyz") ?? throw new InvalidOperationException("The extended XYZ format is not registered.");
        return artifacts.WriteText(fileName, writer =>
        {
            var output = format.CreateWriter(writer, fileName, FormatOptions.Default);
            foreach (var structure in structures)
            {
                cancellationToken.ThrowIfCancellationRequested();
                output.Write(structure);
            }
        });
    }
}
