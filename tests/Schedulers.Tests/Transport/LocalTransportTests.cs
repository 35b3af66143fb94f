using System.Diagnostics;
using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Tests.Transport;

public sealed class LocalTransportTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("al-transport-").FullName;
    private readonly LocalTransport transport = new();

    public void Dispose() => Directory.Delete(root, recursive: true);

    internal static bool ProcessIsGone(int pid)
    {
        var stat = "/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/stat";
        if (!File.Exists(stat))
        {
            return true;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z'); // a zombie is dead, merely unreaped
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Execute_reports_exit_code_stdout_stderr_and_feeds_stdin()
    {
        var result = await transport.ExecuteAsync(
            ["/bin/sh", "-c", "cat; echo oops >&2; exit 7"], "in put\nline 2", TimeSpan.FromSeconds(20), CancellationToken.None);

        result.ExitCode.Should().Be(7);
        result.StandardOutput.Should().Be("in put\nline 2");
        result.StandardError.Should().Be("oops\n");
        (await transport.ExecuteAsync(["true"], null, TimeSpan.FromSeconds(20), CancellationToken.None)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task Timeout_kills_the_whole_process_tree_in_time()
    {
        var pidFile = Path.Combine(root, "child.pid");
        var clock = Stopwatch.StartNew();

        var run = () => transport.ExecuteAsync(
            ["/bin/sh", "-c", "sleep 100 & echo $! > \"$1\"; wait", "sh", pidFile], null, TimeSpan.FromSeconds(1), CancellationToken.None);

        await run.Should().ThrowAsync<TransportTimeoutException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8));
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntil(() => ProcessIsGone(child), TimeSpan.FromSeconds(3));
        ProcessIsGone(child).Should().BeTrue("the sleep grandchild must die with its group");
    }

    [Fact]
    public async Task Cancellation_kills_the_tree_and_throws_operation_cancelled()
    {
        var pidFile = Path.Combine(root, "child.pid");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));

        var run = () => transport.ExecuteAsync(
            ["/bin/sh", "-c", "sleep 100 & echo $! > \"$1\"; wait", "sh", pidFile], null, TimeSpan.FromSeconds(60), cancel.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntil(() => ProcessIsGone(child), TimeSpan.FromSeconds(3));
        ProcessIsGone(child).Should().BeTrue();
    }

    [Fact]
    public async Task Write_read_and_exists_round_trip_with_parent_creation()
    {
        var path = Path.Combine(root, "a b", "it's $(x).txt");

        (await transport.ExistsAsync(path, CancellationToken.None)).Should().BeFalse();
        await transport.WriteTextAsync(path, "first ü\n", CancellationToken.None);
        await transport.WriteTextAsync(path, "second ü\n", CancellationToken.None);

        (await transport.ExistsAsync(path, CancellationToken.None)).Should().BeTrue();
        (await transport.ReadTextAsync(path, CancellationToken.None)).Should().Be("second ü\n");
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
    }

    [Fact]
    public async Task A_failed_write_leaves_the_target_untouched_and_no_temporary_file()
    {
        var target = Path.Combine(root, "target");
        Directory.CreateDirectory(target); // renaming a file over a directory fails after the temporary file was written
        File.WriteAllText(Path.Combine(target, "keep"), "x");

        var write = () => transport.WriteTextAsync(target, "new", CancellationToken.None);

        await write.Should().ThrowAsync<TransportException>();
        Directory.GetFileSystemEntries(root).Should().Equal(target);
        File.ReadAllText(Path.Combine(target, "keep")).Should().Be("x");
    }

    [Fact]
    public async Task Reading_a_missing_file_throws_file_not_found()
    {
        var read = () => transport.ReadTextAsync(Path.Combine(root, "missing"), CancellationToken.None);
        await read.Should().ThrowAsync<FileNotFoundException>();
    }

    [Fact]
    public async Task Upload_and_download_copy_directory_trees_and_merge()
    {
        var source = Path.Combine(root, "src");
        Directory.CreateDirectory(Path.Combine(source, "sub dir", "deep"));
        File.WriteAllText(Path.Combine(source, "top.txt"), "top");
        File.WriteAllText(Path.Combine(source, "sub dir", "deep", "q'uote.txt"), "deep");
        var remote = Path.Combine(root, "remote", "work");
        Directory.CreateDirectory(remote);
        File.WriteAllText(Path.Combine(remote, "existing.txt"), "kept");

        await transport.UploadAsync(source, remote, CancellationToken.None);
        var back = Path.Combine(root, "back");
        await transport.DownloadAsync(remote, back, CancellationToken.None);

        File.ReadAllText(Path.Combine(back, "top.txt")).Should().Be("top");
        File.ReadAllText(Path.Combine(back, "sub dir", "deep", "q'uote.txt")).Should().Be("deep");
        File.ReadAllText(Path.Combine(back, "existing.txt")).Should().Be("kept");
        await FluentActions.Invoking(() => transport.UploadAsync(Path.Combine(root, "nope"), remote, CancellationToken.None))
            .Should().ThrowAsync<FileNotFoundException>();
    }

    internal static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < limit)
        {
            await Task.Delay(50);
        }
    }
}
