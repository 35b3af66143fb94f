using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Drivers.Vasp;
using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>Code labellers with their standard error handlers: SCF correction first, then one retry after a crash.</summary>
public static class CodeLabellers
{
    /// <summary>A pw.x labeller with <see cref="QuantumEspressoScfHandler"/> and <see cref="CrashRetryHandler{TSettings}"/>.</summary>
    /// <param name="settings">The pw.x settings.</param>
    /// <param name="profile">How pw.x runs; default <see cref="CodeProfile.PwX"/>.</param>
    /// <param name="scheduler">Where tasks run.</param>
    /// <param name="options">Limits; default <see cref="CodeLabellerOptions"/>'s defaults.</param>
    public static CodeLabeller<QuantumEspressoSettings> QuantumEspresso(
        QuantumEspressoSettings settings, CodeProfile? profile, IJobScheduler scheduler, CodeLabellerOptions? options = null) =>
        new(new QuantumEspressoCode(), settings, profile ?? CodeProfile.PwX, scheduler,
            [new QuantumEspressoScfHandler(), new CrashRetryHandler<QuantumEspressoSettings>()], options);

    /// <summary>A CP2K labeller with <see cref="Cp2kScfHandler"/> and <see cref="CrashRetryHandler{TSettings}"/>.</summary>
    /// <param name="settings">The CP2K settings.</param>
    /// <param name="profile">How cp2k runs; default <see cref="CodeProfile.Cp2k"/>.</param>
    /// <param name="scheduler">Where tasks run.</param>
    /// <param name="options">Limits; default <see cref="CodeLabellerOptions"/>'s defaults.</param>
    public static CodeLabeller<Cp2kSettings> Cp2k(
        Cp2kSettings settings, CodeProfile? profile, IJobScheduler scheduler, CodeLabellerOptions? options = null) =>
        new(new Cp2kCode(), settings, profile ?? CodeProfile.Cp2k, scheduler,
            [new Cp2kScfHandler(), new CrashRetryHandler<Cp2kSettings>()], options);

    /// <summary>A VASP labeller with <see cref="VaspScfHandler"/> and <see cref="CrashRetryHandler{TSettings}"/>.</summary>
    /// <param name="settings">The VASP settings.</param>
    /// <param name="profile">How VASP runs, e.g. <c>vasp_std</c> under an MPI launcher.</param>
    /// <param name="scheduler">Where tasks run.</param>
    /// <param name="options">Limits; default <see cref="CodeLabellerOptions"/>'s defaults.</param>
    public static CodeLabeller<VaspSettings> Vasp(
        VaspSettings settings, CodeProfile profile, IJobScheduler scheduler, CodeLabellerOptions? options = null) =>
        new(new VaspCode(), settings, profile, scheduler, [new VaspScfHandler(), new CrashRetryHandler<VaspSettings>()], options);
}
