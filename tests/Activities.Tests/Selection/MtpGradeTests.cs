using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;
using MathNet.Numerics.LinearAlgebra;

namespace ActiveLearning.Activities.Tests.Selection;

/// <summary>Extrapolation grades through MTP basis rows (issue 5's acceptance): the stored-inverse product equals a dense solve.</summary>
public sealed class MtpGradeTests
{
    [Theory]
    [InlineData(FeatureMode.Neighbourhood)]
    [InlineData(FeatureMode.Configuration)]
    public void Grades_of_mtp_rows_equal_a_dense_solve_with_the_active_set(FeatureMode mode)
    {
        var potential = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(10, 1, 1.9, 5.0)), [14]);
        var training = SiliconDataset.Frames(mode == FeatureMode.Configuration ? 60 : 12);
        var random = new Random(4);
        List<Structure> candidates =
        [
            .. Enumerable.Range(0, 4).Select(i => RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.3 + (0.05 * i), 14, 14), 2, 2, 2), 0.15)),
            RandomStructures.Spread(random, Cell.Orthorhombic(9, 9, 9), 30, [14], 2.1),
        ];

        var active = ActiveSet.Build(StructureFeatures.From(potential, training, mode));
        var rows = StructureFeatures.From(potential, candidates, mode);
        var grades = active.Grades(rows);

        // γ = max_j |c_j| with c solving Aᵀc = x, A the active rows.
        var m = active.Columns;
        var a = Matrix<double>.Build.Dense(m, m, (i, j) => active.Rows[(i * m) + j]);
        var lu = a.Transpose().LU();
        for (var r = 0; r < rows.Count; r++)
        {
            var c = lu.Solve(Vector<double>.Build.DenseOfArray(rows.Row(r).ToArray()));
            var expected = c.AbsoluteMaximum();
            grades[r].Should().BeApproximately(expected, 1e-10 * expected, $"row {rows.Ids[r]}");
        }

        grades.Max().Should().BeGreaterThan(1, "a random liquid-like cell extrapolates from crystal-like training data");
    }
}
