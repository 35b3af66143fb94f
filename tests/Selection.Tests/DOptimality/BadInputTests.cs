using ActiveLearning.Selection.DOptimality;
using static ActiveLearning.Selection.Tests.DOptimality.DOptimalityTestData;

namespace ActiveLearning.Selection.Tests.DOptimality;

public sealed class BadInputTests
{
    private static readonly ActiveSet Set = ActiveSet.Build(Random(41, 50, 4));

    [Fact]
    public void Mismatched_column_counts_are_rejected()
    {
        FluentActions.Invoking(() => Set.Grades(Random(42, 5, 3, frameOffset: 7)))
            .Should().Throw<ArgumentException>().WithMessage("*3 columns*active set has 4*frame 7, item 0*");
        FluentActions.Invoking(() => FeatureRows.FromRows([new double[4], new double[3]], [new RowId(3, 0), new RowId(3, 1)]))
            .Should().Throw<ArgumentException>().WithMessage("*frame 3, item 1*3 columns*");
        FluentActions.Invoking(() => new FeatureRows(new double[7], 4, [new RowId(0, 0), new RowId(0, 1)]))
            .Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_rows_are_named_by_their_id(double bad)
    {
        var block = Random(43, 2000, 4, perFrame: 10);
        block.Values[1234 * 4 + 2] = bad;

        FluentActions.Invoking(() => Set.Grades(block)).Should().Throw<ArgumentException>().WithMessage("*frame 123, item 4*");
        FluentActions.Invoking(() => Set.SelectAdd(block)).Should().Throw<ArgumentException>().WithMessage("*frame 123, item 4*");
        FluentActions.Invoking(() => Set.Update(block)).Should().Throw<ArgumentException>().WithMessage("*frame 123, item 4*");
        FluentActions.Invoking(() => ActiveSet.Build(block)).Should().Throw<ArgumentException>().WithMessage("*frame 123, item 4*");
    }

    [Fact]
    public void Empty_candidate_sets_are_rejected()
    {
        var empty = new FeatureRows([], 4, []);
        FluentActions.Invoking(() => Set.SelectAdd(empty)).Should().Throw<ArgumentException>().WithMessage("*no candidate rows*");
        FluentActions.Invoking(() => Set.Update(empty)).Should().Throw<ArgumentException>().WithMessage("*no new training rows*");
        FluentActions.Invoking(() => ActiveSet.Build(empty)).Should().Throw<ArgumentException>().WithMessage("*no training rows*");
        Set.Grades(empty).Should().BeEmpty();
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var rows = Random(44, 10, 4);
        FluentActions.Invoking(() => ActiveSet.Build(rows, new MaxVolOptions { Tolerance = -1 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ActiveSet.Build(rows, new MaxVolOptions { Regularisation = 0 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Set.SelectAdd(rows, new SelectAddOptions { MaxCount = 0 })).Should().Throw<ArgumentException>();
    }
}
