using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Activities.Tests.Validation;

/// <summary>The survival test with a real MTP student of Stillinger–Weber silicon, and the same student broken on purpose.</summary>
public sealed class SurvivalTestTests
{
    private static readonly SurvivalOptions Options = new() { Runs = 3, Steps = 400, TemperatureK = 300, Seed = 1 };

    [Fact]
    public async Task A_model_fitted_to_the_teachers_md_survives_every_low_temperature_run()
    {
        var result = await SurvivalTest.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, SiliconModel.Training, Options);

        result.Rate.Should().Be(1.0);
        result.Survived.Should().Be(3);
        result.Runs.Should().OnlyContain(r => r.StopReason == WalkerStopReason.Completed && r.StepsDone == 400);
        result.Runs.Should().OnlyContain(r => r.CandidatesKept == 0, "the survival test keeps no frames");
    }

    [Fact]
    public async Task A_model_whose_energy_has_the_wrong_sign_survives_no_run()
    {
        // Negating every coefficient turns every force around: the lattice is no longer a minimum and MD runs away.
        var parameters = SiliconModel.Model.Parameters.Select(p => -p).ToArray();
        var broken = SiliconModel.Model.WithParameters(parameters);

        var result = await SurvivalTest.RunAsync(broken, SiliconModel.ActiveSet, SiliconModel.Training, Options with { TemperatureK = 1500 });

        result.Rate.Should().Be(0);
        result.Runs.Should().OnlyContain(r => r.StopReason != WalkerStopReason.Completed && r.StepsDone < 400);
    }
}
