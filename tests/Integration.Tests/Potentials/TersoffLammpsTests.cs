using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Potentials;

public sealed class TersoffLammpsTests
{
    private const string PotentialDirectory = "/usr/share/lammps/potentials";
    private const int Si = 14;
    private const int C = 6;

    [Fact]
    public async Task Silicon_equals_lammps_tersoff_with_Si_tersoff()
    {
        var path = Path.Combine(PotentialDirectory, "Si.tersoff");
        var potential = Tersoff.FromFile(path, ["Si"]);
        var structures = Structures(new Random(31), 5.432, Si, Si, [Si], minSeparation: 2.0);
        structures.Should().HaveCount(20);

        await AssertAllMatchAsync(potential, structures, [Si], "pair_style tersoff", $"pair_coeff * * {path} Si");
    }

    [Fact]
    public async Task Silicon_carbide_equals_lammps_tersoff_with_SiC_tersoff()
    {
        var path = Path.Combine(PotentialDirectory, "SiC.tersoff");
        var potential = Tersoff.FromFile(path, ["Si", "C"]);
        var structures = Structures(new Random(32), 4.32, Si, C, [Si, C], minSeparation: 1.8);
        structures.Should().HaveCount(20);

        await AssertAllMatchAsync(potential, structures, [Si, C], "pair_style tersoff", $"pair_coeff * * {path} Si C");
    }

    [Fact]
    public async Task Gallium_nitride_with_m_equal_to_one_and_a_named_silicon_variant_equal_lammps()
    {
        var random = new Random(33);
        var galliumNitride = Path.Combine(PotentialDirectory, "GaN.tersoff");
        var crystal = Zincblende.Conventional(4.5, 31, 7);
        List<(string, Structure)> nitrides =
        [
            ("rattled conventional cell", RandomStructures.Rattled(random, crystal, 0.1)),
            ("rattled strained primitive cell", RandomStructures.Rattled(random, Zincblende.Strained(random, Zincblende.Primitive(4.5, 31, 7), 0.03), 0.1)),
            ("random triclinic", RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6, 8, 60), 14, [31, 7], 1.8)),
        ];
        await AssertAllMatchAsync(Tersoff.FromFile(galliumNitride, ["Ga", "N"]), nitrides, [31, 7], "pair_style tersoff", $"pair_coeff * * {galliumNitride} Ga N");

        var variants = Path.Combine(PotentialDirectory, "SiCGe.tersoff");
        List<(string, Structure)> silicon = [("rattled conventional cell", RandomStructures.Rattled(random, Zincblende.Conventional(5.43, Si, Si), 0.1))];
        await AssertAllMatchAsync(Tersoff.FromFile(variants, ["Si(D)"]), silicon, [Si], "pair_style tersoff", $"pair_coeff * * {variants} Si(D)");
    }

    private static async Task AssertAllMatchAsync(Tersoff potential, List<(string Name, Structure Structure)> structures, int[] types, params string[] pairCommands)
    {
        var ours = new Evaluation();
        foreach (var (name, structure) in structures)
        {
            var lammps = await Lammps.EvaluateAsync(structure, types, pairCommands);
            potential.Compute(lammps.Structure, ours);

            PotentialAgreement.AssertMatches(lammps, ours, $"{potential.Name}, {name} ({structure.Count} atoms)");
        }
    }

    // Twenty structures: the ideal crystal in both cells, strained, rattled, random triclinic and small cells whose atoms
    // see their own images.
    private static List<(string, Structure)> Structures(Random random, double a, int first, int second, int[] species, double minSeparation)
    {
        var conventional = Zincblende.Conventional(a, first, second);
        var primitive = Zincblende.Primitive(a, first, second);
        var list = new List<(string, Structure)>
        {
            ("conventional cell", conventional),
            ("primitive cell", primitive),
            ("compressed conventional cell", Zincblende.Conventional(0.96 * a, first, second)),
            ("expanded primitive cell", Zincblende.Primitive(1.04 * a, first, second)),
            species.Length > 1 ? ("antisite pair in the conventional cell", WithSwap(conventional, 0, 1)) : ("expanded conventional cell", Zincblende.Conventional(1.03 * a, first, second)),
        };
        for (var s = 0; s < 3; s++)
        {
            list.Add(($"strained conventional cell {s}", Zincblende.Strained(random, conventional, 0.04)));
        }

        for (var s = 0; s < 3; s++)
        {
            list.Add(($"rattled conventional cell {s}", RandomStructures.Rattled(random, conventional, 0.1)));
        }

        list.Add(("rattled 2x1x1 cell", RandomStructures.Rattled(random, Zincblende.Repeated(conventional, 2, 1, 1), 0.1)));
        list.Add(("rattled strained primitive cell", RandomStructures.Rattled(random, Zincblende.Strained(random, primitive, 0.03), 0.1)));
        for (var s = 0; s < 5; s++)
        {
            var cell = RandomStructures.TriclinicCell(random, 6, 8.5, 60, standardOrientation: s % 2 == 0);
            list.Add(($"random triclinic {s}", RandomStructures.Spread(random, cell, (int)(cell.Volume / 22), species, minSeparation)));
        }

        list.Add(("one atom in a small triclinic cell", SmallCell(random, 1, species, minSeparation)));
        list.Add(("two atoms in a small triclinic cell", SmallCell(random, 2, species, minSeparation)));
        return list;
    }

    private static Structure WithSwap(Structure structure, int i, int k)
    {
        var copy = structure.Clone();
        (copy.AtomicNumbers[i], copy.AtomicNumbers[k]) = (copy.AtomicNumbers[k], copy.AtomicNumbers[i]);
        return copy;
    }

    private static Structure SmallCell(Random random, int atoms, int[] species, double minSeparation)
    {
        while (true)
        {
            try
            {
                return RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 2.4, 4.0, 60), atoms, species, minSeparation);
            }
            catch (InvalidOperationException)
            {
                // The cell was too small for the atoms; draw another.
            }
        }
    }
}
