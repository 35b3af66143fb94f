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
    IReadOnlyList<string> Corrections, string Status, string? FailureReason, double? EnergyEv, int Iteration, string LabelledAt)
{
    /// <summary>The scheduler task that computed the label (its last attempt), for labels computed by a code; null for teachers.</summary>
    public AuditJob? Job { get; init; }
}

/// <summary>The scheduler task behind a label, from the jobs table.</summary>
/// <param name="Scheduler"><c>local</c> or <c>slurm</c>.</param>
/// <param name="JobId">The batch job's id (SLURM's id, or <c>local</c>).</param>
/// <param name="Task">The task's name (its work directory's name).</param>
/// <param name="State">Finished, Failed, or a state of a task still in flight.</param>
/// <param name="Attempt">The labeller's attempt this task was (1, then one more per correction).</param>
/// <param name="Tries">Batch jobs submitted for the task.</param>
/// <param name="Created">When the task was handed to the scheduler (UTC, ISO 8601).</param>
/// <param name="Submitted">When its batch job was submitted.</param>
/// <param name="Started">When its batch job was first seen running.</param>
/// <param name="Finished">When it ended.</param>
public sealed record AuditJob(
    string Scheduler, string? JobId, string Task, string State, int Attempt, int Tries, string Created, string? Submitted, string? Started, string? Finished);

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

/// <summary>A validate step's measurement of the model in use.</summary>
/// <param name="ModelHash">SHA-256 of the model file judged.</param>
/// <param name="Structures">Validation structures.</param>
/// <param name="EnergyRmseMeVPerAtom">Energy RMSE, meV/atom.</param>
/// <param name="ForceRmseEVPerAngstrom">Force RMSE, eV/Å.</param>
/// <param name="Survival">Share of survival runs that finished (0–1), or null when none ran.</param>
/// <param name="SurvivalRuns">Survival runs made, or null.</param>
/// <param name="Survived">Survival runs that finished, or null.</param>
/// <param name="Metrics">Every figure: errors overall and per config_type, and each survival run's end in words.</param>
public sealed record AuditValidation(
    string ModelHash, int Structures, double? EnergyRmseMeVPerAtom, double? ForceRmseEVPerAngstrom, double? Survival, int? SurvivalRuns, int? Survived,
    JsonElement Metrics)
{
    /// <summary>Phonon frequency RMSE against the teacher over every q-point and branch, THz, or null when not compared.</summary>
    [JsonPropertyName("phonon_rmse_thz")]
    public double? PhononRmseTHz { get; init; }

    /// <summary>The largest phonon frequency difference, THz, or null when not compared.</summary>
    [JsonPropertyName("phonon_max_error_thz")]
    public double? PhononMaxErrorTHz { get; init; }
}

/// <summary>An explore walker that finished (committed as it finished).</summary>
/// <param name="Walker">The walker (0-based).</param>
/// <param name="StopReason">Completed, GammaBreak, Overlap, FlewApart or Failed.</param>
/// <param name="StepsDone">MD steps it ran.</param>
/// <param name="MaxGamma">The largest γ of its graded frames, or null when none could be graded.</param>
/// <param name="Candidates">Frames it kept above γ_select.</param>
public sealed record AuditWalker(int Walker, string StopReason, int StepsDone, double? MaxGamma, int Candidates);

/// <summary>One iteration: what was added, rejected, failed to label, fitted and measured.</summary>
/// <param name="Iteration">0 for the initial steps.</param>
/// <param name="State">running or finished.</param>
/// <param name="Added">Structures added.</param>
/// <param name="Rejected">Candidates rejected.</param>
/// <param name="LabelFailures">Labels that failed in this iteration (of structures of any iteration).</param>
/// <param name="Models">Models fitted.</param>
/// <param name="Walkers">Explore walkers that finished, by walker.</param>
/// <param name="Validations">Validate steps' measurements.</param>
public sealed record AuditIteration(
    int Iteration, string State, IReadOnlyList<AuditStructure> Added, IReadOnlyList<AuditRejection> Rejected, IReadOnlyList<AuditLabel> LabelFailures,
    IReadOnlyList<AuditModel> Models, IReadOnlyList<AuditWalker> Walkers, IReadOnlyList<AuditValidation> Validations)
{
    /// <summary>For the iteration of the campaign's <c>final</c> steps, the stop rule that ended the loop; otherwise <see langword="null"/>.</summary>
    public string? FinalAfter { get; init; }
}

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
        foreach (var row in store.Iterations())
        {
            if (iteration is { } only && row.Number != only)
            {
                continue;
            }

            var structures = store.AuditStructures("s.iteration = $n", ("$n", row.Number));
            iterations.Add(new AuditIteration(
                row.Number, row.State, structures, store.AuditRejections(row.Number), store.AuditLabelFailures(row.Number), store.AuditModels(row.Number),
                store.AuditWalkers(row.Number), store.AuditValidations(row.Number)) { FinalAfter = row.StopReason });
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
