using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Campaigns;

namespace ActiveLearning.Orchestrator.Labelling;

/// <summary>Builds the code labeller a campaign's (or a reference file's) code reference describes, on a <see cref="LabelScheduler"/>.</summary>
internal static class CodeReferenceLabellers
{
    /// <summary>
    /// The pw.x, CP2K or VASP labeller of <paramref name="code"/> with its error handlers, running on <paramref name="runs"/>;
    /// null when the reference gives no settings for its code (<see cref="ExpectedSettings"/> says what is missing).
    /// </summary>
    /// <param name="code">The reference.</param>
    /// <param name="runs">Where its tasks run.</param>
    /// <param name="submissions">Told each time a structure's task is handed to the scheduler; may be null.</param>
    public static ICodeLabeller? Create(CodeReference code, LabelScheduler runs, IProgress<LabelTaskSubmission>? submissions = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(runs);
        var options = new CodeLabellerOptions
        {
            MaxCorrections = code.MaxCorrections,
            // The local scheduler takes overlapping calls, the SLURM one runs one call at a time.
            OverlappingSubmissions = runs.AcceptsOverlappingCalls,
            // Over ssh the code's files are on the cluster; checking them here would refuse a valid setup.
            CheckLocalFiles = runs.FilesAreLocal,
            Submissions = submissions,
        };
        var scheduler = runs.Scheduler;
        return code switch
        {
            { Code: "quantum-espresso", QuantumEspresso: { } settings } => CodeLabellers.QuantumEspresso(settings, code.Profile, scheduler, options),
            { Code: "cp2k", Cp2k: { } settings } => CodeLabellers.Cp2k(settings, code.Profile, scheduler, options),
            { Code: "vasp", Vasp: { } settings } => CodeLabellers.Vasp(settings, code.Profile ?? new CodeProfile { Executable = "vasp_std" }, scheduler, options),
            _ => null,
        };
    }

    /// <summary>What a reference of <paramref name="code"/> must give, for the message when it gives no settings.</summary>
    public static string ExpectedSettings(string code) => code switch
    {
        "cp2k" => "method: dftb | gfn1-xtb | gpw and its settings",
        "vasp" => "potcar_dir, encut and kspacing or kpoints",
        _ => "pseudopotentials, pseudo_dir, ecutwfc and kspacing or kpoints",
    };
}
