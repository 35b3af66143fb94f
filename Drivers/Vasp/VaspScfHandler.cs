using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Vasp;

/// <summary>
/// Corrects a VASP electronic loop that used all <c>NELM</c> steps, in two steps: first twice the <c>NELM</c> (at least
/// <see cref="MinimumNelm"/>) and half the <c>AMIX</c> (VASP's default 0.4 when unset); then <c>ALGO = All</c> (conjugate
/// gradient, slower but robust) with twice the steps again. After that it has nothing more to try.
/// </summary>
public sealed class VaspScfHandler : IErrorHandler<VaspSettings>
{
    /// <summary>VASP's default <c>AMIX</c>, the starting point when the settings leave it unset.</summary>
    public const double DefaultAmix = 0.4;

    /// <summary>The least <c>NELM</c> a correction sets; default 100.</summary>
    public int MinimumNelm { get; init; } = 100;

    /// <inheritdoc />
    public string Name => "vasp-scf";

    /// <inheritdoc />
    public bool Check(CodeAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return attempt.Status == OutputStatus.NotConverged;
    }

    /// <inheritdoc />
    public Correction<VaspSettings>? Correct(VaspSettings settings, CodeAttempt attempt, int timesApplied)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var nelm = Math.Max(2 * settings.Nelm, MinimumNelm);
        var steps = FormattableString.Invariant($"NELM {settings.Nelm} → {nelm}");
        switch (timesApplied)
        {
            case 0:
                var amix = settings.Amix ?? DefaultAmix;
                return new Correction<VaspSettings>(
                    settings with { Nelm = nelm, Amix = amix / 2 },
                    $"{steps}, AMIX {NumberText.FormatReal(amix)} → {NumberText.FormatReal(amix / 2)}");
            case 1 when settings.Algo != "All":
                return new Correction<VaspSettings>(settings with { Nelm = nelm, Algo = "All" }, $"{steps}, ALGO {settings.Algo} → All");
            default:
                return null;
        }
    }
}
