using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Generators.NonDiagonal;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Generators;

/// <summary>
/// Non-diagonal supercells checked by NumPy from the built structures alone: the supercell vectors are integer
/// combinations of the primitive ones, exp(2πi q·R) = 1 holds for exactly the grid q-points the plan reports, and the plan
/// with its symmetry-equivalent points covers the grid.
/// </summary>
public sealed class NonDiagonalSupercellsNumpyTests
{
    private const string Script = """
import sys
import numpy as np

lines = open(sys.argv[1]).read().split('\n')
pos = 0
def take():
    global pos
    pos += 1
    return lines[pos - 1]

checked = 0
while pos < len(lines) and lines[pos].strip():
    name, n1, n2, n3, count = take().split()
    n = np.array([int(n1), int(n2), int(n3)])
    primitive = np.array([float(x) for x in take().split()]).reshape(3, 3)
    grid = np.array([[i, j, k] for i in range(n[0]) for j in range(n[1]) for k in range(n[2])]) / n
    recip = np.linalg.inv(primitive).T
    def shortest(q):
        images = q + np.array([[a, b, c] for a in range(-2, 3) for b in range(-2, 3) for c in range(-2, 3)])
        return np.min(np.linalg.norm(images @ recip, axis=1))
    covered = set()
    for _ in range(int(count)):
        size = int(take())
        supercell = np.array([float(x) for x in take().split()]).reshape(3, 3)
        listed = {tuple(int(x) for x in t.split(',')) for t in take().split()}
        by_symmetry = {tuple(int(x) for x in t.split(',')) for t in take().split()}
        # R in primitive fractional coordinates: R = f · primitive.
        frac = supercell @ np.linalg.inv(primitive)
        assert np.allclose(frac, np.round(frac), atol=1e-8), (name, frac)
        assert round(abs(np.linalg.det(frac))) == size, (name, frac, size)
        phases = np.exp(2j * np.pi * grid @ frac.T)
        commensurate = {tuple(int(round(x)) for x in q * n) for q, p in zip(grid, phases) if np.allclose(p, 1, atol=1e-8)}
        assert commensurate == listed, (name, size, sorted(commensurate), sorted(listed))
        assert len(commensurate) == size, (name, size, len(commensurate))
        lengths = [shortest(np.array(q) / n) for q in listed]
        for q in by_symmetry:
            assert q not in commensurate
            assert min(abs(shortest(np.array(q) / n) - l) for l in lengths) < 1e-9, (name, q)
        covered |= listed | by_symmetry
        checked += 1
    assert len(covered) == int(np.prod(n)), (name, len(covered))
print(checked)
""";

    [Fact]
    public async Task NumpyConfirmsCommensurabilityAndCoverage()
    {
        var text = new StringBuilder();
        var expected = 0;
        foreach (var (name, crystal) in Crystals())
        {
            foreach (var (n1, n2, n3) in new[] { (4, 4, 4), (3, 3, 3), (6, 6, 6), (4, 4, 2) })
            {
                var plan = NonDiagonalSupercells.Plan(crystal, n1, n2, n3);
                text.Append(CultureInfo.InvariantCulture, $"{name} {n1} {n2} {n3} {plan.Supercells.Count}\n");
                AppendMatrix(text, crystal.Cell.Matrix);
                foreach (var planned in plan.Supercells)
                {
                    var built = NonDiagonalSupercells.BuildSupercell(crystal, planned.Matrix);
                    text.Append(CultureInfo.InvariantCulture, $"{planned.Size}\n");
                    AppendMatrix(text, built.Cell.Matrix);
                    text.AppendJoin(' ', planned.Commensurate.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.I},{q.J},{q.K}"))).Append('\n');
                    text.AppendJoin(' ', planned.EquivalentBySymmetry.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.I},{q.J},{q.K}"))).Append('\n');
                    expected++;
                }
            }
        }

        using var directory = new TempDirectory();
        var file = directory.File("plans.txt");
        await File.WriteAllTextAsync(file, text.ToString());

        var output = await Ase.RunAsync(Script, file);

        int.Parse(output.Trim(), CultureInfo.InvariantCulture).Should().Be(expected);
    }

    private static void AppendMatrix(StringBuilder text, Mat3 m) =>
        text.AppendJoin(' ', m.ToRowMajorArray().Select(x => x.ToString("R", CultureInfo.InvariantCulture))).Append('\n');

    private static IEnumerable<(string Name, Structure Crystal)> Crystals()
    {
        var h = 4.04 / 2;
        yield return ("fcc", new Structure(new Cell(new Vec3(0, h, h), new Vec3(h, 0, h), new Vec3(h, h, 0)), Pbc.All, [13], [Vec3.Zero]));
        var b = 3.17 / 2;
        yield return ("bcc", new Structure(new Cell(new Vec3(-b, b, b), new Vec3(b, -b, b), new Vec3(b, b, -b)), Pbc.All, [74], [Vec3.Zero]));
        var d = 5.43 / 2;
        yield return ("diamond", new Structure(
            new Cell(new Vec3(0, d, d), new Vec3(d, 0, d), new Vec3(d, d, 0)), Pbc.All, [14, 14], [Vec3.Zero, new Vec3(d / 2, d / 2, d / 2)]));
        double a = 3.21, c = 5.21;
        var hcp = new Cell(new Vec3(a, 0, 0), new Vec3(-a / 2, a * Math.Sqrt(3) / 2, 0), new Vec3(0, 0, c));
        yield return ("hcp", new Structure(
            hcp, Pbc.All, [12, 12], [hcp.ToCartesian(new Vec3(1.0 / 3, 2.0 / 3, 0.25)), hcp.ToCartesian(new Vec3(2.0 / 3, 1.0 / 3, 0.75))]));
    }
}
