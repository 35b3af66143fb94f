using System.Text.Json;
using System.Text.Json.Serialization;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Reports;

/// <summary>Where a structure came from.</summary>
/// <param name="Source">What made it: <c>generate:rattle</c>, <c>generate:ndsc</c>, <c>generate:random</c>, <c>explore</c>.</param>
/// <param name="Parameters">The maker's parameters in one line.</param>
/// <param name="Parent">The structure it was derived from.</param>
/// <param name="Walker">The MD walker that found it.</param>
/// <param name="TemperatureK">The walker's temperature, K.</param>
/// <param name="MdStep">The MD step.</param>
public sealed record AuditOrigin(string Source, string? Parameters, string? Parent, int? Walker, double? TemperatureK, long? MdStep);

/// <summary>One labelling of a structure (successful or failed).</summary>
/// <param name="StructureId">The structure.</param>
/// <param name="Method">The labeller, e.g. <c>teacher:Stillinger-Weber</c>, <c>pw.x</c>.</param>
/// <param name="SettingsHash">Hash of the labeller's settings.</param>
/// <param name="Version">The code's version, when it printed one.</param>
/// <param name="JobId">The scheduler's job id, for labels computed in jobs.</param>
/// <param name="WorkDirectory">The run's directory.</param>
/// <param name="Attempts">Runs it took.</param>
/// <param name="Corrections">What error handlers changed between attempts.</param>
/// <param name="Status"><c>ok</c> or <c>failed</c>.</param>
/// <param name="FailureReason">Why it failed.</param>
/// <param name="EnergyEv">The energy, eV.</param>
/// <param name="Iteration">The iteration in which it was computed.</param>
/// <param name="LabelledAt">When it was recorded (UTC, ISO 8601).</param>
public sealed record AuditLabel(
    long StructureId, string Method, string SettingsHash, string? Version, string? JobId, string? WorkDirectory, int Attempts,
    IReadOnlyList<string> Corrections, string Status, string? FailureReason, double? EnergyEv, int Iteration, string LabelledAt);

/// <summary>A structure of the data set: identity, origin, why it was added, and its labels.</summary>
/// <param name="Id">The store's id (1, 2, … in order of addition).</param>
/// <param name="Hash">Its content hash.</param>
/// <param name="Iteration">The iteration that added it (0: initial steps).</param>
/// <param name="Step">The step that added it, e.g. <c>loop.steps[0]</c>.</param>
/// <param name="Formula">Its chemical formula.</param>
/// <param name="Atoms">Its number of atoms.</param>
/// <param name="Origin">Where it came from.</param>
/// <param name="Reason">Why it was added.</param>
/// <param name="Grade">Its extrapolation grade γ when it was selected by one.</param>
/// <param name="Labels">Its labels, oldest first.</param>
public sealed record AuditStructure(
    long Id, string Hash, int Iteration, string Step, string Formula, int Atoms, AuditOrigin Origin, string Reason, double? Grade, IReadOnlyList<AuditLabel> Labels);

/// <summary>A candidate that was not added, and why.</summary>
/// <param name="Hash">Its content hash.</param>
/// <param name="DuplicateOf">The structure it duplicates, if that is the reason.</param>
/// <param name="Origin">Where it came from.</param>
/// <param name="Reason">Why it was rejected.</param>
public sealed record AuditRejection(string Hash, long? DuplicateOf, AuditOrigin Origin, string Reason);

/// <summary>A model fitted in an iteration.</summary>
/// <param name="Path">The file relative to the work directory.</param>
/// <param name="Hash">SHA-256 of the file.</param>
/// <param name="DatasetHash">SHA-256 of its training data.</param>
/// <param name="Structures">Training structures.</param>
/// <param name="Metrics">Training errors.</param>
public sealed record AuditModel(string Path, string Hash, string DatasetHash, int Structures, JsonElement Metrics);

/// <summary>One iteration: what was added, rejected, failed to label, and fitted.</summary>
/// <param name="Iteration">0 for the initial steps.</param>
/// <param name="State">running or finished.</param>
/// <param name="Added">Structures added.</param>
/// <param name="Rejected">Candidates rejected.</param>
/// <param name="LabelFailures">Labels that failed in this iteration (of structures of any iteration).</param>
/// <param name="Models">Models fitted.</param>
/// <param name="Validations">The validate steps' figures for the model in use; empty when the iteration validated nothing.</param>
public sealed record AuditIteration(
    int Iteration, string State, IReadOnlyList<AuditStructure> Added, IReadOnlyList<AuditRejection> Rejected, IReadOnlyList<AuditLabel> LabelFailures,
    IReadOnlyList<AuditModel> Models, IReadOnlyList<AuditValidation>? Validations = null);

