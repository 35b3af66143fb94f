using System.Globalization;
using ActiveLearning.Atomistics;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>The campaign row: what is being run and how far it got.</summary>
/// <param name="Name">The campaign's name.</param>
/// <param name="FilePath">The campaign file it was last run from (absolute).</param>
/// <param name="Definition">That file's text when it was last run.</param>
/// <param name="DefinitionHash">The definition hash of that text.</param>
/// <param name="State">running, stopped, failed or finished.</param>
/// <param name="StopReason">Why it finished or stopped, or <see langword="null"/>.</param>
public sealed record CampaignRow(string Name, string FilePath, string Definition, string DefinitionHash, string State, string? StopReason);

/// <summary>One iteration's row.</summary>
/// <param name="Number">0 for the initial steps, then 1, 2, …</param>
/// <param name="State">running or finished.</param>
/// <param name="Added">Structures added in it, once finished.</param>
/// <param name="StopReason">For the iteration of the <c>final</c> steps, the stop rule that ended the loop; otherwise <see langword="null"/>.</param>
public sealed record IterationRow(int Number, string State, int? Added, string? StopReason = null)
{
    /// <summary>Whether this iteration ran the campaign's <c>final</c> steps (after the stop rule <see cref="StopReason"/> held).</summary>
    public bool IsFinal => StopReason is not null;
}

/// <summary>One step run's row.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Iteration">Its iteration.</param>
/// <param name="StepIndex">Position of the step in <c>initial</c> or <c>loop.steps</c>.</param>
/// <param name="StepPath">The step's path in the campaign file, e.g. <c>loop.steps[1]</c>.</param>
/// <param name="Keyword">generate, label, fit, …</param>
/// <param name="ParamsHash">Hash of the step's settings when it (last) started.</param>
/// <param name="State">running, finished, failed or interrupted.</param>
/// <param name="Attempt">How many times it was started.</param>
/// <param name="Started">When it (last) started, ISO 8601 UTC.</param>
/// <param name="Finished">When it finished, or <see langword="null"/>.</param>
/// <param name="Heartbeat">When it last recorded progress.</param>
/// <param name="Summary">Its one-line result once finished.</param>
/// <param name="Error">Why it failed, or <see langword="null"/>.</param>
public sealed record StepRunRow(
    long Id, int Iteration, int StepIndex, string StepPath, string Keyword, string ParamsHash, string State, int Attempt,
    string Started, string? Finished, string Heartbeat, string? Summary, string? Error);

/// <summary>
/// The campaign's durable state in <c>WORKDIR/campaign.db</c>: SQLite in WAL mode with <c>synchronous=FULL</c>, so a
/// committed transaction survives a crash or power loss; schema brought forward by numbered migrations.
/// </summary>
/// <remarks>One process at a time uses a work directory (see <see cref="Engine.WorkdirLock"/>); this class is not thread-safe.</remarks>
public sealed partial class CampaignStore : IDisposable
{
    /// <summary>The database's file name inside the work directory.</summary>
    public const string FileName = "campaign.db";

    private readonly SqliteConnection connection;
    private readonly TimeProvider time;
    private SqliteTransaction? current;

    private CampaignStore(SqliteConnection connection, TimeProvider time, string workdir)
    {
        this.connection = connection;
        this.time = time;
        Workdir = workdir;
    }

    /// <summary>The work directory (absolute).</summary>
    public string Workdir { get; }

    /// <summary>Whether a work directory holds a campaign database.</summary>
    public static bool Exists(string workdir) => File.Exists(Path.Combine(workdir, FileName));

    /// <summary>
    /// Opens the database of a work directory, creating it (and the campaign row) when the campaign was never started or its
    /// creation was interrupted before the campaign row was committed.
    /// </summary>
    /// <param name="workdir">The work directory (created if missing).</param>
    /// <param name="name">The campaign's name.</param>
    /// <param name="filePath">The campaign file (absolute).</param>
    /// <param name="definition">The campaign file's text.</param>
    /// <param name="definitionHash">Its definition hash.</param>
    /// <param name="time">The clock.</param>
    /// <param name="isNew">Whether the campaign row was created now.</param>
    public static CampaignStore OpenOrCreate(
        string workdir, string name, string filePath, string definition, string definitionHash, TimeProvider time, out bool isNew)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(definitionHash);
        Directory.CreateDirectory(workdir);
        var store = OpenConnection(workdir, time);
        isNew = !store.HasCampaign;
        if (isNew)
        {
            using var transaction = store.Begin();
            var now = store.Now();
            store.Execute(
                "INSERT INTO campaign (id, name, file_path, definition, definition_hash, state, created, updated) VALUES (1, $name, $path, $definition, $hash, 'running', $now, $now)",
                ("$name", name), ("$path", filePath), ("$definition", definition), ("$hash", definitionHash), ("$now", now));
            store.AppendEvent(null, null, "campaign.created", null, $"campaign {name} created from {filePath} (definition {definitionHash[..16]})");
            transaction.Commit();
        }

