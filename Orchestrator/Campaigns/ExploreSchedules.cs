using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>
/// <c>pressure:</c> of an npt explore step, GPa (ASE's sign: positive compresses). A number is one pressure for every
/// walker; <c>[lo, hi]</c> spreads constant pressures evenly over the walkers (like <c>temperature: [lo, hi]</c>);
/// <c>{ from: P0, to: P1 }</c> ramps every walker linearly from P0 at its first step to P1 at its last.
/// </summary>
/// <param name="From">The lowest (spread) or first (ramp) pressure, GPa.</param>
/// <param name="To">The highest (spread) or last (ramp) pressure, GPa (≥ from).</param>
/// <param name="Ramp">Whether every walker ramps from <paramref name="From"/> to <paramref name="To"/> over its run.</param>
public sealed record PressureSchedule(double From, double To, bool Ramp);

/// <summary><c>temperature_schedule:</c> of an explore step.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(MeltQuenchSchedule), "melt-quench")]
[JsonDerivedType(typeof(TemperaturePointsSchedule), "points")]
public abstract record TemperatureScheduleSpec;

/// <summary>
/// <c>temperature_schedule: melt-quench</c> (all defaults) or <c>{ kind: melt-quench, melt: K, hold: fs, quench_rate: K/ps }</c>:
/// each walker starts at <see cref="Melt"/>, holds it for <see cref="Hold"/> fs, then cools at <see cref="QuenchRate"/>
/// K/ps down to its own temperature (from <c>temperature</c>) and stays there until its last step.
/// </summary>
public sealed record MeltQuenchSchedule : TemperatureScheduleSpec
{
    /// <summary>Melt temperature, K (above every walker's temperature); default 2500.</summary>
    public double Melt { get; init; } = 2500;

    /// <summary>Time held at the melt temperature, fs (≥ 0); default 2000.</summary>
    public double Hold { get; init; } = 2000;

    /// <summary>Cooling rate, K/ps (&gt; 0; 100 K/ps = 10¹⁴ K/s); default 100.</summary>
    public double QuenchRate { get; init; } = 100;
}

/// <summary>
/// <c>temperature_schedule: [[step, K], …]</c>: the same target temperature for every walker, linear between the points
/// (first at step 0, steps increasing, none beyond <c>steps</c>), the last value after the last point.
/// </summary>
/// <param name="Points">The (step, K) points.</param>
public sealed record TemperaturePointsSchedule(ImmutableArray<StepTemperature> Points) : TemperatureScheduleSpec
{
    /// <summary>Equal when the points are.</summary>
    public bool Equals(TemperaturePointsSchedule? other) => other is not null && Points.SequenceEqual(other.Points);

    /// <inheritdoc/>
    public override int GetHashCode() => Points.Length;
}

/// <summary>A point of a temperature schedule.</summary>
/// <param name="Step">MD step (≥ 0).</param>
/// <param name="Temperature">Target temperature, K (&gt; 0).</param>
public sealed record StepTemperature(int Step, double Temperature);
