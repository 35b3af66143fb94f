namespace ActiveLearning.Atomistics;

/// <summary>
/// Energy, forces and stress of one structure from one method (a DFT label, a teacher potential, a model prediction).
/// Any part may be missing.
/// </summary>
/// <param name="Energy">Total energy in eV.</param>
/// <param name="Forces">Force on each atom in eV/Å, same order and length as the structure's atoms.</param>
/// <param name="Stress">Stress in eV/Å³ with ASE's sign (a compressed cell has negative diagonal stress).</param>
/// <param name="FreeEnergy">Free (Mermin) energy in eV, as electronic-structure codes with smearing report it.</param>
public sealed record LabelSet(double? Energy = null, Vec3[]? Forces = null, Mat3? Stress = null, double? FreeEnergy = null)
{
    /// <summary>Whether nothing is set.</summary>
    public bool IsEmpty => Energy is null && Forces is null && Stress is null && FreeEnergy is null;

    /// <summary>The virial −σ·V in eV (MLIP's <c>PlusStress</c>, GAP's <c>virial</c>) for a cell of the given volume in Å³.</summary>
    public static Mat3 VirialFromStress(Mat3 stress, double volume) => -volume * stress;

    /// <summary>The stress σ = −virial/V in eV/Å³ from a virial in eV and a volume in Å³.</summary>
    public static Mat3 StressFromVirial(Mat3 virial, double volume) => (-1.0 / volume) * virial;
}
