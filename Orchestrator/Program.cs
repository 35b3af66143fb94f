using System.Runtime.InteropServices;
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

// SIGTERM (kill, a service manager, SLURM at a job's time limit) stops as cleanly as the first Ctrl-C: the running step is
// recorded as interrupted and `al resume` continues it. A second signal ends the process at once.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    if (!cancellation.IsCancellationRequested)
    {
        context.Cancel = true;
        cancellation.Cancel();
    }
});

return await AlCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, cancellation.Token);
