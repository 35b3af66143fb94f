using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Drivers.Vasp;
using ActiveLearning.Drivers.Tests.Cp2k;
using ActiveLearning.Drivers.Tests.QuantumEspresso;
using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Drivers.Tests.Labelling;

/// <summary>The handlers' decisions on captured real outputs (their runs with the real codes are in the integration tests).</summary>
public sealed class ErrorHandlerTests
{
    private static CodeAttempt Attempt(CodeResult output, int exitCode) => new(
        1, output.Status, output.Detail ?? string.Empty, output,
        new JobTaskResult(JobTask.Create("t", "true", new Dictionary<string, string>(), []), JobTaskState.Finished, exitCode, "/tmp", "local", null));

    [Fact]
    public void pw_x_non_convergence_gets_lower_beta_and_more_steps_then_local_TF_then_nothing()
    {
        var output = QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("si2-not-converged.out"));
        var attempt = Attempt(output, 2);
        var handler = new QuantumEspressoScfHandler();
        var settings = QuantumEspressoCases.Get("si2-not-converged").Settings;

        handler.Check(attempt).Should().BeTrue();
        var first = handler.Correct(settings, attempt, 0)!;
        first.Settings.Should().Be(settings with { MixingBeta = 0.35, ElectronMaxStep = 100 });
        first.Description.Should().Be("mixing_beta 0.7 → 0.35, electron_maxstep 2 → 100");
        var second = handler.Correct(first.Settings, attempt, 1)!;
        second.Settings.Should().Be(settings with { MixingBeta = 0.175, ElectronMaxStep = 200, MixingMode = "local-TF" });
        second.Description.Should().Be("mixing_beta 0.35 → 0.175, electron_maxstep 100 → 200, mixing_mode plain → local-TF");
        handler.Correct(second.Settings, attempt, 2).Should().BeNull();

        var crash = Attempt(QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("crash-missing-pseudo.out")), 1);
        handler.Check(crash).Should().BeFalse();
        handler.Check(Attempt(QuantumEspressoParser.ParseFile(QuantumEspressoCases.FixturePath("si2-diamond.out")), 0)).Should().BeFalse();
    }

    [Fact]
    public void CP2K_non_convergence_gets_more_MAX_SCF_and_a_smaller_mixing_alpha()
    {
        var output = Cp2kParser.ParseFile(Cp2kCases.FixturePath("si8-xtb-not-converged.out"));
        var attempt = Attempt(output, 0);
        var handler = new Cp2kScfHandler();
        var settings = Cp2kCases.Get("si8-xtb-not-converged").Settings;

        handler.Check(attempt).Should().BeTrue("CP2K exits 0 and prints numbers, but the SCF did not converge");
        var first = handler.Correct(settings, attempt, 0)!;
        first.Settings.Should().Be(settings with { MaxScf = 100, MixingAlpha = 0.2 });
        first.Description.Should().Be("MAX_SCF 1 → 100, mixing ALPHA 0.4 → 0.2");
        handler.Correct(first.Settings, attempt, 1)!.Settings.Should().Be(settings with { MaxScf = 200, MixingAlpha = 0.1 });
        handler.Correct(first.Settings, attempt, 2).Should().BeNull();
    }

    [Fact]
    public void A_crash_is_retried_once_with_the_same_settings()
    {
        var crash = Attempt(Cp2kParser.ParseFile(Cp2kCases.FixturePath("crash-missing-dftb-parameters.out")), 1);
        var handler = new CrashRetryHandler<Cp2kSettings>();
        var settings = new Cp2kSettings();

        handler.Check(crash).Should().BeTrue();
        new Cp2kScfHandler().Check(crash).Should().BeFalse();
        var retry = handler.Correct(settings, crash, 0)!;
        retry.Settings.Should().BeSameAs(settings);
        retry.Description.Should().StartWith("retry after: ").And.Contain("nonscc_parameter");
        handler.Correct(settings, crash, 1).Should().BeNull();
    }

    [Fact]
    public void VASP_NELM_exhaustion_gets_more_steps_and_smaller_AMIX_then_ALGO_All_then_nothing()
    {
        var output = OutcarParser.ParseFile(Path.Combine(AppContext.BaseDirectory, "Vasp", "Fixtures", "not-converged.OUTCAR"));
        var attempt = Attempt(output, 0);
        var handler = new VaspScfHandler();
        var settings = new VaspSettings { PotcarDirectory = "/potcars", Encut = 300, KPointSpacing = 0.3, Nelm = 5 };

        handler.Check(attempt).Should().BeTrue();
        var first = handler.Correct(settings, attempt, 0)!;
        first.Settings.Should().Be(settings with { Nelm = 100, Amix = 0.2 });
        first.Description.Should().Be("NELM 5 → 100, AMIX 0.4 → 0.2");
        var second = handler.Correct(first.Settings, attempt, 1)!;
        second.Settings.Should().Be(first.Settings with { Nelm = 200, Algo = "All" });
        handler.Correct(second.Settings, attempt, 2).Should().BeNull();
        handler.Check(Attempt(OutcarParser.ParseFile(Path.Combine(AppContext.BaseDirectory, "Vasp", "Fixtures", "single-point.OUTCAR")), 0)).Should().BeFalse();
    }
}
