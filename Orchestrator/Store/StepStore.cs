using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>The store as one step run sees it (the <see cref="IActivityStore"/> port).</summary>
internal sealed class StepStore(CampaignStore store, long stepRun, int iteration) : IActivityStore
{
    public int Iteration => iteration;

    public IReadOnlyList<StoredStructure> StructuresWithoutLabel(string method, string settingsHash)
    {
        var result = new List<StoredStructure>();
        using var command = store.Command(
            """
            SELECT s.id, s.hash, s.iteration, s.geometry FROM structures s
            WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.structure = s.id AND l.method = $m AND l.settings_hash = $h)
            ORDER BY s.id
            """,
            ("$m", method), ("$h", settingsHash));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new StoredStructure(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), CampaignStore.ReadStructure(reader, 3)));
        }

        return result;
    }

    public (IReadOnlyList<StoredStructure> Structures, string DatasetHash) LabelledStructures() => store.LabelledDataset(int.MaxValue);

    public IReadOnlySet<string> StructureHashes()
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        using var command = store.Command("SELECT hash FROM structures");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }

    public void RecordLabelRequests(IReadOnlyList<long> structureIds, string method)
    {
        ArgumentNullException.ThrowIfNull(structureIds);
        using var transaction = store.Begin();
        foreach (var id in structureIds)
        {
            store.AppendEvent(iteration, stepRun, "label.requested", id, $"structure {id} sent to {method}");
        }

        Heartbeat();
        transaction.Commit();
    }

    public void RecordLabel(long structureId, LabelOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var provenance = outcome.Provenance;
        var labels = outcome.Labels;
        using var transaction = store.Begin();
        try
        {
            store.Execute(
                """
                INSERT INTO labels (structure, method, settings_hash, version, job_id, work_dir, attempts, corrections, status, failure_reason,
                                    energy, free_energy, forces, stress, iteration, step_run, labelled)
                VALUES ($s, $m, $h, $v, $job, $dir, $attempts, $corrections, $status, $reason, $e, $fe, $f, $stress, $i, $r, $now)
                """,
                ("$s", structureId), ("$m", provenance.Method), ("$h", provenance.SettingsHash), ("$v", provenance.Version),
                ("$job", provenance.JobId), ("$dir", provenance.WorkDirectory), ("$attempts", provenance.Attempts),
                ("$corrections", provenance.Corrections.Count == 0 ? null : string.Join("\n", provenance.Corrections)),
                ("$status", outcome.Succeeded ? "ok" : "failed"), ("$reason", outcome.FailureReason),
                ("$e", labels?.Energy), ("$fe", labels?.FreeEnergy),
                ("$f", labels?.Forces is { } forces ? GeometryCodec.EncodeVectors(forces) : null),
                ("$stress", labels?.Stress is { } stress ? GeometryCodec.EncodeMatrix(stress) : null),
                ("$i", iteration), ("$r", stepRun), ("$now", store.Now()));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException(
                $"structure {structureId} already has a label from {provenance.Method} with settings {provenance.SettingsHash}.", e);
        }

        store.AppendEvent(iteration, stepRun, outcome.Succeeded ? "label.computed" : "label.failed", structureId,
            outcome.Succeeded
                ? string.Create(CultureInfo.InvariantCulture, $"structure {structureId} labelled by {provenance.Method}: E = {labels!.Energy:R} eV")
                : $"structure {structureId} not labelled by {provenance.Method}: {outcome.FailureReason}");
        Heartbeat();
        transaction.Commit();
    }

    public void Complete(StepOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        using var transaction = store.Begin();
        foreach (var candidate in outcome.NewStructures)
        {
            AddOrReject(candidate);
        }

        if (outcome.Model is { } model)
        {
            store.Execute(
                "INSERT INTO models (iteration, step_run, path, hash, dataset_hash, structures, metrics, created) VALUES ($i, $r, $p, $h, $d, $n, $m, $now)",
                ("$i", iteration), ("$r", stepRun), ("$p", model.RelativePath), ("$h", model.Hash), ("$d", model.DatasetHash),
                ("$n", model.Structures), ("$m", model.MetricsJson), ("$now", store.Now()));
            store.AppendEvent(iteration, stepRun, "model.fitted", null, $"model {model.Hash[..16]} fitted to {model.Structures} structures ({model.RelativePath})");
        }

        if (outcome.Validation is { } validation)
        {
            store.Execute(
                "INSERT INTO validations (iteration, step_run, model_hash, structures, energy_rmse, force_rmse, survival, survival_runs, survived, metrics, created, phonon_rmse, phonon_max_error) VALUES ($i, $r, $h, $n, $e, $f, $s, $runs, $survived, $m, $now, $pr, $pm)",
                ("$i", iteration), ("$r", stepRun), ("$h", validation.ModelHash), ("$n", validation.Structures), ("$e", validation.EnergyRmseEVPerAtom),
                ("$f", validation.ForceRmseEVPerAngstrom), ("$s", validation.Survival), ("$runs", validation.SurvivalRuns), ("$survived", validation.Survived),
                ("$m", validation.MetricsJson), ("$now", store.Now()), ("$pr", validation.PhononRmseTHz), ("$pm", validation.PhononMaxErrorTHz));
            store.AppendEvent(iteration, stepRun, "model.validated", null, string.Create(CultureInfo.InvariantCulture,
                $"model {validation.ModelHash[..16]} on {validation.Structures} validation structures: energy RMSE {validation.EnergyRmseEVPerAtom * 1000:F2} meV/atom, force RMSE {validation.ForceRmseEVPerAngstrom:F4} eV/Å")
                + (validation.PhononRmseTHz is { } phonon ? string.Create(CultureInfo.InvariantCulture, $", phonon RMSE {phonon:F3} THz (max {validation.PhononMaxErrorTHz:F3} THz)") : string.Empty));
        }

        var now = store.Now();
        store.Execute("UPDATE step_runs SET state = 'finished', finished = $now, heartbeat = $now, summary = $summary WHERE id = $id",
            ("$now", now), ("$summary", outcome.Summary), ("$id", stepRun));
        store.AppendEvent(iteration, stepRun, "step.finished", null, outcome.Summary);
        transaction.Commit();
    }

    public IReadOnlyList<WalkerCheckpoint> KeepWalkerCheckpoints(string settingsHash)
    {
        ArgumentNullException.ThrowIfNull(settingsHash);
        using (var transaction = store.Begin())
        {
            var discarded = store.Execute("DELETE FROM walker_runs WHERE step_run = $r AND settings_hash <> $h", ("$r", stepRun), ("$h", settingsHash));
            if (discarded > 0)
            {
                store.AppendEvent(iteration, stepRun, "walker.discarded", null,
                    string.Create(CultureInfo.InvariantCulture, $"{discarded} walker checkpoints of other exploration settings discarded"));
            }

            transaction.Commit();
        }

        var grades = new Dictionary<long, List<CandidateGrade>>();
        using (var command = store.Command(
            "SELECT g.walker_run, g.md_step, g.target_temperature, g.temperature, g.gamma FROM candidate_grades g JOIN walker_runs w ON w.id = g.walker_run WHERE w.step_run = $r ORDER BY g.id",
            ("$r", stepRun)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!grades.TryGetValue(reader.GetInt64(0), out var list))
                {
                    grades[reader.GetInt64(0)] = list = [];
                }

                list.Add(new CandidateGrade(reader.GetInt32(1), reader.GetDouble(2), reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3), reader.GetDouble(4)));
            }
        }

        var result = new List<WalkerCheckpoint>();
        using var walkers = store.Command(
            "SELECT id, walker, settings_hash, stop_reason, steps_done, max_gamma, candidates_path, summary FROM walker_runs WHERE step_run = $r ORDER BY walker",
            ("$r", stepRun));
        using var rows = walkers.ExecuteReader();
        while (rows.Read())
        {
            result.Add(new WalkerCheckpoint(
                rows.GetInt32(1), rows.GetString(2), rows.GetString(3), rows.GetInt32(4), rows.IsDBNull(5) ? double.NaN : rows.GetDouble(5),
                rows.IsDBNull(6) ? null : rows.GetString(6), rows.GetString(7), grades.TryGetValue(rows.GetInt64(0), out var list) ? list : []));
        }

        return result;
    }

    public void RecordWalker(WalkerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var transaction = store.Begin();
        store.Execute("DELETE FROM walker_runs WHERE step_run = $r AND walker = $w", ("$r", stepRun), ("$w", checkpoint.Walker));
        store.Execute(
            """
            INSERT INTO walker_runs (iteration, step_run, walker, settings_hash, stop_reason, steps_done, max_gamma, candidates, candidates_path, summary, created)
            VALUES ($i, $r, $w, $h, $reason, $steps, $max, $n, $path, $summary, $now)
            """,
            ("$i", iteration), ("$r", stepRun), ("$w", checkpoint.Walker), ("$h", checkpoint.SettingsHash), ("$reason", checkpoint.StopReason),
            ("$steps", checkpoint.StepsDone), ("$max", Finite(checkpoint.MaxGamma)), ("$n", checkpoint.Grades.Count), ("$path", checkpoint.CandidatesPath),
            ("$summary", checkpoint.SummaryJson), ("$now", store.Now()));
        var id = store.Scalar<long>("SELECT last_insert_rowid()");
        foreach (var grade in checkpoint.Grades)
        {
            store.Execute(
                "INSERT INTO candidate_grades (walker_run, iteration, walker, md_step, target_temperature, temperature, gamma) VALUES ($run, $i, $w, $step, $target, $t, $gamma)",
                ("$run", id), ("$i", iteration), ("$w", checkpoint.Walker), ("$step", grade.MdStep), ("$target", grade.TargetTemperatureK),
                ("$t", Finite(grade.TemperatureK)), ("$gamma", grade.Gamma));
        }

        store.AppendEvent(iteration, stepRun, "walker.finished", null, string.Create(CultureInfo.InvariantCulture,
            $"walker {checkpoint.Walker}: {checkpoint.StopReason} after {checkpoint.StepsDone} steps, max γ {checkpoint.MaxGamma:F2}, {checkpoint.Grades.Count} candidates"));
        Heartbeat();
        transaction.Commit();
    }

    // SQLite stores NaN as NULL; the columns that can see one are nullable and read back as NaN.
    private static double? Finite(double value) => double.IsNaN(value) ? null : value;

    private void AddOrReject(NewStructure candidate)
    {
        var structure = candidate.Structure;
        var hash = StructureHash.Compute(structure);
        var origin = candidate.Origin;
        var existing = store.Scalar<long>("SELECT id FROM structures WHERE hash = $h", ("$h", hash));
        if (existing != 0)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"duplicate of structure {existing} (same content hash {hash})");
            store.Execute(
                "INSERT INTO rejections (iteration, step_run, hash, duplicate_of, source, parameters, parent, reason) VALUES ($i, $r, $h, $d, $src, $p, $parent, $reason)",
                ("$i", iteration), ("$r", stepRun), ("$h", hash), ("$d", existing), ("$src", origin.Source), ("$p", origin.Parameters),
                ("$parent", origin.Parent), ("$reason", reason));
            return;
        }

        store.Execute(
            """
            INSERT INTO structures (hash, iteration, step_run, source, parameters, parent, walker, temperature, md_step, grade, reason, formula, atoms, geometry)
            VALUES ($h, $i, $r, $src, $p, $parent, $walker, $t, $step, $grade, $reason, $formula, $atoms, $geometry)
            """,
            ("$h", hash), ("$i", iteration), ("$r", stepRun), ("$src", origin.Source), ("$p", origin.Parameters), ("$parent", origin.Parent),
            ("$walker", origin.Walker), ("$t", origin.TemperatureK), ("$step", origin.MdStep), ("$grade", candidate.Grade),
            ("$reason", candidate.Reason), ("$formula", structure.Formula), ("$atoms", structure.Count),
            ("$geometry", GeometryCodec.EncodeGeometry(structure)));
    }

    private void Heartbeat() =>
        store.Execute("UPDATE step_runs SET heartbeat = $now WHERE id = $id", ("$now", store.Now()), ("$id", stepRun));
}

