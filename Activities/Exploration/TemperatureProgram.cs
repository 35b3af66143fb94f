using System.Globalization;
using ActiveLearning.Atomistics.Dynamics;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// A walker's target temperature over its run, beyond a constant or a linear ramp: turned into a piecewise-linear
/// <see cref="MdOptions.TemperatureProfile"/> for each walker from the walker's own temperature (the value
/// <see cref="ExplorationOptions"/> spreads over the walkers).
/// </summary>
public abstract record TemperatureProgram
{
    /// <summary>The profile of a walker whose temperature is <paramref name="walkerTemperatureK"/>, in steps of <paramref name="timestepFs"/>.</summary>
    public abstract IReadOnlyList<SchedulePoint> Profile(double walkerTemperatureK, double timestepFs);

    /// <summary>The steps the profile needs to reach its last point for the walker temperature <paramref name="walkerTemperatureK"/>.</summary>
    public int StepsNeeded(double walkerTemperatureK, double timestepFs) => Profile(walkerTemperatureK, timestepFs)[^1].Step;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public abstract void Validate();

    private protected static void Require(bool condition, string name, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException(FormattableString.Invariant($"Temperature program option {name} = {value} {rule}."), name);
        }
    }
}

/// <summary>
/// Melt and quench: the walker starts at <see cref="MeltK"/>, holds it for <see cref="HoldFs"/>, then cools linearly at
/// <see cref="QuenchRateKPerPs"/> down to its own temperature and stays there for the rest of the run. Velocities are drawn
/// at the melt temperature. Defaults suit silicon (melting point 1687 K).
/// </summary>
public sealed record MeltQuenchProgram : TemperatureProgram
{
    /// <summary>Melt temperature, K (&gt; 0, above every walker's temperature); default 2500.</summary>
    public double MeltK { get; init; } = 2500;

    /// <summary>Time held at <see cref="MeltK"/> before the quench, fs (≥ 0); default 2000.</summary>
    public double HoldFs { get; init; } = 2000;

    /// <summary>Cooling rate, K/ps (&gt; 0; 100 K/ps = 10¹⁴ K/s); default 100.</summary>
    public double QuenchRateKPerPs { get; init; } = 100;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The walker temperature is not below the melt temperature.</exception>
    public override IReadOnlyList<SchedulePoint> Profile(double walkerTemperatureK, double timestepFs)
    {
        if (!(walkerTemperatureK < MeltK))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A melt–quench to {walkerTemperatureK} K needs a melt temperature above it; MeltK is {MeltK} K."), nameof(walkerTemperatureK));
        }

        var holdSteps = (int)Math.Round(HoldFs / timestepFs);
        var quenchSteps = Math.Max(1, (int)Math.Round((MeltK - walkerTemperatureK) / QuenchRateKPerPs * 1000 / timestepFs));
        return holdSteps == 0
            ? [new(0, MeltK), new(quenchSteps, walkerTemperatureK)]
            : [new(0, MeltK), new(holdSteps, MeltK), new(holdSteps + quenchSteps, walkerTemperatureK)];
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        Require(double.IsFinite(MeltK) && MeltK > 0, nameof(MeltK), MeltK, "must be positive");
        Require(double.IsFinite(HoldFs) && HoldFs >= 0, nameof(HoldFs), HoldFs, "must not be negative");
        Require(double.IsFinite(QuenchRateKPerPs) && QuenchRateKPerPs > 0, nameof(QuenchRateKPerPs), QuenchRateKPerPs, "must be positive");
    }
}

/// <summary>
/// The same (step, K) points for every walker, linear in between, the last value held after the last point; the first
/// point is at step 0. The walkers' own temperatures are not used.
/// </summary>
/// <param name="Points">The points, steps strictly increasing from 0, temperatures &gt; 0.</param>
public sealed record TemperaturePointsProgram(IReadOnlyList<SchedulePoint> Points) : TemperatureProgram
{
    /// <inheritdoc/>
    public override IReadOnlyList<SchedulePoint> Profile(double walkerTemperatureK, double timestepFs) => Points;

    /// <inheritdoc/>
    public override void Validate()
    {
        Require(Points is { Count: > 0 } && Points[0].Step == 0, nameof(Points), Points?.Count, "must start with a point at step 0");
        ArgumentNullException.ThrowIfNull(Points);
        for (var i = 0; i < Points.Count; i++)
        {
            Require(double.IsFinite(Points[i].Value) && Points[i].Value > 0, nameof(Points), Points[i].Value,
                string.Create(CultureInfo.InvariantCulture, $"(point {i}) must be a positive temperature"));
            Require(i == 0 || Points[i].Step > Points[i - 1].Step, nameof(Points), Points[i].Step,
                string.Create(CultureInfo.InvariantCulture, $"(point {i}) must come after the step of the point before it"));
        }
    }
}
