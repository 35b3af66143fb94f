using System.Diagnostics;
using ActiveLearning.Atomistics.Generators;
using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Tests.Generators;

public sealed class RandomStructureGeneratorTests
{
    private static readonly RandomStructureOptions Small = new()
    {
        MinAtoms = 1,
        MaxAtoms = 8,
        VolumePerAtom = 20,
        VolumeSpread = 0.2,
        MinimumSeparation = 2.0,
    };

    [Fact]
    public void Ten_thousand_small_structures_keep_the_minimum_separation_and_the_volume_window()
    {
        var watch = Stopwatch.StartNew();
        var structures = RandomStructureGenerator.Generate(Small, seed: 7, count: 10_000);
        watch.Stop();

        structures.Should().HaveCount(10_000);
        var sizes = new int[9];
        foreach (var s in structures)
        {
            s.Count.Should().BeInRange(1, 8);
            sizes[s.Count]++;
            s.Pbc.Should().Be(Pbc.All);
            NeighbourList.Build(s, 2.0).PairCount.Should().Be(0, "no pair (images included) may be closer than 2 Å in {0}", s);
            (s.Cell.Volume / s.Count).Should().BeInRange(16 - 1e-9, 24 + 1e-9);
            var angles = s.Cell.AnglesDegrees;
            new[] { angles.X, angles.Y, angles.Z }.Should().OnlyContain(a => a >= 60 - 1e-9 && a <= 120 + 1e-9);
            var lengths = s.Cell.Lengths;
            (Math.Max(lengths.X, Math.Max(lengths.Y, lengths.Z)) / Math.Min(lengths.X, Math.Min(lengths.Y, lengths.Z))).Should().BeLessThanOrEqualTo(2 + 1e-9);
        }

        sizes[1..].Should().OnlyContain(n => n > 1000, "atom counts are uniform over 1–8");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(120), "bounded, not a speed target");
    }

    [Fact]
    public void The_same_seed_gives_the_same_structures_and_each_index_stands_alone()
    {
        var first = RandomStructureGenerator.Generate(Small, seed: 3, count: 20);
        var again = RandomStructureGenerator.Generate(Small, seed: 3, count: 20);
        var other = RandomStructureGenerator.Generate(Small, seed: 4, count: 20);
        for (var i = 0; i < first.Count; i++)
        {
            again[i].Cell.Should().Be(first[i].Cell);
            again[i].Positions.Should().Equal(first[i].Positions);
            again[i].AtomicNumbers.Should().Equal(first[i].AtomicNumbers);
            RandomStructureGenerator.GenerateOne(Small, 3, i).Positions.Should().Equal(first[i].Positions);
        }

        other.Select(s => s.Cell).Should().NotIntersectWith(first.Select(s => s.Cell));
    }

    [Fact]
    public void Provenance_is_recorded()
    {
        var s = RandomStructureGenerator.GenerateOne(Small with { SymmetryOperations = 2 }, seed: 11, index: 5);
        s.Info["generator"].AsString().Should().Be("random");
        s.Info["seed"].AsInteger().Should().Be(11);
        s.Info["index"].AsInteger().Should().Be(5);
        s.Info["parameters"].AsString().Should().Contain("minsep=2").And.Contain("symmops=2").And.Contain("volume=20");
        s.Info["space_group"].AsString().Should().NotBe("P1");
    }

    [Fact]
    public void Stoichiometry_and_per_pair_separations_hold()
    {
        var options = new RandomStructureOptions
        {
            MinAtoms = 2,
            MaxAtoms = 9,
            Composition = [new("Ga", 1), new("N", 2)],
            VolumePerAtom = 25,
            MinimumSeparation = 1.8,
            PairSeparations = [new("Ga", "Ga", 2.8), new("N", "N", 1.3)],
        };
        foreach (var s in RandomStructureGenerator.Generate(options, seed: 5, count: 500))
        {
            (s.Count % 3).Should().Be(0);
            s.AtomicNumbers.Count(z => z == 31).Should().Be(s.Count / 3);
            var list = NeighbourList.Build(s, 2.8);
            for (var i = 0; i < s.Count; i++)
            {
                var neighbours = list.NeighboursOf(i);
                var distances = list.DistancesOf(i);
                for (var k = 0; k < neighbours.Length; k++)
                {
                    var pair = (s.Symbol(i), s.Symbol(neighbours[k]));
                    var required = pair switch
                    {
                        ("Ga", "Ga") => 2.8,
                        ("N", "N") => 1.3,
                        _ => 1.8,
                    };
                    distances[k].Should().BeGreaterThanOrEqualTo(required, "{0}-{1} in {2}", pair.Item1, pair.Item2, s);
                }
            }

            RandomStructureGenerator.MeetsSeparations(s, options, out var violation).Should().BeTrue(violation);
        }
    }

    [Fact]
    public void Free_composition_draws_elements_by_weight()
    {
        var options = Small with { Composition = [new("Si", 3), new("C", 1)], FreeComposition = true, MinAtoms = 4, MaxAtoms = 8 };
        var atoms = RandomStructureGenerator.Generate(options, seed: 1, count: 400).SelectMany(s => s.AtomicNumbers).ToArray();
        var carbonFraction = atoms.Count(z => z == 6) / (double)atoms.Length;
        carbonFraction.Should().BeApproximately(0.25, 0.03);
    }

    [Fact]
    public void Slabs_have_vacuum_along_c_and_clusters_vacuum_all_round()
    {
        var slabOptions = Small with { Mode = RandomStructureMode.Slab, Vacuum = 5, MinAtoms = 2 };
        foreach (var s in RandomStructureGenerator.Generate(slabOptions, seed: 2, count: 300))
        {
            s.Pbc.Should().Be(new Pbc(true, true, false));
            s.Cell.C.X.Should().Be(0);
            s.Cell.C.Y.Should().Be(0);
            var z = s.Positions.Select(p => p.Z).ToArray();
            z.Min().Should().BeApproximately(5, 1e-9);
            (s.Cell.C.Z - z.Max()).Should().BeApproximately(5, 1e-9);
            // Periodic copies along c (as a DFT code would make) still keep the atoms apart.
            var periodic = s.Clone();
            periodic.Pbc = Pbc.All;
            NeighbourList.Build(periodic, 2.0).PairCount.Should().Be(0);
        }

        var clusterOptions = Small with { Mode = RandomStructureMode.Cluster, Vacuum = 6 };
        foreach (var s in RandomStructureGenerator.Generate(clusterOptions, seed: 2, count: 300))
        {
            s.Pbc.Should().Be(Pbc.None);
            NeighbourList.Build(s, 2.0).PairCount.Should().Be(0);
            for (var axis = 0; axis < 3; axis++)
            {
                var values = s.Positions.Select(p => p[axis]).ToArray();
                values.Min().Should().BeApproximately(6, 1e-9);
                (s.Cell[axis][axis] - values.Max()).Should().BeApproximately(6, 1e-9);
            }
        }
    }

    [Fact]
    public void Symmetric_structures_keep_the_separation_and_the_atom_count()
    {
        for (var ops = 2; ops <= 4; ops++)
        {
            var options = Small with { SymmetryOperations = ops };
            foreach (var s in RandomStructureGenerator.Generate(options, seed: ops, count: 300))
            {
                s.Count.Should().BeInRange(1, 8);
                NeighbourList.Build(s, 2.0).PairCount.Should().Be(0);
                (s.Cell.Volume / s.Count).Should().BeInRange(16 - 1e-9, 24 + 1e-9);
            }
        }
    }

    [Fact]
    public void Impossible_requests_fail_fast_with_a_clear_message()
    {
        var watch = Stopwatch.StartNew();
        var dense = () => RandomStructureGenerator.Generate(Small with { MinimumSeparation = 3.5, VolumePerAtom = 10 }, 1, 10);
        dense.Should().Throw<ArgumentException>().WithMessage("Impossible request*packing fraction*");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "refusing must not hang (a guard against unbounded search, not a speed target)");

        // A sublattice that cannot fit although the smallest separation would: caught by the per-element estimate.
        watch.Restart();
        var sublattice = () => RandomStructureGenerator.Generate(
            Small with { Composition = [new("Ga", 1), new("N", 1)], MinimumSeparation = 1.0, PairSeparations = [new("Ga", "Ga", 4.5)], MinAtoms = 2 }, 1, 10);
        sublattice.Should().Throw<ArgumentException>().WithMessage("Impossible request*");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "refusing must not hang (a guard against unbounded search, not a speed target)");

        // Allowed by the estimate but not found within the attempts (one push pass is far too few): bounded time, clear message.
        watch.Restart();
        var tight = () => RandomStructureGenerator.Generate(
            Small with { MinAtoms = 8, MaxAtoms = 8, MinimumSeparation = 2.65, VolumeSpread = 0, MaxAttempts = 20, PushPasses = 1 }, 1, 1);
        tight.Should().Throw<InvalidOperationException>().WithMessage("*no arrangement met the minimum separations*20 attempts*");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "refusing must not hang (a guard against unbounded search, not a speed target)");

        // The default attempts and passes on a request at the edge of the estimate still end within the time bound.
        watch.Restart();
        try
        {
            RandomStructureGenerator.Generate(Small with { MinAtoms = 8, MaxAtoms = 8, MinimumSeparation = 2.66, VolumeSpread = 0 }, 1, 1);
        }
        catch (InvalidOperationException)
        {
            // Either outcome is acceptable here; only the time is measured.
        }

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "refusing must not hang (a guard against unbounded search, not a speed target)");
    }

    [Theory]
    [InlineData(0, 8, "atom count")]
    [InlineData(5, 4, "atom count")]
    public void Invalid_atom_ranges_are_rejected(int min, int max, string words)
    {
        var act = () => (Small with { MinAtoms = min, MaxAtoms = max }).Validate();
        act.Should().Throw<ArgumentException>().WithMessage($"*{words}*");
    }

    [Fact]
    public void Invalid_settings_are_rejected_with_the_reason()
    {
        ((Action)(() => (Small with { Composition = [new("Xx", 1)] }).Validate())).Should().Throw<ArgumentException>().WithMessage("*not an element*");
        ((Action)(() => (Small with { Composition = [new("Si", 2)], MinAtoms = 3, MaxAtoms = 3 }).Validate()))
            .Should().Throw<ArgumentException>().WithMessage("*formula units*");
        ((Action)(() => (Small with { SymmetryOperations = 5 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*1–4*");
        ((Action)(() => (Small with { SymmetryOperations = 2, Mode = RandomStructureMode.Cluster }).Validate()))
            .Should().Throw<ArgumentException>().WithMessage("*bulk*");
        ((Action)(() => (Small with { PairSeparations = [new("Si", "O", 2)] }).Validate())).Should().Throw<ArgumentException>().WithMessage("*not in the composition*");
        ((Action)(() => (Small with { Mode = RandomStructureMode.Slab, Vacuum = 1 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*vacuum*");
        ((Action)(() => (Small with { VolumeSpread = 1 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*spread*");
        ((Action)(() => (Small with { MinAngleDegrees = 100 }).Validate())).Should().Throw<ArgumentException>().WithMessage("*angle*");
    }
}
