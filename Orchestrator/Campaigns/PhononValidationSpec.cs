using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>
/// <c>validate: { phonons: { … } }</c>: compare the model's phonon frequencies with the teacher's, both by finite
/// displacements in the same supercell (see <c>ActiveLearning.Atomistics.Phonons.ForceConstants</c>).
/// </summary>
public sealed record PhononValidationSpec
{
    /// <summary>The primitive cell (a structure file; must exist); default the <c>primitive</c> of the campaign's first <c>ndsc</c> generate step.</summary>
    public CampaignPath? Primitive { get; init; }

    /// <summary>N of the diagonal N×N×N supercell the force constants are taken in (1–12); default 4.</summary>
    public int Supercell { get; init; } = 4;

    /// <summary>The finite displacement, Å (0 &lt; h ≤ 0.2); default 0.01.</summary>
    public double Displacement { get; init; } = 0.01;

    /// <summary>
    /// Wave vectors in fractional coordinates of the reciprocal lattice, each [q1, q2, q3]; default empty, meaning every
    /// q-point commensurate with the supercell (the N×N×N Γ-centred grid, q and −q once), where finite-displacement
    /// frequencies are exact.
    /// </summary>
    [JsonPropertyName("qpoints")]
    public ImmutableArray<ImmutableArray<double>> QPoints { get; init; } = [];
}
