using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests;

/// <summary>Runs the <c>al</c> command line in-process, capturing its output.</summary>
public static class Al
{
    /// <summary>Runs <c>al ARGS</c> and returns the exit code and both output streams.</summary>
    public static async Task<ProcessResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AlCli.RunAsync(args, output, error, TimeProvider.System, CancellationToken.None);
        return new ProcessResult(code, output.ToString(), error.ToString());
    }
}
