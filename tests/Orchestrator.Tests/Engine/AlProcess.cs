using System.Diagnostics;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>The built <c>al</c> as a child process (<c>dotnet al.dll …</c>), so that tests can kill it like a crash would.</summary>
internal static class AlProcess
{
    private static string AlDll => Path.ChangeExtension(typeof(AlCli).Assembly.Location, ".dll");

    public static Process Start(string workingDirectory, params string[] args) => DotnetChild.Start(AlDll, workingDirectory, null, args);

    /// <summary>Runs al to completion and returns its exit code and both streams.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await output, await error);
    }
}
