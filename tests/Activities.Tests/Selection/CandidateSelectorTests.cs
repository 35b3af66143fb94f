using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Selection;

/// <summary>The select activity on real candidates: MD frames, strained and rattled Si, graded by a level-10 MTP student.</summary>
public sealed class CandidateSelectorTests
{
    private static readonly Lazy<List<Structure>> Pool = new(() =>
    {
        var random = new Random(5);
        var pool = new List<Structure>();
        for (var i = 0; i < 12; i++)
        {
            var lattice = 5.0 + (0.07 * i);
            pool.Add(RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(lattice, 14, 14), 2, 2, 2), 0.05 + (0.01 * i)));
        }

        return pool;
    });

    private static SelectionInput Input(IReadOnlyList<Structure> candidates) => new()
    {
        Candidates = candidates,
        Model = SiliconModel.Model,
        ActiveSet = SiliconModel.ActiveSet,
        DatasetHashes = SiliconModel.Training.Select(StructureHash.Compute).ToHashSet(),
        Dataset = SiliconModel.Training,
    };

    [Fact]
    public void MaxVol_selects_candidates_whose_rows_raise_the_active_sets_determinant_and_never_an_interpolating_one()
    {
        // A candidate whose neighbourhoods are all in the active set's span cannot enlarge it.
        var interpolating = SiliconModel.Training[3].Clone();
        interpolating.Positions[0] += new Vec3(1e-4, 0, 0);
        List<Structure> candidates = [interpolating, .. Pool.Value];

        var result = CandidateSelector.Select(Input(candidates), new CandidateSelectionOptions { Limit = 4 });

        result.Selected.Should().HaveCount(4);
        result.Selected.Should().NotContain(s => s.CandidateIndex == 0);
        result.ActiveSet.Should().NotBeNull();
        var gain = result.Selected.Sum(s => Math.Log(s.Score!.Value));
        result.ActiveSet!.LogAbsDeterminant.Should().BeApproximately(SiliconModel.ActiveSet.LogAbsDeterminant + gain, 1e-6 * Math.Abs(gain));
        result.Selected.Should().OnlyContain(s => s.Score > 1 && s.Gamma > 1);
        result.Selected.Select(s => s.Rank).Should().Equal(0, 1, 2, 3);
        result.Selected[0].Structure.Info["selection_method"].ToString().Should().Be("MaxVol");
        result.Selected[0].Reason.Should().Contain("γ =").And.Contain("|det A|");

        // A pick counts with all its neighbourhoods: the first frame brought several rows into the active set.
        result.ActiveSet.Ids.Count(id => id.Frame == result.Selected[0].CandidateIndex).Should().BeGreaterThan(1);

        // Adding the first pick's rows to the active set by hand gives the same determinant growth as its score.
        var first = StructureFeatures.From(SiliconModel.Model, [result.Selected[0].Structure], FeatureMode.Neighbourhood);
        SiliconModel.ActiveSet.Update(first).LogAbsDeterminant.Should().BeGreaterThan(SiliconModel.ActiveSet.LogAbsDeterminant);
    }

    [Fact]
    public void Duplicates_of_the_dataset_and_of_earlier_candidates_are_dropped_before_selection()
    {
        var refound = SiliconModel.Training[7].Clone();
        refound.Reference = null;
        refound.Info["gamma"] = 3.0;
        var repeated = Pool.Value[2].Clone();
        List<Structure> candidates = [.. Pool.Value, refound, repeated];

        var result = CandidateSelector.Select(Input(candidates), new CandidateSelectionOptions { Method = SelectionMethod.Random, Limit = 100 });

        result.DuplicatesDropped.Should().Be(2);
        result.Selected.Should().HaveCount(Pool.Value.Count);
        result.Selected.Select(s => s.CandidateIndex).Should().OnlyHaveUniqueItems().And.NotContain([Pool.Value.Count, Pool.Value.Count + 1]);
    }

    [Fact]
    public void Random_selection_is_a_seeded_draw_within_the_limit()
    {
        var options = new CandidateSelectionOptions { Method = SelectionMethod.Random, Limit = 5, Seed = 2 };

        var first = CandidateSelector.Select(Input(Pool.Value), options).Selected.Select(s => s.CandidateIndex).ToList();
        var again = CandidateSelector.Select(Input(Pool.Value), options).Selected.Select(s => s.CandidateIndex).ToList();
        var other = CandidateSelector.Select(Input(Pool.Value), options with { Seed = 3 }).Selected.Select(s => s.CandidateIndex).ToList();

        first.Should().HaveCount(5).And.OnlyHaveUniqueItems().And.Equal(again);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void Committee_selection_takes_only_frames_inside_the_trust_window_most_uncertain_first()
    {
        // Teacher and student as a committee: on these rattled, strained cells they disagree by ε_F ≈ 0.8–2 eV/Å.
        IPotential[] committee = [StillingerWeber.Silicon(), SiliconModel.Model];
        var options = new CandidateSelectionOptions { Method = SelectionMethod.Committee, Limit = 20, TrustLower = 0.8, TrustUpper = 1.5 };

        var result = CandidateSelector.Select(Input(Pool.Value) with { Committee = committee }, options);

        result.Selected.Should().NotBeEmpty();
        result.Eligible.Should().BeLessThan(Pool.Value.Count, "some cells fall above the upper trust level or below the lower one");
        result.Selected.Should().HaveCount(result.Eligible);
        result.Selected.Should().OnlyContain(s => s.Score > 0.8 && s.Score < 1.5);
        result.Selected.Select(s => s.Score!.Value).Should().BeInDescendingOrder();
    }

    [Fact]
    public void Farthest_point_picks_the_candidate_least_like_the_dataset_first()
    {
        var nearDataset = SiliconModel.Training[1].Clone();
        nearDataset.Positions[0] += new Vec3(0.01, 0, 0);
        var far = Zincblende.Repeated(Zincblende.Conventional(4.9, 14, 14), 2, 2, 2);

        var result = CandidateSelector.Select(Input([nearDataset, far]), new CandidateSelectionOptions { Method = SelectionMethod.FarthestPoint, Limit = 1 });

        result.Selected.Should().ContainSingle().Which.CandidateIndex.Should().Be(1);
    }

    [Fact]
    public void A_method_without_its_inputs_is_rejected_saying_what_is_missing()
    {
        var act = () => CandidateSelector.Select(new SelectionInput { Candidates = Pool.Value }, new CandidateSelectionOptions());
        act.Should().Throw<ArgumentException>().WithMessage("*needs the current model and its active set*");
    }
}
