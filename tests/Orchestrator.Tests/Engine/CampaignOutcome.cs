using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>What a finished campaign produced, read straight from its database, for comparing runs.</summary>
/// <param name="DatasetHash">The last model's training-data hash.</param>
/// <param name="ModelHashes">Every model's file hash, by iteration.</param>
/// <param name="Structures">Every structure's content hash and iteration of addition, in order of addition.</param>
/// <param name="ComputedLabelsPerStructure">How many label.computed/label.failed events each structure has.</param>
/// <param name="Labels">Label rows.</param>
/// <param name="Integrity">PRAGMA integrity_check.</param>
/// <param name="State">The campaign's state.</param>
internal sealed record CampaignOutcome(
    string DatasetHash, IReadOnlyList<string> ModelHashes, IReadOnlyList<string> Structures, IReadOnlyDictionary<long, long> ComputedLabelsPerStructure,
    long Labels, string Integrity, string State)
{
    /// <summary>How far a campaign got: structures/labels/models committed.</summary>
    public static string Progress(string workdir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(workdir, "campaign.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM structures) || '/' || (SELECT COUNT(*) FROM labels) || '/' || (SELECT COUNT(*) FROM models)";
        return (string)command.ExecuteScalar()!;
    }

    public static CampaignOutcome Read(string workdir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(workdir, "campaign.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        List<string> Strings(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var values = new List<string>();
            while (reader.Read())
            {
                values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
            }

            return values;
        }

        var perStructure = new Dictionary<long, long>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT structure, COUNT(*) FROM events WHERE kind IN ('label.computed', 'label.failed') GROUP BY structure";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                perStructure[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        return new CampaignOutcome(
            Strings("SELECT dataset_hash FROM models ORDER BY id DESC LIMIT 1").Single(),
            Strings("SELECT iteration || ':' || hash FROM models ORDER BY id"),
            Strings("SELECT hash || '@' || iteration FROM structures ORDER BY id"),
            perStructure,
            long.Parse(Strings("SELECT COUNT(*) FROM labels").Single(), System.Globalization.CultureInfo.InvariantCulture),
            string.Join(";", Strings("PRAGMA integrity_check")),
            Strings("SELECT state FROM campaign").Single());
    }
}
