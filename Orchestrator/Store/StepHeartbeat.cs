using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>
/// Keeps a running step run's <c>heartbeat</c> fresh while the step computes, so that <c>al status</c> can tell a step that
/// works from one whose process is gone: every <see cref="Interval"/> of the store's clock it writes the time into the
/// step run's row, until disposed.
/// </summary>
/// <remarks>
/// The beat has a connection of its own, because the store's connection belongs to the step (one user at a time). The two
/// never interleave inside a transaction: the store's transactions begin <c>IMMEDIATE</c>, taking the database's write
/// lock first, and a beat is a single autocommitted <c>UPDATE</c>, so SQLite (WAL, <c>busy_timeout</c>) runs one after the
/// other. The beat touches only the heartbeat column of its own row and only while that row is <c>running</c>, so it can
/// neither undo nor outlive the step's end. A beat that cannot get the lock within the busy timeout is skipped (the next
/// one, or the step's own next commit, refreshes the heartbeat).
/// </remarks>
public sealed class StepHeartbeat : IDisposable
{
    /// <summary>How often the engine refreshes a running step's heartbeat: 10 s.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly SqliteConnection connection;
    private readonly CampaignStore store;
    private readonly long stepRun;
    private readonly ITimer timer;
    private readonly Lock gate = new();
    private bool disposed;

    internal StepHeartbeat(CampaignStore store, string databasePath, long stepRun, TimeProvider time, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        this.store = store;
        this.stepRun = stepRun;
        Interval = interval;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Pooling = false,
            Mode = SqliteOpenMode.ReadWrite,
            DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout=5000";
            pragma.ExecuteNonQuery();
        }

        timer = time.CreateTimer(_ => Beat(), null, interval, interval);
    }

    /// <summary>The time between beats.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Beats written so far.</summary>
    public int Beats { get; private set; }

    /// <summary>Beats skipped because the database stayed locked beyond the busy timeout.</summary>
    public int SkippedBeats { get; private set; }

    /// <summary>Why the last beat was skipped, or <see langword="null"/> when the last beat was written.</summary>
    public string? LastProblem { get; private set; }

    /// <summary>Stops the beats; a beat in progress finishes first.</summary>
    public void Dispose()
    {
        timer.Dispose();
        lock (gate)
        {
            disposed = true;
            connection.Dispose();
        }
    }

    private void Beat()
    {
        // A slow beat must not pile up behind itself on the timer's threads.
        if (!gate.TryEnter())
        {
            return;
        }

        try
        {
            if (disposed)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE step_runs SET heartbeat = $now WHERE id = $id AND state = 'running'";
            command.Parameters.AddWithValue("$now", store.Now());
            command.Parameters.AddWithValue("$id", stepRun);
            if (command.ExecuteNonQuery() > 0)
            {
                Beats++;
            }

            LastProblem = null;
        }
        catch (SqliteException e)
        {
            SkippedBeats++;
            LastProblem = e.Message;
        }
        finally
        {
            gate.Exit();
        }
    }
}
