using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>Rows computed into a reused <see cref="LinearRows"/> (its neighbour list and work buffer kept) equal fresh ones.</summary>
public sealed class MtpRowReuseTests
{
    [Fact]
    public void Reused_rows_equal_fresh_rows_across_structures_of_different_sizes_and_allocate_nothing_when_repeated()
    {
        var potential = new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(10, 1, 1.9, 5.0)), [14]);
        var random = new Random(3);
        var large = RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.43, 14, 14), 2, 2, 2), 0.1);
        var small = RandomStructures.Rattled(random, Zincblende.Conventional(5.3, 14, 14), 0.1);
        var reused = new LinearRows();

        foreach (var structure in new[] { large, small, large, small })
        {
            potential.ComputeRows(structure, reused, withForces: true);
            var fresh = new LinearRows();
            potential.ComputeRows(structure, fresh, withForces: true);
            reused.AtomEnergies.Should().Equal(fresh.AtomEnergies);
            reused.Forces.Should().Equal(fresh.Forces);
            reused.Virial.Should().Equal(fresh.Virial);
        }

        potential.ComputeRows(large, reused, withForces: false);
        var before = GC.GetAllocatedBytesForCurrentThread();
        potential.ComputeRows(large, reused, withForces: false);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }
}
