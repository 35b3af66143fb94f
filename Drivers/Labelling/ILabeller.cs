using ActiveLearning.Atomistics;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>Where a label came from, recorded with it for the audit.</summary>
/// <param name="Method">The method, e.g. <c>pw.x</c>, <c>cp2k</c>, <c>teacher:sw:Si.sw</c>.</param>
/// <param name="Version">The program's version as it printed it, or <see langword="null"/> for in-process teachers.</param>
/// <param name="SettingsHash">Hash of the settings that shape the label (16 hex digits), so labels from different settings are never mixed up.</param>
/// <param name="JobId">The scheduler's job id (SLURM id, <c>local</c>), or <see langword="null"/> for in-process labels.</param>
/// <param name="WorkDirectory">The directory holding the run's inputs and outputs, or <see langword="null"/>.</param>
/// <param name="Attempts">How many runs it took (1 without corrections).</param>
/// <param name="Corrections">What error handlers changed between attempts, in order, e.g. <c>mixing_beta 0.7 → 0.35</c>.</param>
public sealed record LabelProvenance(
    string Method,
    string? Version,
    string SettingsHash,
    string? JobId,
    string? WorkDirectory,
    int Attempts,
    IReadOnlyList<string> Corrections);

/// <summary>The outcome of labelling one structure: labels, or the reason there are none.</summary>
/// <param name="Index">Position of the structure in the list given to <see cref="ILabeller.LabelAsync"/>.</param>
/// <param name="Labels">Energy (eV), forces (eV/Å) and stress (eV/Å³, ASE sign), or <see langword="null"/> when labelling failed.</param>
/// <param name="Provenance">Where the label (or the failure) came from.</param>
/// <param name="FailureReason">Why there is no label (not converged after all corrections, crash, unphysical structure), or <see langword="null"/>.</param>
public sealed record LabelOutcome(int Index, LabelSet? Labels, LabelProvenance Provenance, string? FailureReason)
{
    /// <summary>Whether the structure got labels.</summary>
    public bool Succeeded => Labels is not null;
}

/// <summary>Turns structures into reference energies, forces and stresses (a DFT code through a scheduler, or a teacher potential).</summary>
/// <remarks>
/// A structure that cannot be labelled yields an outcome with a <see cref="LabelOutcome.FailureReason"/>; it never stops the
/// batch. Outcomes are yielded as they are ready, in any order, so callers can checkpoint each one. Cancellation is never
/// reported as a failure: it throws <see cref="OperationCanceledException"/>.
/// </remarks>
public interface ILabeller
{
    /// <summary>The method name recorded in <see cref="LabelProvenance.Method"/>.</summary>
    string Method { get; }

    /// <summary>Hash of the settings (16 hex digits).</summary>
    string SettingsHash { get; }

    /// <summary>Labels every structure; yields one outcome per structure as it is ready.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    IAsyncEnumerable<LabelOutcome> LabelAsync(IReadOnlyList<Structure> structures, CancellationToken cancellationToken);
}
