using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Generators;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Generators;

/// <summary>spglib (Debian's python3-spglib) is the referee: the imposed symmetry must really be there.</summary>
public sealed class RandomStructureSpglibTests
{
    private const string Script = """
        import json, sys
        import spglib
        frames = json.load(open(sys.argv[1]))
        out = []
        for f in frames:
            cell = (f['cell'], f['positions'], f['numbers'])
            ds = spglib.get_symmetry_dataset(cell, symprec=1e-3)
            out.append({'operations': len(ds['rotations']), 'number': int(ds['number'])})
        print(json.dumps(out))
        """;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Symmetric_random_structures_have_at_least_the_requested_operations(int operations)
    {
        var options = new RandomStructureOptions
        {
            MinAtoms = 1,
            MaxAtoms = 8,
            Composition = [new("Si", 1), new("O", 2)],
            FreeComposition = true,
            SymmetryOperations = operations,
        };
        var structures = RandomStructureGenerator.Generate(options, seed: 100 + operations, count: 50);
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "frames.json");
        var frames = structures.Select(s => new
        {
            cell = Rows(s.Cell.Matrix),
            positions = s.Positions.Select(p => s.Cell.ToFractional(p)).Select(f => new[] { f.X, f.Y, f.Z }).ToArray(),
            numbers = s.AtomicNumbers,
        });
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(frames));

        var output = await Ase.RunAsync(Script, path);
        using var result = JsonDocument.Parse(output);
        var found = result.RootElement.EnumerateArray().ToArray();
        found.Should().HaveCount(50);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < found.Length; k++)
        {
            var count = found[k].GetProperty("operations").GetInt32();
            var imposed = structures[k].Info["space_group"].AsString();
            groups.Add(imposed);
            // spglib counts operations of the given cell, so a supercell of a smaller primitive cell shows more; never fewer.
            count.Should().BeGreaterThanOrEqualTo(operations, "structure {0} was built in {1}", k, imposed);
            var number = found[k].GetProperty("number").GetInt32();
            number.Should().BeGreaterThanOrEqualTo((int)structures[k].Info["space_group_number"].AsInteger() > 2 ? 3 : 2,
                "spglib finds at least the imposed crystal family for structure {0} ({1})", k, imposed);
        }

        groups.Count.Should().BeGreaterThan(1, "the group is drawn from the built-in set");
    }

    private static double[][] Rows(Mat3 m) =>
    [
        [m.Row(0).X, m.Row(0).Y, m.Row(0).Z],
        [m.Row(1).X, m.Row(1).Y, m.Row(1).Z],
        [m.Row(2).X, m.Row(2).Y, m.Row(2).Z],
    ];
}
