using System.Diagnostics;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>
/// The engine's promise under crashes: a campaign killed with SIGKILL at random moments and resumed each time ends with
/// exactly the structures, data set and models of an uninterrupted run, a sound database, and no label computed twice.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public Task A_campaign_killed_at_thirty_random_moments_and_resumed_ends_as_an_uninterrupted_run() =>
        KillAndResume(explore: false, minimumKills: 30, minimumMidCampaign: 15);

    [Fact]
    public Task An_exploring_campaign_killed_at_random_moments_and_resumed_ends_as_an_uninterrupted_run() =>
        KillAndResume(explore: true, minimumKills: 10, minimumMidCampaign: 5);

    private async Task KillAndResume(bool explore, int minimumKills, int minimumMidCampaign)
    {
        var reference = await UninterruptedRun("reference", explore);
        var clock = Stopwatch.StartNew();
        var random = new Random(20261121);
        var kills = 0;
        var midCampaign = 0;
        var chains = 0;
        var progress = new List<string>();
        // Kill moments are drawn up to the shortest full run seen so far, so they keep landing inside the campaign when
        // the machine's speed changes (a loaded CI runner, other builds on the same cores).
        var estimate = reference.Duration;
        while ((kills < minimumKills || chains < 3) && chains < 60)
        {
            chains++;
            var chain = new TempDirectory();
            try
            {
                var file = SmallCampaign.Write(chain.Path, explore: explore);
                var workdir = SmallCampaign.Workdir(chain.Path);
                var started = false;
                var finished = false;
                for (var attempt = 0; attempt < 6 && !finished; attempt++)
                {
                    // Half the chains continue with al resume, half with al run FILE (which continues an existing work directory).
                    using var process = started && chains % 2 == 0 && CanResume(workdir)
                        ? AlProcess.Start(chain.Path, "resume", workdir)
                        : AlProcess.Start(chain.Path, "run", file);
                    started = true;
                    _ = process.StandardOutput.ReadToEndAsync();
                    var errorText = process.StandardError.ReadToEndAsync();
                    var runClock = Stopwatch.StartNew();
                    var delay = TimeSpan.FromMilliseconds(random.Next(100, (int)Math.Max(200, estimate.TotalMilliseconds)));
                    if (random.Next(5) != 0)
                    {
                        // Most kills are timed from the moment the campaign row exists, so that a slow start (a loaded CI
                        // runner spends seconds in .NET start-up) cannot push them all before the campaign begins.
                        await WaitUntilResumable(process, workdir);
                        var remaining = estimate - runClock.Elapsed;
                        delay = TimeSpan.FromMilliseconds(random.Next(0, (int)Math.Max(100, remaining.TotalMilliseconds)));
                    }

                    await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(delay));
                    if (process.HasExited)
                    {
                        if (attempt == 0 && runClock.Elapsed < estimate)
                        {
                            estimate = runClock.Elapsed;
                        }

                        process.ExitCode.Should().Be(0, await errorText);
                        finished = true;
                        break;
                    }

                    process.Kill(); // SIGKILL: no chance to clean up
                    await process.WaitForExitAsync();
                    kills++;
                    if (CanResume(workdir))
                    {
                        midCampaign++;
                        progress.Add(CampaignOutcome.Progress(workdir));
                    }
                }

                if (!CanResume(workdir))
                {
                    // Killed before the campaign row was committed: al resume says to start it with al run FILE.
                    var refused = await AlProcess.RunAsync(chain.Path, "resume", workdir);
                    refused.ExitCode.Should().Be(2);
                    refused.Error.Should().Contain("al run FILE");
                    var rerun = await AlProcess.RunAsync(chain.Path, "run", file);
                    rerun.ExitCode.Should().Be(0, rerun.Error);
                }
                else
                {
                    var resume = await AlProcess.RunAsync(chain.Path, "resume", workdir);
                    resume.ExitCode.Should().Be(0, resume.Error);
                }

                var outcome = CampaignOutcome.Read(workdir);
                outcome.Integrity.Should().Be("ok");
                outcome.State.Should().Be("finished");
                outcome.Structures.Should().Equal(reference.Outcome.Structures, "the same structures, added in the same iterations");
                outcome.ModelHashes.Should().Equal(reference.Outcome.ModelHashes, "the same model in every iteration");
                outcome.DatasetHash.Should().Be(reference.Outcome.DatasetHash);
                outcome.Labels.Should().Be(reference.Outcome.Structures.Count, "one label per structure");
                outcome.ComputedLabelsPerStructure.Values.Should().OnlyContain(n => n == 1, "no label was computed (and recorded) twice");
                outcome.ComputedLabelsPerStructure.Should().HaveCount(reference.Outcome.Structures.Count);
                Directory.GetFiles(Path.Combine(workdir, "iterations"), "*.tmp", SearchOption.AllDirectories).Should().BeEmpty("no half-written artifact is left");
                File.ReadAllBytes(Path.Combine(workdir, "iterations", "003", "model.mtp")).Should().Equal(
                    File.ReadAllBytes(Path.Combine(folder.Path, "reference", "runs", "small", "iterations", "003", "model.mtp")), "the final model file is the reference's, byte for byte");
            }
            finally
            {
                chain.Dispose();
            }
        }

        if (explore)
        {
            reference.Outcome.Structures.Should().Contain(s => s.EndsWith("@1", StringComparison.Ordinal), "exploration found and selected structures in iteration 1");
        }

        output.WriteLine($"reference run {reference.Duration.TotalSeconds:F2} s; {kills} kills in {chains} chains, {midCampaign} after the campaign row existed; {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine("progress at the kills (structures/labels/models): " + string.Join(" ", progress));
        kills.Should().BeGreaterThanOrEqualTo(minimumKills);
        midCampaign.Should().BeGreaterThanOrEqualTo(minimumMidCampaign, "most kills must land while the campaign is under way, not before it starts");
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Sigint_or_sigterm_stops_cleanly_with_exit_130_and_the_campaign_resumes_to_the_same_end(string signal)
    {
        // The exploring campaign: its MD walkers keep the loop busy for a while after "Iteration 1 started", a wide window
        // for the signal to land inside the campaign (the rattling campaign's loop takes milliseconds).
        var reference = await UninterruptedRun("reference", explore: true);
        var file = SmallCampaign.Write(folder.Path, explore: true);
        using var process = AlProcess.Start(folder.Path, "run", file);
        _ = process.StandardOutput.ReadToEndAsync();
        var seen = new TaskCompletionSource();
        var errorLines = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (errorLines)
            {
                errorLines.Add(e.Data);
            }

            if (e.Data.Contains("Iteration 1 started", StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        await seen.Task.WaitAsync(TimeSpan.FromMinutes(1));
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        process.ExitCode.Should().Be(130, string.Join('\n', errorLines));
        var workdir = SmallCampaign.Workdir(folder.Path);
        var stopped = await AlProcess.RunAsync(folder.Path, "status", workdir, "--json");
        stopped.Output.Should().Contain("\"state\": \"stopped\"", "the first Ctrl-C or SIGTERM records a clean stop");

        var resume = await AlProcess.RunAsync(folder.Path, "resume", workdir);
        resume.ExitCode.Should().Be(0, resume.Error);
        var outcome = CampaignOutcome.Read(workdir);
        outcome.Structures.Should().Equal(reference.Outcome.Structures);
        outcome.ModelHashes.Should().Equal(reference.Outcome.ModelHashes);
        outcome.DatasetHash.Should().Be(reference.Outcome.DatasetHash);
    }

    private static async Task WaitUntilResumable(Process process, string workdir)
    {
        var limit = Stopwatch.StartNew();
        while (!process.HasExited && limit.Elapsed < TimeSpan.FromMinutes(1) && !CanResume(workdir))
        {
            await Task.Delay(20);
        }
    }

    private static bool CanResume(string workdir)
    {
        try
        {
            return CampaignRowExists(workdir);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // The engine is creating the schema right now (busy or half-made): not resumable yet.
            return false;
        }
    }

    private static bool CampaignRowExists(string workdir)
    {
        if (!File.Exists(Path.Combine(workdir, "campaign.db")))
        {
            return false;
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(workdir, "campaign.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'campaign'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            return false;
        }

        command.CommandText = "SELECT COUNT(*) FROM campaign";
        return (long)command.ExecuteScalar()! > 0;
    }

    private async Task<(CampaignOutcome Outcome, TimeSpan Duration)> UninterruptedRun(string name, bool explore = false)
    {
        var directory = Path.Combine(folder.Path, name);
        Directory.CreateDirectory(directory);
        var file = SmallCampaign.Write(directory, explore: explore);
        var clock = Stopwatch.StartNew();
        var run = await AlProcess.RunAsync(directory, "run", file);
        clock.Stop();
        run.ExitCode.Should().Be(0, run.Error);
        return (CampaignOutcome.Read(Path.Combine(directory, "runs", "small")), clock.Elapsed);
    }
}
