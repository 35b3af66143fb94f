using System.CommandLine;
using System.Globalization;
using ActiveLearning.Orchestrator.Campaigns;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al validate FILE</c>: checks a campaign file without running anything.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The campaign file (YAML)." };
        var json = new Option<bool>("--json") { Description = "Print the normalised campaign (every default filled in, paths absolute) as JSON." };
        var command = new Command(
            "validate",
            """
            Check a campaign file: every error is printed as FILE:LINE:COLUMN: what is wrong; expected …

            Nothing is run and no work directory is created. Exit codes: 0 valid (a summary and the definition hash
            are printed), 2 errors.

            Examples:
              al validate samples/si-embedded.yaml
              al validate campaign.yaml --json
            """)
        {
            file, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            Campaign campaign;
            try
            {
                campaign = CampaignParser.Parse(path);
            }
            catch (CampaignException e)
            {
                foreach (var error in e.Errors)
                {
                    await context.Error.WriteLineAsync(error.ToString());
                }

                await context.Error.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture, $"al: {path}: {e.Errors.Count} error{(e.Errors.Count == 1 ? string.Empty : "s")}."));
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(CampaignJson.Serialize(campaign));
                return ExitCodes.Ok;
            }

            await context.Output.WriteLineAsync(Summary(campaign));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Summary(Campaign campaign)
    {
        var text = new System.Text.StringBuilder();
        var model = campaign.Model;
        text.AppendLine(CultureInfo.InvariantCulture, $"Campaign {campaign.Name}: valid");
        text.AppendLine(CultureInfo.InvariantCulture, $"  workdir    {campaign.Workdir.FullPath}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  seed       {campaign.Seed}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  species    {string.Join(", ", campaign.Species)}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  model      {Engine.StudentModels.Describe(model)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  reference  {Describe(campaign.Reference)}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  clusters   {string.Join(", ", campaign.Clusters.Select(c => $"{c.Key} ({c.Value.Kind})"))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  initial    {Steps(campaign.Initial)}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  loop       {Steps(campaign.Loop.Steps)}; at most {campaign.Loop.MaxIterations} iterations");
        if (campaign.Final.Length > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  final      {Steps(campaign.Final)}");
        }

        text.Append(CultureInfo.InvariantCulture, $"  hash       {CampaignJson.DefinitionHash(campaign)}");
        return text.ToString();
    }

    private static string Describe(ReferenceSpec reference) => reference switch
    {
        PotentialReference p => $"potential {p.Potential}",
        CodeReference c => $"{c.Code} on {c.On}",
        _ => reference.ToString(),
    };

    private static string Steps(IEnumerable<CampaignStep> steps)
    {
        var names = steps.Select(s => s is GenerateStep g ? $"generate {KindOf(g.Generator)}" : s.Keyword).ToList();
        return names.Count == 0 ? "(none)" : string.Join(" → ", names);
    }

    private static string KindOf(GeneratorSpec generator) => generator switch
    {
        NdscGenerator => "ndsc",
        RandomGenerator => "random",
        _ => "rattle",
    };
}
