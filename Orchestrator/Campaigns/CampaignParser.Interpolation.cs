using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>Environment variables in values (see <see cref="EnvironmentInterpolation"/>), expanded right after the YAML is read.</summary>
public static partial class CampaignParser
{
    private sealed partial class Reader
    {
        /// <summary>
        /// Expands <c>${…}</c> in every value (never in keys) of the document. A mapping value that is only references and
        /// comes out empty, such as <c>user: ${AL_SSH_USER:-}</c> with the variable unset, drops its key: the key's default
        /// applies. Problems are reported at the reference's line and column.
        /// </summary>
        public void Interpolate(YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children.ToList())
                    {
                        if (value is YamlScalarNode scalar)
                        {
                            if (ExpandScalar(scalar) && scalar is { Value: "", Style: ScalarStyle.Plain })
                            {
                                map.Children.Remove(key);
                            }
                        }
                        else
                        {
                            Interpolate(value);
                        }
                    }

                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children)
                    {
                        if (item is YamlScalarNode scalar)
                        {
                            ExpandScalar(scalar);
                        }
                        else
                        {
                            Interpolate(item);
                        }
                    }

                    break;
            }
        }

        /// <summary>Expands one scalar in place; true when it held anything to expand.</summary>
        private bool ExpandScalar(YamlScalarNode scalar)
        {
            if (scalar.Value is not { } text || !EnvironmentInterpolation.HasReferences(text))
            {
                return false;
            }

            var problems = new List<InterpolationProblem>();
            scalar.Value = EnvironmentInterpolation.Expand(text, Environment.GetEnvironmentVariable, problems);
            foreach (var problem in problems)
            {
                // On one line the value's offset is the column's; a quote before the value moves it by one. A value spread
                // over lines is folded by YAML, so its start is the best position known.
                var oneLine = scalar.Start.Line == scalar.End.Line;
                var column = oneLine
                    ? (int)scalar.Start.Column + problem.Offset + (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0)
                    : (int)scalar.Start.Column;
                Errors.Add(new CampaignError(file, (int)scalar.Start.Line, column, problem.Message));
            }

            return true;
        }
    }
}
