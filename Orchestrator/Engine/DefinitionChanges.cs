using System.Globalization;
using System.Text;
using System.Text.Json;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>Explains how an edited campaign file differs from the definition a work directory was run with, and what that means.</summary>
internal static class DefinitionChanges
{
    public static string Explain(CampaignRow stored, Campaign edited, CampaignStore store)
    {
        Campaign old;
        try
        {
            old = CampaignParser.Parse(stored.Definition, stored.FilePath);
        }
        catch (CampaignException e)
        {
            return $"  the stored definition (from {stored.FilePath}) no longer parses ({e.Errors[0]}), so the two cannot be compared in detail; definition hash {stored.DefinitionHash[..16]} → {CampaignJson.DefinitionHash(edited)[..16]}.";
        }

        var lines = new List<string>();
        void Compare(string what, object? before, object? after, string consequence)
        {
            if (Json(before) != Json(after))
            {
                lines.Add($"  {what} changed: {Json(before)} → {Json(after)}; {consequence}");
            }
        }

        Compare("name", old.Name, edited.Name, "only the name shown");
        Compare("seed", old.Seed, edited.Seed, "steps not yet run draw other random numbers");
        Compare("species", old.Species, edited.Species, "later fits use the new species");
        Compare("model", old.Model, edited.Model, "the next fit uses the new model settings");
        Compare("reference", old.Reference, edited.Reference, "structures labelled already keep their labels; the next label step labels every structure again with the new reference");
        Compare("fit", old.Fit, edited.Fit, "the next fit uses the new settings");
        Compare("clusters", old.Clusters, edited.Clusters, "jobs submitted from now on use the new clusters");
        Compare("loop.max_iterations and stop_when", new { old.Loop.MaxIterations, old.Loop.StopWhen }, new { edited.Loop.MaxIterations, edited.Loop.StopWhen }, "checked before each new iteration");
        const string FinalIterations = "SELECT number FROM iterations WHERE stop_reason IS NOT NULL";
        CompareSteps(lines, "initial", old.Initial, edited.Initial, store, "iteration = 0");
        CompareSteps(lines, "loop.steps", old.Loop.Steps, edited.Loop.Steps, store, $"iteration >= 1 AND iteration NOT IN ({FinalIterations})");
        CompareSteps(lines, "final", old.Final, edited.Final, store, $"iteration IN ({FinalIterations})");
        if (lines.Count == 0)
        {
            lines.Add("  the two definitions mean the same but are written differently (paths as written differ)");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static void CompareSteps(List<string> lines, string what, IReadOnlyList<CampaignStep> before, IReadOnlyList<CampaignStep> after, CampaignStore store, string iterations)
    {
        var count = Math.Max(before.Count, after.Count);
        for (var i = 0; i < count; i++)
        {
            var old = i < before.Count ? before[i] : null;
            var now = i < after.Count ? after[i] : null;
            var oldHash = old is null ? null : CampaignJson.StepHash(old);
            var newHash = now is null ? null : CampaignJson.StepHash(now);
            if (oldHash == newHash)
            {
                continue;
            }

            var finished = store.StepRuns("WHERE step_index = $s AND state = 'finished' AND " + iterations, ("$s", i))
                .Select(r => r.Iteration).ToList();
            var ran = finished.Count == 0
                ? "it has not finished in any iteration yet, so it runs with the new settings"
                : $"finished runs (iteration{(finished.Count == 1 ? string.Empty : "s")} {string.Join(", ", finished)}) keep their results; runs from now on use the new settings";
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  {what}[{i}] ");
            text.Append(old is null ? $"added ({now!.Keyword})" : now is null ? $"removed ({old.Keyword})" : $"changed ({old.Keyword} → {now.Keyword}): {Json(old)} → {Json(now)}");
            text.Append("; ").Append(now is null ? "it will not run again" : ran);
            lines.Add(text.ToString());
        }
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new PathAsWritten() },
    };

    private static string Json(object? value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), Options);

    private sealed class PathAsWritten : System.Text.Json.Serialization.JsonConverter<CampaignPath>
    {
        public override CampaignPath Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, CampaignPath value, JsonSerializerOptions options) => writer.WriteStringValue(value.Written);
    }
}
