using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Potentials;

public sealed class SnapKimLammpsTests
{
    // The OpenKIM packaging of Zuo et al.'s linear silicon SNAP, the same model as Debian's Si_Zuo_JPCA2020 files.
    private const string KimModel = "SNAP_ZuoChenLi_2019_Si__MO_869330304805_000";

    [Fact]
    public async Task Zuo_silicon_matches_lammps_with_the_openkim_model_on_crystals_rattled_liquid_like_triclinic_and_small_cells()
    {
        var potential = (SnapPotential)PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var random = new Random(1789);
        var structures = new List<(string What, Structure Structure)>
        {
            ("conventional diamond", Diamond(5.431)),
            ("compressed diamond", Diamond(5.2)),
            ("primitive diamond (atoms see their own images)", PrimitiveDiamond(5.431)),
        };
        for (var n = 0; n < 5; n++)
        {
            structures.Add(($"rattled diamond {n}", RandomStructures.Rattled(random, Diamond(5.431), 0.05 + (0.04 * n))));
        }

        for (var n = 0; n < 6; n++)
        {
            var cell = RandomStructures.TriclinicCell(random, 4.5, 7.5, 60);
            structures.Add(($"random triclinic {n}", RandomStructures.Spread(random, cell, Math.Max(2, (int)(cell.Volume / 20)), [14], 2.1)));
        }

        for (var n = 0; n < 4; n++)
        {
            // Liquid silicon is denser than the crystal (about 18 Å³ per atom).
            var side = 6.0 + (0.4 * n);
            structures.Add(($"liquid-like {n}", RandomStructures.Spread(random, Cell.Orthorhombic(side, side, side), (int)(side * side * side / 18), [14], 2.15)));
        }

        for (var n = 0; n < 2; n++)
        {
            var cell = RandomStructures.TriclinicCell(random, 3.2, 4.2, 70);
            structures.Add(($"small triclinic {n}", RandomStructures.Spread(random, cell, 1 + n, [14], 2.1)));
        }

        structures.Should().HaveCount(20);
        var ours = new Evaluation();
        foreach (var (what, structure) in structures)
        {
            var lammps = await Lammps.EvaluateWithKimAsync(structure, [14], KimModel);
            potential.Compute(lammps.Structure, ours);
            PotentialAgreement.AssertMatches(lammps, ours, $"Zuo Si SNAP, {what}");
        }
    }

    private static Structure Diamond(double a)
    {
        Vec3[] fcc = [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)];
        var positions = new Vec3[8];
        for (var s = 0; s < 4; s++)
        {
            positions[s] = a * fcc[s];
            positions[s + 4] = a * (fcc[s] + new Vec3(0.25, 0.25, 0.25));
        }

        return new Structure(Cell.Orthorhombic(a, a, a), Pbc.All, [14, 14, 14, 14, 14, 14, 14, 14], positions);
    }

    private static Structure PrimitiveDiamond(double a) => new(
        new Cell(new Vec3(0, a / 2, a / 2), new Vec3(a / 2, 0, a / 2), new Vec3(a / 2, a / 2, 0)),
        Pbc.All,
        [14, 14],
        [Vec3.Zero, new Vec3(a / 4, a / 4, a / 4)]);
}
