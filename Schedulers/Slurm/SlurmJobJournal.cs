using System.Text.Json;
using System.Text.Json.Serialization;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>Where a journalled batch job stands.</summary>
public enum JournalJobState
{
    /// <summary>Written before <c>sbatch</c> ran: the job may or may not exist; look it up by name before submitting again.</summary>
    Submitting,

    /// <summary>sbatch answered with a job id.</summary>
    Submitted,

    /// <summary>The job left the queue and its tasks were classified.</summary>
    Ended,
}

/// <summary>One batch job as the journal keeps it.</summary>
/// <param name="Name">The deterministic job name (also the journal file's name).</param>
/// <param name="Tasks">Names of the tasks packed into the job, in the order they were given.</param>
/// <param name="Attempts">Per task (same order as <paramref name="Tasks"/>): which attempt of that task this job is (1 = first).</param>
/// <param name="State">Where it stands.</param>
/// <param name="JobId">SLURM's job id once known.</param>
/// <param name="CreatedUnixMilliseconds">When the row was first written (from the scheduler's <see cref="TimeProvider"/>).</param>
/// <param name="FailedTasks">Tasks of the job that ended without a finish marker (each one used up an attempt).</param>
/// <param name="EndState">SLURM's final state text (e.g. <c>TIMEOUT</c>), when ended.</param>
public sealed record JournalJob(
    string Name,
    IReadOnlyList<string> Tasks,
    IReadOnlyList<int> Attempts,
    JournalJobState State,
    string? JobId,
    long CreatedUnixMilliseconds,
    IReadOnlyList<string> FailedTasks,
    string? EndState)
{
    /// <summary>True while the job may still run: <see cref="JournalJobState.Submitting"/> or <see cref="JournalJobState.Submitted"/>.</summary>
    [JsonIgnore]
    public bool IsActive => State != JournalJobState.Ended;
}

/// <summary>
/// The durable record of submitted batch jobs: one small JSON file per job in a directory of its own, each written to a
/// temporary file, flushed to disk and renamed over the old one, so a crash at any instant leaves either the previous
/// row or the new one. A row in state <see cref="JournalJobState.Submitting"/> is written <em>before</em> sbatch runs.
/// </summary>
/// <remarks>One journal directory belongs to one scheduler at a time; nothing here locks against a second writer.</remarks>
public sealed class SlurmJobJournal
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Opens (and creates) the journal directory.</summary>
    public SlurmJobJournal(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The journal's directory.</summary>
    public string Directory { get; }

    /// <summary>Every row, read from disk. Left-over temporary files of an interrupted write are ignored.</summary>
    /// <exception cref="InvalidDataException">A row file is not a journal row (written by something else).</exception>
    public IReadOnlyList<JournalJob> Load()
    {
        var rows = new List<JournalJob>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            if (Path.GetFileName(file).StartsWith('.'))
            {
                continue;
            }

            var row = JsonSerializer.Deserialize<JournalJob>(File.ReadAllBytes(file), Json)
                ?? throw new InvalidDataException($"{file}: empty journal row.");
            rows.Add(row);
        }

        rows.Sort((a, b) => a.CreatedUnixMilliseconds != b.CreatedUnixMilliseconds
            ? a.CreatedUnixMilliseconds.CompareTo(b.CreatedUnixMilliseconds)
            : string.CompareOrdinal(a.Name, b.Name));
        return rows;
    }

    /// <summary>Writes (or replaces) the row durably.</summary>
    /// <exception cref="TransportException">The file could not be written.</exception>
    public Task WriteAsync(JournalJob row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        return LocalTransport.WriteAtomicallyAsync(PathOf(row.Name), JsonSerializer.SerializeToUtf8Bytes(row, Json), cancellationToken);
    }

    /// <summary>Removes the row of a job that was never submitted.</summary>
    public void Delete(string name) => File.Delete(PathOf(name));

    private string PathOf(string name) => Path.Combine(Directory, name + ".json");
}
