namespace ActiveLearning.Schedulers.Slurm;

/// <summary>
/// What a SLURM job asks for. Every member is optional: null (or empty) leaves the cluster's default.
/// </summary>
public sealed record SlurmResources
{
    /// <summary>Partition (<c>--partition</c>); letters, digits and <c>_.-,</c> only.</summary>
    public string? Partition { get; init; }
    /// <summary>Number of nodes (<c>--nodes</c>), at least 1.</summary>
    public int? Nodes { get; init; }
    /// <summary>Total number of tasks (<c>--ntasks</c>), at least 1.</summary>
    public int? Tasks { get; init; }
    /// <summary>CPUs per task (<c>--cpus-per-task</c>), at least 1.</summary>
    public int? CpusPerTask { get; init; }
    /// <summary>Memory per node in MiB (<c>--mem</c>), at least 1.</summary>
    public int? MemoryMegabytes { get; init; }
    /// <summary>Wall-time limit (<c>--time</c>, written as D-HH:MM:SS); SLURM rounds it up to whole minutes.</summary>
    public TimeSpan? Walltime { get; init; }
    /// <summary>Account to charge (<c>--account</c>); letters, digits and <c>_.-</c> only.</summary>
    public string? Account { get; init; }
    /// <summary>Quality of service (<c>--qos</c>); letters, digits and <c>_.-</c> only.</summary>
    public string? Qos { get; init; }
    /// <summary>
    /// Extra directives written verbatim as <c>#SBATCH LINE</c> (e.g. <c>--constraint=gpu</c>); a leading
    /// <c>#SBATCH</c> is accepted and not repeated. They are the user's own configuration and are not quoted.
    /// </summary>
    public IReadOnlyList<string> ExtraDirectives { get; init; } = [];
    /// <summary>
    /// Environment set-up lines run before the job body, verbatim (e.g. <c>module load qe/6.7</c>,
    /// <c>source /opt/env.sh</c>); they are the user's own configuration and are not quoted.
    /// </summary>
    public IReadOnlyList<string> SetupLines { get; init; } = [];
}

/// <summary>One batch job to submit: its name, files, resources and the shell text it runs.</summary>
/// <param name="JobName">Job name (<c>--job-name</c>); any text without line breaks.</param>
/// <param name="WorkingDirectory">Absolute directory the job runs in (<c>--chdir</c> and a <c>cd</c>).</param>
/// <param name="Resources">What the job asks for.</param>
/// <param name="Body">Shell text run after the set-up lines, verbatim (the caller quotes what it interpolates).</param>
public sealed record SlurmJobRequest(string JobName, string WorkingDirectory, SlurmResources Resources, string Body)
{
    /// <summary>
    /// Standard output file (<c>--output</c>); SLURM expands <c>%j</c>-style patterns in it. Null leaves SLURM's
    /// default <c>slurm-%j.out</c> in the working directory.
    /// </summary>
    public string? OutputPath { get; init; }
    /// <summary>Standard error file (<c>--error</c>); null joins it to standard output.</summary>
    public string? ErrorPath { get; init; }
}
