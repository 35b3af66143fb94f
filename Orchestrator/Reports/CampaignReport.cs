using System.Text.Json;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Reports;

/// <summary>One validate step's figures.</summary>
/// <param name="Iteration">The iteration it ran in.</param>
/// <param name="ModelHash">SHA-256 of the model it judged.</param>
/// <param name="Structures">Validation structures.</param>
/// <param name="EnergyRmseMeVPerAtom">Energy RMSE, meV/atom.</param>
/// <param name="ForceRmseEVPerAngstrom">Force RMSE, eV/Å.</param>
/// <param name="Survival">Share of survival runs that finished (0–1), or null when none ran.</param>
public sealed record ReportValidation(int Iteration, string ModelHash, int Structures, double? EnergyRmseMeVPerAtom, double? ForceRmseEVPerAngstrom, double? Survival)
{
    /// <summary>Survival runs made, or null when none ran.</summary>
    public int? SurvivalRuns { get; init; }

    /// <summary>Survival runs that finished all their steps, or null when none ran.</summary>
    public int? Survived { get; init; }

    /// <summary>Phonon frequency RMSE against the teacher, THz, or null when the step compared no phonons.</summary>
    public double? PhononRmseTHz { get; init; }

    /// <summary>The largest phonon frequency difference, THz, or null.</summary>
    public double? PhononMaxErrorTHz { get; init; }
}

/// <summary>What an iteration's explore step found: the γ of every candidate it kept and the largest γ any walker saw.</summary>
/// <param name="Gammas">γ of each candidate (frames above γ_select), ascending.</param>
/// <param name="MaxGamma">The largest γ among all graded frames of its walkers.</param>
public sealed record ReportExploration(IReadOnlyList<double> Gammas, double MaxGamma);

/// <summary>One row of the report: one iteration.</summary>
/// <param name="Iteration">0 for the initial steps.</param>
/// <param name="State">running or finished.</param>
/// <param name="Added">Structures the iteration added to the data set.</param>
/// <param name="Labelled">Successful labels computed in the iteration.</param>
/// <param name="Failed">Labels that failed in the iteration.</param>
/// <param name="Exploration">What its explore step found, or null when it explored nothing.</param>
/// <param name="Validation">Its last validate step's figures, or null.</param>
/// <param name="Model"><c>new</c> (first model), <c>replaced</c>, <c>kept</c> (the fit guard kept the previous model) or null (no fit).</param>
/// <param name="Guard">The fit guard's decision in words, when it judged.</param>
public sealed record ReportIteration(
    int Iteration, string State, int Added, int Labelled, int Failed, ReportExploration? Exploration, ReportValidation? Validation, string? Model, string? Guard)
{
    /// <summary>Whether the iteration ran the campaign's <c>final</c> steps, after the loop.</summary>
    public bool Final { get; init; }
}

/// <summary>
/// What <c>al report</c> shows, per iteration, all from the store: counts, models and validations (the audit's queries),
/// and the γ of the candidates and the largest γ of each walker, recorded by the explore step as its walkers finished.
/// </summary>
/// <param name="Campaign">The campaign's name.</param>
/// <param name="State">Its state as last recorded.</param>
/// <param name="StopReason">Why it finished or stopped.</param>
/// <param name="Iterations">One row per iteration, in order.</param>
public sealed record CampaignReport(string Campaign, string State, string? StopReason, IReadOnlyList<ReportIteration> Iterations)
{
    /// <summary>For a campaign whose reference is a potential: the student against its teacher (see <see cref="StudentTeacherComparison.Read"/>); null otherwise or when not asked for.</summary>
    public StudentTeacherComparison? StudentTeacher { get; init; }

    /// <summary>Reads the report from a store.</summary>
    public static CampaignReport Read(CampaignStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var campaign = store.ReadCampaign();
        var audit = AuditReport.ForIterations(store, null);
        var labelled = audit.Iterations.SelectMany(i => i.Added).SelectMany(s => s.Labels).Where(l => l.Status == "ok")
            .GroupBy(l => l.Iteration).ToDictionary(g => g.Key, g => g.Count());
        var validations = store.ReportValidations().GroupBy(v => v.Iteration).ToDictionary(g => g.Key, g => g.Last());
        var explorations = store.ReportExplorations();
        var rows = new List<ReportIteration>();
        string? previousModel = null;
        foreach (var iteration in audit.Iterations)
        {
            string? model = null, guard = null;
            if (iteration.Models.Count > 0)
            {
                var last = iteration.Models[^1];
                model = previousModel is null ? "new" : last.Hash == previousModel ? "kept" : "replaced";
                guard = last.Metrics.ValueKind == JsonValueKind.Object && last.Metrics.TryGetProperty("Guard", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
                previousModel = last.Hash;
            }

            rows.Add(new ReportIteration(
                iteration.Iteration, iteration.State, iteration.Added.Count, labelled.GetValueOrDefault(iteration.Iteration), iteration.LabelFailures.Count,
                explorations.GetValueOrDefault(iteration.Iteration), validations.GetValueOrDefault(iteration.Iteration), model, guard)
            {
                Final = iteration.FinalAfter is not null,
            });
        }

        return new CampaignReport(campaign.Name, campaign.State, campaign.StopReason, rows);
    }
}
