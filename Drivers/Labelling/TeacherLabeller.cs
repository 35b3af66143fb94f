using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>
/// Labels structures in-process with a teacher potential (Stillinger–Weber, Tersoff, EAM, a trained MTP, …): the indirect-learning
/// route, where an accurate but slower model stands in for DFT. A structure the teacher refuses (unknown element, overlapping
/// atoms, non-finite result) gets a failed outcome with the teacher's reason.
/// </summary>
public sealed class TeacherLabeller : ILabeller
{
    private readonly IPotential teacher;
    private readonly int threads;

    /// <summary>Creates a labeller evaluating <paramref name="teacher"/> with <paramref name="threads"/> threads per structure (default 1).</summary>
    /// <param name="teacher">The teacher potential.</param>
    /// <param name="settingsText">The text that defines the teacher (e.g. the potential file's content or its spec); hashed into <see cref="SettingsHash"/>.</param>
    /// <param name="threads">Threads per evaluation, at least 1.</param>
    public TeacherLabeller(IPotential teacher, string settingsText, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(settingsText);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        this.teacher = teacher;
        this.threads = threads;
        SettingsHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settingsText)))[..16];
    }

    /// <inheritdoc />
    public string Method => "teacher:" + teacher.Name;

    /// <inheritdoc />
    public string SettingsHash { get; }

    /// <inheritdoc />
    public async IAsyncEnumerable<LabelOutcome> LabelAsync(IReadOnlyList<Structure> structures, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(structures);
        var evaluation = new Evaluation(threads);
        for (var index = 0; index < structures.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var provenance = new LabelProvenance(Method, null, SettingsHash, null, null, 1, []);
            LabelOutcome outcome;
            try
            {
                teacher.Compute(structures[index], evaluation);
                outcome = new LabelOutcome(index, evaluation.ToLabels(structures[index]), provenance, null);
            }
            catch (PotentialException refused)
            {
                outcome = new LabelOutcome(index, null, provenance, refused.Message);
            }

            yield return outcome;
            await Task.Yield();
        }
    }
}
