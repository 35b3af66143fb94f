using System.Diagnostics;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Campaigns;

/// <summary>The built <c>al</c> as a child process (<c>dotnet al.dll …</c>) with extra environment variables, so a test can SIGKILL it.</summary>
internal static class AlChildProcess
{
    private static string AlDll => Path.ChangeExtension(typeof(AlCli).Assembly.Location, ".dll");

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        DotnetChild.Start(AlDll, workingDirectory, environment, args);

    /// <summary>Runs al to completion (at most <paramref name="limit"/>) and returns its exit code and both streams.</summary>
    public static async Task<ProcessResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"al {string.Join(' ', args)} did not finish within {limit}: {await error}");
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }
}
