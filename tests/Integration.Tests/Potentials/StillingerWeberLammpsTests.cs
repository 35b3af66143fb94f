using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Potentials;

public sealed class StillingerWeberLammpsTests
{
    private const string SiliconFile = "/usr/share/lammps/potentials/Si.sw";
    private const string GalliumNitrideFile = "/usr/share/lammps/potentials/GaN.sw";

    [Fact]
    public async Task Silicon_matches_lammps_pair_style_sw_on_crystals_strained_rattled_random_and_dense_cells()
    {
        var fromFile = StillingerWeber.FromFile(SiliconFile, ["Si"]);
        var builtIn = StillingerWeber.Silicon();
        var random = new Random(23);
        var structures = new List<(string What, Structure Structure)>
        {
            ("conventional diamond", Diamond(5.431, [14])),
            ("primitive diamond", PrimitiveDiamond(5.431)),
        };
        for (var n = 0; n < 4; n++)
        {
            structures.Add(($"rattled diamond {n}", RandomStructures.Rattled(random, Diamond(5.431, [14]), 0.1)));
        }

        for (var n = 0; n < 4; n++)
        {
            structures.Add(($"strained diamond {n}", Strained(random, Diamond(5.431, [14]), 0.04)));
        }

        for (var n = 0; n < 6; n++)
        {
            // About 20 Å³ per atom, as in crystalline silicon.
            var cell = RandomStructures.TriclinicCell(random, 6.5, 9.5, 60);
            structures.Add(($"random triclinic {n}", RandomStructures.Spread(random, cell, (int)(cell.Volume / 20), [14], 2.0)));
        }

        for (var n = 0; n < 4; n++)
        {
            // Liquid silicon is denser than the crystal (about 18 Å³ per atom) and has many more neighbours within the cutoff.
            var side = 8.0 + (0.5 * n);
            structures.Add(($"dense random {n}", RandomStructures.Spread(random, Cell.Orthorhombic(side, side, side), (int)(side * side * side / 17.5), [14], 2.05)));
        }

        structures.Should().HaveCount(20);
        foreach (var (what, structure) in structures)
        {
            var lammps = await Lammps.EvaluateAsync(structure, [14], "pair_style sw", $"pair_coeff * * {SiliconFile} Si");
            var ours = new Evaluation();
            fromFile.Compute(lammps.Structure, ours);
            PotentialAgreement.AssertMatches(lammps, ours, $"Si.sw, {what}");

            builtIn.Compute(lammps.Structure, ours);
            PotentialAgreement.AssertMatches(lammps, ours, $"built-in silicon, {what}");
        }
    }

    [Fact]
    public async Task Gallium_nitride_matches_lammps_for_a_multi_element_file()
    {
        var potential = StillingerWeber.FromFile(GalliumNitrideFile, ["Ga", "N"]);
        var random = new Random(31);
        var structures = new List<(string What, Structure Structure)>();
        for (var n = 0; n < 3; n++)
        {
            structures.Add(($"rattled zinc blende {n}", RandomStructures.Rattled(random, Diamond(4.5, [31, 7]), 0.08)));
        }

        for (var n = 0; n < 7; n++)
        {
            var cell = RandomStructures.TriclinicCell(random, 6, 9, 60);
            structures.Add(($"random triclinic {n}", RandomStructures.Spread(random, cell, (int)(cell.Volume / 14), [31, 7], 1.8)));
        }

        foreach (var (what, structure) in structures)
        {
            var lammps = await Lammps.EvaluateAsync(structure, [31, 7], "pair_style sw", $"pair_coeff * * {GalliumNitrideFile} Ga N");
            var ours = new Evaluation();
            potential.Compute(lammps.Structure, ours);
            PotentialAgreement.AssertMatches(lammps, ours, $"GaN.sw, {what}");
        }
    }

    // The conventional cubic cell of diamond; with two species, zinc blende (the first on the fcc sites, the second on the others).
    private static Structure Diamond(double a, int[] species)
    {
        Vec3[] fcc = [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)];
        var positions = new Vec3[8];
        var numbers = new int[8];
        for (var s = 0; s < 4; s++)
        {
            positions[s] = a * fcc[s];
            positions[s + 4] = a * (fcc[s] + new Vec3(0.25, 0.25, 0.25));
            numbers[s] = species[0];
            numbers[s + 4] = species[^1];
        }

        return new Structure(Cell.Orthorhombic(a, a, a), Pbc.All, numbers, positions);
    }

    // Sides a/√2 ≈ 3.84 Å: longer than the cutoff 3.77 Å but shorter than twice it, so atoms see their own images.
    private static Structure PrimitiveDiamond(double a) => new(
        new Cell(new Vec3(0, a / 2, a / 2), new Vec3(a / 2, 0, a / 2), new Vec3(a / 2, a / 2, 0)),
        Pbc.All,
        [14, 14],
        [Vec3.Zero, new Vec3(a / 4, a / 4, a / 4)]);

    // A random homogeneous deformation with components up to ±amount, shear included.
    private static Structure Strained(Random random, Structure structure, double amount)
    {
        var m = new double[9];
        for (var e = 0; e < 9; e++)
        {
            m[e] = ((e % 4 == 0) ? 1 : 0) + (amount * ((2 * random.NextDouble()) - 1));
        }

        var deformation = Mat3.FromRowMajor(m);
        var strained = structure.Clone();
        strained.Cell = structure.Cell.Deform(deformation);
        for (var i = 0; i < strained.Count; i++)
        {
            strained.Positions[i] = deformation * structure.Positions[i];
        }

        return strained;
    }
}
