using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

/// <summary>Campaign texts for tests: a small valid one, and helpers to parse text as a file in a temp folder.</summary>
internal static class CampaignFiles
{
    // Line numbers matter: the error tests point into this text.
    public const string Minimal =
        """
        name: t
        species: [Si]
        model: { kind: mtp, level: 16 }
        reference: { kind: potential, potential: sw }
        loop:
          steps:
            - select: { method: maxvol, limit: 5 }
            - fit: {}
        """;

    public static string SamplePath => Path.Combine(RepositoryRoot(), "samples", "si-embedded.yaml");

    /// <summary>Writes the text as <c>c.yaml</c> in the folder and parses it.</summary>
    public static Campaign Parse(TempDirectory folder, string text)
    {
        var path = folder.File("c.yaml");
        File.WriteAllText(path, text);
        return CampaignParser.Parse(path);
    }

    /// <summary>The errors of the text written as <c>c.yaml</c> (fails if it parses).</summary>
    public static IReadOnlyList<CampaignError> Errors(TempDirectory folder, string text)
    {
        var parse = () => Parse(folder, text);
        return parse.Should().Throw<CampaignException>().Which.Errors;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ActiveLearning.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ActiveLearning.sln not found above the test binaries.");
    }
}
