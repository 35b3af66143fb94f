using ActiveLearning.Selection.DOptimality;
using static ActiveLearning.Selection.Tests.DOptimality.DOptimalityTestData;

namespace ActiveLearning.Selection.Tests.DOptimality;

public sealed class RankDeficiencyTests
{
    [Fact]
    public void Fewer_rows_than_columns_give_finite_grades_and_large_ones_outside_the_span()
    {
        var training = Random(21, 3, 8);
        var set = ActiveSet.Build(training);

        set.Rank.Should().Be(3);
        set.Grades(training).Max().Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9);
        var candidates = Random(22, 100, 8);
        var grades = set.Grades(candidates);
        grades.Should().OnlyContain(g => double.IsFinite(g) && g > 1e3, "random rows leave the 3-dimensional span");

        // Inside the span: a combination of training rows interpolates.
        var inside = new double[8];
        for (var k = 0; k < 8; k++)
        {
            inside[k] = 0.3 * training.Row(0)[k] - 0.2 * training.Row(2)[k];
        }

        set.Grades(Single(inside, new RowId(9, 0)))[0].Should().BeLessThan(1.0);
    }

    [Fact]
    public void Duplicate_and_near_collinear_rows_give_finite_grades()
    {
        var distinct = Random(23, 3, 6);
        var values = new double[60 * 6];
        var random = new Random(24);
        for (var i = 0; i < 60; i++)
        {
            for (var k = 0; k < 6; k++)
            {
                values[i * 6 + k] = distinct.Row(i % 3)[k] * (1 + 1e-13 * Gaussian(random));
            }
        }

        var training = new FeatureRows(values, 6, Enumerable.Range(0, 60).Select(i => new RowId(i, 0)).ToArray());
        var set = ActiveSet.Build(training);

        set.Rank.Should().Be(3);
        set.Grades(training).Max().Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9);
        set.Grades(Random(25, 50, 6)).Should().OnlyContain(g => double.IsFinite(g) && g > 1e3);
    }

    [Fact]
    public void A_zero_column_is_anchored_by_a_regularisation_row()
    {
        var training = Random(26, 80, 5);
        for (var i = 0; i < training.Count; i++)
        {
            training.Values[i * 5 + 2] = 0.0;
        }

        var set = ActiveSet.Build(training);
        set.Rank.Should().Be(4);
        set.Ids.Should().ContainSingle(id => id.IsRegularisation).Which.Item.Should().Be(2);

        var candidate = training.Row(7).ToArray();
        set.Grades(Single(candidate, new RowId(1, 1)))[0].Should().BeLessThanOrEqualTo(1 + 1e-3 + 1e-9);
        candidate[2] = 0.5;
        var grade = set.Grades(Single(candidate, new RowId(1, 1)))[0];
        grade.Should().BeGreaterThan(1e4);
        double.IsFinite(grade).Should().BeTrue();
    }

    [Fact]
    public void All_zero_training_still_builds_and_grades_finitely()
    {
        var training = new FeatureRows(new double[4 * 3], 3, [new(0, 0), new(0, 1), new(1, 0), new(1, 1)]);
        var set = ActiveSet.Build(training);

        set.Rank.Should().Be(0);
        set.Grades(training).Should().OnlyContain(g => g == 0.0);
        set.Grades(Single([1.0, 0.0, 0.0], new RowId(2, 0)))[0].Should().BeGreaterThan(1e5).And.Match(g => double.IsFinite(g));
    }

    [Fact]
    public void New_rows_replace_regularisation_rows_on_update()
    {
        var set = ActiveSet.Build(Random(27, 2, 5));
        var updated = set.Update(Random(28, 20, 5, frameOffset: 50));

        set.Rank.Should().Be(2);
        updated.Rank.Should().Be(5);
        updated.LogAbsDeterminant.Should().BeGreaterThan(set.LogAbsDeterminant);
    }
}
