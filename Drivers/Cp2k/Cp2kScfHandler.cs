using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Cp2k;

/// <summary>
/// Corrects a CP2K SCF that did not converge (<c>SCF run NOT converged</c>; CP2K prints numbers anyway, which are never used),
/// in two steps, each raising <c>MAX_SCF</c> to <c>max(2 × MAX_SCF, <see cref="MinimumMaxScf"/>)</c> and halving the
/// density-mixing <c>ALPHA</c> (CP2K's default 0.4 when unset), never below <see cref="MinimumAlpha"/>. After two
/// corrections it has nothing more to try.
/// </summary>
public sealed class Cp2kScfHandler : IErrorHandler<Cp2kSettings>
{
    /// <summary>CP2K's default <c>&amp;MIXING ALPHA</c>, the starting point when the settings leave it unset.</summary>
    public const double DefaultAlpha = 0.4;

    /// <summary>The least <c>MAX_SCF</c> a correction sets; default 100.</summary>
    public int MinimumMaxScf { get; init; } = 100;

    /// <summary>The smallest mixing alpha a correction sets; default 0.05.</summary>
    public double MinimumAlpha { get; init; } = 0.05;

    /// <inheritdoc />
    public string Name => "cp2k-scf";

    /// <inheritdoc />
    public bool Check(CodeAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return attempt.Status == OutputStatus.NotConverged;
    }

    /// <inheritdoc />
    public Correction<Cp2kSettings>? Correct(Cp2kSettings settings, CodeAttempt attempt, int timesApplied)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (timesApplied >= 2)
        {
            return null;
        }

        var alpha = settings.MixingAlpha ?? DefaultAlpha;
        var nextAlpha = Math.Max(MinimumAlpha, alpha / 2);
        var steps = Math.Max(2 * settings.MaxScf, MinimumMaxScf);
        var description = $"MAX_SCF {settings.MaxScf.ToString(System.Globalization.CultureInfo.InvariantCulture)} → " +
            $"{steps.ToString(System.Globalization.CultureInfo.InvariantCulture)}, mixing ALPHA {NumberText.FormatReal(alpha)} → {NumberText.FormatReal(nextAlpha)}";
        return new Correction<Cp2kSettings>(settings with { MaxScf = steps, MixingAlpha = nextAlpha }, description);
    }
}
