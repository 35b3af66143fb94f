using ActiveLearning.Orchestrator.Reports;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>The report's queries (the rest it shares with the audit).</summary>
public sealed partial class CampaignStore
{
    internal List<ReportValidation> ReportValidations()
    {
        var result = new List<ReportValidation>();
        using var command = Command("SELECT iteration, model_hash, structures, energy_rmse, force_rmse, survival, phonon_rmse, phonon_max_error FROM validations ORDER BY id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            double? Value(int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);
            result.Add(new ReportValidation(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), Value(3) * 1000, Value(4), Value(5))
            {
                PhononRmseTHz = Value(6),
                PhononMaxErrorTHz = Value(7),
            });
        }

        return result;
    }
}
