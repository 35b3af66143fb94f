using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>The jobs table: one row per labelling task, kept up to date from the scheduler's reports.</summary>
public sealed partial class CampaignStore
{
    private const string JobColumns =
        "SELECT name, structure, scheduler, method, settings_hash, attempt, remote_id, state, tries, last_error, work_dir, created, submitted, started, finished, updated FROM jobs";

    /// <summary>
    /// Eight hex digits that tell this campaign from every other one (SHA-256 of its name and creation time): the engine
    /// names its batch jobs and its folder on a cluster with them, so two campaigns sharing a cluster never mistake each
    /// other's jobs or runs for their own.
    /// </summary>
    public string CampaignKey()
    {
        using var command = Command("SELECT name, created FROM campaign WHERE id = 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"{Workdir}: the campaign database has no campaign row.");
        }

        var text = reader.GetString(0) + "\n" + reader.GetString(1);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
    }

    /// <summary>The id of the structure with this content hash, or null.</summary>
    public long? StructureIdByHash(string hash)
    {
        var id = Scalar<long>("SELECT id FROM structures WHERE hash = $h", ("$h", hash));
        return id == 0 ? null : id;
    }

    /// <summary>The row of a task, or null.</summary>
    public JobRow? FindJob(string task) => Jobs("WHERE name = $n", ("$n", task)).FirstOrDefault();

    /// <summary>Jobs rows matching a filter (SQL after FROM jobs), in order of creation.</summary>
    internal List<JobRow> Jobs(string where, params (string Name, object? Value)[] parameters)
    {
        var rows = new List<JobRow>();
        using var command = Command($"{JobColumns} {where} ORDER BY id", parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(ReadJob(reader));
        }

        return rows;
    }

    /// <summary>The tasks that have not ended (see <see cref="JobRow.InFlightStates"/>), oldest first.</summary>
    public IReadOnlyList<JobRow> JobsInFlight() => Jobs($"WHERE state IN ({InFlightList})");

    /// <summary>How many tasks have not ended.</summary>
    public long CountJobsInFlight() => Scalar<long>($"SELECT COUNT(*) FROM jobs WHERE state IN ({InFlightList})");

    private static string InFlightList => string.Join(", ", JobRow.InFlightStates.Select(s => "'" + s + "'"));

    /// <summary>
    /// Records that a task was handed to the scheduler: a new row in state Pending, or, for a task that has a row (a resumed
    /// step asks again for what an earlier run submitted), the same row with its state, job id and times kept.
    /// </summary>
    public void RecordJobTask(JobRow row, long? stepRun)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var transaction = Begin();
        Execute(
            """
            INSERT INTO jobs (name, structure, scheduler, method, settings_hash, attempt, remote_id, state, tries, last_error, work_dir,
                              created, submitted, started, finished, updated, step_run)
            VALUES ($name, $structure, $scheduler, $method, $hash, $attempt, $job, $state, $tries, $error, $dir, $created, $submitted, $started, $finished, $updated, $run)
            ON CONFLICT (name) DO UPDATE SET step_run = $run, updated = $updated
            """,
            ("$name", row.Task), ("$structure", row.StructureId), ("$scheduler", row.Scheduler), ("$method", row.Method), ("$hash", row.SettingsHash),
            ("$attempt", row.Attempt), ("$job", row.JobId), ("$state", row.State), ("$tries", row.Tries), ("$error", row.LastError),
            ("$dir", row.WorkDirectory), ("$created", row.Created), ("$submitted", row.Submitted), ("$started", row.Started),
            ("$finished", row.Finished), ("$updated", row.Updated), ("$run", stepRun));
        transaction.Commit();
    }

    /// <summary>Writes a task's row as <see cref="JobRow.Apply"/> made it (the row must exist).</summary>
    public void UpdateJob(JobRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var transaction = Begin();
        Execute(
            """
            UPDATE jobs SET remote_id = $job, state = $state, tries = $tries, last_error = $error, work_dir = $dir,
                            submitted = $submitted, started = $started, finished = $finished, updated = $updated
            WHERE name = $name
            """,
            ("$name", row.Task), ("$job", row.JobId), ("$state", row.State), ("$tries", row.Tries), ("$error", row.LastError),
            ("$dir", row.WorkDirectory), ("$submitted", row.Submitted), ("$started", row.Started), ("$finished", row.Finished), ("$updated", row.Updated));
        transaction.Commit();
    }

    private static JobRow ReadJob(SqliteDataReader reader) => new(
        reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2), NullableString(reader, 3) ?? string.Empty,
        NullableString(reader, 4) ?? string.Empty, reader.IsDBNull(5) ? 1 : reader.GetInt32(5), NullableString(reader, 6), reader.GetString(7),
        reader.GetInt32(8), NullableString(reader, 9), NullableString(reader, 10), NullableString(reader, 11) ?? reader.GetString(15),
        NullableString(reader, 12), NullableString(reader, 13), NullableString(reader, 14), reader.GetString(15));
}
