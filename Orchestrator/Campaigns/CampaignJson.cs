using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>The normalised JSON form of a campaign and the definition hashes taken from it.</summary>
/// <remarks>
/// The JSON has a fixed property order (the model's), snake_case names, every default filled in and invariant number
/// formatting, so the hash depends on what a campaign means, not on how its file is formatted (key order, indentation,
/// flow or block style, comments, <c>1</c> versus <c>1.0</c>). Paths enter the hash as written, so moving a campaign
/// together with its files keeps its hash.
/// </remarks>
public static class CampaignJson
{
    private static readonly JsonSerializerOptions Display = Options(writtenPaths: false, indented: true);
    private static readonly JsonSerializerOptions Canonical = Options(writtenPaths: true, indented: false);

    /// <summary>The normalised campaign as indented JSON, paths resolved to absolute ones (for <c>al validate --json</c>).</summary>
    public static string Serialize(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return JsonSerializer.Serialize(campaign, Display);
    }

    /// <summary>The campaign's definition hash: lowercase hex SHA-256 of its canonical JSON.</summary>
    public static string DefinitionHash(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return Hash(JsonSerializer.Serialize(campaign, Canonical));
    }

    /// <summary>The hash of one step's parameters (lowercase hex SHA-256), to tell which steps an edited campaign changes.</summary>
    public static string StepHash(CampaignStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Hash(JsonSerializer.Serialize(step, Canonical));
    }

    private static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static JsonSerializerOptions Options(bool writtenPaths, bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new PathConverter(writtenPaths));
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitNewKeysAtDefault } };
        options.MakeReadOnly();
        return options;
    }

    // Keys added after campaigns were first run are left out at their defaults, so such campaigns keep their definition
    // hash (and resume without a change to accept) as long as they do not use them.
    private static void OmitNewKeysAtDefault(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (type.Type == typeof(Campaign) && property.Name == "final")
            {
                property.ShouldSerialize = (_, value) => value is ImmutableArray<CampaignStep> { IsDefaultOrEmpty: false };
            }
            else if (type.Type == typeof(FitStep) && property.Name == "guard")
            {
                property.ShouldSerialize = (_, value) => value is false;
            }
        }
    }

    private sealed class PathConverter(bool written) : JsonConverter<CampaignPath>
    {
        public override CampaignPath Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Campaigns are read from YAML only.");

        public override void Write(Utf8JsonWriter writer, CampaignPath value, JsonSerializerOptions options) =>
            writer.WriteStringValue(written ? value.Written.Replace('\\', '/') : value.FullPath);
    }
}
