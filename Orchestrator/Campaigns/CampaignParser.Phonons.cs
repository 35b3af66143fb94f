using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>The <c>phonons:</c> block of a validate step.</summary>
public static partial class CampaignParser
{
    private sealed partial class Reader
    {
        private PhononValidationSpec? ReadPhonons(YamlNode node, string what)
        {
            if (Open(node, what, "primitive", "supercell", "displacement", "qpoints") is not { } map)
            {
                return null;
            }

            var defaults = new PhononValidationSpec();
            return new PhononValidationSpec
            {
                Primitive = map.Optional("primitive", n => PathOf(n, what + ".primitive", mustExist: true)),
                Supercell = map.Optional("supercell", n => Int(n, what + ".supercell", 1, 12)) ?? defaults.Supercell,
                Displacement = map.Optional("displacement", n => Double(n, what + ".displacement", 0, 0.2, lowExclusive: true)) ?? defaults.Displacement,
                QPoints = map.Optional("qpoints", n => ReadQPoints(n, what + ".qpoints")) ?? defaults.QPoints,
            };
        }

        private ImmutableArray<ImmutableArray<double>>? ReadQPoints(YamlNode node, string what)
        {
            const string Expected = "a list of q-points, each [q1, q2, q3] in fractional coordinates of the reciprocal lattice, e.g. [[0, 0, 0], [0.5, 0, 0.5]]";
            if (Sequence(node, what, Expected) is not { } items)
            {
                return null;
            }

            if (items.Children.Count == 0)
            {
                Error(node, $"{what}: the list is empty; expected {Expected} (or leave qpoints out for the supercell's commensurate grid)");
                return null;
            }

            var points = ImmutableArray.CreateBuilder<ImmutableArray<double>>();
            for (var i = 0; i < items.Children.Count; i++)
            {
                var where = Invariant($"{what}[{i}]");
                if (items.Children[i] is not YamlSequenceNode { Children.Count: 3 } triple)
                {
                    Error(items.Children[i], $"{where}: found {Describe(items.Children[i])}; expected three numbers [q1, q2, q3]");
                    continue;
                }

                var values = triple.Children.Select((c, k) => Double(c, Invariant($"{where}[{k}]"), -10, 10)).ToList();
                if (values.All(v => v is not null))
                {
                    points.Add([.. values.Select(v => v!.Value)]);
                }
            }

            return points.ToImmutable();
        }
    }
}
