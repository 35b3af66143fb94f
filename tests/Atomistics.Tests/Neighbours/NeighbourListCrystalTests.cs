using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Neighbours;

/// <summary>Coordination shells of known crystals, where the right answer is textbook geometry.</summary>
public sealed class NeighbourListCrystalTests
{
    private const double Copper = 3.61;
    private const double Silicon = 5.431;

    [Fact]
    public void One_atom_simple_cubic_cell_has_18_images_of_itself_within_one_and_a_half_lattice_constants()
    {
        const double a = 2.0;
        var list = NeighbourList.Build(Cell.Orthorhombic(a, a, a), Pbc.All, [new Vec3(0.3, 0.2, 0.1)], 1.5 * a);

        list.AtomCount.Should().Be(1);
        list.PairCount.Should().Be(18);
        list.NeighboursOf(0).ToArray().Should().OnlyContain(j => j == 0);
        var expectedShifts = new List<ImageShift>();
        for (var x = -1; x <= 1; x++)
        {
            for (var y = -1; y <= 1; y++)
            {
                for (var z = -1; z <= 1; z++)
                {
                    var squared = (x * x) + (y * y) + (z * z);
                    if (squared is 1 or 2)
                    {
                        expectedShifts.Add(new ImageShift(x, y, z));
                    }
                }
            }
        }

        list.ShiftsOf(0).ToArray().Should().BeEquivalentTo(expectedShifts);
        var distances = list.DistancesOf(0).ToArray();
        distances.Count(d => Math.Abs(d - a) < 1e-12).Should().Be(6);
        distances.Count(d => Math.Abs(d - (a * Math.Sqrt(2))) < 1e-12).Should().Be(12);
        var shifts = list.ShiftsOf(0);
        var vectors = list.VectorsOf(0);
        for (var k = 0; k < list.PairCount; k++)
        {
            var expected = new Vec3(shifts[k].A * a, shifts[k].B * a, shifts[k].C * a);
            (vectors[k] - expected).MaxAbs.Should().BeLessThan(1e-12);
        }
    }

    [Fact]
    public void A_cell_far_thinner_than_the_cutoff_lists_each_of_the_many_images()
    {
        // 0.7 Å along a, cutoff 3 Å: the atom sees its own images at ±1 … ±4 cells along a, and no others.
        var list = NeighbourList.Build(Cell.Orthorhombic(0.7, 8, 8), Pbc.All, [new Vec3(0.1, 4, 4)], 3.0);

        list.ShiftsOf(0).ToArray().Should().BeEquivalentTo(
            new[] { -4, -3, -2, -1, 1, 2, 3, 4 }.Select(n => new ImageShift(n, 0, 0)));
        list.DistancesOf(0).ToArray().Should().BeEquivalentTo(
            new[] { 2.8, 2.1, 1.4, 0.7, 0.7, 1.4, 2.1, 2.8 }, options => options.Using<double>(
                context => context.Subject.Should().BeApproximately(context.Expectation, 1e-12)).WhenTypeIs<double>());
    }

    [Theory]
    [InlineData(3.0, 12)] // first shell a/√2 = 2.55 Å
    [InlineData(4.0, 18)] // + 6 at a
    [InlineData(5.0, 42)] // + 24 at a·√(3/2) = 4.42 Å
    public void Fcc_copper_has_the_textbook_shells_in_the_conventional_and_the_primitive_cell(double cutoff, int coordination)
    {
        var conventional = NeighbourList.Build(FccConventional(), cutoff);
        CoordinationNumbers(conventional).Should().AllBeEquivalentTo(coordination);

        // The primitive cell is skewed (60°) and thinner (2.08 Å between planes) than every cutoff here.
        var primitive = NeighbourList.Build(FccPrimitive(Mat3.Identity), cutoff);
        CoordinationNumbers(primitive).Should().Equal(coordination);
        primitive.NeighboursOf(0).ToArray().Should().OnlyContain(j => j == 0);

        var rotated = NeighbourList.Build(FccPrimitive(RandomStructures.RandomRotation(new Random(3))), cutoff);
        CoordinationNumbers(rotated).Should().Equal(coordination);
        rotated.DistancesOf(0).ToArray().Order().Should().Equal(
            primitive.DistancesOf(0).ToArray().Order(), (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Theory]
    [InlineData(2.6, 4)] // first shell a·√3/4 = 2.35 Å
    [InlineData(4.0, 16)] // + 12 at a/√2 = 3.84 Å
    [InlineData(4.6, 28)] // + 12 at a·√11/4 = 4.50 Å
    public void Diamond_silicon_has_the_textbook_shells_in_the_conventional_and_the_primitive_cell(double cutoff, int coordination)
    {
        CoordinationNumbers(NeighbourList.Build(DiamondConventional(), cutoff)).Should().AllBeEquivalentTo(coordination);
        CoordinationNumbers(NeighbourList.Build(DiamondPrimitive(), cutoff)).Should().AllBeEquivalentTo(coordination);
    }

    [Fact]
    public void Diamond_nearest_neighbours_are_at_the_bond_length_along_the_tetrahedral_directions()
    {
        var list = NeighbourList.Build(DiamondConventional(), 2.6);
        var bond = Silicon * Math.Sqrt(3) / 4;

        for (var i = 0; i < list.AtomCount; i++)
        {
            list.DistancesOf(i).ToArray().Should().OnlyContain(d => Math.Abs(d - bond) < 1e-12);
            var sum = Vec3.Zero;
            foreach (var vector in list.VectorsOf(i))
            {
                sum += vector;
            }

            // The four bonds of a tetrahedron cancel.
            sum.MaxAbs.Should().BeLessThan(1e-12);
        }
    }

    private static int[] CoordinationNumbers(NeighbourList list)
    {
        var numbers = new int[list.AtomCount];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = list.NeighbourCount(i);
        }

        return numbers;
    }

    private static Structure FccConventional()
    {
        Vec3[] fractional = [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)];
        var cell = Cell.Orthorhombic(Copper, Copper, Copper);
        return new Structure(cell, Pbc.All, [29, 29, 29, 29], fractional.Select(cell.ToCartesian).ToArray());
    }

    private static Structure FccPrimitive(Mat3 rotation)
    {
        var half = Copper / 2;
        var cell = new Cell(new Mat3(0, half, half, half, 0, half, half, half, 0) * rotation.Transpose());
        return new Structure(cell, Pbc.All, [29], [cell.ToCartesian(new Vec3(0.1, 0.2, 0.3))]);
    }

    private static Structure DiamondConventional()
    {
        Vec3[] fcc = [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)];
        var fractional = fcc.Concat(fcc.Select(f => f + new Vec3(0.25, 0.25, 0.25))).ToArray();
        var cell = Cell.Orthorhombic(Silicon, Silicon, Silicon);
        return new Structure(cell, Pbc.All, Enumerable.Repeat(14, 8).ToArray(), fractional.Select(cell.ToCartesian).ToArray());
    }

    private static Structure DiamondPrimitive()
    {
        var half = Silicon / 2;
        var cell = new Cell(new Vec3(0, half, half), new Vec3(half, 0, half), new Vec3(half, half, 0));
        return new Structure(cell, Pbc.All, [14, 14], [Vec3.Zero, cell.ToCartesian(new Vec3(0.25, 0.25, 0.25))]);
    }
}
