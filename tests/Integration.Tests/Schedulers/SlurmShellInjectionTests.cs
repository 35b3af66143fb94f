using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Integration.Tests.Schedulers;

public sealed class SlurmShellInjectionTests
{
    [Fact]
    public async Task Names_and_paths_with_quotes_dollars_semicolons_and_spaces_run_verbatim_and_inject_nothing()
    {
        await using var cluster = new SlurmTestCluster();
        // No '/' (a name cannot hold one): an executed "cd" goes home, where the test then looks for the files.
        var marker = "pwned-" + cluster.Prefix;
        var nasty = $"it's \"odd\" $(cd;touch {marker}); `cd;touch {marker}-b` ; x";
        var pwned = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), marker);
        var inputName = "in " + nasty + ".txt";
        var outputName = "out " + nasty + ".txt";
        var command = "cat " + ShellQuoting.Quote(inputName) + " > " + ShellQuoting.Quote(outputName);
        var task = new JobTask("task " + nasty, command, new Dictionary<string, string> { [inputName] = "payload\n" }, [outputName]);
        var options = cluster.Options(tasksPerJob: 2) with { RemoteRoot = cluster.RemoteRoot + "/" + nasty };
        var scheduler = new SlurmJobScheduler(cluster.Ssh(), options);

        var results = await SlurmTestCluster.RunAllAsync(scheduler, [task, .. cluster.SquareTasks(1)], TimeSpan.FromMinutes(2));

        results.Should().HaveCount(2).And.OnlyContain(r => r.Succeeded);
        var result = results.Single(r => r.Task == task);
        File.ReadAllText(Path.Combine(result.LocalDirectory, outputName)).Should().Be("payload\n");
        Directory.Exists(Path.Combine(options.RemoteRoot, task.Name)).Should().BeTrue("the work directory is named verbatim");
        File.Exists(pwned).Should().BeFalse("no text of a name or path may ever be executed");
        File.Exists(pwned + "-b").Should().BeFalse("no text of a name or path may ever be executed");
    }
}
