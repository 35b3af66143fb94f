using System.Globalization;
using ActiveLearning.Atomistics.Fitting;

namespace ActiveLearning.Activities.Validation;

/// <summary>
/// Settings of <see cref="FitGuard"/>. A new model is worse when its validation RMSE exceeds the previous model's by more
/// than <c>previous·RelativeTolerance + absolute floor</c>, for energy per atom or for forces.
/// </summary>
public sealed record FitGuardOptions
{
    /// <summary>Allowed relative rise of an RMSE (≥ 0); default 0.1 (10%): new data from new regions may cost a little accuracy elsewhere.</summary>
    public double RelativeTolerance { get; init; } = 0.1;

    /// <summary>Allowed absolute rise of the energy RMSE, meV/atom (≥ 0); default 1, so noise at tiny errors does not reject a model.</summary>
    public double EnergyFloorMeVPerAtom { get; init; } = 1.0;

    /// <summary>Allowed absolute rise of the force RMSE, eV/Å (≥ 0); default 0.005.</summary>
    public double ForceFloorEVPerAngstrom { get; init; } = 0.005;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A tolerance is negative or not finite.</exception>
    public void Validate()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(RelativeTolerance), RelativeTolerance),
            (nameof(EnergyFloorMeVPerAtom), EnergyFloorMeVPerAtom),
            (nameof(ForceFloorEVPerAngstrom), ForceFloorEVPerAngstrom),
        })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Fit guard option {name} = {value} must be finite and ≥ 0."), name);
            }
        }
    }
}

/// <summary>What the <see cref="FitGuard"/> decided.</summary>
/// <param name="KeepNew">True to adopt the new model, false to keep the previous one.</param>
/// <param name="Message">A sentence saying which model is kept and why, with both RMSEs.</param>
public sealed record FitDecision(bool KeepNew, string Message);

/// <summary>
/// Decides after a refit whether to adopt the new model or keep the previous one: the previous one is kept when the new
/// one is worse on the fixed validation set by more than the tolerance (see <see cref="FitGuardOptions"/>) in energy per
/// atom or in forces. Quantities either report lacks are not compared; without a previous report the new model is kept.
/// </summary>
public static class FitGuard
{
    /// <summary>Compares the two models' validation errors.</summary>
    /// <param name="previous">Errors of the model in use; null when there is none (the first fit).</param>
    /// <param name="candidate">Errors of the newly fitted model on the same validation set.</param>
    /// <param name="options">Tolerances; defaults when null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static FitDecision Decide(ErrorMetrics? previous, ErrorMetrics candidate, FitGuardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        options ??= new FitGuardOptions();
        options.Validate();
        if (previous is null)
        {
            return new FitDecision(true, "Kept the new model: there is no previous model to compare with.");
        }

        var inv = CultureInfo.InvariantCulture;
        var worse = new List<string>();
        var summary = new List<string>();
        Compare(previous.EnergyRmseMeVPerAtom, candidate.EnergyRmseMeVPerAtom, options.EnergyFloorMeVPerAtom, "energy RMSE", "meV/atom", "F2");
        Compare(previous.ForceRmseEVPerAngstrom, candidate.ForceRmseEVPerAngstrom, options.ForceFloorEVPerAngstrom, "force RMSE", "eV/Å", "F4");
        var numbers = string.Join("; ", summary);
        return worse.Count == 0
            ? new FitDecision(true, $"Kept the new model ({numbers}).")
            : new FitDecision(false, string.Create(inv,
                $"Kept the previous model: the new one is worse on the validation set by more than the tolerance ({options.RelativeTolerance:P0} + floor) in {string.Join(" and ", worse)} ({numbers})."));

        void Compare(double? before, double? after, double floor, string what, string unit, string format)
        {
            if (before is not double b || after is not double a)
            {
                return;
            }

            summary.Add(string.Create(inv, $"{what} {b.ToString(format, inv)} → {a.ToString(format, inv)} {unit}"));
            if (!(a <= (b * (1 + options.RelativeTolerance)) + floor))
            {
                worse.Add(what);
            }
        }
    }
}
