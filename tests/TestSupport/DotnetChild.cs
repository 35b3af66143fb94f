using System.Diagnostics;

namespace ActiveLearning.TestSupport;

/// <summary>Starts a built .NET program (<c>dotnet PROGRAM.dll …</c>) as a child process that tests can signal or kill.</summary>
public static class DotnetChild
{
    /// <summary>Starts <paramref name="dll"/> with <paramref name="args"/>, both streams redirected, extra environment variables set.</summary>
    /// <remarks>
    /// It runs through env(1), which execs dotnet in the same process (so the process id is the program's) with SIGINT at its
    /// default: a shell without job control starts its background jobs with SIGINT ignored and children inherit that, so a
    /// test run that way would otherwise send its Ctrl-C into nothing.
    /// </remarks>
    public static Process Start(string dll, string workingDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
    }
}
