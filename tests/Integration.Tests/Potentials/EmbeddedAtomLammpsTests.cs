using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Eam;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Potentials;

public sealed class EmbeddedAtomLammpsTests
{
    private const string Potentials = "/usr/share/lammps/potentials/";

    [Fact]
    public async Task Aluminium_equals_lammps_eam_alloy()
    {
        var potential = EmbeddedAtom.FromFile(Potentials + "Al_zhou.eam.alloy", ["Al"]);
        var random = new Random(21);
        foreach (var (structure, what) in Structures(random, 20, [13], latticeConstant: 4.08))
        {
            await AssertMatchesLammps(potential, structure, [13], "pair_style eam/alloy", $"pair_coeff * * {Potentials}Al_zhou.eam.alloy Al", what);
        }
    }

    [Fact]
    public async Task Copper_nickel_equals_lammps_eam_alloy()
    {
        var potential = EmbeddedAtom.FromFile(Potentials + "CuNi.eam.alloy", ["Cu", "Ni"]);
        var random = new Random(22);
        foreach (var (structure, what) in Structures(random, 20, [29, 28], latticeConstant: 3.56))
        {
            await AssertMatchesLammps(potential, structure, [29, 28], "pair_style eam/alloy", $"pair_coeff * * {Potentials}CuNi.eam.alloy Cu Ni", what);
        }
    }

    [Fact]
    public async Task Copper_of_a_single_element_setfl_file_equals_lammps()
    {
        var potential = EmbeddedAtom.FromFile(Potentials + "Cu_mishin1.eam.alloy", ["Cu"]);
        var random = new Random(23);
        foreach (var (structure, what) in Structures(random, 4, [29], latticeConstant: 3.615))
        {
            await AssertMatchesLammps(potential, structure, [29], "pair_style eam/alloy", $"pair_coeff * * {Potentials}Cu_mishin1.eam.alloy Cu", what);
        }
    }

    [Fact]
    public async Task Aluminium_iron_equals_lammps_eam_fs()
    {
        var potential = EmbeddedAtom.FromFile(Potentials + "AlFe_mm.eam.fs", ["Al", "Fe"]);
        var random = new Random(24);
        foreach (var (structure, what) in Structures(random, 10, [13, 26], latticeConstant: 3.9))
        {
            await AssertMatchesLammps(potential, structure, [13, 26], "pair_style eam/fs", $"pair_coeff * * {Potentials}AlFe_mm.eam.fs Al Fe", what);
        }
    }

    [Fact]
    public async Task Finnis_sinclair_densities_are_indexed_as_lammps_does()
    {
        // AlFe_mm's two cross densities are equal, so it cannot tell which one an atom receives: make them differ.
        using var directory = new TempDirectory();
        var path = directory.File("asymmetric.eam.fs");
        var original = EamFile.Read(Potentials + "AlFe_mm.eam.fs");
        WriteFinnisSinclair(path, original, atElement: 1, fromElement: 0, factor: 0.4);
        var potential = EmbeddedAtom.FromFile(path, ["Al", "Fe"]);
        var unchanged = EmbeddedAtom.FromFile(Potentials + "AlFe_mm.eam.fs", ["Al", "Fe"]);
        var random = new Random(25);
        // The random triclinic structures (from the 7th on) are mixed for sure.
        foreach (var (structure, what) in Structures(random, 9, [13, 26], latticeConstant: 3.9).Skip(6))
        {
            var lammps = await AssertMatchesLammps(potential, structure, [13, 26], "pair_style eam/fs", $"pair_coeff * * {path} Al Fe", what);
            var before = new Evaluation();
            unchanged.Compute(lammps.Structure, before);
            Math.Abs(before.Energy - lammps.Energy).Should().BeGreaterThan(1e-3, "the modified density must matter");
        }
    }

    private static async Task<LammpsResult> AssertMatchesLammps(
        IPotential potential, Structure structure, int[] elements, string pairStyle, string pairCoeff, string what)
    {
        var lammps = await Lammps.EvaluateAsync(structure, elements, pairStyle, pairCoeff);
        var ours = new Evaluation();
        potential.Compute(lammps.Structure, ours);
        PotentialAgreement.AssertMatches(lammps, ours, what);
        return lammps;
    }

