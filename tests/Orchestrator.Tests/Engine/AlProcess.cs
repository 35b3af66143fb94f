using System.Diagnostics;
using ActiveLearning.Orchestrator.Cli;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>The built <c>al</c> as a child process (<c>dotnet al.dll …</c>), so that tests can kill it like a crash would.</summary>
internal static class AlProcess
{
    private static string AlDll => Path.ChangeExtension(typeof(AlCli).Assembly.Location, ".dll");

    public static Process Start(string workingDirectory, params string[] args)
    {
        // Through env(1), which execs dotnet in the same process: a shell without job control starts its background jobs
        // with SIGINT ignored and that is inherited, so a test run that way would otherwise send its Ctrl-C into nothing.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(AlDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start al.");
        return process;
    }

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
