using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

/// <summary>
/// For every ordered pair of formats (A, B): A → B → A through <c>al convert</c> keeps, to 1e-10 relative, everything that
/// both A and B can hold.
/// </summary>
public sealed class RoundTripMatrixTests
{
    /// <summary>What each format can hold, besides species, positions and the cell.</summary>
    private sealed record Holds(string Extension, bool Pbc, bool Energy, bool Forces, bool Stress, bool Velocities, bool Info, bool ManyFrames);

    private static readonly Dictionary<string, Holds> Capabilities = new(StringComparer.Ordinal)
    {
        ["extxyz"] = new(".extxyz", Pbc: true, Energy: true, Forces: true, Stress: true, Velocities: true, Info: true, ManyFrames: true),
        ["poscar"] = new(".vasp", Pbc: false, Energy: false, Forces: false, Stress: false, Velocities: true, Info: false, ManyFrames: false),
        ["cfg"] = new(".cfg", Pbc: true, Energy: true, Forces: true, Stress: true, Velocities: false, Info: true, ManyFrames: true),
        ["lammps-data"] = new(".data", Pbc: false, Energy: false, Forces: false, Stress: false, Velocities: true, Info: false, ManyFrames: false),
        ["lammps-dump"] = new(".dump", Pbc: true, Energy: false, Forces: true, Stress: false, Velocities: true, Info: false, ManyFrames: true),
    };

    public static TheoryData<string, string> Pairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var a in Capabilities.Keys)
        {
            foreach (var b in Capabilities.Keys)
            {
                if (a != b)
                {
                    pairs.Add(a, b);
                }
            }
        }

        return pairs;
    }

    [Fact]
    public void Every_registered_format_is_in_the_matrix()
    {
        StructureFormats.All.Select(f => f.Name).Should().BeEquivalentTo(Capabilities.Keys);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task A_to_b_to_a_keeps_what_both_hold(string a, string b)
    {
        using var directory = new TempDirectory();
        var holdsA = Capabilities[a];
        var holdsB = Capabilities[b];
        var frames = holdsA.ManyFrames && holdsB.ManyFrames ? 3 : 1;
        var random = new Random(HashCode.Combine(a.Length, b.Length, a[0], b[0]));
        var originals = Enumerable.Range(0, frames).Select(i => Source(random, 2 + (3 * i))).ToList();

        // What A itself keeps of the originals is the baseline.
        var first = directory.File("first" + holdsA.Extension);
        StructureFiles.Write(first, originals, StructureFormats.FindByName(a)!);
        var baseline = StructureFiles.ReadAll(first, StructureFormats.FindByName(a)!);
        var middle = directory.File("middle" + holdsB.Extension);
        var last = directory.File("last" + holdsA.Extension);

        var there = await Al.RunAsync("convert", first, middle);
        there.ExitCode.Should().Be(0, there.StandardError);
        var back = await Al.RunAsync("convert", middle, last);
        back.ExitCode.Should().Be(0, back.StandardError);

        var result = StructureFiles.ReadAll(last, StructureFormats.FindByName(a)!);
        result.Should().HaveCount(baseline.Count);
        for (var i = 0; i < baseline.Count; i++)
        {
            Compare(baseline[i], result[i], Both(holdsA, holdsB), $"{a}→{b}→{a} frame {i}");
        }
    }

    private static Holds Both(Holds x, Holds y) => new(
        x.Extension, x.Pbc && y.Pbc, x.Energy && y.Energy, x.Forces && y.Forces, x.Stress && y.Stress,
        x.Velocities && y.Velocities, x.Info && y.Info, x.ManyFrames && y.ManyFrames);

    private static Structure Source(Random random, int atoms)
    {
        // LAMMPS holds cells only in its standard orientation; the rotation is tested by the LAMMPS tests.
        var structure = RandomStructures.Periodic(random, atoms, [14, 8, 6], withLabels: false, standardOrientation: true);
        structure.Calculated = RandomStructures.RandomLabels(random, atoms);
        structure.Velocities = [.. Enumerable.Range(0, atoms).Select(_ => new Vec3(random.NextDouble() - 0.5, random.NextDouble() - 0.5, 0.25))];
        structure.Info["config_type"] = "random bulk";
        structure.Info["iteration"] = 4L;
        structure.Info["gamma"] = 1.5 + random.NextDouble();
        return structure;
    }

    private static void Compare(Structure expected, Structure actual, Holds both, string what)
    {
        const double tolerance = 1e-10;
        actual.AtomicNumbers.Should().Equal(expected.AtomicNumbers, what);
        StructureAssert.Close(expected.Cell.Matrix, actual.Cell.Matrix, tolerance, $"{what} cell");
        StructureAssert.Close(expected.Positions, actual.Positions, tolerance, $"{what} positions");
        if (both.Pbc)
        {
            actual.Pbc.Should().Be(expected.Pbc, what);
        }

        if (both.Velocities)
        {
            StructureAssert.Close(expected.Velocities!, actual.Velocities!, tolerance, $"{what} velocities");
        }

        if (both.Energy)
        {
            StructureAssert.Close(expected.Calculated!.Energy!.Value, actual.Calculated!.Energy!.Value, tolerance, $"{what} energy");
        }

        if (both.Forces)
        {
            StructureAssert.Close(expected.Calculated!.Forces!, actual.Calculated!.Forces!, tolerance, $"{what} forces");
        }

        if (both.Stress)
        {
            StructureAssert.Close(expected.Calculated!.Stress!.Value, actual.Calculated!.Stress!.Value, tolerance, $"{what} stress");
        }

        if (both.Info)
        {
            actual.Info.Should().Equal(expected.Info, what);
        }
    }
}
