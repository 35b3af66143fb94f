namespace ActiveLearning.TestSupport;

/// <summary>
/// ASE, the ecosystem's reference reader and writer, run through Debian's <c>/usr/bin/python3</c> (the first python3 on
/// PATH may lack ASE). A missing ASE fails the test: CI must never skip the referee silently.
/// </summary>
public static class Ase
{
    /// <summary>The interpreter that has Debian's python3-ase.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a Python script with ASE available and returns its standard output; fails on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: run ./test.sh, which installs python3-ase.");
        }

        var result = await ExternalProcess.RunAsync(Python, ["-c", script, .. arguments], timeout: TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"ASE script failed with exit code {result.ExitCode}:\n{result.StandardError}\n{result.StandardOutput}");
        }

        return result.StandardOutput;
    }
}
