using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.QuantumEspresso;

/// <summary>
/// Corrects a pw.x SCF that did not converge (<c>convergence NOT achieved</c>), in two steps: first half the
/// <c>mixing_beta</c> and more <c>electron_maxstep</c>; then switch <c>mixing_mode</c> from <c>plain</c> to <c>local-TF</c>
/// (better for inhomogeneous cells such as surfaces and vacancies), half the beta again and raise the steps again.
/// After that it has nothing more to try.
/// </summary>
/// <remarks>
/// Steps grow to <c>max(2 × electron_maxstep, <see cref="MinimumMaxStep"/>)</c>, so a run deliberately cut short (e.g.
/// <c>electron_maxstep = 2</c>) gets a realistic budget at once. The beta never drops below <see cref="MinimumBeta"/>.
/// </remarks>
public sealed class QuantumEspressoScfHandler : IErrorHandler<QuantumEspressoSettings>
{
    /// <summary>The least <c>electron_maxstep</c> a correction sets; default 100 (pw.x's default).</summary>
    public int MinimumMaxStep { get; init; } = 100;

    /// <summary>The smallest <c>mixing_beta</c> a correction sets; default 0.05.</summary>
    public double MinimumBeta { get; init; } = 0.05;

    /// <inheritdoc />
    public string Name => "pw.x-scf";

    /// <inheritdoc />
    public bool Check(CodeAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return attempt.Status == OutputStatus.NotConverged;
    }

    /// <inheritdoc />
    public Correction<QuantumEspressoSettings>? Correct(QuantumEspressoSettings settings, CodeAttempt attempt, int timesApplied)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (timesApplied >= 2)
        {
            return null;
        }

        var beta = Math.Max(MinimumBeta, settings.MixingBeta / 2);
        var steps = Math.Max(2 * settings.ElectronMaxStep, MinimumMaxStep);
        var changes = new List<string>
        {
            $"mixing_beta {NumberText.FormatReal(settings.MixingBeta)} → {NumberText.FormatReal(beta)}",
            FormattableString.Invariant($"electron_maxstep {settings.ElectronMaxStep} → {steps}"),
        };
        var next = settings with { MixingBeta = beta, ElectronMaxStep = steps };
        if (timesApplied == 1 && settings.MixingMode != "local-TF")
        {
            changes.Add($"mixing_mode {settings.MixingMode} → local-TF");
            next = next with { MixingMode = "local-TF" };
        }

        return new Correction<QuantumEspressoSettings>(next, string.Join(", ", changes));
    }
}
