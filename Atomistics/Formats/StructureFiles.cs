using System.Text;

namespace ActiveLearning.Atomistics.Formats;

/// <summary>Reading and writing structure files by path, streaming, with atomic replacement of the output.</summary>
public static class StructureFiles
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

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
        ArgumentNullException.ThrowIfNull(format);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        long count = 0;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var text = new StreamWriter(stream, Utf8NoBom, 1 << 16))
                {
                    text.NewLine = "\n";
                    var writer = format.CreateWriter(text, path, options ?? FormatOptions.Default);
                    foreach (var structure in structures)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        writer.Write(structure);
                        count++;
                        onWritten?.Invoke(count);
                    }

                    text.Flush();
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, full, overwrite: true);
            return count;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
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
