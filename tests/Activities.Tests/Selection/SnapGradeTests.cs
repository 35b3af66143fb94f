using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Selection;

/// <summary>D-optimality through the rows of a linear SNAP (issue 11): the Zuo silicon model's 56 bispectrum features.</summary>
public sealed class SnapGradeTests
{
    [Fact]
    public void Training_neighbourhoods_grade_within_the_maxvol_bound_and_a_random_cell_extrapolates()
    {
        var potential = (ILinearPotential)PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var training = SiliconDataset.Frames(6);
        var random = new Random(9);
        Structure[] candidates = [RandomStructures.Spread(random, Cell.Orthorhombic(9, 9, 9), 30, [14], 2.1)];

        var trainingRows = StructureFeatures.From(potential, training, FeatureMode.Neighbourhood);
        var active = ActiveSet.Build(trainingRows);

        active.Columns.Should().Be(56);
        active.Converged.Should().BeTrue();
        active.Grades(trainingRows).Max().Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9, "MaxVol stops when no training row has a coefficient above 1 + δ");
        active.Grades(StructureFeatures.From(potential, candidates, FeatureMode.Neighbourhood)).Max()
            .Should().BeGreaterThan(1, "a random liquid-like cell extrapolates from crystal-like training data");
    }
}
