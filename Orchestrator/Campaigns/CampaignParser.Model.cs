using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>The <c>model:</c> block: <c>kind: mtp</c> or <c>kind: snap</c>, each with its own keys.</summary>
public static partial class CampaignParser
{
    private static readonly string[] MtpModelKeys = ["level", "min_dist", "max_dist", "radial_basis_size"];

    private static readonly string[] SnapModelKeys = ["twojmax", "rcutfac", "rfac0", "rmin0", "switch", "bzero", "quadratic", "radius", "weight"];

    private sealed partial class Reader
    {
        // The model kind as read (null until the model block is read or when it has none): fit options that apply to one
        // kind only are checked against it, and the model block comes before them in Read.
        private string? modelKind;

        private ModelSpec? ReadModel(YamlNode node, ImmutableArray<string>? species)
        {
            var kindNode = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode("kind"), out var k) ? k : null;
            var kindText = (kindNode as YamlScalarNode)?.Value;
            var own = kindText == "snap" ? SnapModelKeys : MtpModelKeys;
            if (OpenModel(node, kindText, own) is not { } map)
            {
                return null;
            }

            modelKind = map.Required("kind", n => Choice(n, "model.kind", "mtp", "snap"));
            return modelKind switch
            {
                "mtp" => ReadMtpModel(map, node),
                "snap" => ReadSnapModel(map, species),
                _ => null,
            };
        }

        // Like Open, but a key of the other kind is refused as not applying to this kind rather than as unknown.
        private Fields? OpenModel(YamlNode node, string? kind, string[] own)
        {
            if (node is not YamlMappingNode map)
            {
                return Open(node, "model", ["kind", .. own]);
            }

            var other = kind == "snap" ? MtpModelKeys : kind == "mtp" ? SnapModelKeys : [];
            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value;
                if (name == "kind" || (name is not null && own.Contains(name)))
                {
                    continue;
                }

                Error(key, name is not null && other.Contains(name)
                    ? $"model: '{name}' does not apply to kind {kind}; expected kind and {string.Join(", ", own)}"
                    : $"model: unknown key '{name ?? Describe(key)}'; expected one of kind, {string.Join(", ", own)}");
            }

            return new Fields(this, map, "model");
        }

        private ModelSpec ReadMtpModel(Fields map, YamlNode node)
        {
            var level = map.Optional("level", n => Int(n, "model.level", 2, 28, mustBeEven: true)) ?? 10;
            var minDist = map.Optional("min_dist", n => Double(n, "model.min_dist", 0, double.MaxValue, lowExclusive: true)) ?? 2.0;
            var maxDistNode = map.Node("max_dist");
            var maxDist = map.Optional("max_dist", n => Double(n, "model.max_dist", 0, double.MaxValue, lowExclusive: true)) ?? 5.0;
            var basis = map.Optional("radial_basis_size", n => Int(n, "model.radial_basis_size", 2, 32)) ?? 8;
            if (maxDist <= minDist)
            {
                Error(maxDistNode ?? node, Invariant($"model.max_dist: {maxDist} Å is not above min_dist {minDist} Å; expected min_dist < max_dist"));
            }

            return new ModelSpec { Level = level, MinDist = minDist, MaxDist = maxDist, RadialBasisSize = basis };
        }

        private ModelSpec ReadSnapModel(Fields map, ImmutableArray<string>? species)
        {
            var defaults = new SnapModelSpec();
            var known = species ?? [];
            var snap = new SnapModelSpec
            {
                TwoJMax = map.Optional("twojmax", n => Int(n, "model.twojmax", 0, 20)) ?? defaults.TwoJMax,
                CutoffFactor = map.Optional("rcutfac", n => Double(n, "model.rcutfac", 0, double.MaxValue, lowExclusive: true)) ?? defaults.CutoffFactor,
                RadialFactor = map.Optional("rfac0", n => Double(n, "model.rfac0", 0, 1, lowExclusive: true)) ?? defaults.RadialFactor,
                InnerRadius = map.Optional("rmin0", n => Double(n, "model.rmin0", 0, double.MaxValue)) ?? defaults.InnerRadius,
                Switch = map.Optional("switch", n => Boolean(n, "model.switch")) ?? defaults.Switch,
                BZero = map.Optional("bzero", n => Boolean(n, "model.bzero")) ?? defaults.BZero,
                Quadratic = map.Optional("quadratic", n => Boolean(n, "model.quadratic")) ?? defaults.Quadratic,
                Radius = Filled(map.Optional("radius", n => PerSpecies(n, "model.radius", known)), known, SnapModelSpec.DefaultRadius),
                Weight = Filled(map.Optional("weight", n => PerSpecies(n, "model.weight", known)), known, SnapModelSpec.DefaultWeight),
            };

            // The mapping onto the 3-sphere measures distances from rmin0 up to each pair's cutoff, so rmin0 must lie below the shortest.
            var shortest = snap.Radius.Count == 0 ? double.PositiveInfinity : 2 * snap.CutoffFactor * snap.Radius.Values.Min();
            if (map.Node("rmin0") is { } rmin0Node && snap.InnerRadius >= shortest)
            {
                Error(rmin0Node, Invariant($"model.rmin0: {snap.InnerRadius} Å is not below the shortest pair cutoff {shortest} Å (rcutfac × twice the smallest radius); expected a smaller rmin0"));
            }

            return new ModelSpec { Kind = "snap", Snap = snap };
        }

        // A number for every species, or a mapping from some of the campaign's species to numbers (> 0).
        private ImmutableSortedDictionary<string, double>? PerSpecies(YamlNode node, string what, ImmutableArray<string> species)
        {
            if (node is YamlScalarNode)
            {
                return Double(node, what, 0, double.MaxValue, lowExclusive: true) is { } all
                    ? species.ToImmutableSortedDictionary(s => s, _ => all, StringComparer.Ordinal)
                    : null;
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, $"{what}: found {Describe(node)}; expected a positive number for every species or a mapping such as {{ {(species.IsDefaultOrEmpty ? "Si" : species[0])}: 0.5 }}");
                return null;
            }

            var values = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var symbol = Text(key, what, species.Contains, $"one of the campaign's species ({string.Join(", ", species)})");
                var number = Double(value, $"{what}.{symbol}", 0, double.MaxValue, lowExclusive: true);
                if (symbol is not null && number is not null)
                {
                    values[symbol] = number.Value;
                }
            }

            return values.ToImmutable();
        }

        private static ImmutableSortedDictionary<string, double> Filled(
            ImmutableSortedDictionary<string, double>? given, ImmutableArray<string> species, double fallback)
        {
            var filled = (given ?? ImmutableSortedDictionary<string, double>.Empty.WithComparers(StringComparer.Ordinal)).ToBuilder();
            foreach (var symbol in species)
            {
                if (!filled.ContainsKey(symbol))
                {
                    filled[symbol] = fallback;
                }
            }

            return filled.ToImmutable();
        }

        // Radial refinement belongs to moment tensor potentials; a SNAP fit is linear only, so the key would be ignored.
        private void RefuseForSnap(Fields map, string key, string what)
        {
            if (modelKind == "snap" && map.KeyNode(key) is { } node)
            {
                Error(node, string.Create(CultureInfo.InvariantCulture,
                    $"{what}.{key}: refines the radial functions of a moment tensor potential and does not apply to model kind snap; expected no {key} (a SNAP fit is linear)"));
            }
        }
    }
}
