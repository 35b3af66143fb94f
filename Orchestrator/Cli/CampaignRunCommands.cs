using System.CommandLine;
using System.Globalization;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Logging;
using ActiveLearning.Orchestrator.Reports;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al run FILE</c> and <c>al resume WORKDIR</c>: run a campaign, or continue one.</summary>
internal static class CampaignRunCommands
{
    public static Command Run(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The campaign file (YAML)." };
        var accept = new Option<bool>("--accept-changes")
        {
            Description = "Continue an existing work directory with an edited campaign file: finished steps keep their results, the rest use the new file.",
        };
        var command = new Command(
            "run",
            """
            Run a campaign: the initial steps once, then the loop until a stop rule holds.

            A new work directory (the campaign's workdir) is created; an existing one is continued from where it stopped,
            and nothing finished is computed again. If the campaign file was edited since the work directory was made, the
            differences are listed and nothing runs unless --accept-changes is given. Ctrl-C or SIGTERM (kill, SLURM at a
            time limit) stops cleanly (state saved, exit 130); a second one aborts at once; both continue with al resume WORKDIR. Batch jobs already submitted
            to a cluster keep running and are picked up again (never submitted twice). Values may come from the
            environment: ${NAME}, ${NAME:-default}, $$ for a literal $.
            Exit codes: 0 finished, 1 a step failed (see al status), 2 bad input, 130 stopped.

            Examples:
              al run samples/si-embedded.yaml
              al run campaign.yaml --accept-changes
            """)
        {
            file, accept,
        };
        command.SetAction((parse, cancellationToken) => RunFileAsync(context, parse.GetValue(file)!, parse.GetValue(accept), cancellationToken));
        return command;
    }

