using System.Globalization;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Clusters;

/// <summary>Which kind of machine runs the jobs.</summary>
public enum ClusterKind
{
    /// <summary>This machine, tasks as local processes.</summary>
    Local,

    /// <summary>A SLURM cluster, on this machine or reached over OpenSSH.</summary>
    Slurm,
}

/// <summary>How to log in to a cluster with OpenSSH; all but <see cref="Host"/> optional (ssh config decides).</summary>
/// <param name="Host">Host name, address or ssh-config alias.</param>
public sealed record ClusterSsh(string Host)
{
    /// <summary>TCP port; null: ssh config or 22.</summary>
    public int? Port { get; init; }

    /// <summary>Remote user; null: ssh config or the local user.</summary>
    public string? User { get; init; }

    /// <summary>Private key file; null: ssh config.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>Dedicated known_hosts file (new keys recorded, changed keys refused); null: the user's own.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>ssh config file (<c>-F</c>); null: <c>~/.ssh/config</c>.</summary>
    public string? ConfigFile { get; init; }
}

/// <summary>One entry of a campaign's <c>clusters:</c> block, in the scheduler's terms.</summary>
/// <param name="Kind">Local or SLURM.</param>
public sealed record ClusterSettings(ClusterKind Kind)
{
    /// <summary>Local tasks at once (≥ 1); default all processors.</summary>
    public int? Cores { get; init; }

    /// <summary>How to reach the cluster; null: SLURM's commands run on this machine.</summary>
    public ClusterSsh? Ssh { get; init; }

    /// <summary>Absolute directory for the work directories on the cluster; required with <see cref="Ssh"/>, default <c>LOCAL/remote</c> otherwise.</summary>
    public string? RemoteRoot { get; init; }

    /// <summary>Most batch jobs queued at once (≥ 1); default 50.</summary>
    public int MaxQueued { get; init; } = 50;

    /// <summary>Tasks per batch job (≥ 1); default 1.</summary>
    public int TasksPerJob { get; init; } = 1;

    /// <summary>What each batch job asks for.</summary>
    public SlurmResources Resources { get; init; } = new();

    /// <summary>MPI launcher exported as <c>AL_MPI_LAUNCHER</c>; default none.</summary>
    public string? MpiLauncher { get; init; }
}

/// <summary>
/// Reads a cluster's <c>resources:</c> mapping (names to scalar texts, as a campaign file gives them) into
/// <see cref="SlurmResources"/> and an MPI launcher.
/// </summary>
/// <remarks>
/// Keys: <c>partition</c>, <c>nodes</c>, <c>tasks</c>, <c>cpus_per_task</c>, <c>memory</c> (<c>4000</c> MiB, <c>4000M</c>,
/// <c>4G</c>), <c>walltime</c> or <c>time</c> (<c>MM</c>, <c>HH:MM:SS</c>, <c>D-HH:MM:SS</c>), <c>account</c>, <c>qos</c>,
/// <c>sbatch</c> (extra <c>#SBATCH</c> lines, one per line), <c>setup</c> (module/source lines, one per line),
/// <c>mpi_launcher</c>.
/// </remarks>
public static class ClusterResources
{
    /// <summary>The known keys.</summary>
    public static readonly IReadOnlyList<string> Keys =
        ["partition", "nodes", "tasks", "cpus_per_task", "memory", "walltime", "time", "account", "qos", "sbatch", "setup", "mpi_launcher"];

    /// <summary>Parses the mapping.</summary>
    /// <exception cref="ArgumentException">An unknown key or a value of the wrong form; the message names the key and what was expected.</exception>
    public static (SlurmResources Resources, string? MpiLauncher) Parse(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var resources = new SlurmResources();
        string? launcher = null;
        foreach (var (key, value) in values)
        {
            resources = key switch
            {
                "partition" => resources with { Partition = value },
                "nodes" => resources with { Nodes = Count(key, value) },
                "tasks" => resources with { Tasks = Count(key, value) },
                "cpus_per_task" => resources with { CpusPerTask = Count(key, value) },
                "memory" => resources with { MemoryMegabytes = Memory(value) },
                "walltime" or "time" => resources with { Walltime = Walltime(key, value) },
                "account" => resources with { Account = value },
                "qos" => resources with { Qos = value },
                "sbatch" => resources with { ExtraDirectives = Lines(value) },
                "setup" => resources with { SetupLines = Lines(value) },
                "mpi_launcher" => resources,
                _ => throw new ArgumentException($"unknown resource '{key}'; expected one of {string.Join(", ", Keys)}"),
            };
            if (key == "mpi_launcher")
            {
                launcher = value;
            }
        }

        return (resources, launcher);
    }

