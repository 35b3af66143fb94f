using System.Text.Json;
using ActiveLearning.Integration.Tests.Labelling;
using ActiveLearning.Integration.Tests.Schedulers;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Campaigns;

/// <summary>
/// samples/si-qe-slurm.yaml as shipped, against the sshd and SLURM that ./test.sh starts (its AL_SSH_* variables are the
/// ones the sample reads) and the real pw.x: copied with its structures into a temporary folder (so its workdir is there),
/// with AL_REMOTE_ROOT pointing at a folder of its own.
/// </summary>
public sealed class SiQeSlurmCampaign : IAsyncLifetime
{
    public TempDirectory Folder { get; } = new();

    public string RemoteRoot { get; } = Path.Combine(Path.GetTempPath(), "al-remote", "si-qe-" + Guid.NewGuid().ToString("N")[..8]);

    public ProcessResult Run { get; private set; } = new(-1, string.Empty, string.Empty);

    public string Workdir => Path.Combine(Folder.Path, "runs", "si-qe-slurm");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["AL_REMOTE_ROOT"] = RemoteRoot };

    public async Task InitializeAsync()
    {
        Codes.Require("pw.x", "quantum-espresso");
        _ = TestServices.Ssh;
        _ = TestServices.SlurmDirectory;
        Copy(Folder.Path);
        Run = await AlChildProcess.RunAsync(Folder.Path, Environment, TimeSpan.FromMinutes(10), "run", "si-qe-slurm.yaml");
    }

    /// <summary>Copies the sample and its structures into <paramref name="directory"/>.</summary>
    public static void Copy(string directory)
    {
        var samples = Path.Combine(RepositoryRoot(), "samples");
        File.Copy(Path.Combine(samples, "si-qe-slurm.yaml"), Path.Combine(directory, "si-qe-slurm.yaml"));
        Directory.CreateDirectory(Path.Combine(directory, "structures"));
        foreach (var file in Directory.GetFiles(Path.Combine(samples, "structures")))
        {
            File.Copy(file, Path.Combine(directory, "structures", Path.GetFileName(file)));
        }
    }

    public Task DisposeAsync()
    {
        Folder.Dispose();
        if (Directory.Exists(RemoteRoot))
        {
            Directory.Delete(RemoteRoot, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ActiveLearning.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ActiveLearning.sln not found above the test assembly.");
    }
}

/// <summary>The DFT campaign through SLURM over ssh: labels with job ids, at most 30 pw.x runs, and a SIGKILL mid-flight resumed without a second sbatch.</summary>
public sealed class SiQeSlurmCampaignTests(SiQeSlurmCampaign campaign) : IClassFixture<SiQeSlurmCampaign>
{
    [Fact]
    public async Task The_sample_finishes_with_at_most_30_pw_x_runs_and_the_audit_gives_every_label_its_slurm_job()
    {
        campaign.Run.ExitCode.Should().Be(0, campaign.Run.StandardError);
        campaign.Run.StandardOutput.Should().Contain("Campaign si-qe-slurm finished");
        campaign.Run.StandardError.Should().MatchRegex(@"slurm job \d+ (queued|running)");

        var journal = new SlurmJobJournal(Path.Combine(campaign.Workdir, "jobs", "hpc", "journal")).Load();
        var runs = journal.Sum(j => j.Tasks.Count);
        runs.Should().BeInRange(1, 30, "the sample is sized to at most 30 pw.x calls");
        journal.Should().OnlyContain(j => j.State == JournalJobState.Ended && j.EndState == "COMPLETED" && j.FailedTasks.Count == 0);

        var audit = await Json("audit", campaign.Workdir, "--json");
        var labels = audit.RootElement.GetProperty("iterations").EnumerateArray()
            .SelectMany(i => i.GetProperty("added").EnumerateArray())
            .Select(s => s.GetProperty("labels").EnumerateArray().Single())
            .ToList();
        labels.Count.Should().BeGreaterThan(8, "the loop labelled structures beyond the initial ones");
        var jobIds = journal.Select(j => j.JobId).ToHashSet();
        foreach (var label in labels)
        {
            label.GetProperty("method").GetString().Should().Be("pw.x");
            label.GetProperty("status").GetString().Should().Be("ok");
            label.GetProperty("settings_hash").GetString().Should().MatchRegex("^[0-9a-f]{16}$");
            label.GetProperty("energy_ev").GetDouble().Should().BeLessThan(-100, "pw.x's total energy of silicon (≈ -107 eV per atom with this pseudopotential)");
            var job = label.GetProperty("job");
            job.GetProperty("scheduler").GetString().Should().Be("slurm");
            job.GetProperty("state").GetString().Should().Be("Finished");
            var id = job.GetProperty("job_id").GetString();
            id.Should().MatchRegex("^[0-9]+$").And.Be(label.GetProperty("job_id").GetString());
            jobIds.Should().Contain(id);
        }

        var prefix = JobPrefix(journal);
        var ended = await SlurmTestCluster.EndedJobsAsync(prefix);
        ended.Select(j => j.JobId).Should().BeEquivalentTo(jobIds, "SLURM ran exactly the journalled jobs");
        var status = await Json("status", campaign.Workdir, "--json");
        status.RootElement.GetProperty("jobs_in_flight").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task Stopped_with_ctrl_c_and_killed_while_its_jobs_are_in_flight_the_campaign_resumes_without_submitting_any_task_twice_and_ends_with_the_same_data()
    {
        campaign.Run.ExitCode.Should().Be(0, "the uninterrupted run is the reference: " + campaign.Run.StandardError);
        using var folder = new TempDirectory();
        SiQeSlurmCampaign.Copy(folder.Path);
        var workdir = Path.Combine(folder.Path, "runs", "si-qe-slurm");
        var journal = new SlurmJobJournal(Path.Combine(workdir, "jobs", "hpc", "journal"));
        var remote = Path.Combine(Path.GetTempPath(), "al-remote", "si-qe-kill-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string> { ["AL_REMOTE_ROOT"] = remote };
        try
        {
            // Ctrl-C while the first batch jobs are in the queue: al stops cleanly and leaves them to SLURM.
            using (var process = AlChildProcess.Start(folder.Path, environment, "run", "si-qe-slurm.yaml"))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                (await WaitForSubmittedJobAsync(journal, new HashSet<string>(), process, TimeSpan.FromMinutes(3))).Should().BeTrue("a batch job is submitted within minutes: " + (process.HasExited ? await errors : "al still runs"));
                using (var interrupt = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await interrupt.WaitForExitAsync();
                }

                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await process.WaitForExitAsync(limit.Token);
                process.ExitCode.Should().Be(130, await errors);
            }

            var atStop = journal.Load();
            atStop.Should().Contain(j => j.State == JournalJobState.Submitted, "Ctrl-C leaves the submitted jobs running, not cancelled");
            var stopped = await Json("status", workdir, "--json");
            stopped.RootElement.GetProperty("state").GetString().Should().Be("stopped");
            stopped.RootElement.GetProperty("jobs_in_flight").GetInt64().Should().BeGreaterThan(0);

            // SIGKILL of the resumed run while a job of a later step is in flight.
            using (var process = AlChildProcess.Start(folder.Path, environment, "resume", workdir))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                var earlier = atStop.Select(j => j.Name).ToHashSet();
                (await WaitForSubmittedJobAsync(journal, earlier, process, TimeSpan.FromMinutes(5))).Should().BeTrue("the resumed run submits the loop's jobs: " + (process.HasExited ? await errors : "al still runs"));
                process.Kill(); // SIGKILL: no chance to clean up
                await process.WaitForExitAsync();
            }

            var atKill = journal.Load();
            atKill.Should().Contain(j => j.State == JournalJobState.Submitted, "the kill came while a job was queued or running");
            var killed = await Json("status", workdir, "--json");
            killed.RootElement.GetProperty("active").GetBoolean().Should().BeFalse();
            killed.RootElement.GetProperty("jobs_in_flight").GetInt64().Should().BeGreaterThan(0);
            killed.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("state").GetString())
                .Should().OnlyContain(s => s == "Submitting" || s == "Queued" || s == "Running" || s == "Pending");

            var resume = await AlChildProcess.RunAsync(folder.Path, environment, TimeSpan.FromMinutes(10), "resume", workdir);

            resume.ExitCode.Should().Be(0, resume.StandardError);
            var rows = journal.Load();
            rows.SelectMany(j => j.Tasks).Should().OnlyHaveUniqueItems("no task went into a second batch job");
            rows.Should().OnlyContain(j => j.State == JournalJobState.Ended && j.EndState == "COMPLETED" && j.FailedTasks.Count == 0);
            foreach (var before in atStop.Concat(atKill).Where(j => j.JobId is not null))
            {
                rows.Should().ContainSingle(j => j.Name == before.Name).Which.JobId.Should().Be(before.JobId, "the resumed run re-attached to the job of the stopped or killed one");
            }

            var ended = await SlurmTestCluster.EndedJobsAsync(JobPrefix(rows));
            ended.Select(j => j.JobName).Should().OnlyHaveUniqueItems("sbatch ran once per job name").And.BeEquivalentTo(rows.Select(j => j.Name));
            rows.Sum(j => j.Tasks.Count).Should().BeLessThanOrEqualTo(30);

            var expected = await Json("status", campaign.Workdir, "--json");
            var actual = await Json("status", workdir, "--json");
            actual.RootElement.GetProperty("state").GetString().Should().Be("finished");
            actual.RootElement.GetProperty("jobs_in_flight").GetInt64().Should().Be(0);
            actual.RootElement.GetProperty("structures").GetInt64().Should().Be(expected.RootElement.GetProperty("structures").GetInt64());
            actual.RootElement.GetProperty("last_model").GetProperty("dataset_hash").GetString()
                .Should().Be(expected.RootElement.GetProperty("last_model").GetProperty("dataset_hash").GetString(), "the same structures and labels as the uninterrupted run");
            var audit = await Json("audit", workdir, "--json");
            audit.RootElement.GetProperty("iterations").EnumerateArray().SelectMany(i => i.GetProperty("added").EnumerateArray())
                .Should().OnlyContain(s => s.GetProperty("labels").GetArrayLength() == 1, "no label was computed twice");
        }
        finally
        {
            if (Directory.Exists(remote))
            {
                Directory.Delete(remote, recursive: true);
            }
        }
    }

    /// <summary>Waits until the journal holds a submitted job not named in <paramref name="earlier"/>; false if al ended or time ran out first.</summary>
    private static async Task<bool> WaitForSubmittedJobAsync(SlurmJobJournal journal, IReadOnlySet<string> earlier, System.Diagnostics.Process process, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit && !process.HasExited)
        {
            if (journal.Load().Any(j => j.State == JournalJobState.Submitted && !earlier.Contains(j.Name)))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    /// <summary>The campaign's job-name prefix (<c>al-KEY</c>): the names are <c>PREFIX-HASH16</c>.</summary>
    private static string JobPrefix(IReadOnlyList<JournalJob> journal)
    {
        journal.Should().NotBeEmpty();
        var prefix = journal[0].Name[..^17];
        prefix.Should().MatchRegex("^al-[0-9a-f]{8}$");
        journal.Should().OnlyContain(j => j.Name.StartsWith(prefix + "-", StringComparison.Ordinal));
        return prefix + "-";
    }

    private static async Task<JsonDocument> Json(params string[] args)
    {
        var result = await Al.RunAsync(args);
        result.ExitCode.Should().Be(0, result.StandardError);
        return JsonDocument.Parse(result.StandardOutput);
    }
}
