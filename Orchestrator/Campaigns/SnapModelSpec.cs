using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>
/// <c>model: { kind: snap, … }</c>: a SNAP student (Thompson et al. 2015, as LAMMPS' <c>pair_style snap</c>), linear in its
/// coefficients. The keys are LAMMPS' <c>.snapparam</c> keywords, with the flags as Booleans and the per-element radius and
/// weight of the <c>.snapcoeff</c> file as mappings from element symbol to value.
/// </summary>
public sealed record SnapModelSpec
{
    /// <summary><c>twojmax</c>: twice the largest angular momentum of the bispectrum, an integer 0–20; default 6 (30 components).</summary>
    [JsonPropertyName("twojmax")]
    public int TwoJMax { get; init; } = 6;

    /// <summary><c>rcutfac</c> (&gt; 0): the cutoff of a pair of elements a, b is rcutfac·(radius_a + radius_b) Å; default 5.0 (5 Å with the default radii).</summary>
    [JsonPropertyName("rcutfac")]
    public double CutoffFactor { get; init; } = 5.0;

    /// <summary><c>rfac0</c>: the share of π a distance at the cutoff maps to on the 3-sphere, in (0, 1]; default 0.99363 (LAMMPS' default).</summary>
    [JsonPropertyName("rfac0")]
    public double RadialFactor { get; init; } = 0.99363;

    /// <summary><c>rmin0</c>: distances are mapped from this one, Å (≥ 0 and below every pair cutoff); default 0.</summary>
    [JsonPropertyName("rmin0")]
    public double InnerRadius { get; init; }

    /// <summary><c>switch</c> (LAMMPS' switchflag): neighbours fade out with a cosine towards the cutoff; default true.</summary>
    [JsonPropertyName("switch")]
    public bool Switch { get; init; } = true;

    /// <summary><c>bzero</c> (LAMMPS' bzeroflag): the bispectrum of an isolated atom is subtracted; default true.</summary>
    [JsonPropertyName("bzero")]
    public bool BZero { get; init; } = true;

    /// <summary><c>quadratic</c> (LAMMPS' quadraticflag): products of bispectrum components as further terms; default false.</summary>
    [JsonPropertyName("quadratic")]
    public bool Quadratic { get; init; }

    /// <summary><c>radius</c>: every species' radius (&gt; 0, dimensionless, scaled by rcutfac); default 0.5 each.</summary>
    [JsonPropertyName("radius")]
    public ImmutableSortedDictionary<string, double> Radius { get; init; } = ImmutableSortedDictionary<string, double>.Empty;

    /// <summary><c>weight</c>: every species' weight in its neighbours' density (&gt; 0); default 1.0 each.</summary>
    [JsonPropertyName("weight")]
    public ImmutableSortedDictionary<string, double> Weight { get; init; } = ImmutableSortedDictionary<string, double>.Empty;

    /// <summary>The radius a species gets when the campaign gives none.</summary>
    public const double DefaultRadius = 0.5;

    /// <summary>The weight a species gets when the campaign gives none.</summary>
    public const double DefaultWeight = 1.0;

    /// <inheritdoc/>
    public bool Equals(SnapModelSpec? other) =>
        other is not null && TwoJMax == other.TwoJMax && CutoffFactor.Equals(other.CutoffFactor) && RadialFactor.Equals(other.RadialFactor)
        && InnerRadius.Equals(other.InnerRadius) && Switch == other.Switch && BZero == other.BZero && Quadratic == other.Quadratic
        && Radius.SequenceEqual(other.Radius) && Weight.SequenceEqual(other.Weight);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TwoJMax, CutoffFactor, RadialFactor, InnerRadius, Switch, BZero, Quadratic, Radius.Count);
}

/// <summary>
/// Writes a <see cref="ModelSpec"/> with only the keys of its kind: an MTP as <c>kind, level, min_dist, max_dist,
/// radial_basis_size</c> (exactly as before SNAP students existed, so MTP campaigns keep their definition hashes), a SNAP
/// model as <c>kind</c> followed by the <see cref="SnapModelSpec"/> keys.
/// </summary>
internal sealed class ModelSpecJsonConverter : JsonConverter<ModelSpec>
{
    public override ModelSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Campaigns are read from YAML only.");

    public override void Write(Utf8JsonWriter writer, ModelSpec value, JsonSerializerOptions options)
    {
        string Name(string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
        writer.WriteStartObject();
        writer.WriteString(Name(nameof(ModelSpec.Kind)), value.Kind);
        if (value.Snap is { } snap)
        {
            foreach (var property in JsonSerializer.SerializeToElement(snap, options).EnumerateObject())
            {
                property.WriteTo(writer);
            }
        }
        else
        {
            writer.WriteNumber(Name(nameof(ModelSpec.Level)), value.Level);
            writer.WriteNumber(Name(nameof(ModelSpec.MinDist)), value.MinDist);
            writer.WriteNumber(Name(nameof(ModelSpec.MaxDist)), value.MaxDist);
            writer.WriteNumber(Name(nameof(ModelSpec.RadialBasisSize)), value.RadialBasisSize);
        }

        writer.WriteEndObject();
    }
}
