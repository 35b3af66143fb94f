using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Neighbours;

/// <summary>The neighbour list against the brute-force reference on random cells of every awkward kind.</summary>
public sealed class NeighbourListReferenceTests
{
    private static readonly int[] Species = [1, 6, 8, 14, 29];

    public static TheoryData<int> Batches()
    {
        var batches = new TheoryData<int>();
        for (var batch = 0; batch < 10; batch++)
        {
            batches.Add(batch);
        }

        return batches;
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Finds_the_same_pairs_and_vectors_as_brute_force_on_200_random_cells(int batch)
    {
        // 10 batches of 20 cases; each case has its own seed so a failure names one reproducible cell.
        for (var index = batch * 20; index < (batch + 1) * 20; index++)
        {
            var (structure, cutoff, kind) = RandomCase(index);
            var context = FormattableString.Invariant(
                $"case {index} ({kind}, {structure.Formula}, pbc {structure.Pbc}, cutoff {cutoff:G6} Å, {structure.Cell})");
            var expected = BruteForceNeighbours.Pairs(structure.Cell, structure.Pbc, structure.Positions, cutoff);
            var list = index % 2 == 0
                ? NeighbourList.Build(structure, cutoff)
                : NeighbourList.Build(structure.Cell, structure.Pbc, structure.Positions, cutoff);
            BruteForceNeighbours.AssertMatches(expected, list, context);
        }
    }

    [Fact]
    public void The_random_cases_cover_thin_cells_skewed_cells_partial_periodicity_and_several_bins()
    {
        // Guards the generator: the reference test proves little if the awkward cases stopped being drawn.
        int thinnerThanCutoff = 0, veryThin = 0, skewed = 0, partial = 0, molecules = 0, severalBins = 0;
        for (var index = 0; index < 200; index++)
        {
            var (structure, cutoff, _) = RandomCase(index);
            var (cell, pbc) = (structure.Cell, structure.Pbc);
            if (!pbc.Any)
            {
                molecules++;
                continue;
            }

            if (!(pbc.A && pbc.B && pbc.C))
            {
                partial++;
            }

            var spacings = cell.PlaneSpacings;
            var thinnest = Math.Min(spacings.X, Math.Min(spacings.Y, spacings.Z));
            var widest = Math.Max(spacings.X, Math.Max(spacings.Y, spacings.Z));
            thinnerThanCutoff += thinnest < cutoff ? 1 : 0;
            veryThin += thinnest < cutoff / 2 ? 1 : 0;
            severalBins += widest > 2 * cutoff && structure.Count > 1 ? 1 : 0;
            var angles = cell.AnglesDegrees;
            skewed += Math.Min(angles.X, Math.Min(angles.Y, angles.Z)) < 30 || Math.Max(angles.X, Math.Max(angles.Y, angles.Z)) > 150 ? 1 : 0;
        }

        thinnerThanCutoff.Should().BeGreaterThan(100);
        veryThin.Should().BeGreaterThan(20);
        skewed.Should().BeGreaterThan(20);
        partial.Should().BeGreaterThan(20);
        molecules.Should().BeGreaterThan(10);
        severalBins.Should().BeGreaterThan(40);
    }

    private static (Structure Structure, double Cutoff, string Kind) RandomCase(int index)
    {
        var random = new Random(7919 + index);
        var kind = (index % 10) switch
        {
            < 5 => "bulk",
            5 => "sheared bulk",
            6 => "slab",
            7 => "wire",
            8 => "molecule",
            _ => "large cell, short cutoff",
        };

        if (kind == "molecule")
        {
            var size = 2 + (10 * random.NextDouble());
            var atoms = 1 + random.Next(40);
            var molecule = new Vec3[atoms];
            for (var i = 0; i < atoms; i++)
            {
                molecule[i] = new Vec3(size * random.NextDouble(), size * random.NextDouble(), size * random.NextDouble());
            }

            return (new Structure(Cell.Empty, Pbc.None, RandomSpecies(random, atoms), molecule), 1 + (3 * random.NextDouble()), kind);
        }

        var cell = kind == "large cell, short cutoff"
            ? RandomStructures.TriclinicCell(random, minLength: 7, maxLength: 14, minAngle: 30)
            : RandomStructures.TriclinicCell(random, minLength: 2, maxLength: 9, minAngle: 20);
        if (kind == "sheared bulk")
        {
            cell = Shear(cell, random);
        }

        var pbc = kind switch
        {
            "slab" => random.Next(3) switch { 0 => new Pbc(true, true, false), 1 => new Pbc(true, false, true), _ => new Pbc(false, true, true) },
            "wire" => random.Next(3) switch { 0 => new Pbc(true, false, false), 1 => new Pbc(false, true, false), _ => new Pbc(false, false, true) },
            _ => Pbc.All,
        };

        var spacings = cell.PlaneSpacings;
        var thinnest = double.PositiveInfinity;
        for (var axis = 0; axis < 3; axis++)
        {
            thinnest = pbc[axis] ? Math.Min(thinnest, spacings[axis]) : thinnest;
        }

        var cutoff = kind == "large cell, short cutoff"
            ? (0.8 + (2.5 * random.NextDouble())) * Math.Min(1, thinnest / 3)
            : (1 + (1.5 * random.NextDouble())) * thinnest;
        // Many images per atom make the reference slow; a dense case needs fewer atoms to test the same thing.
        var maxAtoms = cutoff > 1.8 * thinnest ? 15 : 40;
        var count = 1 + random.Next(maxAtoms);
        var positions = new Vec3[count];
        for (var i = 0; i < count; i++)
        {
            var fractional = new Vec3(Coordinate(random, pbc.A), Coordinate(random, pbc.B), Coordinate(random, pbc.C));
            positions[i] = cell.ToCartesian(fractional);
        }

        return (new Structure(cell, pbc, RandomSpecies(random, count), positions), cutoff, kind);
    }

    private static int[] RandomSpecies(Random random, int count)
    {
        var numbers = new int[count];
        for (var i = 0; i < count; i++)
        {
            numbers[i] = Species[random.Next(Species.Length)];
        }

        return numbers;
    }

    private static double Coordinate(Random random, bool periodic)
    {
        if (!periodic)
        {
            // Vacuum directions: atoms may stick out of the nominal cell on either side.
            return (2 * random.NextDouble()) - 0.5;
        }

        return random.Next(10) switch
        {
            0 => random.Next(-3, 8) + random.NextDouble(), // far outside the cell: the shift must absorb the wrapping
            1 => 0.0, // on a face
            2 => 1.0, // on the opposite face
            3 => -1e-17, // wraps to just below 1 or rounds to exactly 1
            _ => random.NextDouble(),
        };
    }

    // The same lattice in a much more skewed basis: b + k·a, c + l·a + m·b with small integers.
    private static Cell Shear(Cell cell, Random random)
    {
        var k = random.Next(-2, 3);
        var l = random.Next(-2, 3);
        var m = random.Next(-2, 3);
        return new Cell(cell.A, cell.B + (k * cell.A), cell.C + (l * cell.A) + (m * cell.B));
    }
}
