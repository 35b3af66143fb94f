namespace ActiveLearning.Schedulers.Tests.Slurm;

/// <summary>A command's captured exit code, standard output and standard error (see Fixtures/README.md).</summary>
internal sealed record Fixture(int ExitCode, string Output, string Error)
{
    public static Fixture Load(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Slurm", "Fixtures");
        var exitCode = int.Parse(File.ReadAllText(Path.Combine(directory, name + ".exitcode")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return new(exitCode, File.ReadAllText(Path.Combine(directory, name + ".stdout")), File.ReadAllText(Path.Combine(directory, name + ".stderr")));
    }
}
