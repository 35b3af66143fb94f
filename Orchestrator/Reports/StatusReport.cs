using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Reports;

/// <summary>The last fitted model, as <c>al status</c> reports it.</summary>
/// <param name="Iteration">The iteration that fitted it.</param>
/// <param name="Path">The file relative to the work directory.</param>
/// <param name="Hash">SHA-256 of the file.</param>
/// <param name="DatasetHash">SHA-256 of its training data (structures and labels).</param>
/// <param name="Structures">Training structures.</param>
/// <param name="Metrics">Training errors (energy meV/atom, forces eV/Å, stress GPa).</param>
public sealed record ModelStatus(int Iteration, string Path, string Hash, string DatasetHash, int Structures, JsonElement Metrics);

/// <summary>The step most recently started, as <c>al status</c> reports it.</summary>
/// <param name="Iteration">Its iteration.</param>
/// <param name="Step">Its path in the campaign file.</param>
/// <param name="Keyword">generate, label, fit, …</param>
/// <param name="State">running, finished, failed or interrupted.</param>
/// <param name="Attempt">How many times it was started.</param>
/// <param name="Started">When it last started (UTC).</param>
/// <param name="Heartbeat">When it last recorded progress (UTC).</param>
/// <param name="Summary">Its result, once finished.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="HeartbeatAgeSeconds">Seconds since the heartbeat, by the reader's clock.</param>
/// <param name="Stale">
/// Whether the step is recorded as running but nothing keeps it alive: its heartbeat is older than
/// <see cref="CampaignStore.StaleAfterIntervals"/> heartbeat intervals and no al process holds the work directory.
/// </param>
public sealed record StepStatus(
    int Iteration, string Step, string Keyword, string State, int Attempt, string Started, string Heartbeat, string? Summary, string? Error,
    double HeartbeatAgeSeconds, bool Stale);

/// <summary>The last validate step's figures, as <c>al status</c> reports them.</summary>
/// <param name="Iteration">The iteration it ran in.</param>
/// <param name="ModelHash">SHA-256 of the model it judged.</param>
/// <param name="EnergyRmseMeVPerAtom">Energy RMSE on the validation set, meV/atom.</param>
/// <param name="ForceRmseEVPerAngstrom">Force RMSE on the validation set, eV/Å.</param>
/// <param name="Survival">Share of survival runs that finished (0–1), or null when none ran.</param>
/// <param name="SurvivalRuns">Survival runs made, or null.</param>
/// <param name="Survived">Survival runs that finished, or null.</param>
public sealed record ValidationStatus(
    int Iteration, string ModelHash, double? EnergyRmseMeVPerAtom, double? ForceRmseEVPerAngstrom, double? Survival, int? SurvivalRuns, int? Survived);

/// <summary>What <c>al status WORKDIR --json</c> prints; property names and meanings are stable (see docs/audit.md).</summary>
/// <param name="Campaign">The campaign's name.</param>
/// <param name="Workdir">The work directory (absolute).</param>
/// <param name="State">running, stopped, failed or finished, as last recorded.</param>
/// <param name="Active">Whether an al process holds the work directory now.</param>
/// <param name="StopReason">Why it finished or stopped.</param>
/// <param name="DefinitionHash">The stored definition's hash.</param>
/// <param name="Iteration">The latest iteration started, or -1.</param>
/// <param name="IterationsFinished">Iterations finished (including iteration 0 of the initial steps).</param>
/// <param name="Step">The step most recently started.</param>
/// <param name="Structures">Structures in the data set.</param>
/// <param name="Labelled">Structures with a successful label.</param>
/// <param name="LabelFailures">Failed labels.</param>
/// <param name="Rejected">Candidates rejected (e.g. duplicates).</param>
/// <param name="JobsInFlight">Labelling tasks handed to a scheduler and not ended (pending, submitting, queued, running, or waiting for an unreachable cluster).</param>
/// <param name="LastModel">The last fitted model.</param>
/// <param name="LastValidation">The last validate step's figures, or null.</param>
public sealed record StatusReport(
    string Campaign, string Workdir, string State, bool Active, string? StopReason, string DefinitionHash, int Iteration, int IterationsFinished,
    StepStatus? Step, long Structures, long Labelled, long LabelFailures, long Rejected, long JobsInFlight, ModelStatus? LastModel,
    ValidationStatus? LastValidation)
{
    /// <summary>The tasks counted by <see cref="JobsInFlight"/>, oldest first, from the jobs table.</summary>
    public IReadOnlyList<JobRow> Jobs { get; init; } = [];

    /// <summary>Whether <see cref="Iteration"/> runs (or ran) the campaign's <c>final</c> steps, after the loop.</summary>
    public bool FinalSteps { get; init; }

    /// <summary>JSON options of the report (snake_case).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Reads the report from a store.</summary>
    public static StatusReport Read(CampaignStore store, bool active = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        var campaign = store.ReadCampaign();
        var iterations = store.Iterations();
        var step = store.StepRuns("WHERE id = (SELECT MAX(id) FROM step_runs)").FirstOrDefault();
        var model = store.LastModel(int.MaxValue);
        return new StatusReport(
            campaign.Name, store.Workdir, campaign.State, active, campaign.StopReason, campaign.DefinitionHash,
            iterations.Count == 0 ? -1 : iterations[^1].Number,
            iterations.Count(i => i.State == "finished"),
            step is null ? null : ReadStep(store, step, active),
            store.Scalar<long>("SELECT COUNT(*) FROM structures"),
            store.Scalar<long>("SELECT COUNT(DISTINCT structure) FROM labels WHERE status = 'ok'"),
            store.Scalar<long>("SELECT COUNT(*) FROM labels WHERE status = 'failed'"),
            store.Scalar<long>("SELECT COUNT(*) FROM rejections"),
            store.CountJobsInFlight(),
            model,
            store.ReportValidations() is { Count: > 0 } validations ? Status(validations[^1]) : null)
        {
            Jobs = store.JobsInFlight(),
            FinalSteps = iterations.Count > 0 && iterations[^1].IsFinal,
        };
    }

    private static StepStatus ReadStep(CampaignStore store, StepRunRow step, bool active)
    {
        var age = DateTimeOffset.TryParse(step.Heartbeat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var beat)
            ? Math.Max(0, (store.UtcNow - beat).TotalSeconds)
            : double.PositiveInfinity;
        var stale = step.State == "running" && !active
            && age > CampaignStore.StaleAfterIntervals * StepHeartbeat.DefaultInterval.TotalSeconds;
        return new StepStatus(step.Iteration, step.StepPath, step.Keyword, step.State, step.Attempt, step.Started, step.Heartbeat, step.Summary, step.Error,
            Math.Round(age, 1), stale);
    }

    private static ValidationStatus Status(ReportValidation v) =>
        new(v.Iteration, v.ModelHash, v.EnergyRmseMeVPerAtom, v.ForceRmseEVPerAngstrom, v.Survival, v.SurvivalRuns, v.Survived);
}
