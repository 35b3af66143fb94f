using ActiveLearning.Selection.DOptimality;
using static ActiveLearning.Selection.Tests.DOptimality.DOptimalityTestData;

namespace ActiveLearning.Selection.Tests.DOptimality;

public sealed class SelectAddWholeFramesTests
{
    [Fact]
    public void A_frame_of_several_new_rows_beats_a_frame_with_the_single_largest_row()
    {
        // A = I. Frame 0 has one row that alone grows |det| by 3; frame 1 has two rows that together grow it by 2 × 2 = 4.
        var set = ActiveSet.Build(FromArray(new double[,] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } }));
        var candidates = Framed(
            (0, [3, 0, 0, 0]),
            (1, [0, 2, 0, 0]),
            (1, [0, 0, 2, 0]));

        var byRow = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 1, OnePerFrame = true });
        var byFrame = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 1, WholeFrames = true });

        byRow.SelectedIds.Select(id => id.Frame).Should().Equal([0], "row by row, the largest single |C_ij| wins");
        byFrame.SelectedIds.Select(id => id.Frame).Should().Equal([1], "labelling frame 1 adds both of its rows");
        byFrame.Factors[0].Should().BeApproximately(4, 1e-12);
        byFrame.ActiveSet.LogAbsDeterminant.Should().BeApproximately(Math.Log(4), 1e-12);
        byFrame.ActiveSet.Ids.Should().Contain([new RowId(1, 0), new RowId(1, 1)]);
    }

    [Fact]
    public void After_a_frame_is_taken_the_next_step_counts_only_what_its_rows_did_not_already_add()
    {
        // Frame 0 brings columns 1 and 2; frame 1 repeats column 2 with a larger value; frame 2 brings column 3. Row by
        // row, frame 0 counts only its largest row, so frame 1's column-2 row still looks new and is picked second; by
        // whole frames, frame 0's second row already holds column 2, so frame 2 adds more.
        var set = ActiveSet.Build(FromArray(new double[,] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } }));
        var candidates = Framed(
            (0, [0, 3, 0, 0]),
            (0, [0, 0, 2.2, 0]),
            (1, [0, 0, 2.5, 0]),
            (2, [0, 0, 0, 1.5]));

        var byRow = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 2, OnePerFrame = true });
        byRow.SelectedIds.Select(id => id.Frame).Should().Equal([0, 1]);
        var byFrame = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 2, WholeFrames = true });

        byFrame.SelectedIds.Select(id => id.Frame).Should().Equal([0, 2]);
        byFrame.Factors.Should().HaveCount(2);
        byFrame.Factors[0].Should().BeApproximately(3 * 2.2, 1e-12);
        byFrame.Factors[1].Should().BeApproximately(1.5, 1e-12);
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public void With_one_row_per_frame_it_selects_exactly_what_row_by_row_select_add_does(int seed)
    {
        var set = ActiveSet.Build(Random(seed, 30, 6));
        var candidates = Random(seed + 1000, 25, 6, perFrame: 1, scale: 2.0, frameOffset: 10);

        var byRow = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 4, OnePerFrame = true });
        var byFrame = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 4, WholeFrames = true });

        byFrame.Selected.Should().NotBeEmpty();
        byFrame.Selected.Should().Equal(byRow.Selected);
        byFrame.Factors.Should().Equal(byRow.Factors, (a, b) => Math.Abs(a - b) <= 1e-9 * Math.Abs(b));
        byFrame.ActiveSet.LogAbsDeterminant.Should().BeApproximately(byRow.ActiveSet.LogAbsDeterminant, 1e-9);
    }

    [Theory]
    [InlineData(44, 30)]
    [InlineData(45, 90)]
    [InlineData(46, 150)]
    public void Each_frame_factor_is_the_volume_growth_of_swapping_its_rows_in_and_is_the_best_such_growth(int seed, int rows)
    {
        const int m = 8;
        var set = ActiveSet.Build(Random(seed, 40, m));
        // Up to 50 frames: more than one batch of the bound-ordered scoring, so pruning is exercised.
        var candidates = Random(seed + 1000, rows, m, perFrame: 3, scale: 1.6, frameOffset: 50);

        var result = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 3, WholeFrames = true });

        result.Selected.Should().HaveCount(3);
        var logGain = result.Factors.Sum(Math.Log);
        result.ActiveSet.LogAbsDeterminant.Should().BeApproximately(set.LogAbsDeterminant + logGain, 1e-8,
            "the factors are the |det A| growth of the rows actually swapped in");
        result.SelectedIds.Select(id => id.Frame).Should().OnlyHaveUniqueItems();
        foreach (var id in result.ActiveSet.Ids.Where(id => id.Frame >= 50))
        {
            result.SelectedIds.Select(s => s.Frame).Should().Contain(id.Frame, "only rows of selected frames enter");
        }

        // The first step's frame grows |det| at least as much as the same greedy swaps of any other single frame.
        var first = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 1, WholeFrames = true });
        foreach (var frame in candidates.Ids.Select(id => id.Frame).Distinct())
        {
            var alone = Subset(candidates, frame);
            var growth = set.SelectAdd(alone, new SelectAddOptions { MaxCount = 1, WholeFrames = true });
            var factor = growth.Factors.Count == 0 ? 1.0 : growth.Factors[0];
            first.Factors[0].Should().BeGreaterThanOrEqualTo(factor * (1 - 1e-12), $"frame {frame}");
        }
    }

    [Fact]
    public void A_frame_with_no_row_above_the_minimum_grade_is_not_selected()
    {
        var set = ActiveSet.Build(FromArray(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }));
        var candidates = Framed(
            (0, [1.3, 0, 0]),
            (0, [0, 1.4, 0]),
            (1, [0, 0, 1.8]));

        var unrestricted = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 2, WholeFrames = true });
        unrestricted.SelectedIds.Select(id => id.Frame).Should().Equal([0, 1], "frame 0 grows |det| by 1.3 × 1.4 = 1.82 > 1.8");
        var result = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 2, WholeFrames = true, MinimumGrade = 1.5 });

        result.SelectedIds.Select(id => id.Frame).Should().Equal([1]);
    }

    private static FeatureRows Framed(params (int Frame, double[] Row)[] rows)
    {
        var items = new Dictionary<int, int>();
        var ids = rows.Select(r =>
        {
            items[r.Frame] = items.GetValueOrDefault(r.Frame, -1) + 1;
            return new RowId(r.Frame, items[r.Frame]);
        }).ToArray();
        return FeatureRows.FromRows(rows.Select(r => r.Row).ToArray(), ids);
    }

    private static FeatureRows Subset(FeatureRows rows, int frame)
    {
        var picked = Enumerable.Range(0, rows.Count).Where(i => rows.Ids[i].Frame == frame).ToArray();
        return FeatureRows.FromRows(picked.Select(i => rows.Row(i).ToArray()).ToArray(), picked.Select(i => rows.Ids[i]).ToArray());
    }
}
