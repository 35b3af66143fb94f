using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Selection;

public sealed class StructureFeaturesTests
{
    private static MomentTensorPotential Mtp() =>
        new(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(8, 1, 1.9, 5.0)), [14]);

    private static List<Structure> Frames() =>
        [.. Enumerable.Range(0, 3).Select(i => RandomStructures.Rattled(new Random(i), Zincblende.Conventional(5.431, 14, 14), 0.1))];

    [Fact]
    public void Neighbourhood_rows_are_the_per_atom_rows_tagged_with_frame_and_atom()
    {
        var potential = Mtp();
        var frames = Frames();

        var block = StructureFeatures.From(potential, frames, FeatureMode.Neighbourhood);

        block.Count.Should().Be(24);
        block.Columns.Should().Be(potential.ParameterCount);
        block.Ids.Should().Equal(Enumerable.Range(0, 24).Select(r => new RowId(r / 8, r % 8)));
        var rows = new LinearRows();
        potential.ComputeRows(frames[2], rows, withForces: false);
        block.Row(16 + 5).ToArray().Should().Equal(rows.AtomEnergy(5).ToArray());
    }

    [Fact]
    public void Configuration_rows_are_the_energy_rows_which_sum_the_atoms()
    {
        var potential = Mtp();
        var frames = Frames();

        var configurations = StructureFeatures.From(potential, frames, FeatureMode.Configuration);
        var neighbourhoods = StructureFeatures.From(potential, frames, FeatureMode.Neighbourhood);

        configurations.Count.Should().Be(3);
        configurations.Ids.Should().Equal(new RowId(0, -1), new RowId(1, -1), new RowId(2, -1));
        for (var c = 0; c < configurations.Columns; c++)
        {
            var sum = Enumerable.Range(8, 8).Sum(r => neighbourhoods.Row(r)[c]);
            configurations.Row(1)[c].Should().BeApproximately(sum, 1e-9 * Math.Max(1, Math.Abs(sum)));
        }
    }

    [Fact]
    public void A_frame_the_potential_cannot_evaluate_is_named()
    {
        var frames = Frames();
        frames.Add(new Structure(Cell.Orthorhombic(5, 5, 5), Pbc.All, [6], [Vec3.Zero]));

        var build = () => StructureFeatures.From(Mtp(), frames, FeatureMode.Neighbourhood);

        build.Should().Throw<PotentialException>().WithMessage("Frame 3:*does not describe C*");
    }
}
