using ActiveLearning.Orchestrator.Reports;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>The report's queries (the rest it shares with the audit).</summary>
public sealed partial class CampaignStore
{
    internal List<ReportValidation> ReportValidations()
    {
        var result = new List<ReportValidation>();
        using var command = Command("SELECT iteration, model_hash, structures, energy_rmse, force_rmse, survival, survival_runs, survived, phonon_rmse, phonon_max_error FROM validations ORDER BY id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            double? Value(int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);
            int? Count(int column) => reader.IsDBNull(column) ? null : reader.GetInt32(column);
            result.Add(new ReportValidation(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), Value(3) * 1000, Value(4), Value(5))
            {
                SurvivalRuns = Count(6),
                Survived = Count(7),
                PhononRmseTHz = Value(8),
                PhononMaxErrorTHz = Value(9),
            });
        }

        return result;
    }

    /// <summary>Per iteration that explored: the γ of every candidate its walkers kept (ascending) and the largest γ any walker saw.</summary>
    internal Dictionary<int, ReportExploration> ReportExplorations()
    {
        var gammas = new Dictionary<int, List<double>>();
        var maxima = new Dictionary<int, double>();
        using (var command = Command("SELECT iteration, MAX(COALESCE(max_gamma, 0)) FROM walker_runs GROUP BY iteration"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                maxima[reader.GetInt32(0)] = reader.GetDouble(1);
                gammas[reader.GetInt32(0)] = [];
            }
        }

        using (var command = Command("SELECT iteration, gamma FROM candidate_grades ORDER BY iteration, gamma"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                gammas[reader.GetInt32(0)].Add(reader.GetDouble(1));
            }
        }

        return gammas.ToDictionary(g => g.Key, g => new ReportExploration(g.Value, Math.Max(maxima[g.Key], g.Value.Count == 0 ? 0 : g.Value[^1])));
    }
}
