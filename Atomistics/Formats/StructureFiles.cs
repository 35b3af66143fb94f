using System.Text;

namespace ActiveLearning.Atomistics.Formats;

/// <summary>Reading and writing structure files by path, streaming, with atomic replacement of the output.</summary>
public static class StructureFiles
{

    /// <summary>Resolves the format from an explicit name or else from the path.</summary>
    /// <exception cref="StructureFormatException">The name is unknown or the path suggests no format.</exception>
    public static StructureFormat ResolveFormat(string path, string? formatName)
    {
        if (formatName is not null)
        {
            return StructureFormats.FindByName(formatName)
                ?? throw new StructureFormatException(path, 0, $"unknown format '{formatName}'; known formats: {StructureFormats.Names}");
        }

        return StructureFormats.FindForPath(path)
            ?? throw new StructureFormatException(path, 0,
                $"cannot tell the format from the file name; name it with --format ({StructureFormats.Names})");
    }

    /// <summary>Reads the structures of a file lazily; the file stays open until the enumeration ends.</summary>
    /// <exception cref="StructureFormatException">The file is malformed (raised while enumerating).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IEnumerable<Structure> Read(string path, StructureFormat format, FormatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ReadAndClose(new LineReader(new StreamReader(stream, Encoding.UTF8, true, 1 << 16), path), format, options ?? FormatOptions.Default);
    }

    private static IEnumerable<Structure> ReadAndClose(LineReader reader, StructureFormat format, FormatOptions options)
    {
        using (reader)
        {
            foreach (var structure in format.Read(reader, options))
            {
                yield return structure;
            }
        }
    }

    /// <summary>Reads every structure of a file into a list.</summary>
    public static List<Structure> ReadAll(string path, StructureFormat? format = null, FormatOptions? options = null) =>
        [.. Read(path, format ?? ResolveFormat(path, null), options)];

    /// <summary>
    /// Writes structures to <paramref name="path"/> atomically: into a temporary file beside it, flushed to disk, then renamed
    /// over the target. If anything fails (including reading the input lazily), no partial output is left and an existing
    /// file at <paramref name="path"/> is untouched.
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="structures">The structures; enumerated once.</param>
    /// <param name="format">The output format.</param>
    /// <param name="options">Options; default <see cref="FormatOptions.Default"/>.</param>
    /// <param name="onWritten">Called after each structure with the running count (for progress).</param>
    /// <param name="cancellationToken">Checked between structures.</param>
    /// <returns>The number of structures written.</returns>
    /// <exception cref="StructureFormatException">An input is malformed or the format cannot hold a structure.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is left behind.</exception>
    public static long Write(
        string path,
        IEnumerable<Structure> structures,
        StructureFormat format,
        FormatOptions? options = null,
        Action<long>? onWritten = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(structures);
        using var file = OpenWriter(path, format, options);
        foreach (var structure in structures)
        {
            cancellationToken.ThrowIfCancellationRequested();
            file.Write(structure);
            onWritten?.Invoke(file.Count);
        }

        file.Commit();
        return file.Count;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for writing structures one at a time (e.g. an MD trajectory). Nothing appears at
    /// <paramref name="path"/> until <see cref="StructureFileWriter.Commit"/>; disposing without committing deletes the
    /// temporary file and leaves an existing file untouched.
    /// </summary>
    public static StructureFileWriter OpenWriter(string path, StructureFormat format, FormatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        return new StructureFileWriter(path, format, options ?? FormatOptions.Default);
    }
}

/// <summary>
/// A text file written through a temporary file beside its target: nothing appears at the target until
/// <see cref="Commit"/> (flush to disk, then rename over any existing file); disposing without committing deletes the
/// temporary file and leaves an existing target untouched.
/// </summary>
public sealed class AtomicTextFile : IDisposable
{
    private readonly string target;
    private readonly string temporary;
    private readonly FileStream stream;
    private bool committed;

    /// <summary>Creates the temporary file for <paramref name="path"/> (and the directory if needed).</summary>
    public AtomicTextFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
    }

    /// <summary>The text destination (UTF-8 without BOM, <c>\n</c> line ends).</summary>
    public StreamWriter Writer { get; }

    /// <summary>Writes a whole file atomically.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = new AtomicTextFile(path);
        write(file.Writer);
        file.Commit();
    }

    /// <summary>Flushes to disk and moves the file to its target, replacing any file there.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        Writer.Flush();
        stream.Flush(flushToDisk: true);
        Writer.Dispose();
        File.Move(temporary, target, overwrite: true);
        committed = true;
    }

    /// <summary>Closes the file; without <see cref="Commit"/> the temporary file is deleted.</summary>
    public void Dispose()
    {
        Writer.Dispose();
        if (committed)
        {
            return;
        }

        try
        {
            File.Delete(temporary);
        }
        catch (IOException)
        {
            // Best effort: the original error is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>
/// A structure file being written through a temporary file beside its target; see <see cref="StructureFiles.OpenWriter"/>.
/// </summary>
public sealed class StructureFileWriter : IStructureWriter, IDisposable
{
    private readonly AtomicTextFile file;
    private readonly IStructureWriter writer;

    internal StructureFileWriter(string path, StructureFormat format, FormatOptions options)
    {
        file = new AtomicTextFile(path);
        try
        {
            writer = format.CreateWriter(file.Writer, path, options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Structures written so far.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public void Write(Structure structure)
    {
        writer.Write(structure);
        Count++;
    }

    /// <summary>Flushes to disk and moves the file to its target, replacing any file there.</summary>
    public void Commit() => file.Commit();

    /// <summary>Closes the file; without <see cref="Commit"/> the temporary file is deleted.</summary>
    public void Dispose() => file.Dispose();
}
