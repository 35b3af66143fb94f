using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Activities.Validation;

/// <summary>
/// A fixed, labelled validation set (generated once, labelled once, never trained on) and the errors of models on it:
/// energy per atom (meV/atom), force components (eV/Å) and stress components (GPa), RMSE and MAE, overall and per
/// <c>config_type</c>.
/// </summary>
public sealed class ValidationSet
{
    private readonly Structure[] structures;

    /// <summary>Wraps copies of <paramref name="structures"/>, each with reference labels.</summary>
    /// <exception cref="ArgumentException">The set is empty or a structure has no reference energy or forces (named by its position).</exception>
    public ValidationSet(IEnumerable<Structure> structures)
    {
        ArgumentNullException.ThrowIfNull(structures);
        this.structures = [.. structures.Select(s => s.Clone())];
        if (this.structures.Length == 0)
        {
            throw new ArgumentException("A validation set needs at least one labelled structure.", nameof(structures));
        }

        for (var i = 0; i < this.structures.Length; i++)
        {
            var reference = this.structures[i].Reference;
            if (reference?.Energy is null || reference.Forces is null)
            {
                throw new ArgumentException($"Validation structure {i} ({this.structures[i]}) has no reference energy and forces.", nameof(structures));
            }
        }

        Hashes = [.. this.structures.Select(StructureHash.Compute)];
    }

    /// <summary>The structures (copies; do not change them).</summary>
    public IReadOnlyList<Structure> Structures => structures;

    /// <summary>Each structure's <see cref="StructureHash"/>, so that callers can keep them out of training and selection.</summary>
    public IReadOnlyList<string> Hashes { get; }

    /// <summary>The errors of <paramref name="model"/> on the set.</summary>
    /// <param name="model">Any potential.</param>
    /// <param name="threads">Threads per evaluation (0: one per processor); default 1.</param>
    /// <param name="cancellationToken">Checked between structures.</param>
    /// <exception cref="PotentialException">The model cannot evaluate a structure (named by its position).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ErrorReport Evaluate(IPotential model, int threads = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ErrorReport.Compute(model, structures, threads, cancellationToken: cancellationToken);
    }
}
