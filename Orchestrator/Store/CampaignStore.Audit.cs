using System.Text.Json;
using ActiveLearning.Orchestrator.Reports;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>The audit's queries.</summary>
public sealed partial class CampaignStore
{
    internal List<AuditStructure> AuditStructures(string where, params (string Name, object? Value)[] parameters)
    {
        var labels = new Dictionary<long, List<AuditLabel>>();
        using (var command = Command($"{LabelColumns} JOIN structures s ON s.id = l.structure WHERE {where} ORDER BY l.id", parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var label = ReadLabel(reader);
                label = label with { Job = AuditJobOf(label) };
                if (!labels.TryGetValue(label.StructureId, out var list))
                {
                    labels[label.StructureId] = list = [];
                }

                list.Add(label);
            }
        }

        var result = new List<AuditStructure>();
        using var structures = Command(
            $"""
            SELECT s.id, s.hash, s.iteration, r.step_path, s.formula, s.atoms, s.source, s.parameters, s.parent, s.walker, s.temperature, s.md_step, s.reason, s.grade
            FROM structures s JOIN step_runs r ON r.id = s.step_run WHERE {where} ORDER BY s.id
            """,
            parameters);
        using var rows = structures.ExecuteReader();
        while (rows.Read())
        {
            var id = rows.GetInt64(0);
            result.Add(new AuditStructure(
                id, rows.GetString(1), rows.GetInt32(2), rows.GetString(3), rows.GetString(4), rows.GetInt32(5),
                new AuditOrigin(rows.GetString(6), NullableString(rows, 7), NullableString(rows, 8),
                    rows.IsDBNull(9) ? null : rows.GetInt32(9), rows.IsDBNull(10) ? null : rows.GetDouble(10), rows.IsDBNull(11) ? null : rows.GetInt64(11)),
                rows.GetString(12), rows.IsDBNull(13) ? null : rows.GetDouble(13),
                labels.TryGetValue(id, out var list) ? list : []));
        }

        return result;
    }

    internal List<AuditRejection> AuditRejections(int iteration)
    {
        var result = new List<AuditRejection>();
        using var command = Command("SELECT hash, duplicate_of, source, parameters, parent, reason FROM rejections WHERE iteration = $n ORDER BY id", ("$n", iteration));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new AuditRejection(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1),
                new AuditOrigin(reader.GetString(2), NullableString(reader, 3), NullableString(reader, 4), null, null, null), reader.GetString(5)));
        }

        return result;
    }

    internal List<AuditLabel> AuditLabelFailures(int iteration)
    {
        var result = new List<AuditLabel>();
        using var command = Command($"{LabelColumns} WHERE l.iteration = $n AND l.status = 'failed' ORDER BY l.id", ("$n", iteration));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var label = ReadLabel(reader);
            result.Add(label with { Job = AuditJobOf(label) });
        }

        return result;
    }

    internal List<AuditModel> AuditModels(int iteration)
    {
        var result = new List<AuditModel>();
        using var command = Command("SELECT path, hash, dataset_hash, structures, metrics FROM models WHERE iteration = $n ORDER BY id", ("$n", iteration));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var metrics = JsonDocument.Parse(reader.GetString(4));
            result.Add(new AuditModel(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), metrics.RootElement.Clone()));
        }

        return result;
    }

    internal List<AuditWalker> AuditWalkers(int iteration)
    {
        var result = new List<AuditWalker>();
        using var command = Command("SELECT walker, stop_reason, steps_done, max_gamma, candidates FROM walker_runs WHERE iteration = $n ORDER BY step_run, walker", ("$n", iteration));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new AuditWalker(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetInt32(4)));
        }

        return result;
    }

    internal List<AuditValidation> AuditValidations(int iteration)
    {
        var result = new List<AuditValidation>();
        using var command = Command(
            "SELECT model_hash, structures, energy_rmse, force_rmse, survival, survival_runs, survived, metrics, phonon_rmse, phonon_max_error FROM validations WHERE iteration = $n ORDER BY id",
            ("$n", iteration));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            double? Value(int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);
            int? Count(int column) => reader.IsDBNull(column) ? null : reader.GetInt32(column);
            using var metrics = JsonDocument.Parse(reader.GetString(7));
            result.Add(new AuditValidation(reader.GetString(0), reader.GetInt32(1), Value(2) * 1000, Value(3), Value(4), Count(5), Count(6), metrics.RootElement.Clone())
            {
                PhononRmseTHz = Value(8),
                PhononMaxErrorTHz = Value(9),
            });
        }

        return result;
    }

    internal List<AuditEvent> AuditEvents(long structure)
    {
        var result = new List<AuditEvent>();
        using var command = Command("SELECT time, iteration, kind, message FROM events WHERE structure = $s ORDER BY id", ("$s", structure));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new AuditEvent(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetString(2), reader.GetString(3)));
        }

        return result;
    }

    // The label's task is the last attempt the labeller made for the structure with this method and settings.
    private AuditJob? AuditJobOf(AuditLabel label) =>
        Jobs("WHERE structure = $s AND method = $m AND settings_hash = $h", ("$s", label.StructureId), ("$m", label.Method), ("$h", label.SettingsHash))
            .OrderBy(j => j.Attempt).Select(j => new AuditJob(j.Scheduler, j.JobId, j.Task, j.State, j.Attempt, j.Tries, j.Created, j.Submitted, j.Started, j.Finished))
            .LastOrDefault();

    private const string LabelColumns =
        "SELECT l.structure, l.method, l.settings_hash, l.version, l.job_id, l.work_dir, l.attempts, l.corrections, l.status, l.failure_reason, l.energy, l.iteration, l.labelled FROM labels l";

    private static AuditLabel ReadLabel(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), NullableString(reader, 3), NullableString(reader, 4), NullableString(reader, 5),
        reader.GetInt32(6), reader.IsDBNull(7) ? [] : reader.GetString(7).Split('\n'), reader.GetString(8), NullableString(reader, 9),
        reader.IsDBNull(10) ? null : reader.GetDouble(10), reader.GetInt32(11), reader.GetString(12));

    private static string? NullableString(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
