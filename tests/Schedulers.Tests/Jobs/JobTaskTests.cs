using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Schedulers.Tests.Jobs;

public sealed class JobTaskTests
{
    private static readonly Dictionary<string, string> Inputs = new() { ["pw.in"] = "a", ["pseudo/Si.UPF"] = "b" };

    [Fact]
    public void The_name_follows_the_content_and_nothing_else()
    {
        var task = JobTask.Create("qe", "pw.x -in pw.in > pw.out", Inputs, ["pw.out"]);
        task.Name.Should().MatchRegex("^qe-[0-9a-f]{16}$");

        var reordered = new Dictionary<string, string> { ["pseudo/Si.UPF"] = "b", ["pw.in"] = "a" };
        JobTask.Create("qe", "pw.x -in pw.in > pw.out", reordered, []).Name.Should().Be(task.Name, "input order and wanted outputs do not change the work");
        JobTask.Create("qe", "pw.x -in pw.in > pw.out", new Dictionary<string, string> { ["pw.in"] = "a!", ["pseudo/Si.UPF"] = "b" }, []).Name.Should().NotBe(task.Name);
        JobTask.Create("qe", "pw.x -in pw.in >pw.out", Inputs, []).Name.Should().NotBe(task.Name);
        JobTask.Create("qe", "x", new Dictionary<string, string> { ["ab"] = "c" }, []).Name
            .Should().NotBe(JobTask.Create("qe", "x", new Dictionary<string, string> { ["a"] = "bc" }, []).Name, "path and content are length-prefixed");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("quote'")]
    public void Unsafe_prefixes_are_refused(string prefix) =>
        FluentActions.Invoking(() => JobTask.Create(prefix, "true", Inputs, [])).Should().Throw<ArgumentException>();

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    public void Paths_leaving_the_work_directory_are_refused(string path) =>
        FluentActions.Invoking(() => JobTask.Create("t", "true", new Dictionary<string, string> { [path] = "x" }, [])).Should().Throw<ArgumentException>();
}
