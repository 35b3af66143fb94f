using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Phonons;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Validation;

/// <summary>The phonon comparison of the validate step: the teacher against itself, and against a stiffer copy of itself.</summary>
public sealed class PhononReferenceTests
{
    private static readonly Structure Argon = Crystals.FccPrimitive(18, 5.26);

    [Fact]
    public void The_teacher_against_itself_has_no_error_on_the_commensurate_grid()
    {
        var reference = PhononReference.Create(Crystals.Argon, Argon, 2, 0.01, [], CancellationToken.None);

        reference.QPoints.Should().HaveCount(8, "every point of the 2×2×2 grid is its own negative");
        var errors = reference.Compare(Crystals.Argon, CancellationToken.None);

        errors.RmseTHz.Should().Be(0);
        errors.MaxErrorTHz.Should().Be(0);
        errors.Points.Should().HaveCount(8);
        errors.Supercell.Should().Be(2);
    }

    [Fact]
    public void A_stiffer_model_is_off_by_the_expected_amount()
    {
        // ε four times larger scales every force constant by 4 and every frequency by exactly 2.
        var stiffer = new LennardJones([new LennardJonesPair(18, 18, 4 * 0.0104, 3.4)], cutoff: 8.5);
        Vec3[] points = [new(0.5, 0, 0.5), new(0.5, 0.5, 0.5)];
        var reference = PhononReference.Create(Crystals.Argon, Argon, 2, 0.01, points, CancellationToken.None);

        var errors = reference.Compare(stiffer, CancellationToken.None);

        var teacher = reference.FrequenciesTHz.SelectMany(f => f).ToArray();
        var expectedRmse = Math.Sqrt(teacher.Average(f => f * f));
        errors.RmseTHz.Should().BeApproximately(expectedRmse, 1e-6);
        errors.MaxErrorTHz.Should().BeApproximately(teacher.Max(), 1e-6);
        errors.Points[1].ModelTHz.Should().Equal(errors.Points[1].TeacherTHz.Select(f => 2 * f), (a, b) => Math.Abs(a - b) < 1e-6);
        errors.ToString().Should().MatchRegex(@"^phonon RMSE \d+\.\d{3} THz, max \d+\.\d{3} THz at 2 q-points$");
    }

    [Fact]
    public void Frequencies_are_those_of_the_force_constants()
    {
        var reference = PhononReference.Create(Crystals.Argon, Argon, 3, 0.01, [new Vec3(1.0 / 3, 0, 0)], CancellationToken.None);
        var direct = ForceConstants.Compute(Crystals.Argon, Argon, new int[,] { { 3, 0, 0 }, { 0, 3, 0 }, { 0, 0, 3 } }).FrequenciesTHz(new Vec3(1.0 / 3, 0, 0));

        reference.FrequenciesTHz[0].Should().Equal(direct);
    }
}
