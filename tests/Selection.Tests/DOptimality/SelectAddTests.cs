using ActiveLearning.Selection.DOptimality;
using MathNet.Numerics.LinearAlgebra;
using static ActiveLearning.Selection.Tests.DOptimality.DOptimalityTestData;

namespace ActiveLearning.Selection.Tests.DOptimality;

public sealed class SelectAddTests
{
    private const int M = 4;

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    public void One_selection_is_the_exhaustive_best_swap(int seed)
    {
        var (set, candidates) = SmallCase(seed);
        var result = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 1 });

        var (bestLogDet, bestCandidate) = ExhaustiveBestSwap(ActiveMatrix(set), candidates, []);
        result.Selected.Should().Equal(bestCandidate);
        result.ActiveSet.LogAbsDeterminant.Should().BeApproximately(bestLogDet, 1e-9);
        result.Factors[0].Should().BeApproximately(Math.Exp(bestLogDet - set.LogAbsDeterminant), 1e-9);
    }

    [Theory]
    [InlineData(35, 2)]
    [InlineData(36, 3)]
    [InlineData(37, 3)]
    public void Each_greedy_step_is_the_exhaustive_best_given_the_earlier_ones(int seed, int k)
    {
        var (set, candidates) = SmallCase(seed);
        var result = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = k });
        result.Selected.Should().HaveCount(k, "the small cases are built so that every step can gain volume");

        var current = ActiveMatrix(set);
        var locked = new HashSet<int>();
        var used = new HashSet<int>();
        for (var step = 0; step < k; step++)
        {
            var (logDet, candidate, position) = BestSwap(current, candidates, used, locked);
            result.Selected[step].Should().Be(candidate, $"step {step}");
            current.SetRow(position, candidates.Row(candidate).ToArray());
            locked.Add(position);
            used.Add(candidate);
            LogAbsDet(current).Should().BeApproximately(logDet, 1e-12);
        }

        result.ActiveSet.LogAbsDeterminant.Should().BeApproximately(LogAbsDet(current), 1e-9);
        var optimum = ExhaustiveBestSubset(ActiveMatrix(set), candidates, k);
        result.ActiveSet.LogAbsDeterminant.Should().BeLessThanOrEqualTo(optimum + 1e-9, "greedy cannot beat the exhaustive optimum");
    }

    [Fact]
    public void One_per_frame_and_minimum_grade_restrict_the_choice()
    {
        var (set, candidates) = SmallCase(38, perFrame: 5);
        var result = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 3, OnePerFrame = true });
        result.SelectedIds.Select(id => id.Frame).Should().OnlyHaveUniqueItems();
        result.Selected.Count.Should().BeLessThanOrEqualTo(2);

        var threshold = result.Grades.OrderDescending().ElementAt(2);
        var strict = set.SelectAdd(candidates, new SelectAddOptions { MaxCount = 10, MinimumGrade = threshold });
        strict.Selected.Should().OnlyContain(i => result.Grades[i] > threshold);
        strict.Selected.Count.Should().BeLessThanOrEqualTo(2);
    }

    [Fact]
    public void Candidates_inside_the_active_volume_are_not_selected()
    {
        var training = Random(39, 200, M);
        var set = ActiveSet.Build(training);
        var result = set.SelectAdd(training, new SelectAddOptions { MaxCount = 3 });

        result.Selected.Should().BeEmpty();
        result.ActiveSet.LogAbsDeterminant.Should().Be(set.LogAbsDeterminant);
    }

    private static (ActiveSet Set, FeatureRows Candidates) SmallCase(int seed, int perFrame = 1)
    {
        var set = ActiveSet.Build(Random(seed, 12, M));
        return (set, Random(seed + 1000, 10, M, perFrame: perFrame, scale: 2.5, frameOffset: 100));
    }

    private static (double LogDet, int Candidate) ExhaustiveBestSwap(Matrix<double> a, FeatureRows candidates, HashSet<int> locked)
    {
        var (logDet, candidate, _) = BestSwap(a, candidates, [], locked);
        return (logDet, candidate);
    }

    private static (double LogDet, int Candidate, int Position) BestSwap(Matrix<double> a, FeatureRows candidates, HashSet<int> used, HashSet<int> locked)
    {
        var best = (LogDet: double.NegativeInfinity, Candidate: -1, Position: -1);
        for (var i = 0; i < candidates.Count; i++)
        {
            for (var j = 0; j < M; j++)
            {
                if (used.Contains(i) || locked.Contains(j))
                {
                    continue;
                }

                var trial = a.Clone();
                trial.SetRow(j, candidates.Row(i).ToArray());
                var logDet = LogAbsDet(trial);
                if (logDet > best.LogDet)
                {
                    best = (logDet, i, j);
                }
            }
        }

        return best;
    }

    private static double ExhaustiveBestSubset(Matrix<double> a, FeatureRows candidates, int k)
    {
        var best = double.NegativeInfinity;
        void Recurse(Matrix<double> current, int step, int firstCandidate, HashSet<int> positions)
        {
            best = Math.Max(best, LogAbsDet(current));
            if (step == k)
            {
                return;
            }

            for (var i = firstCandidate; i < candidates.Count; i++)
            {
                for (var j = 0; j < M; j++)
                {
                    if (positions.Contains(j))
                    {
                        continue;
                    }

                    var next = current.Clone();
                    next.SetRow(j, candidates.Row(i).ToArray());
                    positions.Add(j);
                    Recurse(next, step + 1, i + 1, positions);
                    positions.Remove(j);
                }
            }
        }

        Recurse(a, 0, 0, []);
        return best;
    }
}
