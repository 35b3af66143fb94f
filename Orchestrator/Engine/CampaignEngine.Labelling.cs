using ActiveLearning.Activities.Labelling;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Labelling;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>The label step with a code reference: pw.x, CP2K or VASP through the cluster the reference names.</summary>
public sealed partial class CampaignEngine
{
    /// <summary>How often the engine looks at a SLURM queue (one squeue for all its jobs).</summary>
    private static readonly TimeSpan QueuePollInterval = TimeSpan.FromSeconds(10);

    /// <summary>The folder of the engine's scheduler files inside the work directory: <c>WORKDIR/jobs/CLUSTER</c>.</summary>
    internal static string JobsDirectory(string workdir, string cluster) => Path.Combine(workdir, "jobs", cluster);

    /// <summary>
    /// Why a code reference cannot run (none when it can): it gives no settings for its code, or a label step names another
    /// cluster than the reference's <c>on</c> (the code runs where the reference says).
    /// </summary>
    private static IEnumerable<string> CodeReferenceProblems(Campaign campaign, string file)
    {
        if (campaign.Reference is not CodeReference code)
        {
            yield break;
        }

        if (code is { QuantumEspresso: null, Cp2k: null, Vasp: null })
        {
            yield return $"{file}: reference: kind {code.Code} gives no settings; expected {CodeReferenceLabellers.ExpectedSettings(code.Code)}";
        }

        foreach (var step in campaign.Initial.Concat(campaign.Loop.Steps).OfType<LabelStep>())
        {
            // A label step without 'on' reads as on: local; either that or the reference's own cluster is what it means.
            if (step.On != code.On && step.On != "local")
            {
                var at = step.Location is { } l ? $"{file}:{l.Line}:{l.Column}: {l.Path}" : $"{file}: label";
                yield return $"{at}: on: {step.On}, but reference: runs {code.Code} on {code.On}; expected on: {code.On} (or no on)";
            }
        }
    }

    /// <summary>
    /// Labels the step's unlabelled structures with the code on its cluster: scheduler files (work directories of a local
    /// cluster; the SLURM journal and downloaded outputs) under <c>WORKDIR/jobs/CLUSTER</c>, batch jobs named
    /// <c>al-KEY-…</c> and work directories under <c>REMOTE_ROOT/NAME-KEY</c> with the campaign's key (without a remote root:
    /// under the jobs folder), so that a
    /// resumed step finds its own jobs (the journal) and finished runs (their markers) and nothing of other campaigns.
    /// </summary>
    private async Task LabelWithCodeAsync(CodeReference code, ActivityContext context, int iteration, int index, CancellationToken cancellationToken)
    {
        var key = store.CampaignKey();
        var cluster = campaign.Clusters[code.On].ToSettings();
        if (cluster.RemoteRoot is { } root)
        {
            cluster = cluster with { RemoteRoot = root.TrimEnd('/') + "/" + campaign.Name + "-" + key };
        }

        var directory = JobsDirectory(store.Workdir, code.On);
        Directory.CreateDirectory(directory);
        var kind = cluster.Kind == Schedulers.Clusters.ClusterKind.Local ? "local" : "slurm";
        using var recorder = new JobsRecorder(store.Workdir, time, log, kind, store.FindStepRun(iteration, index)?.Id);
        await using var runs = LabelScheduler.Open(cluster, directory, QueuePollInterval, recorder, "al-" + key, time, recorder);
        var labeller = CodeReferenceLabellers.Create(code, runs, recorder)
            ?? throw new InvalidOperationException($"reference: kind {code.Code} gives no settings; expected {CodeReferenceLabellers.ExpectedSettings(code.Code)}");
        recorder.Method = labeller.Method;
        recorder.SettingsHash = labeller.SettingsHash;
        log.Information("Iteration {Iteration}: {Step}: {Method} (settings {Hash}) on {Cluster}: {Where}", iteration, context.StepName, labeller.Method, labeller.SettingsHash, code.On, runs.Where);
        var (labelled, failed) = await LabelActivity.RunAsync(context, labeller, "labelled.extxyz", cancellationToken);
        log.Information("Iteration {Iteration}: {Step}: {Labelled} labelled, {Failed} failed", iteration, context.StepName, labelled, failed);
    }
}
