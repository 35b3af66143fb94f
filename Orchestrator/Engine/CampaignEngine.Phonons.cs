using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Orchestrator.Campaigns;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>The teacher's phonons for validate steps that compare phonon frequencies.</summary>
public sealed partial class CampaignEngine
{
    // Computed once per run and settings: the teacher and the primitive cell do not change during a campaign.
    private readonly Dictionary<PhononValidationSpec, PhononReference> teacherPhonons = [];

    /// <summary>The primitive cell a phonon comparison uses: its own, else the first ndsc generator's; null when there is none.</summary>
    /// <param name="campaign">The campaign.</param>
    /// <param name="spec">A validate step's phonon settings.</param>
    public static CampaignPath? PhononPrimitive(Campaign campaign, PhononValidationSpec spec) =>
        spec.Primitive ?? campaign.Initial.Concat(campaign.Loop.Steps).OfType<GenerateStep>()
            .Select(g => g.Generator).OfType<NdscGenerator>().Select(n => n.Primitive).FirstOrDefault();

    private PhononReference? TeacherPhonons(ValidateStep step, CancellationToken cancellationToken)
    {
        if (step.Phonons is not { } spec)
        {
            return null;
        }

        if (teacherPhonons.TryGetValue(spec, out var known))
        {
            return known;
        }

        var path = PhononPrimitive(campaign, spec)
            ?? throw new InvalidOperationException("phonons: no primitive cell; give phonons.primitive or generate from one with kind ndsc in initial");
        var primitive = StructureFiles.ReadAll(path.FullPath, StructureFiles.ResolveFormat(path.FullPath, null))[0];
        var reference = campaign.Reference as PotentialReference
            ?? throw new NotSupportedException("phonons are compared with a teacher potential (reference: { kind: potential }) only");
        var teacher = PotentialLibrary.Load(reference.Potential, species);
        IReadOnlyList<Vec3> points = [.. spec.QPoints.Select(q => new Vec3(q[0], q[1], q[2]))];
        var phonons = PhononReference.Create(teacher, primitive, spec.Supercell, spec.Displacement, points, cancellationToken);
        log.Information("Teacher phonons of {Primitive} in a {N}×{N}×{N} supercell at {Count} q-points (displacement {Displacement} Å)",
            Path.GetFileName(path.FullPath), spec.Supercell, spec.Supercell, spec.Supercell, points.Count > 0 ? points.Count : phonons.QPoints.Count, spec.Displacement);
        teacherPhonons[spec] = phonons;
        return phonons;
    }
}