/// <summary>One validate step: the model in use judged on the validation set (and, when asked, against the teacher's phonons).</summary>
/// <param name="ModelHash">SHA-256 of the model judged.</param>
/// <param name="Structures">Validation structures.</param>
/// <param name="EnergyRmseMeVPerAtom">Energy RMSE, meV/atom.</param>
/// <param name="ForceRmseEVPerAngstrom">Force RMSE, eV/Å.</param>
/// <param name="Survival">Share of survival runs that finished, or null.</param>
/// <param name="PhononRmseTHz">Phonon frequency RMSE against the teacher, THz, or null.</param>
/// <param name="PhononMaxErrorTHz">The largest phonon frequency difference, THz, or null.</param>
public sealed record AuditValidation(
    string ModelHash, int Structures, [property: JsonPropertyName("energy_rmse_mev_per_atom")] double? EnergyRmseMeVPerAtom, double? ForceRmseEVPerAngstrom,
    double? Survival, [property: JsonPropertyName("phonon_rmse_thz")] double? PhononRmseTHz, [property: JsonPropertyName("phonon_max_error_thz")] double? PhononMaxErrorTHz);

/// <summary>One event of the append-only log.</summary>
/// <param name="Time">UTC, ISO 8601.</param>
/// <param name="Iteration">The iteration, when the event belongs to one.</param>
/// <param name="Kind">e.g. <c>label.requested</c>, <c>label.computed</c>, <c>step.finished</c>.</param>
/// <param name="Message">What happened.</param>
public sealed record AuditEvent(string Time, int? Iteration, string Kind, string Message);

/// <summary>
/// What <c>al audit WORKDIR --json</c> prints (schema <c>al-audit/1</c>, documented in docs/audit.md): the iterations
/// (all, or the one asked for), or with <c>--structure</c> one structure and its events.
/// </summary>
/// <param name="Schema">Always <c>al-audit/1</c>; a change of meaning gets a new number.</param>
/// <param name="Campaign">The campaign's name.</param>
/// <param name="Iterations">The iterations reported (empty with <c>--structure</c>).</param>
/// <param name="Structure">The structure asked for, or <see langword="null"/>.</param>
/// <param name="Events">The structure's events, or empty.</param>
public sealed record AuditReport(string Schema, string Campaign, IReadOnlyList<AuditIteration> Iterations, AuditStructure? Structure, IReadOnlyList<AuditEvent> Events)
{
    /// <summary>The schema name of this version of the report.</summary>
    public const string SchemaName = "al-audit/1";

    /// <summary>The report of the iterations (all when <paramref name="iteration"/> is <see langword="null"/>).</summary>
    public static AuditReport ForIterations(CampaignStore store, int? iteration)
    {
        ArgumentNullException.ThrowIfNull(store);
        var iterations = new List<AuditIteration>();
        var validations = store.ReportValidations().ToLookup(v => v.Iteration);
        foreach (var row in store.Iterations())
        {
            if (iteration is { } only && row.Number != only)
            {
                continue;
            }

            var structures = store.AuditStructures("s.iteration = $n", ("$n", row.Number));
            iterations.Add(new AuditIteration(
                row.Number, row.State, structures, store.AuditRejections(row.Number), store.AuditLabelFailures(row.Number), store.AuditModels(row.Number),
                [.. validations[row.Number].Select(v => new AuditValidation(
                    v.ModelHash, v.Structures, v.EnergyRmseMeVPerAtom, v.ForceRmseEVPerAngstrom, v.Survival, v.PhononRmseTHz, v.PhononMaxErrorTHz))]));
        }

        return new AuditReport(SchemaName, store.ReadCampaign().Name, iterations, null, []);
    }

    /// <summary>The report of one structure, by id or content hash; <see langword="null"/> when there is none.</summary>
    public static AuditReport? ForStructure(CampaignStore store, string idOrHash)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(idOrHash);
        var found = long.TryParse(idOrHash, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? store.AuditStructures("s.id = $id", ("$id", id))
            : store.AuditStructures("s.hash = $h", ("$h", idOrHash.ToLowerInvariant()));
        if (found.Count == 0)
        {
            return null;
        }

        return new AuditReport(SchemaName, store.ReadCampaign().Name, [], found[0], store.AuditEvents(found[0].Id));
    }
}
