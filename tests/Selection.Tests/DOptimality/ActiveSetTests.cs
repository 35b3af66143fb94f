using ActiveLearning.Selection.DOptimality;
using MathNet.Numerics.LinearAlgebra;
using static ActiveLearning.Selection.Tests.DOptimality.DOptimalityTestData;

namespace ActiveLearning.Selection.Tests.DOptimality;

public sealed class ActiveSetTests
{
    [Theory]
    [InlineData(1, 200, 8, 1.0)]
    [InlineData(2, 500, 12, 1.0)]
    [InlineData(3, 300, 10, 3.0)]
    [InlineData(4, 2100, 20, 1.0)]
    public void After_maxvol_every_training_row_has_grade_at_most_one_plus_delta(int seed, int n, int m, double columnScale)
    {
        var training = Random(seed, n, m, columnScale: columnScale);
        var options = new MaxVolOptions { Tolerance = 1e-3 };
        var set = ActiveSet.Build(training, options);

        set.Converged.Should().BeTrue();
        set.Rank.Should().Be(m);
        set.Grades(training).Max().Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9);
    }

    [Theory]
    [InlineData(5, 8)]
    [InlineData(6, 25)]
    public void A_row_equal_to_an_active_row_has_grade_one(int seed, int m)
    {
        var set = ActiveSet.Build(Random(seed, 40 * m, m));
        var activeRows = new FeatureRows(set.Rows.ToArray(), m, [.. set.Ids]);

        foreach (var grade in set.Grades(activeRows))
        {
            grade.Should().BeApproximately(1.0, 1e-12);
        }
    }

    [Fact]
    public void Scaling_a_candidate_by_three_scales_its_grade_by_three()
    {
        var set = ActiveSet.Build(Random(7, 300, 9));
        var candidates = Random(8, 50, 9);
        var scaled = new FeatureRows(Array.ConvertAll(candidates.Values, v => 3 * v), 9, [.. candidates.Ids]);

        var grades = set.Grades(candidates);
        var scaledGrades = set.Grades(scaled);
        for (var i = 0; i < grades.Length; i++)
        {
            scaledGrades[i].Should().BeApproximately(3 * grades[i], 1e-12 * scaledGrades[i]);
        }
    }

    [Theory]
    [InlineData(9, 400, 10)]
    [InlineData(10, 1500, 16)]
    public void Determinant_never_decreases_during_swaps(int seed, int n, int m)
    {
        var training = Random(seed, n, m);
        var swaps = new List<MaxVolSwap>();
        var set = ActiveSet.Build(training, new MaxVolOptions { Tolerance = 1e-6, OnSwap = swaps.Add });

        swaps.Should().NotBeEmpty("row-pivoted elimination is not already a maximum-volume start");
        var previous = double.NegativeInfinity;
        foreach (var swap in swaps)
        {
            swap.Factor.Should().BeGreaterThan(1 + 1e-6);
            swap.ActiveRows.Should().OnlyContain(row => row < n, "full-rank data never need regularisation rows");
            var a = Matrix<double>.Build.Dense(m, m, (i, k) => training.Row(swap.ActiveRows[i])[k]);
            var logDet = LogAbsDet(a);
            logDet.Should().BeGreaterThan(previous);
            logDet.Should().BeApproximately(swap.LogAbsDeterminant, 1e-9);
            previous = logDet;
        }

        set.LogAbsDeterminant.Should().BeApproximately(previous, 1e-9);
    }

    [Theory]
    [InlineData(11, 30, 1037)]
    [InlineData(12, 92, 4099)]
    public void Grades_by_one_product_equal_a_dense_solve_per_row(int seed, int m, int candidates)
    {
        var set = ActiveSet.Build(Random(seed, 3 * m, m));
        var block = Random(seed + 100, candidates, m, scale: 2);
        var a = ActiveMatrix(set);

        var grades = set.Grades(block);
        for (var i = 0; i < candidates; i++)
        {
            var expected = DenseGrade(a, block.Row(i));
            grades[i].Should().BeApproximately(expected, 1e-10 * expected, $"row {i}");
        }

        set.Grades(block, maxDegreeOfParallelism: 1).Should().Equal(grades, "the result must not depend on the thread count");
    }

    [Fact]
    public void Grades_per_frame_are_the_maximum_over_the_frame_rows()
    {
        var set = ActiveSet.Build(Random(13, 100, 6));
        var block = Random(14, 23, 6, perFrame: 4);
        var grades = set.Grades(block);

        var perFrame = set.FrameGrades(block);
        perFrame.Should().HaveCount(6);
        for (var frame = 0; frame < 6; frame++)
        {
            var expected = double.MinValue;
            for (var i = 0; i < block.Count; i++)
            {
                if (block.Ids[i].Frame == frame)
                {
                    expected = Math.Max(expected, grades[i]);
                }
            }

            perFrame[frame].Should().Be(expected);
        }
    }

    [Fact]
    public void Update_keeps_the_pool_interpolating_and_never_loses_volume()
    {
        var first = Random(15, 60, 10, scale: 0.5);
        var second = Random(16, 200, 10, frameOffset: 1000);
        var set = ActiveSet.Build(first);
        var updated = set.Update(second);

        updated.LogAbsDeterminant.Should().BeGreaterThanOrEqualTo(set.LogAbsDeterminant);
        updated.Ids.Should().Contain(id => id.Frame >= 1000, "larger new rows must enter");
        updated.Grades(second).Max().Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9);
        updated.Grades(new FeatureRows(set.Rows.ToArray(), 10, [.. set.Ids])).Max().Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9);
    }

    [Fact]
    public void Persistence_round_trip_gives_identical_grades()
    {
        var set = ActiveSet.Build(Random(17, 200, 11));
        var path = Path.Combine(Path.GetTempPath(), $"activeset-{Guid.NewGuid():N}.bin");
        try
        {
            set.Save(path);
            var loaded = ActiveSet.Load(path);
            var candidates = Random(18, 333, 11, scale: 3);

            loaded.Ids.Should().Equal(set.Ids);
            loaded.Rows.ToArray().Should().Equal(set.Rows.ToArray());
            loaded.Grades(candidates).Should().Equal(set.Grades(candidates));

            var bytes = File.ReadAllBytes(path);
            bytes[100] ^= 0x10;
            File.WriteAllBytes(path, bytes);
            FluentActions.Invoking(() => ActiveSet.Load(path)).Should().Throw<InvalidDataException>().WithMessage("*checksum*");

            File.WriteAllBytes(path, bytes[..^9]);
            FluentActions.Invoking(() => ActiveSet.Load(path)).Should().Throw<InvalidDataException>().WithMessage("*length*");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
