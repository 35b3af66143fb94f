using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Validation;

/// <summary>Validation errors on a fixed labelled set, and the fit guard that keeps the previous model when a refit is worse.</summary>
public sealed class ValidationTests
{
    [Fact]
    public void The_teacher_has_no_error_on_its_own_labels_and_the_student_a_small_one()
    {
        var set = new ValidationSet(SiliconModel.Training.Skip(12).Take(6));

        var teacher = set.Evaluate(StillingerWeber.Silicon()).Overall;
        var student = set.Evaluate(SiliconModel.Model).Overall;

        teacher.ForceRmseEVPerAngstrom.Should().BeLessThan(1e-9);
        teacher.EnergyRmseMeVPerAtom.Should().BeLessThan(1e-6);
        student.Structures.Should().Be(6);
        student.ForceComponents.Should().Be(6 * 64 * 3);
        student.ForceRmseEVPerAngstrom.Should().BeInRange(0.01, 0.5);
        student.ForceMaeEVPerAngstrom.Should().BeLessThan(student.ForceRmseEVPerAngstrom!.Value);
        student.StressRmseGPa.Should().NotBeNull();
        set.Hashes.Should().Equal(SiliconModel.Training.Skip(12).Take(6).Select(StructureHash.Compute));
    }

    [Fact]
    public void An_unlabelled_structure_cannot_join_a_validation_set()
    {
        var act = () => new ValidationSet([SiliconModel.Diamond()]);
        act.Should().Throw<ArgumentException>().WithMessage("*structure 0*no reference energy and forces*");
    }

    [Fact]
    public void The_guard_keeps_the_previous_model_when_the_refit_is_worse_on_the_validation_set_and_says_so()
    {
        var set = new ValidationSet(SiliconModel.Training.Skip(18));
        var good = set.Evaluate(SiliconModel.Model).Overall;
        // A refit to the energies of three frames alone: the forces are left undetermined.
        var energiesOnly = LinearFitter.Fit(SiliconModel.Untrained(), SiliconModel.Training.Take(3), new LinearFitOptions { ForceWeight = 0, StressWeight = 0 });
        var poor = set.Evaluate(energiesOnly.Potential).Overall;
        poor.ForceRmseEVPerAngstrom.Should().BeGreaterThan(1.2 * good.ForceRmseEVPerAngstrom!.Value);

        var rejected = FitGuard.Decide(good, poor);
        var accepted = FitGuard.Decide(poor, good);
        var first = FitGuard.Decide(null, poor);

        rejected.KeepNew.Should().BeFalse();
        rejected.Message.Should().StartWith("Kept the previous model").And.Contain("force RMSE");
        accepted.KeepNew.Should().BeTrue();
        accepted.Message.Should().StartWith("Kept the new model");
        first.KeepNew.Should().BeTrue();
    }

    [Fact]
    public void A_rise_within_the_tolerance_keeps_the_new_model()
    {
        var before = Metrics(energy: 5.0, forces: 0.100);
        FitGuard.Decide(before, Metrics(energy: 5.4, forces: 0.109)).KeepNew.Should().BeTrue();
        FitGuard.Decide(before, Metrics(energy: 5.0, forces: 0.125)).KeepNew.Should().BeFalse();
        FitGuard.Decide(before, Metrics(energy: 7.0, forces: 0.100)).KeepNew.Should().BeFalse();
        FitGuard.Decide(before, Metrics(energy: 5.0, forces: double.NaN)).KeepNew.Should().BeFalse("a model that predicts NaN is never better");
    }

    private static ErrorMetrics Metrics(double energy, double forces) => new(10, 10, energy, energy, 300, forces, forces, 0, null, null);
}