    // Ideal fcc (conventional and one-atom primitive cells, both smaller than twice the cutoff), rattled and strained
    // crystals with random species, then random triclinic cells at metallic densities (14–17 Å³/atom).
    private static IEnumerable<(Structure Structure, string What)> Structures(Random random, int count, int[] species, double latticeConstant)
    {
        for (var k = 0; k < count; k++)
        {
            Structure structure;
            string what;
            switch (k % 10)
            {
                case 0:
                    structure = Crystals.FccCubic(species[0], latticeConstant);
                    what = "fcc conventional cell";
                    break;
                case 1:
                    structure = Crystals.FccPrimitive(species[^1], latticeConstant * (0.97 + (0.06 * random.NextDouble())));
                    what = "fcc primitive cell";
                    break;
                case 2:
                case 3:
                    structure = RandomStructures.Rattled(random, Crystals.FccCubic(species[0], latticeConstant, 1 + (k % 2)), 0.1);
                    what = "rattled fcc";
                    break;
                case 4:
                case 5:
                    structure = Strained(random, Crystals.FccCubic(species[0], latticeConstant, 1 + (k % 2)), 0.04);
                    structure = RandomStructures.Rattled(random, structure, 0.05);
                    what = "strained and rattled fcc";
                    break;
                default:
                    var cell = RandomStructures.TriclinicCell(random, 6, 9, 60);
                    var atoms = (int)(cell.Volume / (14 + (3 * random.NextDouble())));
                    structure = RandomStructures.Spread(random, cell, atoms, species, 2.0);
                    what = "random triclinic";
                    break;
            }

            // Substitute at random so that every pair of elements meets in the crystals too.
            var numbers = structure.AtomicNumbers;
            for (var i = 0; i < numbers.Length; i++)
            {
                numbers[i] = species[random.Next(species.Length)];
            }

            yield return (structure, string.Create(CultureInfo.InvariantCulture, $"structure {k} ({what}, {structure.Count} atoms)"));
        }
    }

    private static Structure Strained(Random random, Structure structure, double amplitude)
    {
        double Draw() => amplitude * ((2 * random.NextDouble()) - 1);
        var (xy, xz, yz) = (Draw(), Draw(), Draw());
        var deformation = new Mat3(1 + Draw(), xy, xz, xy, 1 + Draw(), yz, xz, yz, 1 + Draw());
        var strained = structure.Clone();
        strained.Cell = structure.Cell.Deform(deformation);
        for (var i = 0; i < strained.Count; i++)
        {
            strained.Positions[i] = deformation * structure.Positions[i];
        }

        return strained;
    }

    // Writes the tables of a Finnis–Sinclair file with one density function scaled, in the layout LAMMPS reads.
    private static void WriteFinnisSinclair(string path, EamFile file, int atElement, int fromElement, double factor)
    {
        var n = file.Elements.Count;
        var text = new StringBuilder();
        void Values(ReadOnlySpan<double> values, double scale)
        {
            foreach (var value in values)
            {
                text.Append(NumberText.FormatReal(value * scale)).Append('\n');
            }
        }

        text.Append("asymmetric copy of ").Append(file.Source).Append("\ncomment\ncomment\n");
        text.Append(n.ToString(CultureInfo.InvariantCulture));
        foreach (var element in file.Elements)
        {
            text.Append(' ').Append(element.Name);
        }

        text.Append('\n').Append(CultureInfo.InvariantCulture, $"{file.DensityPoints} {file.DensitySpacing:R} {file.DistancePoints} {file.DistanceSpacing:R} {file.Cutoff:R}\n");
        for (var from = 0; from < n; from++)
        {
            var element = file.Elements[from];
            text.Append(CultureInfo.InvariantCulture, $"{element.AtomicNumber} {element.Mass:R} {element.LatticeConstant:R} {element.LatticeType}\n");
            Values(file.Embedding(from), 1);
            for (var at = 0; at < n; at++)
            {
                Values(file.Density(at, from), at == atElement && from == fromElement ? factor : 1);
            }
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                Values(file.ScaledPair(i, j), 1);
            }
        }

        File.WriteAllText(path, text.ToString());
    }
}
