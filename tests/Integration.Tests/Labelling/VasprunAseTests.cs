using System.Text.Json;
using ActiveLearning.Drivers.Vasp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>
/// ASE's vasprun.xml reader and ours agree on the hand-written files of tests/Drivers.Tests/Vasp/Fixtures (VASP itself is
/// not available): energy (σ→0), free energy, forces and stress in ASE's sign, last ionic step.
/// </summary>
public sealed class VasprunAseTests
{
    [Theory]
    [InlineData("single-point.vasprun.xml")]
    [InlineData("relaxation.vasprun.xml")]
    public async Task Our_reading_agrees_with_ASE(string name)
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "Drivers.Tests", "Vasp", "Fixtures", name);
        var json = await Ase.RunAsync(
            """
            import json, sys
            import ase.io
            a = ase.io.read(sys.argv[1], format="vasp-xml", index=-1)
            print(json.dumps({"energy": a.get_potential_energy(), "free_energy": a.get_potential_energy(force_consistent=True),
                              "forces": a.get_forces().tolist(), "stress": a.get_stress(voigt=False).tolist()}))
            """,
            path);
        using var document = JsonDocument.Parse(json);
        var ase = document.RootElement;

        var labels = VasprunParser.ParseFile(path).ToLabels();

        StructureAssert.Close(ase.GetProperty("energy").GetDouble(), labels.Energy!.Value, 1e-6, "energy");
        StructureAssert.Close(ase.GetProperty("free_energy").GetDouble(), labels.FreeEnergy!.Value, 1e-6, "free energy");
        for (var i = 0; i < labels.Forces!.Length; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                StructureAssert.Close(ase.GetProperty("forces")[i][axis].GetDouble(), labels.Forces[i][axis], 1e-6, $"force {i} {axis}");
            }
        }

        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                // Relative to the component: stresses are ~1e-2 eV/Å³, far below the 1 that StructureAssert scales to.
                var expected = ase.GetProperty("stress")[r][c].GetDouble();
                Math.Abs(labels.Stress!.Value[r, c] - expected).Should().BeLessThanOrEqualTo(1e-6 * Math.Abs(expected), $"stress {r}{c}");
            }
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ActiveLearning.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (ActiveLearning.sln) was not found above the test binaries.");
    }
}
