using ActiveLearning.Selection.Diversity;

namespace ActiveLearning.Selection.Tests.Diversity;

public sealed class LeverageScoreSamplingTests
{
    [Fact]
    public void Leverages_sum_to_the_rank_and_a_lone_direction_has_leverage_one()
    {
        // Ten rows spread in the (x, y) plane and one row alone along z: it is irreplaceable.
        var rows = new List<double[]>();
        for (var i = 0; i < 10; i++)
        {
            rows.Add([Math.Cos(i), Math.Sin(i), 0]);
        }

        rows.Add([0, 0, 1]);
        var scores = LeverageScoreSampling.Scores(rows);
        scores.Sum().Should().BeApproximately(3, 1e-9);
        scores[10].Should().BeApproximately(1, 1e-9);
        scores.Take(10).Should().OnlyContain(h => h > 0 && h < 0.5);
        LeverageScoreSampling.Select(rows, 1).Should().Equal(10);
    }

    [Fact]
    public void Selection_is_ordered_by_leverage_with_ties_to_the_lower_index()
    {
        // Symmetric rows: equal leverage for all four; an outlying fifth row has the most.
        List<double[]> rows = [[1.0, 0], [-1.0, 0], [0, 1.0], [0, -1.0], [3.0, 3.0]];
        var selection = LeverageScoreSampling.Select(rows, 3);
        selection[0].Should().Be(4);
        selection.Skip(1).Should().Equal(0, 1);
    }

    [Fact]
    public void Fewer_rows_than_features_still_give_finite_scores_and_bad_rows_are_named()
    {
        List<double[]> rows = [[1.0, 0, 0, 0], [0, 1.0, 0, 0]];
        LeverageScoreSampling.Scores(rows).Should().OnlyContain(h => double.IsFinite(h) && h > 0.99 && h <= 1);

        List<double[]> bad = [[1.0, 0], [double.NaN, 0]];
        var act = () => LeverageScoreSampling.Scores(bad, ids: ["a", "frame-z"]);
        act.Should().Throw<ArgumentException>().WithMessage("Row 'frame-z' has a non-finite value*");
        var empty = () => LeverageScoreSampling.Select(new List<double[]>(), 2);
        empty.Should().Throw<ArgumentException>();
    }
}
