using ActiveLearning.Schedulers.Clusters;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>Turns a parsed cluster entry into the scheduler layer's <see cref="ClusterSettings"/>.</summary>
public static class ClusterSpecSettings
{
    /// <summary>
    /// The settings <paramref name="spec"/> describes: kind, cores, ssh login (paths made absolute by the parser), remote root,
    /// packing, queue cap and resources, with <see cref="ClusterSpec.Partition"/> taking precedence over a partition under
    /// <c>resources</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A resource is unknown or malformed (the parser reports these first with line and column).</exception>
    public static ClusterSettings ToSettings(this ClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (resources, launcher) = ClusterResources.Parse(spec.Resources);
        if (spec.Partition is { } partition)
        {
            resources = resources with { Partition = partition };
        }

        return new ClusterSettings(spec.Kind == "slurm" ? ClusterKind.Slurm : ClusterKind.Local)
        {
            Cores = spec.Cores,
            Ssh = spec.Ssh is { } ssh
                ? new ClusterSsh(ssh.Host)
                {
                    Port = ssh.Port,
                    User = ssh.User,
                    IdentityFile = ssh.IdentityFile?.FullPath,
                    KnownHostsFile = ssh.KnownHostsFile?.FullPath,
                    ConfigFile = ssh.ConfigFile?.FullPath,
                }
                : null,
            RemoteRoot = spec.RemoteRoot,
            MaxQueued = spec.MaxQueued,
            TasksPerJob = spec.TasksPerJob,
            Resources = resources,
            MpiLauncher = launcher,
        };
    }
}
