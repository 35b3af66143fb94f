using ActiveLearning.Schedulers.Slurm;
using ActiveLearning.TestSupport;

using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Tests.Slurm;

public sealed class SlurmCommandsTests
{
    private static readonly SlurmResources Full = new()
    {
        Partition = "compute",
        Nodes = 2,
        Tasks = 8,
        CpusPerTask = 4,
        MemoryMegabytes = 16000,
        Walltime = TimeSpan.FromHours(26) + TimeSpan.FromSeconds(5),
        Account = "proj-42",
        Qos = "normal",
        ExtraDirectives = ["--constraint=cpu", "#SBATCH --exclusive"],
        SetupLines = ["module load qe/6.7", "source /opt/env.sh"],
    };

    [Fact]
    public void Batch_script_lists_every_directive_then_setup_then_body()
    {
        var script = SlurmCommands.BatchScript(new SlurmJobRequest("al-abc123", "/scratch/al/abc123", Full, "srun pw.x -in pw.in > pw.out")
        {
            OutputPath = "/scratch/al/abc123/slurm-%j.out",
            ErrorPath = "/scratch/al/abc123/slurm-%j.err",
        });
        script.Should().Be("""
            #!/bin/bash
            #SBATCH --job-name="al-abc123"
            #SBATCH --chdir="/scratch/al/abc123"
            #SBATCH --output="/scratch/al/abc123/slurm-%j.out"
            #SBATCH --error="/scratch/al/abc123/slurm-%j.err"
            #SBATCH --partition="compute"
            #SBATCH --nodes="2"
            #SBATCH --ntasks="8"
            #SBATCH --cpus-per-task="4"
            #SBATCH --mem="16000M"
            #SBATCH --time="1-02:00:05"
            #SBATCH --account="proj-42"
            #SBATCH --qos="normal"
            #SBATCH --constraint=cpu
            #SBATCH --exclusive
            module load qe/6.7
            source /opt/env.sh
            cd -- '/scratch/al/abc123' || exit 1
            srun pw.x -in pw.in > pw.out

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_leave_resources_out()
    {
        var script = SlurmCommands.BatchScript(new SlurmJobRequest("n", "/w", new SlurmResources(), "true\n"));
        script.Should().Be("#!/bin/bash\n#SBATCH --job-name=\"n\"\n#SBATCH --chdir=\"/w\"\ncd -- '/w' || exit 1\ntrue\n");
    }

    [Theory]
    [InlineData("bad\nname", "/w")]
    [InlineData("", "/w")]
    [InlineData("n", "relative/dir")]
    [InlineData("n", "/w\r")]
    public void Names_and_directories_that_cannot_be_written_safely_are_refused(string name, string directory)
    {
        var act = () => SlurmCommands.BatchScript(new SlurmJobRequest(name, directory, new SlurmResources(), "true"));
        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("x;rm")]
    [InlineData("p\"q")]
    public void Partition_account_and_qos_must_be_plain_tokens(string value)
    {
        var request = new SlurmJobRequest("n", "/w", new SlurmResources { Partition = value }, "true");
        FluentActions.Invoking(() => SlurmCommands.BatchScript(request)).Should().Throw<ArgumentException>().WithMessage("*partition*");
        request = request with { Resources = new SlurmResources { Account = value } };
        FluentActions.Invoking(() => SlurmCommands.BatchScript(request)).Should().Throw<ArgumentException>().WithMessage("*account*");
        request = request with { Resources = new SlurmResources { Qos = value } };
        FluentActions.Invoking(() => SlurmCommands.BatchScript(request)).Should().Throw<ArgumentException>().WithMessage("*QoS*");
    }

    [Fact]
    public void Counts_and_times_must_be_positive()
    {
        foreach (var resources in new[]
        {
            new SlurmResources { Nodes = 0 }, new SlurmResources { Tasks = -1 }, new SlurmResources { CpusPerTask = 0 },
            new SlurmResources { MemoryMegabytes = 0 }, new SlurmResources { Walltime = TimeSpan.Zero },
        })
        {
            FluentActions.Invoking(() => SlurmCommands.BatchScript(new SlurmJobRequest("n", "/w", resources, "true")))
                .Should().Throw<ArgumentException>();
        }
    }

    [Theory]
    [InlineData(59.0, "0-00:00:59")]
    [InlineData(60.2, "0-00:01:01")]
    [InlineData(90061.0, "1-01:01:01")]
    public void Walltime_is_days_hours_minutes_seconds(double seconds, string text) =>
        SlurmCommands.Walltime(TimeSpan.FromSeconds(seconds)).Should().Be(text);

    [Fact]
    public void Commands_are_the_argument_lists_the_fixtures_were_captured_with()
    {
        SlurmCommands.Submit().Should().Equal("sbatch", "--parsable");
        SlurmCommands.Submit("/w/job.sh").Should().Equal("sbatch", "--parsable", "/w/job.sh");
        SlurmCommands.QueueStatus(["1", "2", "3_4"]).Should().Equal("squeue", "--noheader", "--states=all", "--jobs=1,2,3_4", "--format=%i|%T|%r|%j");
        SlurmCommands.QueueByName("al running").Should().Equal("squeue", "--noheader", "--states=all", "--name=al running", "--format=%i|%T|%r|%j");
        SlurmCommands.Accounting().Should().Equal("sacct", "-c", "--parsable2", "--format=JobID,JobName,State,ExitCode,Start,End,Elapsed,WorkDir");
        SlurmCommands.Accounting(["4", "6"], new DateTime(2026, 1, 2, 3, 4, 5)).Should().Equal("sacct", "-c", "--parsable2",
            "--format=JobID,JobName,State,ExitCode,Start,End,Elapsed,WorkDir", "--jobs=4,6", "--starttime=2026-01-02T03:04:05");
        SlurmCommands.ShowJob("5").Should().Equal("scontrol", "show", "job", "5");
        SlurmCommands.Cancel(["5", "6"]).Should().Equal("scancel", "5", "6");
    }

    [Fact]
    public void Job_ids_and_lookup_names_are_validated()
    {
        FluentActions.Invoking(() => SlurmCommands.QueueStatus([])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SlurmCommands.QueueStatus(["1;rm -rf /"])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SlurmCommands.ShowJob("-1")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SlurmCommands.Cancel([])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SlurmCommands.QueueByName("a,b")).Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(x)", "'$(x)'")]
    public void Posix_quoting(string text, string quoted) => ShellQuoting.Quote(text).Should().Be(quoted);

    public static TheoryData<string> NastyNames => new()
    {
        "it's a \"job\"",
        "$(touch /tmp/pwned-GUID)",
        "`touch /tmp/pwned-GUID`",
        "a; touch /tmp/pwned-GUID; b",
        "x' ; touch /tmp/pwned-GUID ; echo '",
        "back\\slash \\\" $HOME & | > < * ? ~ #",
    };

    [Theory]
    [MemberData(nameof(NastyNames))]
    public async Task Scripts_with_nasty_names_and_paths_run_in_real_bash_and_create_no_stray_file(string nasty)
    {
        var marker = "/tmp/pwned-" + Guid.NewGuid().ToString("N");
        nasty = nasty.Replace("/tmp/pwned-GUID", marker, StringComparison.Ordinal);
        using var temp = new TempDirectory();
        var workDir = Path.Combine(temp.Path, nasty.Replace('/', '_'));
        Directory.CreateDirectory(workDir);
        var resources = new SlurmResources { SetupLines = ["export AL_NAME=" + ShellQuoting.Quote(nasty)] };
        var script = SlurmCommands.BatchScript(new SlurmJobRequest(nasty, workDir, resources, "echo ok; pwd; printf '%s\\n' \"$AL_NAME\"")
        {
            OutputPath = Path.Combine(workDir, nasty.Replace('/', '_') + ".out"),
            ErrorPath = Path.Combine(workDir, nasty.Replace('/', '_') + ".err"),
        });
        var scriptPath = temp.File("job.sh");
        await File.WriteAllTextAsync(scriptPath, script);

        var syntax = await ExternalProcess.RunAsync("bash", ["-n", scriptPath], timeout: TimeSpan.FromSeconds(30));
        syntax.ExitCode.Should().Be(0, syntax.StandardError);
        var run = await ExternalProcess.RunAsync("bash", [scriptPath], timeout: TimeSpan.FromSeconds(30), workingDirectory: "/");
        run.ExitCode.Should().Be(0, run.StandardError);
        run.StandardOutput.Should().Be("ok\n" + workDir + "\n" + nasty + "\n");
        run.StandardError.Should().BeEmpty();
        File.Exists(marker).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(workDir).Should().BeEmpty("the script must create nothing by itself");
    }

    [Fact]
    public void Nasty_names_in_directives_use_the_escapes_sbatch_reads()
    {
        // Checked against real sbatch 22.05 (Fixtures/README.md): "back\\slash \"q\"" gives JobName=back\slash "q".
        var script = SlurmCommands.BatchScript(new SlurmJobRequest("back\\slash \"q\" 'sq' # hash", "/w", new SlurmResources(), "true"));
        script.Should().Contain("#SBATCH --job-name=\"back\\\\slash \\\"q\\\" 'sq' # hash\"\n");
    }

    [Fact]
    public async Task Command_lines_for_a_shell_pass_every_argument_through_unchanged()
    {
        var marker = "/tmp/pwned-" + Guid.NewGuid().ToString("N");
        string[] arguments = ["printf", "[%s]\\n", "it's", "$(touch " + marker + ")", "a;b", "", "x y", "\"q\"", "`id`"];
        var line = ShellQuoting.Join(arguments);
        var run = await ExternalProcess.RunAsync("bash", ["-c", line], timeout: TimeSpan.FromSeconds(30));
        run.StandardOutput.Should().Be(string.Concat(arguments.Skip(2).Select(a => "[" + a + "]\n")));
        File.Exists(marker).Should().BeFalse();
    }
}
