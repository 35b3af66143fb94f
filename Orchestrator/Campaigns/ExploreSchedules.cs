using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>
/// <c>pressure:</c> of an npt explore step, GPa (ASE's sign: positive compresses). A number is one pressure for every
/// walker; <c>[lo, hi]</c> spreads constant pressures evenly over the walkers (like <c>temperature: [lo, hi]</c>);
/// <c>{ from: P0, to: P1 }</c> ramps every walker linearly from P0 at its first step to P1 at its last;
/// <c>[[step, GPa], …]</c> is the same piecewise-linear target for every walker (<see cref="Points"/>).
/// </summary>
/// <param name="From">The lowest (spread, points) or first (ramp) pressure, GPa.</param>
/// <param name="To">The highest (spread, points) or last (ramp) pressure, GPa (≥ from).</param>
/// <param name="Ramp">Whether every walker ramps from <paramref name="From"/> to <paramref name="To"/> over its run.</param>
public sealed record PressureSchedule(double From, double To, bool Ramp)
{
    /// <summary>(step, GPa) points, the first at step 0, steps increasing; empty (default) unless written as a list of points.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<StepValue> Points { get; init; } = [];

    /// <summary>Equal when the pressures and the points are.</summary>
    public bool Equals(PressureSchedule? other) =>
        other is not null && From == other.From && To == other.To && Ramp == other.Ramp && Points.SequenceEqual(other.Points);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(From, To, Ramp, Points.Length);
}

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
public sealed record TemperaturePointsSchedule(ImmutableArray<StepValue> Points) : TemperatureScheduleSpec
{
    /// <summary>Equal when the points are.</summary>
    public bool Equals(TemperaturePointsSchedule? other) => other is not null && Points.SequenceEqual(other.Points);

    /// <inheritdoc/>
    public override int GetHashCode() => Points.Length;
}

/// <summary>A point of a temperature (K) or pressure (GPa) schedule.</summary>
/// <param name="Step">MD step (≥ 0).</param>
/// <param name="Value">The target there: K (&gt; 0) or GPa.</param>
public sealed record StepValue(int Step, double Value);
