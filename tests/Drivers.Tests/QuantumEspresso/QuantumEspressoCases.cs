using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Drivers.Tests.QuantumEspresso;

/// <summary>
/// The structures and settings whose pw.x inputs and outputs are captured under Fixtures/ (see Fixtures/README.md).
/// Positions are literal numbers, not random draws, so the inputs are reproducible text.
/// </summary>
internal static class QuantumEspressoCases
{
    public const string PseudoDirectory = "/usr/share/espresso/pseudo";

    public static string FixturePath(string name) =>
        Path.Combine(AppContext.BaseDirectory, "QuantumEspresso", "Fixtures", name);

    public static IReadOnlyList<string> Names { get; } = ["si2-diamond", "si2-rattled", "si8-rattled", "si2-not-converged"];

    private static QuantumEspressoSettings Base => new()
    {
        Pseudopotentials = new Dictionary<string, string> { ["Si"] = "Si.pbe-rrkj.UPF" },
        PseudoDirectory = PseudoDirectory,
        EcutWfc = 24,
    };

    public static (Structure Structure, QuantumEspressoSettings Settings) Get(string name) => name switch
    {
        // Perfect diamond Si in its primitive cell, an insulator: 0.55 1/Å gives a 4x4x4 grid.
        "si2-diamond" => (
            SiliconCells.Si([new Vec3(0, 2.715, 2.715), new Vec3(2.715, 0, 2.715), new Vec3(2.715, 2.715, 0)],
               [new Vec3(0, 0, 0), new Vec3(1.3575, 1.3575, 1.3575)]),
            Base with { Occupations = "fixed", KPointSpacing = 0.55 }),

        // A strained triclinic cell and displaced atoms: non-zero forces and off-diagonal stress, smearing, low cutoff.
        "si2-rattled" => (SiliconCells.Si2Rattled(), Base with
        {
            EcutWfc = 16, EcutRho = 64, Smearing = "mv", Degauss = 0.02, ConvThr = 1e-10,
            KPoints = new KPointGrid(3, 3, 3, Shifted: true),
        }),

        // Conventional 8-atom cell with hand-made displacements, very low cutoff so it runs in seconds.
        "si8-rattled" => (SiliconCells.Si8Rattled(), Base with
        {
            EcutWfc = 12, Smearing = "gaussian", Degauss = 0.01, MixingBeta = 0.5, KPointSpacing = 0.8,
        }),

        // The same as si2-rattled but stopped after two SCF iterations: pw.x reports non-convergence.
        "si2-not-converged" => (SiliconCells.Si2Rattled(), Base with
        {
            EcutWfc = 16, EcutRho = 64, Smearing = "mv", Degauss = 0.02, ConvThr = 1e-10, ElectronMaxStep = 2,
            KPoints = new KPointGrid(3, 3, 3, Shifted: true),
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such captured case."),
    };
}
