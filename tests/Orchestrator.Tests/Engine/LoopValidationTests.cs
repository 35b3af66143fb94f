using System.Text.Json;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary><c>validate.loop_fraction</c>: every K-th structure the loop adds is held out with the initial validation slice.</summary>
public sealed class LoopValidationTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Every_second_structure_the_loop_adds_is_validated_on_and_never_trained_on()
    {
        var file = SmallCampaign.Write(folder.Path, iterations: 3, explore: true);
        File.WriteAllText(file, File.ReadAllText(file).Replace("validate: { fraction: 0.2", "validate: { fraction: 0.2, loop_fraction: 0.5", StringComparison.Ordinal));

        var run = await AlRunner.Run("run", file);

        run.ExitCode.Should().Be(0, run.StandardError);
        var audit = await AlRunner.Run("audit", SmallCampaign.Workdir(folder.Path), "--json");
        using var json = JsonDocument.Parse(audit.StandardOutput);
        var iterations = json.RootElement.GetProperty("iterations").EnumerateArray().ToList();
        var initialHeldOut = (int)Math.Ceiling(0.2 * iterations[0].GetProperty("added").GetArrayLength());
        var labelled = new List<long>();
        foreach (var iteration in iterations)
        {
            labelled.AddRange(iteration.GetProperty("added").EnumerateArray()
                .Where(s => s.GetProperty("labels").EnumerateArray().Any(l => l.GetProperty("status").GetString() == "ok"))
                .Select(s => s.GetProperty("id").GetInt64()));
            if (iteration.GetProperty("iteration").GetInt32() == 0)
            {
                continue;
            }

            var loopHeldOut = labelled.Count(id => id % 2 == 0 && id > iterations[0].GetProperty("added").GetArrayLength());
            var validation = iteration.GetProperty("validations")[0];
            validation.GetProperty("structures").GetInt32().Should().Be(initialHeldOut + loopHeldOut, "the loop's even ids join the validation set as they are added");
            iteration.GetProperty("models")[0].GetProperty("structures").GetInt32().Should().Be(labelled.Count - initialHeldOut - loopHeldOut, "held-out structures are never trained on");
        }

        labelled.Count(id => id % 2 == 0 && id > iterations[0].GetProperty("added").GetArrayLength()).Should().BePositive("the loop added structures with even ids");
    }
}
