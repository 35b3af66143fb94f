using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary>The <c>al</c> command line: parses arguments, runs a command, maps outcomes to exit codes.</summary>
public static class AlCli
{
    /// <summary>The product version (informational version of the assembly).</summary>
    public static string Version =>
        typeof(AlCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Runs <c>al</c> with the given arguments.</summary>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        var context = new CliContext(output, error, time);
        var root = BuildRootCommand(context);
        var parsed = root.Parse(args);
        // Asking for help is never an error, even when required arguments are missing.
        if (parsed.Errors.Count > 0 && parsed.Action is not (HelpAction or RootHelpAction))
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"al: {parseError.Message}");
            }

            await error.WriteLineAsync("Run 'al --help' (or 'al COMMAND --help') for usage.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("al: stopped on request; nothing partial was left behind.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is FormatException or BadInputException or Atomistics.Potentials.PotentialException)
        {
            await error.WriteLineAsync($"al: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            await error.WriteLineAsync($"al: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"al: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            """
            ActiveLearning: automated active learning of machine-learned interatomic potentials.

            Runs the learning-on-the-fly loop (explore with MD, detect extrapolation, select, label with DFT or a teacher
            potential, refit) and offers its single steps as commands. Exit codes: 0 ok, 1 failed, 2 bad input, 130 stopped.
            """);
        root.Add(ConvertCommand.Create(context));
        root.Add(EvalCommand.Create(context));
        root.Add(MdCommand.Create(context));
        root.Add(RelaxCommand.Create(context));
        root.Add(MtpInitCommand.Create(context));
        root.Add(FitCommand.Create(context));
        root.Add(SelectionCommands.Grade(context));
        root.Add(SelectionCommands.Select(context));
        root.Add(GenerateCommands.Create(context));
        root.Add(ValidateCommand.Create(context));
        root.Add(LabelCommand.Create(context));
        root.Add(CampaignRunCommands.Run(context));
        root.Add(CampaignRunCommands.Resume(context));
        root.Add(CampaignInspectCommands.Status(context));
        root.Add(CampaignInspectCommands.Audit(context));
        root.Add(CampaignInspectCommands.Report(context));
        root.Add(CampaignInspectCommands.Export(context));

        // The built-in action reports the entry assembly's version, which is the test host when al runs in-process.
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new PrintVersionAction();
            }
            else if (option is HelpOption help && help.Action is { } detailed)
            {
                help.Action = new RootHelpAction(root, detailed);
            }
        }

        return root;
    }

    // The default root help repeats every command's whole description; the root lists one line per command instead and
    // leaves the details (options, examples) to 'al COMMAND --help'.
    private sealed class RootHelpAction(RootCommand root, CommandLineAction detailed) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command != root)
            {
                return detailed is SynchronousCommandLineAction synchronous ? synchronous.Invoke(parseResult) : ExitCodes.Ok;
            }

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(root.Description);
            output.WriteLine();
            output.WriteLine("Usage: al COMMAND [arguments] [options]      (al COMMAND --help for its options and examples)");
            output.WriteLine();
            output.WriteLine("Commands:");
            foreach (var command in root.Subcommands)
            {
                var summary = (command.Description ?? string.Empty).Split('\n')[0].Trim();
                output.WriteLine($"  {command.Name,-10} {summary}");
            }

            output.WriteLine();
            output.WriteLine("Options:");
            output.WriteLine("  --version  the version of al");
            output.WriteLine("  --help     this text");
            return ExitCodes.Ok;
        }
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Ok;
        }
    }
}

/// <summary>What commands need from their host: output streams and the clock.</summary>
/// <param name="Output">Standard output (results, <c>--json</c>).</param>
/// <param name="Error">Standard error (progress, warnings, errors).</param>
/// <param name="Time">The clock.</param>
public sealed record CliContext(TextWriter Output, TextWriter Error, TimeProvider Time);
