using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Integration.Tests.Schedulers;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>
/// The code labellers running the real pw.x and cp2k as batch jobs of the real SLURM, reached over the real sshd that
/// ./test.sh starts (both shared with other tests: every test has its own job-name prefix and remote root). The same
/// inputs run through the local scheduler must give the same labels, since only where the code runs differs.
/// </summary>
public sealed class SlurmLabellingTests
{
    private const double SameRun = 1e-8;

    private static readonly QuantumEspressoSettings Settings = Codes.PwSettings;

    [Fact]
    public async Task Pw_x_over_ssh_to_SLURM_gives_the_local_labels_and_a_non_converged_run_is_corrected_in_a_second_job()
    {
        Codes.Require("pw.x", "quantum-espresso");
        await using var cluster = new SlurmTestCluster();
        await using var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 2));
        using var local = new TempDirectory();
        using var localScheduler = Codes.Scheduler(local.Path);
        // The SLURM scheduler runs one call at a time: the labeller's default makes the correction wait for the first batch.
        var plain = CodeLabellers.QuantumEspresso(Settings, null, scheduler);
        var tooFewSteps = CodeLabellers.QuantumEspresso(Settings with { ElectronMaxStep = 2 }, null, scheduler);
        Structure[] structures = [SiliconCells.Si2Rattled()];

        var remote = (await Codes.LabelAllAsync(plain, structures)).Single();
        var corrected = (await Codes.LabelAllAsync(tooFewSteps, structures)).Single();
        var expected = (await Codes.LabelAllAsync(CodeLabellers.QuantumEspresso(Settings, null, localScheduler), structures)).Single();
        var expectedCorrected = (await Codes.LabelAllAsync(
            CodeLabellers.QuantumEspresso(Settings with { ElectronMaxStep = 2 }, null, localScheduler), structures)).Single();

        remote.Succeeded.Should().BeTrue(remote.FailureReason);
        StructureAssert.Labels(expected.Labels, remote.Labels, SameRun, "pw.x Si2 through SLURM");
        remote.Provenance.Attempts.Should().Be(1);
        remote.Provenance.Version.Should().Be(expected.Provenance.Version);
        remote.Provenance.SettingsHash.Should().Be(expected.Provenance.SettingsHash);

        corrected.Succeeded.Should().BeTrue(corrected.FailureReason);
        corrected.Provenance.Attempts.Should().Be(2);
        corrected.Provenance.Corrections.Should().Equal(expectedCorrected.Provenance.Corrections).And.ContainSingle();
        StructureAssert.Labels(expectedCorrected.Labels, corrected.Labels, SameRun, "corrected pw.x Si2 through SLURM");

        // Provenance names the real batch jobs: SLURM's completion records hold them under this test's prefix, each once.
        var jobs = await cluster.EndedJobsAsync();
        jobs.Should().HaveCount(3, "one job for the plain run, then the failed attempt and its correction in jobs of their own");
        jobs.Should().OnlyContain(j => j.State == SlurmJobState.Completed);
        jobs.Select(j => j.JobId).Should().Contain([remote.Provenance.JobId!, corrected.Provenance.JobId!]);
        remote.Provenance.JobId.Should().MatchRegex("^[0-9]+$");
        remote.Provenance.WorkDirectory.Should().StartWith(cluster.Local.File("outputs"));
        File.ReadAllText(Path.Combine(remote.Provenance.WorkDirectory!, QuantumEspressoCode.OutputFile)).Should().Contain("JOB DONE");
    }

    [Fact]
    public async Task Pw_x_Si8_over_ssh_to_SLURM_gives_the_local_labels()
    {
        Codes.Require("pw.x", "quantum-espresso");

        var remote = await InOneSlurmJobSameAsLocallyAsync(
            scheduler => CodeLabellers.QuantumEspresso(Settings, null, scheduler), SiliconCells.Si8Rattled(), "pw.x Si8");

        remote.Provenance.Version.Should().StartWith("6.7");
        remote.Labels!.Forces!.Max(f => f.Length).Should().BeGreaterThan(0.05, "the rattled atoms feel real forces");
    }

    [Theory]
    [InlineData(Cp2kMethod.DftbNonScc)]
    [InlineData(Cp2kMethod.Gfn1Xtb)]
    public async Task Cp2k_Si8_over_ssh_to_SLURM_gives_the_local_labels(Cp2kMethod method)
    {
        Codes.Require("cp2k", "cp2k");
        var settings = Codes.Cp2kSettingsFor(method);

        var remote = await InOneSlurmJobSameAsLocallyAsync(
            scheduler => CodeLabellers.Cp2k(settings, null, scheduler), SiliconCells.Si8Rattled(), $"cp2k {method} Si8");

        remote.Provenance.Version.Should().Be("2023.1");
    }

    /// <summary>
    /// Labels <paramref name="structure"/> through SLURM over ssh and through the local scheduler with the labeller
    /// <paramref name="labeller"/> makes for each; checks that both agree to <see cref="SameRun"/> with stress, that the
    /// remote run took one attempt, and that its provenance names the one completed job SLURM recorded for this test.
    /// </summary>
    private static async Task<LabelOutcome> InOneSlurmJobSameAsLocallyAsync(Func<IJobScheduler, ILabeller> labeller, Structure structure, string what)
    {
        await using var cluster = new SlurmTestCluster();
        await using var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 1));
        using var local = new TempDirectory();
        using var localScheduler = Codes.Scheduler(local.Path);
        var remoteLabeller = labeller(scheduler);
        var localLabeller = labeller(localScheduler);

        var remote = (await Codes.LabelAllAsync(remoteLabeller, [structure])).Single();
        var expected = (await Codes.LabelAllAsync(localLabeller, [structure])).Single();

        remote.Succeeded.Should().BeTrue(remote.FailureReason);
        expected.Succeeded.Should().BeTrue(expected.FailureReason);
        StructureAssert.Labels(expected.Labels, remote.Labels, SameRun, what + " through SLURM");
        remote.Labels!.Stress.Should().NotBeNull();
        remote.Provenance.Attempts.Should().Be(1);
        remote.Provenance.SettingsHash.Should().Be(localLabeller.SettingsHash);
        remote.Provenance.Version.Should().Be(expected.Provenance.Version);
        remote.Provenance.WorkDirectory.Should().StartWith(cluster.Local.File("outputs"));
        var job = (await cluster.EndedJobsAsync()).Should().ContainSingle().Subject;
        remote.Provenance.JobId.Should().Be(job.JobId).And.MatchRegex("^[0-9]+$");
        job.State.Should().Be(SlurmJobState.Completed);
        return remote;
    }
}
