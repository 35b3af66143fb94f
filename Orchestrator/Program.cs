using ActiveLearning.Orchestrator.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C asks for a clean stop; a second one ends the process at once.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

return await AlCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, cancellation.Token);
