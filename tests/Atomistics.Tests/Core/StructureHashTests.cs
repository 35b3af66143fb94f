using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.ExtendedXyz;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Core;

public sealed class StructureHashTests
{
    private static Structure Sample(int seed) =>
        RandomStructures.Periodic(new Random(seed), atoms: 6, species: [14, 6]);

    [Fact]
    public void Geometry_decides_the_hash_labels_and_info_do_not()
    {
        var structure = Sample(1);
        var hash = StructureHash.Compute(structure);
        hash.Should().MatchRegex("^[0-9a-f]{16}$");

        var labelled = structure.Clone();
        labelled.Reference = new LabelSet(Energy: -3.0);
        labelled.Info["config_type"] = InfoValue.FromString("rattled");
        StructureHash.Compute(labelled).Should().Be(hash);

        var moved = structure.Clone();
        moved.Positions[3] += new Vec3(0, 0, 1e-3);
        StructureHash.Compute(moved).Should().NotBe(hash);

        var swapped = structure.Clone();
        swapped.AtomicNumbers[0] = swapped.AtomicNumbers[0] == 14 ? 6 : 14;
        StructureHash.Compute(swapped).Should().NotBe(hash);

        var open = structure.Clone();
        open.Pbc = new Pbc(true, true, false);
        StructureHash.Compute(open).Should().NotBe(hash);

        StructureHash.Compute(Sample(2)).Should().NotBe(hash);
    }

    [Fact]
    public void An_extxyz_round_trip_keeps_the_hash()
    {
        using var directory = new TempDirectory();
        var structures = Enumerable.Range(0, 20).Select(Sample).ToList();
        var path = directory.File("round-trip.extxyz");
        StructureFiles.Write(path, structures, new ExtendedXyzFormat());
        var readBack = StructureFiles.Read(path, new ExtendedXyzFormat()).ToList();
        readBack.Select(StructureHash.Compute).Should().Equal(structures.Select(StructureHash.Compute));
    }
}