/// <summary>Data-set queries shared by the activities' port, <c>al export</c> and <c>al status</c>.</summary>
public sealed partial class CampaignStore
{
    /// <summary>
    /// Every structure added up to <paramref name="lastIteration"/> that has a successful label, in order of addition, with
    /// its latest successful label as <see cref="Structure.Reference"/>; and the data set's hash: SHA-256 over each
    /// structure's content hash, iteration of addition, energy and the exact bytes of its forces and stress.
    /// </summary>
    public (IReadOnlyList<StoredStructure> Structures, string DatasetHash) LabelledDataset(int lastIteration)
    {
        var result = new List<StoredStructure>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var command = Command(
            """
            SELECT s.id, s.hash, s.iteration, s.geometry, l.energy, l.forces, l.stress, l.free_energy, s.source
            FROM structures s JOIN labels l ON l.id = (SELECT MAX(id) FROM labels WHERE structure = s.id AND status = 'ok')
            WHERE s.iteration <= $last
            ORDER BY s.id
            """,
            ("$last", lastIteration));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var structure = ReadStructure(reader, 3);
            var forces = reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5);
            var stress = reader.IsDBNull(6) ? null : (byte[])reader.GetValue(6);
            double? energy = reader.IsDBNull(4) ? null : reader.GetDouble(4);
            structure.Reference = new LabelSet(
                energy, forces is null ? null : GeometryCodec.DecodeVectors(forces), stress is null ? null : GeometryCodec.DecodeMatrix(stress),
                reader.IsDBNull(7) ? null : reader.GetDouble(7));
            structure.Info["al_id"] = InfoValue.FromInteger(reader.GetInt64(0));
            structure.Info["al_iteration"] = InfoValue.FromInteger(reader.GetInt32(2));
            structure.Info["config_type"] = reader.GetString(8);
            var contentHash = reader.GetString(1);
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{contentHash}|{reader.GetInt32(2)}|{energy:R}|")));
            hash.AppendData(forces ?? []);
            hash.AppendData(stress ?? []);
            result.Add(new StoredStructure(reader.GetInt64(0), contentHash, reader.GetInt32(2), structure));
        }

        return (result, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}

/// <summary>Model queries.</summary>
public sealed partial class CampaignStore
{
    /// <summary>The last validation recorded, as (iteration, energy RMSE eV/atom, force RMSE eV/Å, survival), or <see langword="null"/>.</summary>
    public (int Iteration, double? EnergyRmseEVPerAtom, double? ForceRmseEVPerAngstrom, double? Survival)? LastValidation()
    {
        using var command = Command("SELECT iteration, energy_rmse, force_rmse, survival FROM validations ORDER BY id DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        double? Value(int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);
        return (reader.GetInt32(0), Value(1), Value(2), Value(3));
    }

    /// <summary>The last model fitted in or before <paramref name="lastIteration"/>, or <see langword="null"/>.</summary>
    public Reports.ModelStatus? LastModel(int lastIteration)
    {
        using var command = Command(
            "SELECT iteration, path, hash, dataset_hash, structures, metrics FROM models WHERE iteration <= $last ORDER BY id DESC LIMIT 1",
            ("$last", lastIteration));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        using var metrics = System.Text.Json.JsonDocument.Parse(reader.GetString(5));
        return new Reports.ModelStatus(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), metrics.RootElement.Clone());
    }
}
