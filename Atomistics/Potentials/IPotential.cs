namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// An interatomic potential: total and per-atom energies (eV), forces (eV/Å) and virial (eV) of a structure, periodic or
/// open.
/// </summary>
/// <remarks>
/// Implementations are immutable after construction and safe to share between threads; all per-call state lives in the
/// <see cref="Evaluation"/>, which callers reuse across MD steps so that nothing is allocated per step.
/// </remarks>
public interface IPotential
{
    /// <summary>A name for logs and provenance, e.g. <c>sw:Si.sw</c>.</summary>
    string Name { get; }

    /// <summary>The interaction range in Å: atoms further apart do not interact directly.</summary>
    double Cutoff { get; }

    /// <summary>The atomic numbers the potential describes.</summary>
    IReadOnlyList<int> Species { get; }

    /// <summary>Computes energy, per-atom energies, forces and virial of <paramref name="structure"/> into <paramref name="evaluation"/>.</summary>
    /// <exception cref="PotentialException">
    /// The structure has an element the potential does not describe, a non-finite position, or atoms closer than
    /// <see cref="PotentialGuards.MinimumSeparation"/>; or the result is not finite.
    /// </exception>
    void Compute(Structure structure, Evaluation evaluation);
}

/// <summary>A potential cannot evaluate a structure; the message says why and names the atoms or elements involved.</summary>
public sealed class PotentialException(string message) : Exception(message);