        return store;
    }

    /// <summary>Whether the campaign row exists (it is committed when <c>al run</c> creates the campaign).</summary>
    public bool HasCampaign => Scalar<long>("SELECT COUNT(*) FROM campaign") > 0;

    /// <summary>Opens an existing campaign database, bringing its schema forward if it is older.</summary>
    /// <exception cref="FileNotFoundException">There is no database in <paramref name="workdir"/>.</exception>
    /// <exception cref="InvalidOperationException">The database is newer than this program.</exception>
    public static CampaignStore Open(string workdir, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!Exists(workdir))
        {
            throw new FileNotFoundException($"{workdir}: no campaign here ({FileName} is missing).", Path.Combine(workdir, FileName));
        }

        return OpenConnection(workdir, time);
    }

    private static CampaignStore OpenConnection(string workdir, TimeProvider time)
    {
        var full = Path.GetFullPath(workdir);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(full, FileName),
            Pooling = false,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        connection.Open();
        var store = new CampaignStore(connection, time, full);
        try
        {
            store.Execute("PRAGMA journal_mode=WAL");
            store.Execute("PRAGMA synchronous=FULL");
            store.Execute("PRAGMA foreign_keys=ON");
            store.Execute("PRAGMA busy_timeout=5000");
            store.Migrate();
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>The schema version of the open database.</summary>
    public int SchemaVersion => (int)Scalar<long>("PRAGMA user_version");

    /// <summary>The result of <c>PRAGMA integrity_check</c> (<c>ok</c> when the file is sound).</summary>
    public string IntegrityCheck() => string.Join("; ", Column<string>("PRAGMA integrity_check"));

    private void Migrate()
    {
        var version = SchemaVersion;
        if (version > Schema.Version)
        {
            throw new InvalidOperationException(
                $"{Path.Combine(Workdir, FileName)} has schema version {version}, newer than this al ({Schema.Version}); use a newer al.");
        }

        for (var next = version; next < Schema.Version; next++)
        {
            using var transaction = Begin();
            Execute(Schema.Migrations[next]);
            Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {next + 1}"));
            transaction.Commit();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        connection.Dispose();
    }

    // ---- campaign -------------------------------------------------------------------------------------------------

    /// <summary>The campaign row.</summary>
    public CampaignRow ReadCampaign()
    {
        using var command = Command("SELECT name, file_path, definition, definition_hash, state, stop_reason FROM campaign WHERE id = 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"{Workdir}: the campaign database has no campaign row.");
        }

        return new CampaignRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    /// <summary>Replaces the stored definition (the user accepted an edited campaign file).</summary>
    public void UpdateDefinition(string filePath, string definition, string definitionHash, string explanation)
    {
        using var transaction = Begin();
        Execute("UPDATE campaign SET file_path = $path, definition = $definition, definition_hash = $hash, updated = $now WHERE id = 1",
            ("$path", filePath), ("$definition", definition), ("$hash", definitionHash), ("$now", Now()));
        AppendEvent(null, null, "campaign.definition_changed", null, explanation);
        transaction.Commit();
    }

    /// <summary>Sets the campaign's state (running, stopped, failed, finished) with a reason.</summary>
    public void SetCampaignState(string state, string? reason)
    {
        using var transaction = Begin();
        Execute("UPDATE campaign SET state = $state, stop_reason = $reason, updated = $now WHERE id = 1",
            ("$state", state), ("$reason", reason), ("$now", Now()));
        AppendEvent(null, null, "campaign." + state, null, reason ?? state);
        transaction.Commit();
    }

    // ---- iterations and step runs ---------------------------------------------------------------------------------

    /// <summary>Every iteration, in order.</summary>
    public IReadOnlyList<IterationRow> Iterations()
    {
        var rows = new List<IterationRow>();
        using var command = Command("SELECT number, state, added, stop_reason FROM iterations ORDER BY number");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new IterationRow(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }

    /// <summary>Starts an iteration (no-op when it exists); <paramref name="stopReason"/> marks the iteration of the final steps.</summary>
    public void BeginIteration(int number, string? stopReason = null)
    {
        using var transaction = Begin();
        if (Execute("INSERT OR IGNORE INTO iterations (number, state, started, stop_reason) VALUES ($n, 'running', $now, $reason)",
            ("$n", number), ("$now", Now()), ("$reason", stopReason)) > 0)
        {
            AppendEvent(number, null, "iteration.started", null, stopReason is null
                ? string.Create(CultureInfo.InvariantCulture, $"iteration {number} started")
                : string.Create(CultureInfo.InvariantCulture, $"iteration {number} (final steps) started: {stopReason}"));
        }

        transaction.Commit();
    }

    /// <summary>Marks an iteration finished, recording how many structures it added.</summary>
    public int FinishIteration(int number)
    {
        using var transaction = Begin();
        var added = (int)Scalar<long>("SELECT COUNT(*) FROM structures WHERE iteration = $n", ("$n", number));
        Execute("UPDATE iterations SET state = 'finished', finished = $now, added = $added WHERE number = $n",
            ("$n", number), ("$now", Now()), ("$added", added));
        AppendEvent(number, null, "iteration.finished", null, string.Create(CultureInfo.InvariantCulture, $"iteration {number} finished: {added} structures added"));
        transaction.Commit();
        return added;
    }

    /// <summary>The run of a step in an iteration, or <see langword="null"/> when it never started.</summary>
    public StepRunRow? FindStepRun(int iteration, int stepIndex) =>
        StepRuns("WHERE iteration = $i AND step_index = $s", ("$i", iteration), ("$s", stepIndex)).FirstOrDefault();

    /// <summary>Step runs matching a filter (SQL after FROM step_runs), in order.</summary>
    internal List<StepRunRow> StepRuns(string where, params (string Name, object? Value)[] parameters)
    {
        var rows = new List<StepRunRow>();
        using var command = Command(
            $"SELECT id, iteration, step_index, step_path, keyword, params_hash, state, attempt, started, finished, heartbeat, summary, error FROM step_runs {where} ORDER BY iteration, step_index",
            parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new StepRunRow(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return rows;
    }

    /// <summary>Starts (or restarts, with the next attempt number) a step run and returns its id.</summary>
    public long StartStepRun(int iteration, int stepIndex, string stepPath, string keyword, string paramsHash)
    {
        using var transaction = Begin();
        var now = Now();
        Execute(
            """
            INSERT INTO step_runs (iteration, step_index, step_path, keyword, params_hash, state, attempt, started, heartbeat)
            VALUES ($i, $s, $path, $keyword, $hash, 'running', 1, $now, $now)
            ON CONFLICT (iteration, step_index) DO UPDATE SET
                state = 'running', attempt = attempt + 1, started = $now, heartbeat = $now, params_hash = $hash, error = NULL
            """,
            ("$i", iteration), ("$s", stepIndex), ("$path", stepPath), ("$keyword", keyword), ("$hash", paramsHash), ("$now", now));
        var row = FindStepRun(iteration, stepIndex)!;
        AppendEvent(iteration, row.Id, "step.started", null,
            string.Create(CultureInfo.InvariantCulture, $"{stepPath} ({keyword}) started, attempt {row.Attempt}"));
        transaction.Commit();
        return row.Id;
    }

    /// <summary>Marks a step run failed (it is retried on resume).</summary>
    public void FailStepRun(long stepRun, int iteration, string error) => EndStepRun(stepRun, iteration, "failed", error);

    /// <summary>Marks a step run interrupted by a requested stop (it continues on resume).</summary>
    public void InterruptStepRun(long stepRun, int iteration) => EndStepRun(stepRun, iteration, "interrupted", null);

    private void EndStepRun(long stepRun, int iteration, string state, string? error)
    {
        using var transaction = Begin();
        Execute("UPDATE step_runs SET state = $state, error = $error, heartbeat = $now WHERE id = $id",
            ("$state", state), ("$error", error), ("$now", Now()), ("$id", stepRun));
        AppendEvent(iteration, stepRun, "step." + state, null, error ?? state);
        transaction.Commit();
    }

    /// <summary>The scoped store an activity uses during one step run.</summary>
    public Activities.Ports.IActivityStore ForStep(long stepRun, int iteration) => new StepStore(this, stepRun, iteration);

    // ---- helpers --------------------------------------------------------------------------------------------------

    internal string Now() => time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal void AppendEvent(int? iteration, long? stepRun, string kind, long? structure, string message) =>
        Execute("INSERT INTO events (time, iteration, step_run, kind, structure, message) VALUES ($t, $i, $r, $k, $s, $m)",
            ("$t", Now()), ("$i", iteration), ("$r", stepRun), ("$k", kind), ("$s", structure), ("$m", message));

    internal SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = current;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    internal int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    internal T Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    internal List<T> Column<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        var values = new List<T>();
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add((T)Convert.ChangeType(reader.GetValue(0), typeof(T), CultureInfo.InvariantCulture));
        }

        return values;
    }

    /// <summary>Begins a transaction that every command of this store joins until it is committed or disposed.</summary>
    internal Transaction Begin()
    {
        if (current is not null)
        {
            throw new InvalidOperationException("A transaction is already open on this store.");
        }

        // IMMEDIATE: the write lock is taken at BEGIN, so a heartbeat written from another connection (StepHeartbeat) waits
        // for the whole transaction instead of invalidating its snapshot half-way.
        current = connection.BeginTransaction(deferred: false);
        return new Transaction(this);
    }

    internal sealed class Transaction(CampaignStore store) : IDisposable
    {
        public void Commit() => store.current!.Commit();

        public void Dispose()
        {
            store.current?.Dispose();
            store.current = null;
        }
    }

    internal static Structure ReadStructure(SqliteDataReader reader, int geometryColumn) =>
        GeometryCodec.DecodeGeometry((byte[])reader.GetValue(geometryColumn));
}
