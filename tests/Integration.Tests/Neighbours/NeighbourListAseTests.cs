using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Neighbours;

/// <summary>The neighbour list against ASE's <c>neighbor_list('ijSD')</c>, the convention it promises to follow.</summary>
public sealed class NeighbourListAseTests
{
    private const string Script = """
        import json, sys
        import numpy as np
        from ase import Atoms
        from ase.neighborlist import neighbor_list
        for case in json.loads(sys.argv[1]):
            atoms = Atoms(positions=np.array(case['positions']).reshape(-1, 3),
                          cell=np.array(case['cell']).reshape(3, 3), pbc=case['pbc'])
            i, j, S, D = neighbor_list('ijSD', atoms, case['cutoff'])
            print(len(i))
            for k in range(len(i)):
                print(i[k], j[k], *S[k], *(repr(float(x)) for x in D[k]))
        """;

    [Fact]
    public async Task Agrees_with_ase_on_thin_skewed_partly_periodic_and_unwrapped_cases()
    {
        var random = new Random(61);
        var cases = new List<(Cell Cell, Pbc Pbc, Vec3[] Positions, double Cutoff)>();
        Pbc[] periodicities = [Pbc.All, Pbc.All, Pbc.All, new(true, true, false), new(false, true, false), Pbc.None];
        for (var index = 0; index < 12; index++)
        {
            var pbc = periodicities[index % periodicities.Length];
            var cell = RandomStructures.TriclinicCell(random, minLength: 2, maxLength: 7, minAngle: 25);
            var spacings = cell.PlaneSpacings;
            var thinnest = Math.Min(spacings.X, Math.Min(spacings.Y, spacings.Z));
            for (var axis = 0; axis < 3 && pbc.Any; axis++)
            {
                thinnest = pbc[axis] ? Math.Min(thinnest, spacings[axis]) : thinnest;
            }

            var cutoff = (0.8 + (1.4 * random.NextDouble())) * thinnest;
            var positions = new Vec3[2 + random.Next(11)];
            for (var i = 0; i < positions.Length; i++)
            {
                // Some atoms several cells away, so the shifts must absorb the unwrapping as ASE's do.
                var far = random.Next(3) == 0 ? random.Next(-4, 5) : 0;
                positions[i] = cell.ToCartesian(new Vec3(far + random.NextDouble(), random.NextDouble(), random.NextDouble()));
            }

            cases.Add((cell, pbc, positions, cutoff));
        }

        var output = await Ase.RunAsync(Script, ToJson(cases));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = 0;
        var casesWithPairs = 0;
        var imagesSeen = 0;
        for (var index = 0; index < cases.Count; index++)
        {
            var (cell, pbc, positions, cutoff) = cases[index];
            var count = int.Parse(lines[line++], CultureInfo.InvariantCulture);
            var expected = new Dictionary<NeighbourPair, Vec3>();
            for (var k = 0; k < count; k++)
            {
                var fields = lines[line++].Split(' ');
                var ints = fields[..5].Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToArray();
                var reals = fields[5..].Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
                expected.Add(new NeighbourPair(ints[0], ints[1], new ImageShift(ints[2], ints[3], ints[4])), new Vec3(reals[0], reals[1], reals[2]));
            }

            casesWithPairs += expected.Count > 0 ? 1 : 0;
            imagesSeen += expected.Keys.Count(pair => !pair.Shift.IsZero);
            BruteForceNeighbours.AssertMatches(
                expected, NeighbourList.Build(cell, pbc, positions, cutoff), $"ASE case {index} (pbc {pbc})", tolerance: 1e-12);
        }

        line.Should().Be(lines.Length);
        casesWithPairs.Should().BeGreaterThanOrEqualTo(10, "the comparison must not be vacuous");
        imagesSeen.Should().BeGreaterThan(100);
    }

    private static string ToJson(List<(Cell Cell, Pbc Pbc, Vec3[] Positions, double Cutoff)> cases)
    {
        static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        static string Bool(bool b) => b ? "true" : "false";
        var json = new StringBuilder("[");
        foreach (var (cell, pbc, positions, cutoff) in cases)
        {
            json.Append(json.Length > 1 ? ",{" : "{");
            json.Append("\"cell\":[").AppendJoin(',', cell.Matrix.ToRowMajorArray().Select(Number)).Append("],");
            json.Append(CultureInfo.InvariantCulture, $"\"pbc\":[{Bool(pbc.A)},{Bool(pbc.B)},{Bool(pbc.C)}],");
            json.Append("\"positions\":[").AppendJoin(',', positions.SelectMany(p => new[] { p.X, p.Y, p.Z }).Select(Number)).Append("],");
            json.Append("\"cutoff\":").Append(Number(cutoff)).Append('}');
        }

        return json.Append(']').ToString();
    }
}
