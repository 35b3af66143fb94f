using ActiveLearning.Selection.Diversity;

namespace ActiveLearning.Selection.Tests.Diversity;

public sealed class FarthestPointSamplingTests
{
    private static List<double[]> Line(int points) => Enumerable.Range(0, points).Select(i => new double[] { i, 0 }).ToList();

    [Fact]
    public void On_a_line_it_picks_the_ends_then_the_middle()
    {
        var selection = FarthestPointSampling.Select(Line(11), 3);

        // Both ends are 5 from the mean: the tie goes to the lower index.
        selection.Indices.Should().Equal(0, 10, 5);
        selection.Distances[0].Should().Be(double.PositiveInfinity);
        selection.Distances.Skip(1).Should().Equal(10.0, 5.0);
    }

    [Fact]
    public void On_a_grid_it_picks_corners_before_the_centre()
    {
        var grid = new List<double[]>();
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                grid.Add([i, j]);
            }
        }

        var selection = FarthestPointSampling.Select(grid, 5);
        selection.Indices.Should().Equal(0, 8, 2, 6, 4);
        selection.Distances.Skip(1).Should().Equal(Math.Sqrt(8), 2.0, 2.0, Math.Sqrt(2));
    }

    [Fact]
    public void It_keeps_away_from_an_existing_set()
    {
        var options = new FarthestPointOptions { Existing = [[0.0, 0], [10.0, 0]] };
        var selection = FarthestPointSampling.Select(Line(11), 3, options);
        selection.Indices.Should().Equal(5, 2, 7);
        selection.Distances.Should().Equal(5.0, 2.0, 2.0);
    }

    [Fact]
    public void A_given_start_row_is_picked_first()
    {
        var selection = FarthestPointSampling.Select(Line(11), 2, new FarthestPointOptions { StartRow = 4 });
        selection.Indices.Should().Equal(4, 10);
    }

    [Fact]
    public void Asking_for_more_than_there_are_returns_each_row_once_even_duplicates()
    {
        List<double[]> rows = [[1.0], [1.0], [1.0], [2.0]];
        var selection = FarthestPointSampling.Select(rows, 10);
        selection.Indices.Should().BeEquivalentTo([0, 1, 2, 3]);
        selection.Indices.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Every_pick_is_the_farthest_remaining_row_and_threads_do_not_matter()
    {
        var random = new Random(17);
        const int n = 5000, m = 16;
        var rows = new List<double[]>(n);
        for (var i = 0; i < n; i++)
        {
            var row = new double[m];
            for (var j = 0; j < m; j++)
            {
                row[j] = random.NextDouble();
            }

            rows.Add(row);
        }

        var parallel = FarthestPointSampling.Select(rows, 25);
        var serial = FarthestPointSampling.Select(rows, 25, new FarthestPointOptions { MaxDegreeOfParallelism = 1 });
        parallel.Indices.Should().Equal(serial.Indices);
        parallel.Distances.Should().Equal(serial.Distances);

        // Brute force: each pick's reported distance is its distance to the nearest earlier pick, and no remaining row is farther.
        for (var k = 1; k < parallel.Indices.Count; k++)
        {
            var chosen = parallel.Indices.Take(k).ToList();
            double NearestChosen(int i) => chosen.Min(c => Distance(rows[i], rows[c]));
            var best = Enumerable.Range(0, n).Where(i => !chosen.Contains(i)).Max(NearestChosen);
            NearestChosen(parallel.Indices[k]).Should().BeApproximately(best, 1e-12);
            parallel.Distances[k].Should().BeApproximately(best, 1e-12);
        }
    }

    [Fact]
    public void Bad_input_is_named()
    {
        var empty = () => FarthestPointSampling.Select(new List<double[]>(), 1);
        empty.Should().Throw<ArgumentException>().WithMessage("*no candidate*");

        List<double[]> ragged = [[1.0, 2], [1.0, 2, 3]];
        var mismatch = () => FarthestPointSampling.Select(ragged, 1, new FarthestPointOptions { CandidateIds = ["a", "frame-b"] });
        mismatch.Should().Throw<ArgumentException>().WithMessage("Candidate row 'frame-b' has 3 features; 2 expected*");

        var existing = () => FarthestPointSampling.Select(Line(3), 1, new FarthestPointOptions { Existing = [[1.0]] });
        existing.Should().Throw<ArgumentException>().WithMessage("Existing row 0 has 1 features; 2 expected*");

        List<double[]> nan = [[1.0, 2], [double.NaN, 0]];
        var notFinite = () => FarthestPointSampling.Select(nan, 1);
        notFinite.Should().Throw<ArgumentException>().WithMessage("Candidate row 1 has a non-finite value*");

        var zero = () => FarthestPointSampling.Select(Line(3), 0);
        zero.Should().Throw<ArgumentOutOfRangeException>();
        var start = () => FarthestPointSampling.Select(Line(3), 1, new FarthestPointOptions { StartRow = 3 });
        start.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static double Distance(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            sum += (a[j] - b[j]) * (a[j] - b[j]);
        }

        return Math.Sqrt(sum);
    }
}
