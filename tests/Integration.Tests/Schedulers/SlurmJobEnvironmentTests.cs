using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;

namespace ActiveLearning.Integration.Tests.Schedulers;

/// <summary>
/// What a task's command finds inside a real SLURM job: Open MPI singletons (pw.x, cp2k) race on a shared
/// <c>$TMPDIR/ompi.*</c> session directory, and threaded BLAS oversubscribes the allocation, so every task of a packed job
/// needs a private TMPDIR and one OpenMP thread.
/// </summary>
public sealed class SlurmJobEnvironmentTests
{
    [Fact]
    public async Task Tasks_packed_in_one_job_each_get_a_private_writable_TMPDIR_in_their_work_directory_and_one_OpenMP_thread()
    {
        await using var cluster = new SlurmTestCluster();
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), cluster.Options(tasksPerJob: 3));
        var tasks = cluster.SquareTasks(
            3,
            "read n < n.txt; echo $n > \"$TMPDIR/mine\"; sleep 1; " +
            "printf '%s\\n%s\\n%s\\n%s\\n' \"$TMPDIR\" \"$PWD\" \"${OMP_NUM_THREADS-unset}\" \"$(cat \"$TMPDIR/mine\")\" > out.txt");

        var results = await SlurmTestCluster.RunAllAsync(scheduler, tasks, TimeSpan.FromMinutes(2));

        results.Should().HaveCount(3).And.OnlyContain(r => r.Succeeded);
        results.Select(r => r.JobId).Distinct().Should().ContainSingle("the three tasks share one job");
        var temporaries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var lines = File.ReadAllLines(Path.Combine(result.LocalDirectory, "out.txt"));
            lines.Should().HaveCount(4);
            var (temporary, workDirectory, threads, written) = (lines[0], lines[1], lines[2], lines[3]);
            workDirectory.Should().Be(Path.Combine(cluster.RemoteRoot, result.Task.Name));
            temporary.Should().Be(workDirectory + "/.tmp", "TMPDIR is private to the task, inside its work directory");
            temporaries.Add(temporary).Should().BeTrue("no two tasks share a TMPDIR");
            threads.Should().Be("1");
            written.Should().Be(result.Task.InputFiles["n.txt"].Trim(), "no other task wrote into this TMPDIR while it ran");
        }
    }
}
