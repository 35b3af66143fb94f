using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Potentials;

public sealed class LennardJonesLammpsTests
{
    [Fact]
    public async Task Energies_forces_and_stress_equal_lammps_lj_cut()
    {
        var potential = new LennardJones(
            [new LennardJonesPair(18, 18, 0.0104, 3.4), new LennardJonesPair(36, 36, 0.014, 3.65), new LennardJonesPair(18, 36, 0.012, 3.5)],
            cutoff: 7.0);
        var random = new Random(17);
        for (var trial = 0; trial < 6; trial++)
        {
            var cell = trial % 2 == 0 ? Cell.Orthorhombic(8, 9, 10) : RandomStructures.TriclinicCell(random, 8, 11, 65, standardOrientation: true);
            var structure = RandomStructures.Spread(random, cell, 6 + (2 * trial), [18, 36], 3.0);

            var lammps = await Lammps.EvaluateAsync(
                structure, [18, 36], "pair_style lj/cut 7.0", "pair_coeff 1 1 0.0104 3.4", "pair_coeff 2 2 0.014 3.65", "pair_coeff 1 2 0.012 3.5");
            var ours = new Evaluation();
            potential.Compute(lammps.Structure, ours);

            PotentialAgreement.AssertMatches(lammps, ours, $"trial {trial}");
        }
    }
}
