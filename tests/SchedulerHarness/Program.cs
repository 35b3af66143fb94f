using System.Globalization;
using ActiveLearning.Schedulers.Jobs;
using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.Schedulers.Transport;

// A scheduler run in a process of its own, for the tests that kill it (SIGKILL) at random moments and start it again.
//   SchedulerHarness WORKDIR PREFIX TASKS TASKS_PER_JOB MAX_QUEUED
// Runs TASKS tasks (task i sleeps 1 s, appends a line to runs.log in its work directory and writes i² to out.txt)
// over ssh to AL_SSH_HOST/AL_SSH_PORT/AL_SSH_USER/AL_SSH_IDENTITY/AL_SSH_KNOWN_HOSTS, with the journal, the downloaded
// outputs and the ssh control socket under WORKDIR and the remote root WORKDIR/remote. Prints one line per state change
// ("UPDATE STATE NAME") and per result ("RESULT STATE EXITCODE NAME"), then "DONE".
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: SchedulerHarness WORKDIR PREFIX TASKS TASKS_PER_JOB MAX_QUEUED");
    return 2;
}

var workDirectory = Path.GetFullPath(args[0]);
var prefix = args[1];
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var tasksPerJob = int.Parse(args[3], CultureInfo.InvariantCulture);
var maxQueued = int.Parse(args[4], CultureInfo.InvariantCulture);

string Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
    ? value
    : throw new InvalidOperationException($"{name} is not set: run ./test.sh");

var tasks = new List<JobTask>(count);
for (var i = 0; i < count; i++)
{
    tasks.Add(JobTask.Create(
        prefix,
        "echo run >> runs.log; sleep 1; read n < n.txt; echo $((n * n)) > out.txt",
        new Dictionary<string, string> { ["n.txt"] = i.ToString(CultureInfo.InvariantCulture) + "\n" },
        ["out.txt", "runs.log"]));
}

await using var transport = new OpenSshTransport(
    new SshOptions(Variable("AL_SSH_HOST"), Path.Combine("/tmp", "alcm-" + prefix))
    {
        Port = int.Parse(Variable("AL_SSH_PORT"), CultureInfo.InvariantCulture),
        User = Variable("AL_SSH_USER"),
        IdentityFile = Variable("AL_SSH_IDENTITY"),
        KnownHostsFile = Variable("AL_SSH_KNOWN_HOSTS"),
        ControlPersistSeconds = 30,
    },
    TimeSpan.FromSeconds(30));
var scheduler = new SlurmJobScheduler(transport, new SlurmSchedulerOptions
{
    RemoteRoot = Path.Combine(workDirectory, "remote"),
    LocalRoot = Path.Combine(workDirectory, "outputs"),
    JournalDirectory = Path.Combine(workDirectory, "journal"),
    JobNamePrefix = prefix,
    TasksPerJob = tasksPerJob,
    MaxQueued = maxQueued,
    PollInterval = TimeSpan.FromMilliseconds(300),
    CommandTimeout = TimeSpan.FromSeconds(30),
    InitialBackoff = TimeSpan.FromMilliseconds(200),
    MaximumBackoff = TimeSpan.FromSeconds(1),
    SubmissionGrace = TimeSpan.FromSeconds(3),
    Resources = new SlurmResources { Walltime = TimeSpan.FromMinutes(10) },
    Progress = new ConsoleProgress(),
});

await foreach (var result in scheduler.RunAsync(tasks, CancellationToken.None))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {result.State} {result.ExitCode} {result.Task.Name}"));
}

Console.WriteLine("DONE");
return 0;

internal sealed class ConsoleProgress : IProgress<JobTaskUpdate>
{
    public void Report(JobTaskUpdate value) => Console.WriteLine($"UPDATE {value.State} {value.Task.Name}");
}
