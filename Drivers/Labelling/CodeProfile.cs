using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>
/// How a code runs on one machine: the executable, an optional MPI launcher, the pseudopotential directory there and extra
/// environment variables. The other half of the template/profile split: the template (<see cref="ICodeTemplate{TSettings}"/>)
/// says what the code computes, the profile how and where it is started.
/// </summary>
public sealed partial record CodeProfile
{
    /// <summary>The program to start, a name on PATH or a path, e.g. <c>pw.x</c> or <c>/opt/cp2k/bin/cp2k.psmp</c>; required.</summary>
    public required string Executable { get; init; }

    /// <summary>
    /// The MPI launcher put before the executable, with <c>{ranks}</c> replaced by <see cref="Ranks"/>, e.g.
    /// <c>mpirun --allow-run-as-root -np {ranks}</c>; <see langword="null"/> (default) runs the program serially.
    /// </summary>
    public string? MpiLauncher { get; init; }

    /// <summary>MPI ranks per task when <see cref="MpiLauncher"/> is set (≥ 1); default 1.</summary>
    public int Ranks { get; init; } = 1;

    /// <summary>Where this machine keeps pseudopotentials; replaces the settings' directory when set (default <see langword="null"/>).</summary>
    public string? PseudoDirectory { get; init; }

    /// <summary>Variables exported before the program starts (e.g. <c>OMP_NUM_THREADS</c>); default none.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The profile for pw.x from PATH, serial.</summary>
    public static CodeProfile PwX => new() { Executable = "pw.x" };

    /// <summary>The profile for cp2k from PATH, serial.</summary>
    public static CodeProfile Cp2k => new() { Executable = "cp2k" };

    /// <summary>The problems of this profile (empty when it is usable): empty executable, bad ranks, bad variable names.</summary>
    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Executable))
        {
            problems.Add("the profile names no executable");
        }

        if (Ranks < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MPI ranks must be at least 1 (got {Ranks})"));
        }

        if (MpiLauncher is not null && !MpiLauncher.Contains("{ranks}", StringComparison.Ordinal) && Ranks > 1)
        {
            problems.Add($"the MPI launcher '{MpiLauncher}' has no {{ranks}} placeholder for {Ranks} ranks");
        }

        foreach (var name in Environment.Keys)
        {
            if (!VariableName().IsMatch(name))
            {
                problems.Add($"'{name}' is not an environment variable name");
            }
        }

        return problems;
    }

    /// <summary>
    /// The shell command line running the program with <paramref name="arguments"/> (already shell text, e.g.
    /// <c>-in pw.in &gt; pw.out</c>): exports (sorted by name, values quoted), the launcher, the quoted executable.
    /// </summary>
    public string CommandLine(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var command = new StringBuilder();
        foreach (var (name, value) in Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            command.Append("export ").Append(name).Append('=').Append(ShellQuoting.Quote(value)).Append(" && ");
        }

        if (MpiLauncher is not null)
        {
            command.Append(MpiLauncher.Replace("{ranks}", Ranks.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).Append(' ');
        }

        return command.Append(ShellQuoting.Quote(Executable)).Append(' ').Append(arguments).ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
