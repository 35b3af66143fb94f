using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Integration.Tests.Schedulers;
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

    private static readonly QuantumEspressoSettings Settings = new()
    {
        Pseudopotentials = new Dictionary<string, string> { ["Si"] = "Si.pbe-rrkj.UPF" },
        PseudoDirectory = Codes.PseudoDirectory,
        EcutWfc = 16,
        EcutRho = 64,
        Smearing = "mv",
        Degauss = 0.02,
        ConvThr = 1e-10,
        KPointSpacing = 0.8,
    };

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
        Structure[] structures = [Codes.Si2Rattled()];

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
    public async Task Cp2k_DFTB_Si8_over_ssh_to_SLURM_gives_the_local_labels()
    {
        Codes.Require("cp2k", "cp2k");
        await using var cluster = new SlurmTestCluster();
        await using var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 1));
        using var local = new TempDirectory();
        using var localScheduler = Codes.Scheduler(local.Path);
        var settings = new Cp2kSettings { Method = Cp2kMethod.DftbNonScc };
        Structure[] structures = [Codes.Si8Rattled()];

        var remote = (await Codes.LabelAllAsync(CodeLabellers.Cp2k(settings, null, scheduler), structures)).Single();
        var expected = (await Codes.LabelAllAsync(CodeLabellers.Cp2k(settings, null, localScheduler), structures)).Single();

        remote.Succeeded.Should().BeTrue(remote.FailureReason);
        StructureAssert.Labels(expected.Labels, remote.Labels, SameRun, "cp2k DFTB Si8 through SLURM");
        remote.Labels!.Stress.Should().NotBeNull();
        remote.Provenance.Version.Should().Be("2023.1");
        var job = (await cluster.EndedJobsAsync()).Should().ContainSingle().Subject;
        remote.Provenance.JobId.Should().Be(job.JobId);
        job.State.Should().Be(SlurmJobState.Completed);
    }
}