    public static Command Resume(CliContext context)
    {
        var workdir = new Argument<string>("workdir") { Description = "The campaign's work directory." };
        var command = new Command(
            "resume",
            """
            Continue a campaign from its work directory, with the definition stored there (not the file on disk).
            Finished steps are not run again; an interrupted label step asks only for the structures still unlabelled.
            Exit codes as al run.

            Example:
              al resume runs/si-embedded
            """)
        {
            workdir,
        };
        command.SetAction((parse, cancellationToken) => ResumeAsync(context, parse.GetValue(workdir)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunFileAsync(CliContext context, string path, bool acceptChanges, CancellationToken cancellationToken)
    {
        if (ParseOrReport(context, () => CampaignParser.Parse(path)) is not { } campaign)
        {
            return ExitCodes.BadInput;
        }

        if (await ReportUnsupported(context, campaign, path))
        {
            return ExitCodes.BadInput;
        }

        var workdir = campaign.Workdir.FullPath;
        var definition = await File.ReadAllTextAsync(path, cancellationToken);
        var hash = CampaignJson.DefinitionHash(campaign);
        using var workdirLock = WorkdirLock.Acquire(workdir);
        using var store = CampaignStore.OpenOrCreate(workdir, campaign.Name, Path.GetFullPath(path), definition, hash, context.Time, out var isNew);
        if (!isNew)
        {
            var stored = store.ReadCampaign();
            if (stored.DefinitionHash != hash)
            {
                var explanation = DefinitionChanges.Explain(stored, campaign, store);
                if (!acceptChanges)
                {
                    await context.Error.WriteLineAsync($"al: {path} differs from the campaign stored in {workdir}:");
                    await context.Error.WriteLineAsync(explanation);
                    await context.Error.WriteLineAsync(
                        "Nothing was run. Continue with the stored definition: al resume " + workdir +
                        "; or continue with the edited file: al run " + path + " --accept-changes.");
                    return ExitCodes.BadInput;
                }

                store.UpdateDefinition(Path.GetFullPath(path), definition, hash, explanation);
                if (stored.State == "finished")
                {
                    // The edit may move the stop rules (e.g. more iterations); the engine checks them again.
                    store.SetCampaignState("running", "reopened with an edited campaign file");
                }

                await context.Error.WriteLineAsync("al: continuing with the edited campaign file:");
                await context.Error.WriteLineAsync(explanation);
            }
        }

        return await RunEngineAsync(context, campaign, store, isNew ? "started" : "continued", cancellationToken);
    }

    private static async Task<int> ResumeAsync(CliContext context, string workdir, CancellationToken cancellationToken)
    {
        if (!CampaignStore.Exists(workdir))
        {
            throw new BadInputException($"{workdir}: no campaign here ({CampaignStore.FileName} is missing); start it with al run FILE.");
        }

        using var workdirLock = WorkdirLock.Acquire(workdir);
        using var store = CampaignStore.Open(workdir, context.Time);
        if (!store.HasCampaign)
        {
            throw new BadInputException($"{workdir}: the campaign was never started (it was stopped while being created); start it with al run FILE.");
        }

        var stored = store.ReadCampaign();
        if (ParseOrReport(context, () => CampaignParser.Parse(stored.Definition, stored.FilePath)) is not { } campaign)
        {
            await context.Error.WriteLineAsync($"al: the campaign stored in {workdir} no longer parses (a file it names may have moved).");
            return ExitCodes.BadInput;
        }

        if (await ReportUnsupported(context, campaign, stored.FilePath))
        {
            return ExitCodes.BadInput;
        }

        return await RunEngineAsync(context, campaign, store, "resumed", cancellationToken);
    }

    private static async Task<int> RunEngineAsync(CliContext context, Campaign campaign, CampaignStore store, string how, CancellationToken cancellationToken)
    {
        // Live progress bars only on a real terminal; a file, a pipe or a test's writer gets throttled log lines.
        var terminal = TerminalProgressDisplay.ShouldUse(ReferenceEquals(context.Error, Console.Error), Console.IsErrorRedirected, Environment.GetEnvironmentVariable("TERM"))
            ? TerminalProgressDisplay.StandardErrorConsole()
            : null;
        using var log = RunLog.Create(store.Workdir, context.Error, context.Time, terminal);
        log.Information("Campaign {Name} {How} in {Workdir}", campaign.Name, how, store.Workdir);
        EngineResult result;
        try
        {
            result = terminal is null
                ? await new CampaignEngine(campaign, store, log, context.Time).RunAsync(cancellationToken)
                : await TerminalProgressDisplay.RunAsync(terminal, display =>
                    new CampaignEngine(campaign, store, log, context.Time) { ProgressDisplay = display }.RunAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Warning("Stopped on request; state saved. Continue with: al resume {Workdir}", store.Workdir);
            return ExitCodes.Cancelled;
        }

        if (!result.Finished)
        {
            log.Error("Campaign {Name} stopped: {Message}. Fix the cause and continue with: al resume {Workdir}", campaign.Name, result.Message, store.Workdir);
            return ExitCodes.Failed;
        }

        var status = StatusReport.Read(store);
        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Campaign {campaign.Name} finished: {result.Message}. {status.Structures} structures ({status.Labelled} labelled, {status.LabelFailures} failed); model {status.LastModel?.Hash ?? "none"}."));
        return ExitCodes.Ok;
    }

    private static Campaign? ParseOrReport(CliContext context, Func<Campaign> parse)
    {
        try
        {
            return parse();
        }
        catch (CampaignException e)
        {
            foreach (var error in e.Errors)
            {
                context.Error.WriteLine(error.ToString());
            }

            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"al: {e.Errors.Count} error{(e.Errors.Count == 1 ? string.Empty : "s")}; nothing was run."));
            return null;
        }
    }

    private static async Task<bool> ReportUnsupported(CliContext context, Campaign campaign, string path)
    {
        var problems = CampaignEngine.Unsupported(campaign, path);
        foreach (var problem in problems)
        {
            await context.Error.WriteLineAsync(problem);
        }

        if (problems.Count > 0)
        {
            await context.Error.WriteLineAsync("al: the campaign is valid but uses what the engine cannot run yet; nothing was run.");
        }

        return problems.Count > 0;
    }
}
