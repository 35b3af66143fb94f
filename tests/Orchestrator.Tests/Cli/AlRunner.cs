using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

/// <summary>Runs the <c>al</c> command line in-process, capturing both output streams.</summary>
internal static class AlRunner
{
    public static Task<ProcessResult> Run(params string[] args) => Run(CancellationToken.None, args);

    public static async Task<ProcessResult> Run(CancellationToken cancellation, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AlCli.RunAsync(args, output, error, TimeProvider.System, cancellation);
        return new ProcessResult(code, output.ToString(), error.ToString());
    }
}