    private static int Count(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1
            ? count
            : throw new ArgumentException($"resource '{key}' is '{value}'; expected a whole number of at least 1");

    private static int Memory(string value)
    {
        var text = value.Trim();
        var factor = 1;
        if (text.EndsWith('G') || text.EndsWith('g'))
        {
            factor = 1024;
            text = text[..^1];
        }
        else if (text.EndsWith('M') || text.EndsWith('m'))
        {
            text = text[..^1];
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount >= 1
            ? checked(amount * factor)
            : throw new ArgumentException($"resource 'memory' is '{value}'; expected MiB such as 4000, 4000M or 4G");
    }

    private static TimeSpan Walltime(string key, string value)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes >= 1)
        {
            return TimeSpan.FromMinutes(minutes);
        }

        return SlurmParsers.ParseDuration(value) is { } duration && duration > TimeSpan.Zero
            ? duration
            : throw new ArgumentException($"resource '{key}' is '{value}'; expected minutes or HH:MM:SS or D-HH:MM:SS");
    }

    private static List<string> Lines(string value) =>
        value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

/// <summary>Builds the <see cref="IJobScheduler"/> a <see cref="ClusterSettings"/> describes.</summary>
public static class JobSchedulerFactory
{
    /// <summary>
    /// A <see cref="LocalJobScheduler"/> for kind local (work directories under <paramref name="localRoot"/>), or a
    /// <see cref="SlurmJobScheduler"/> over OpenSSH (with <see cref="ClusterSettings.Ssh"/>) or the local shell, with its
    /// journal in <c>LOCAL/journal</c>, outputs in <c>LOCAL/outputs</c> and ssh control sockets in <paramref name="controlDirectory"/>.
    /// </summary>
    /// <param name="settings">The cluster.</param>
    /// <param name="localRoot">Local directory of this cluster's files (work directories, journal, outputs).</param>
    /// <param name="controlDirectory">Short private directory for ssh ControlMaster sockets (used only with ssh).</param>
    /// <param name="configure">Adjusts the SLURM options (prefix, polling, progress, clock); may be null.</param>
    /// <exception cref="ArgumentException">The settings are inconsistent (e.g. ssh without a remote root).</exception>
    public static IJobScheduler Create(ClusterSettings settings, string localRoot, string controlDirectory, Func<SlurmSchedulerOptions, SlurmSchedulerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(localRoot);
        if (settings.Kind == ClusterKind.Local)
        {
            return new LocalJobScheduler(Path.Combine(localRoot, "work"), settings.Cores ?? Environment.ProcessorCount);
        }

        if (settings.Ssh is not null && settings.RemoteRoot is null)
        {
            throw new ArgumentException("A SLURM cluster reached over ssh needs a remote root.", nameof(settings));
        }

        ITransport transport = settings.Ssh is { } ssh
            ? new OpenSshTransport(new SshOptions(ssh.Host, controlDirectory)
            {
                Port = ssh.Port,
                User = ssh.User,
                IdentityFile = ssh.IdentityFile,
                KnownHostsFile = ssh.KnownHostsFile,
                ConfigFile = ssh.ConfigFile,
            })
            : new LocalTransport();
        var options = new SlurmSchedulerOptions
        {
            RemoteRoot = settings.RemoteRoot ?? Path.GetFullPath(Path.Combine(localRoot, "remote")),
            LocalRoot = Path.Combine(localRoot, "outputs"),
            JournalDirectory = Path.Combine(localRoot, "journal"),
            TasksPerJob = settings.TasksPerJob,
            MaxQueued = settings.MaxQueued,
            Resources = settings.Resources,
            MpiLauncher = settings.MpiLauncher,
        };
        return new SlurmJobScheduler(transport, configure is null ? options : configure(options), ownsTransport: true);
    }
}
