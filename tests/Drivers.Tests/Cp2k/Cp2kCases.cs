using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Drivers.Tests.Cp2k;

/// <summary>
/// The structures and settings whose CP2K inputs and outputs are captured under Fixtures/ (see Fixtures/README.md).
/// Positions are literal numbers, not random draws, so the inputs are reproducible text.
/// </summary>
internal static class Cp2kCases
{
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Cp2k", "Fixtures", name);

    public static IReadOnlyList<string> Names { get; } =
    [
        "si8-dftb", "si8-dftb-compressed", "si8-dftb-expanded", "si8-dftb-triclinic", "si8-xtb", "si8-xtb-not-converged",
        "si8-gpw", "crash-missing-dftb-parameters",
    ];

    private static readonly Cp2kSettings Dftb = new() { Method = Cp2kMethod.DftbNonScc };

    private static readonly Cp2kSettings Xtb = new() { Method = Cp2kMethod.Gfn1Xtb, KPointSpacing = 0.6 };

    public static (Structure Structure, Cp2kSettings Settings) Get(string name) => name switch
    {
        // The 8-atom cubic cell with hand-made displacements at Γ.
        "si8-dftb" => (SiliconCells.Si8Rattled(1.0), Dftb),

        // The same scaled by ±0.5 %: the energy difference is a finite-difference check of the analytical stress and its sign.
        "si8-dftb-compressed" => (SiliconCells.Si8Rattled(0.995), Dftb),
        "si8-dftb-expanded" => (SiliconCells.Si8Rattled(1.005), Dftb),

        // A sheared triclinic cell with displaced atoms and an explicit 2x2x1 grid: off-diagonal stress, k-points with DFTB.
        "si8-dftb-triclinic" => (Si8Triclinic(), Dftb with { KPoints = new KPointGrid(2, 2, 1) }),

        // GFN1-xTB with Ewald; spacing 0.6/Å on a 5.43 Å cube → 2x2x2.
        "si8-xtb" => (SiliconCells.Si8Rattled(1.0), Xtb),

        // GFN1-xTB stopped after one SCF iteration.
        "si8-xtb-not-converged" => (SiliconCells.Si8Rattled(1.0), Xtb with { MaxScf = 1 }),

        // PBE GPW with MOLOPT basis and GTH pseudopotential, Γ only and a low cutoff to keep it cheap.
        "si8-gpw" => (SiliconCells.Si8Rattled(1.0), new Cp2kSettings
        {
            Method = Cp2kMethod.DftGpw,
            BasisSets = new Dictionary<string, string> { ["Si"] = "DZVP-MOLOPT-SR-GTH" },
            Potentials = new Dictionary<string, string> { ["Si"] = "GTH-PBE-q4" },
            Cutoff = 200,
            RelativeCutoff = 30,
        }),

        // DFTB pointed at a directory that does not exist: CP2K aborts.
        "crash-missing-dftb-parameters" => (SiliconCells.Si8Rattled(1.0), Dftb with { DftbParameterDirectory = "/nonexistent/dftb" }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such captured case."),
    };

    private static Structure Si8Triclinic()
    {
        Vec3[] cell = [new Vec3(5.40, 0.10, -0.05), new Vec3(0.30, 5.50, 0.08), new Vec3(-0.20, 0.25, 5.45)];
        var positions = new Vec3[8];
        for (var i = 0; i < 8; i++)
        {
            var f = SiliconCells.ConventionalFractional[i];
            positions[i] = (f.X * cell[0]) + (f.Y * cell[1]) + (f.Z * cell[2]) + (1.5 * SiliconCells.Si8Displacements[7 - i]);
        }

        return SiliconCells.Si(cell, positions);
    }
}
