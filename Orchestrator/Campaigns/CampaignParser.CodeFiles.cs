using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>Directories a code reads where it runs: checked here, or only for their form when the code runs over ssh.</summary>
public static partial class CampaignParser
{
    private sealed partial class Reader
    {
        /// <summary>Whether the reference being read runs its code on a cluster reached over ssh (its files are there, not here).</summary>
        private bool codeRunsOverSsh;

        /// <summary>
        /// A directory the code reads (pw.x's <c>pseudo_dir</c>, CP2K's DFTB parameters): an existing directory here, or, when the
        /// code runs on a cluster reached over ssh, an absolute path on that cluster (which is checked when the jobs run).
        /// </summary>
        private string? CodeDirectoryOf(YamlNode node, string what)
        {
            if (!codeRunsOverSsh)
            {
                return DirectoryOf(node, what);
            }

            return Text(node, what, s => s.StartsWith('/'), "an absolute path on the cluster the reference runs on");
        }
    }
}
