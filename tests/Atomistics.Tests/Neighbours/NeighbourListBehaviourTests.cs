using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Neighbours;

/// <summary>Symmetry, conventions, non-periodic cases, reuse, scaling and argument checks of the neighbour list.</summary>
public sealed class NeighbourListBehaviourTests
{
    [Fact]
    public void Every_pair_has_its_reverse_with_the_opposite_shift_and_vector()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 10; trial++)
        {
            var cell = RandomStructures.TriclinicCell(random, minLength: 2.5, maxLength: 7, minAngle: 25);
            var structure = RandomStructures.Periodic(random, 1 + random.Next(25), [8, 14], withLabels: false, cell: cell);
            var spacings = cell.PlaneSpacings;
            var cutoff = 1.7 * Math.Min(spacings.X, Math.Min(spacings.Y, spacings.Z));
            var pairs = BruteForceNeighbours.Collect(NeighbourList.Build(structure, cutoff));

            pairs.Should().NotBeEmpty();
            foreach (var (pair, (vector, distance)) in pairs)
            {
                pairs.Should().ContainKey(new NeighbourPair(pair.J, pair.I, -pair.Shift));
                var (reverseVector, reverseDistance) = pairs[new NeighbourPair(pair.J, pair.I, -pair.Shift)];
                (reverseVector + vector).MaxAbs.Should().BeLessThan(1e-12);
                reverseDistance.Should().BeApproximately(distance, 1e-12);
            }
        }
    }

    [Fact]
    public void Vectors_follow_ase_convention_from_the_positions_as_given()
    {
        var random = new Random(5);
        var structure = RandomStructures.Periodic(random, 12, [29], withLabels: false);
        var list = NeighbourList.Build(structure, 6.0);

        var positions = structure.Positions;
        for (var i = 0; i < list.AtomCount; i++)
        {
            var neighbours = list.NeighboursOf(i);
            var shifts = list.ShiftsOf(i);
            var vectors = list.VectorsOf(i);
            for (var k = 0; k < neighbours.Length; k++)
            {
                var expected = positions[neighbours[k]] + shifts[k].ToCartesian(structure.Cell) - positions[i];
                vectors[k].Should().Be(expected);
            }
        }
    }

    [Fact]
    public void Positions_many_cells_outside_give_the_same_vectors_with_shifts_that_absorb_the_translation()
    {
        var random = new Random(17);
        var cell = RandomStructures.TriclinicCell(random, minLength: 3, maxLength: 6, minAngle: 30);
        var inside = RandomStructures.Periodic(random, 20, [1, 8], withLabels: false, cell: cell).Positions;
        var translations = new ImageShift[inside.Length];
        var outside = new Vec3[inside.Length];
        for (var i = 0; i < inside.Length; i++)
        {
            translations[i] = i % 3 == 0 ? new ImageShift(7, 7, 7) : new ImageShift(random.Next(-7, 8), random.Next(-7, 8), random.Next(-7, 8));
            outside[i] = inside[i] + translations[i].ToCartesian(cell);
        }

        var wrapped = BruteForceNeighbours.Collect(NeighbourList.Build(cell, Pbc.All, inside, 7.5));
        var unwrapped = BruteForceNeighbours.Collect(NeighbourList.Build(cell, Pbc.All, outside, 7.5));

        unwrapped.Should().HaveSameCount(wrapped);
        foreach (var (pair, (vector, distance)) in wrapped)
        {
            // positions[j] + shift·cell − positions[i] is unchanged when the shift undoes the atoms' own translations.
            var moved = new NeighbourPair(pair.I, pair.J, pair.Shift + translations[pair.I] - translations[pair.J]);
            unwrapped.Should().ContainKey(moved);
            (unwrapped[moved].Vector - vector).MaxAbs.Should().BeLessThan(1e-12);
            unwrapped[moved].Distance.Should().BeApproximately(distance, 1e-12);
        }
    }

    [Fact]
    public void A_molecule_without_a_cell_gets_exactly_the_plain_pairs()
    {
        var random = new Random(23);
        var positions = new Vec3[30];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = new Vec3(8 * random.NextDouble(), 8 * random.NextDouble(), 8 * random.NextDouble()) - new Vec3(40, 0, 0);
        }

        var list = NeighbourList.Build(Cell.Empty, Pbc.None, positions, 2.5);

        var expected = new Dictionary<NeighbourPair, Vec3>();
        for (var i = 0; i < positions.Length; i++)
        {
            for (var j = 0; j < positions.Length; j++)
            {
                if (i != j && (positions[j] - positions[i]).Length < 2.5)
                {
                    expected.Add(new NeighbourPair(i, j, ImageShift.Zero), positions[j] - positions[i]);
                }
            }
        }

        expected.Should().NotBeEmpty();
        BruteForceNeighbours.AssertMatches(expected, list, "molecule", tolerance: 0);
        list.Shifts.ToArray().Should().OnlyContain(shift => shift.IsZero);
    }

    [Fact]
    public void A_cutoff_enclosing_a_whole_molecule_pairs_every_atom_with_every_other()
    {
        var positions = new Vec3[] { new(0, 0, 0), new(1, 0, 0), new(0, 1.5, 0), new(0.3, 0.2, 2), new(-1, -1, -1) };

        var list = NeighbourList.Build(Cell.Empty, Pbc.None, positions, 100);

        list.PairCount.Should().Be(5 * 4);
        for (var i = 0; i < 5; i++)
        {
            list.NeighboursOf(i).ToArray().Should().BeEquivalentTo(Enumerable.Range(0, 5).Where(j => j != i));
        }
    }

    [Theory]
    [InlineData(true, true, false)]
    [InlineData(false, true, true)]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    public void Lattice_vectors_along_non_periodic_directions_do_not_matter_and_may_be_zero(bool a, bool b, bool c)
    {
        var random = new Random(29);
        var pbc = new Pbc(a, b, c);
        var cell = RandomStructures.TriclinicCell(random, minLength: 2, maxLength: 6, minAngle: 25);
        var positions = new Vec3[25];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = cell.ToCartesian(new Vec3((3 * random.NextDouble()) - 1, (3 * random.NextDouble()) - 1, (3 * random.NextDouble()) - 1));
        }

        var zeroed = new Cell(pbc.A ? cell.A : Vec3.Zero, pbc.B ? cell.B : Vec3.Zero, pbc.C ? cell.C : Vec3.Zero);
        var expected = BruteForceNeighbours.Pairs(cell, pbc, positions, 4.0);

        expected.Keys.Should().Contain(pair => !pair.Shift.IsZero, "the case must reach periodic images");
        BruteForceNeighbours.AssertMatches(expected, NeighbourList.Build(cell, pbc, positions, 4.0), "given vacuum vectors");
        BruteForceNeighbours.AssertMatches(expected, NeighbourList.Build(zeroed, pbc, positions, 4.0), "zero vacuum vectors");
    }

    [Fact]
    public void A_few_atoms_far_apart_in_a_huge_box_still_find_their_close_neighbours()
    {
        // Ideal bins would number 10¹²; the cap must coarsen them without losing pairs.
        var cell = Cell.Orthorhombic(10_000, 10_000, 10_000);
        Vec3[] positions = [new(0.2, 1, 1), new(0.7, 1, 1), new(9_999.9, 1, 1), new(5_000, 5_000, 5_000), new(5_000, 5_000.9, 5_000)];

        var list = NeighbourList.Build(cell, Pbc.All, positions, 1.0);

        BruteForceNeighbours.AssertMatches(BruteForceNeighbours.Pairs(cell, Pbc.All, positions, 1.0), list, "huge box");
        list.PairCount.Should().Be(8);
        // Each atom looks into its own bin and the 26 around it, never more, however coarse the bins.
        list.CandidateCount.Should().BeLessThanOrEqualTo(27 * 5 * 5);
    }

    [Fact]
    public void Coincident_atoms_are_neighbours_at_distance_zero()
    {
        var list = NeighbourList.Build(Cell.Empty, Pbc.None, [new Vec3(1, 2, 3), new Vec3(1, 2, 3)], 1.0);

        list.NeighboursOf(0).ToArray().Should().Equal(1);
        list.NeighboursOf(1).ToArray().Should().Equal(0);
        list.Distances.ToArray().Should().Equal(0.0, 0.0);
    }

    [Fact]
    public void Pairs_exactly_at_the_cutoff_are_excluded()
    {
        var list = NeighbourList.Build(Cell.Empty, Pbc.None, [Vec3.Zero, new Vec3(2, 0, 0), new Vec3(0, 1.5, 0)], 2.0);

        list.NeighboursOf(0).ToArray().Should().Equal(2);
        list.NeighboursOf(1).ToArray().Should().BeEmpty();
    }

    [Fact]
    public void No_atoms_give_an_empty_list()
    {
        var list = NeighbourList.Build(Cell.Orthorhombic(3, 3, 3), Pbc.All, ReadOnlySpan<Vec3>.Empty, 5);

        list.AtomCount.Should().Be(0);
        list.PairCount.Should().Be(0);
        list.Offsets.ToArray().Should().Equal(0);
    }

    [Fact]
    public void The_compressed_rows_are_consistent_with_the_per_atom_views()
    {
        var structure = RandomStructures.Periodic(new Random(31), 15, [6], withLabels: false);
        var list = NeighbourList.Build(structure, 5.0);

        var offsets = list.Offsets;
        offsets.Length.Should().Be(16);
        offsets[0].Should().Be(0);
        offsets[15].Should().Be(list.PairCount);
        for (var i = 0; i < 15; i++)
        {
            list.NeighbourCount(i).Should().Be(offsets[i + 1] - offsets[i]);
            list.NeighboursOf(i).SequenceEqual(list.Neighbours[offsets[i]..offsets[i + 1]]).Should().BeTrue();
            list.ShiftsOf(i).SequenceEqual(list.Shifts[offsets[i]..offsets[i + 1]]).Should().BeTrue();
            list.VectorsOf(i).SequenceEqual(list.Vectors[offsets[i]..offsets[i + 1]]).Should().BeTrue();
            list.DistancesOf(i).SequenceEqual(list.Distances[offsets[i]..offsets[i + 1]]).Should().BeTrue();
        }
    }

    [Fact]
    public void Rebuilding_for_new_positions_gives_what_a_fresh_build_gives()
    {
        var random = new Random(37);
        var structure = RandomStructures.Periodic(random, 30, [14], withLabels: false);
        var list = NeighbourList.Build(structure, 4.5);
        var moved = Jiggle(structure.Positions, random, 0.3);

        list.Rebuild(moved);

        ShouldBeIdentical(list, NeighbourList.Build(structure.Cell, structure.Pbc, moved, 4.5));
    }

    [Fact]
    public void Rebuilding_for_another_structure_reuses_the_list_for_any_number_of_atoms()
    {
        var random = new Random(41);
        var list = NeighbourList.Build(RandomStructures.Periodic(random, 30, [14], withLabels: false), 4.5);
        var smaller = RandomStructures.Periodic(random, 7, [14], withLabels: false);
        var molecule = new Structure(Cell.Empty, Pbc.None, [1, 1, 8], [new(0, 0, 0), new(0.9, 0, 0), new(0, 0.9, 0.2)]);

        list.Rebuild(smaller);
        ShouldBeIdentical(list, NeighbourList.Build(smaller, 4.5));
        list.Rebuild(molecule);
        ShouldBeIdentical(list, NeighbourList.Build(molecule, 4.5));
    }

    [Fact]
    public void Rebuilding_for_an_md_step_allocates_nothing()
    {
        var random = new Random(43);
        var structure = RandomStructures.Periodic(random, 200, [14], withLabels: false, cell: Cell.Orthorhombic(15, 15, 15));
        var list = NeighbourList.Build(structure, 5.0);
        var step = Jiggle(structure.Positions, random, 0.05);
        list.Rebuild(step);
        list.Rebuild(structure.Positions);

        var before = GC.GetAllocatedBytesForCurrentThread();
        list.Rebuild(step);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        list.PairCount.Should().BeGreaterThan(0);
    }

    [Fact]
    public void The_work_grows_linearly_with_the_number_of_atoms()
    {
        // A jiggled simple cubic crystal and its 2×2×2 supercell: 8× the atoms at the same density.
        var small = JiggledCrystal(6, new Random(47));
        var large = JiggledCrystal(12, new Random(53));

        var smallList = NeighbourList.Build(small, 5.0);
        var largeList = NeighbourList.Build(large, 5.0);

        ((double)largeList.PairCount / smallList.PairCount).Should().BeInRange(7, 9);
        var ratio = (double)largeList.CandidateCount / smallList.CandidateCount;
        ratio.Should().BeLessThan(12, "a linked-cell search does O(N) work; all pairs would grow 64-fold");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_cutoff_that_is_not_a_positive_distance_is_rejected(double cutoff)
    {
        var build = () => NeighbourList.Build(Cell.Orthorhombic(3, 3, 3), Pbc.All, [Vec3.Zero], cutoff);

        build.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("cutoff");
    }

    [Fact]
    public void A_periodic_direction_without_a_lattice_vector_is_rejected()
    {
        var slab = new Cell(new Vec3(3, 0, 0), new Vec3(0, 3, 0), Vec3.Zero);

        var build = () => NeighbourList.Build(slab, Pbc.All, [Vec3.Zero], 2);

        build.Should().Throw<ArgumentException>().WithMessage("*Lattice vector c*periodic*");
    }

    [Fact]
    public void Parallel_periodic_lattice_vectors_are_rejected()
    {
        var cell = new Cell(new Vec3(3, 0, 0), new Vec3(-6, 0, 0), new Vec3(0, 0, 10));

        var build = () => NeighbourList.Build(cell, new Pbc(true, true, false), [Vec3.Zero], 2);

        build.Should().Throw<ArgumentException>().WithMessage("*parallel*");
    }

    [Fact]
    public void A_cutoff_spanning_millions_of_images_is_rejected()
    {
        var build = () => NeighbourList.Build(Cell.Orthorhombic(1e-6, 3, 3), Pbc.All, [Vec3.Zero], 5);

        build.Should().Throw<ArgumentException>().WithMessage("*images*");
    }

    [Fact]
    public void Positions_that_are_not_finite_are_rejected()
    {
        var build = () => NeighbourList.Build(Cell.Empty, Pbc.None, [Vec3.Zero, new Vec3(double.NaN, 0, 0)], 2);

        build.Should().Throw<ArgumentException>().WithMessage("*Position 1*finite*");
    }

    [Fact]
    public void A_rebuild_that_rejects_its_positions_leaves_the_list_as_it_was()
    {
        var structure = RandomStructures.Periodic(new Random(59), 10, [6], withLabels: false);
        var list = NeighbourList.Build(structure, 4.0);
        var bad = (Vec3[])structure.Positions.Clone();
        bad[7] = new Vec3(0, double.PositiveInfinity, 0);

        list.Invoking(l => l.Rebuild(bad)).Should().Throw<ArgumentException>();

        ShouldBeIdentical(list, NeighbourList.Build(structure, 4.0));
    }

    [Fact]
    public void Rebuilding_with_a_different_number_of_positions_is_rejected()
    {
        var list = NeighbourList.Build(Cell.Orthorhombic(3, 3, 3), Pbc.All, [Vec3.Zero, new Vec3(1, 1, 1)], 2);

        var rebuild = () => list.Rebuild([Vec3.Zero]);

        rebuild.Should().Throw<ArgumentException>().WithMessage("*2 atoms*1 positions*");
    }

    [Fact]
    public void Asking_for_an_atom_that_is_not_there_is_rejected()
    {
        var list = NeighbourList.Build(Cell.Orthorhombic(3, 3, 3), Pbc.All, [Vec3.Zero], 2);

        list.Invoking(l => l.NeighboursOf(1)).Should().Throw<ArgumentOutOfRangeException>();
        list.Invoking(l => l.VectorsOf(-1)).Should().Throw<ArgumentOutOfRangeException>();
        list.Invoking(l => l.NeighbourCount(1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static Vec3[] Jiggle(Vec3[] positions, Random random, double amplitude)
    {
        var moved = new Vec3[positions.Length];
        for (var i = 0; i < positions.Length; i++)
        {
            moved[i] = positions[i] + (amplitude * new Vec3(random.NextDouble() - 0.5, random.NextDouble() - 0.5, random.NextDouble() - 0.5));
        }

        return moved;
    }

    private static Structure JiggledCrystal(int repeats, Random random)
    {
        const double spacing = 2.3;
        var positions = new List<Vec3>();
        for (var x = 0; x < repeats; x++)
        {
            for (var y = 0; y < repeats; y++)
            {
                for (var z = 0; z < repeats; z++)
                {
                    positions.Add(spacing * new Vec3(x, y, z));
                }
            }
        }

        var size = spacing * repeats;
        var jiggled = Jiggle(positions.ToArray(), random, 0.4);
        return new Structure(Cell.Orthorhombic(size, size, size), Pbc.All, Enumerable.Repeat(14, jiggled.Length).ToArray(), jiggled);
    }

    private static void ShouldBeIdentical(NeighbourList actual, NeighbourList expected)
    {
        actual.AtomCount.Should().Be(expected.AtomCount);
        actual.PairCount.Should().Be(expected.PairCount);
        actual.Offsets.SequenceEqual(expected.Offsets).Should().BeTrue();
        actual.Neighbours.SequenceEqual(expected.Neighbours).Should().BeTrue();
        actual.Shifts.SequenceEqual(expected.Shifts).Should().BeTrue();
        actual.Vectors.SequenceEqual(expected.Vectors).Should().BeTrue();
        actual.Distances.SequenceEqual(expected.Distances).Should().BeTrue();
    }
}
