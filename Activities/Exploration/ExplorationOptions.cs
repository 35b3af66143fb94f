using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics.Dynamics;

namespace ActiveLearning.Activities.Exploration;

/// <summary>How a schedule's [low, high] range is used across the walkers.</summary>
public enum ScheduleMode
{
    /// <summary>
    /// Walker w of W runs at the constant value low + (high − low)·w/(W − 1) (a single walker runs at low), so the walkers
    /// cover the range evenly between them.
    /// </summary>
    SpreadOverWalkers,

    /// <summary>Every walker ramps linearly from low at its first step to high at its last.</summary>
    RampEachWalker,
}

/// <summary>
/// Settings of <see cref="Explorer"/>: MD walkers with the current model, graded by D-optimality every
/// <see cref="GradeInterval"/> steps. Names follow the campaign file's <c>explore:</c> step (walkers, temperature, steps,
/// timestep, grade.select, grade.break). Units: K, GPa (ASE's sign: positive compresses), fs, Å.
/// </summary>
public sealed record ExplorationOptions
{
    /// <summary>Independent MD runs (≥ 1); default 4.</summary>
    public int Walkers { get; init; } = 4;

    /// <summary>The ensemble of every walker; default <see cref="Ensemble.Langevin"/> (NVT).</summary>
    public Ensemble Ensemble { get; init; } = Ensemble.Langevin;

    /// <summary>Lowest temperature of the schedule, K (&gt; 0); default 300.</summary>
    public double TemperatureLowK { get; init; } = 300;

    /// <summary>Highest temperature of the schedule, K (≥ <see cref="TemperatureLowK"/>); default 1500.</summary>
    public double TemperatureHighK { get; init; } = 1500;

    /// <summary>How the temperature range is used; default <see cref="ScheduleMode.SpreadOverWalkers"/>.</summary>
    public ScheduleMode TemperatureSchedule { get; init; } = ScheduleMode.SpreadOverWalkers;

    /// <summary>
    /// A temperature program (e.g. <see cref="MeltQuenchProgram"/>) applied to each walker's temperature (spread over the
    /// walkers by <see cref="TemperatureSchedule"/>, which must then be <see cref="ScheduleMode.SpreadOverWalkers"/>);
    /// default <see langword="null"/>: the walker's temperature, constant or ramped.
    /// </summary>
    public TemperatureProgram? TemperatureProgram { get; init; }

    /// <summary>
    /// Walkers start only from pool structures with at least this many atoms (≥ 1), e.g. to keep NPT and melts off tiny
    /// cells; default 1 (any).
    /// </summary>
    public int MinStartAtoms { get; init; } = 1;

    /// <summary>Lowest target pressure, GPa, for NPT ensembles (ignored otherwise); default 0.</summary>
    public double PressureLowGPa { get; init; }

    /// <summary>Highest target pressure, GPa (≥ <see cref="PressureLowGPa"/>); default 0.</summary>
    public double PressureHighGPa { get; init; }

    /// <summary>How the pressure range is used; default <see cref="ScheduleMode.SpreadOverWalkers"/>.</summary>
    public ScheduleMode PressureSchedule { get; init; } = ScheduleMode.SpreadOverWalkers;

    /// <summary>
    /// The same piecewise-linear target pressure for every walker, GPa, as (step, GPa) points from step 0 (see
    /// <see cref="MdOptions.PressureProfile"/>), for NPT; when given it replaces the pressure range; default
    /// <see langword="null"/>.
    /// </summary>
    public IReadOnlyList<SchedulePoint>? PressureProfile { get; init; }

    /// <summary>MD steps per walker (≥ 1); default 2000.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Time step, fs (&gt; 0); default 1.</summary>
    public double TimestepFs { get; init; } = 1.0;

    /// <summary>Thermostat time constant, fs (&gt; 0); default 100 (see <see cref="MdOptions.ThermostatDampingFs"/>).</summary>
    public double ThermostatDampingFs { get; init; } = 100;

    /// <summary>Barostat time constant for NPT, fs (&gt; 0); default 1000 (see <see cref="MdOptions.BarostatDampingFs"/>).</summary>
    public double BarostatDampingFs { get; init; } = 1000;

    /// <summary>γ and the geometry checks are computed every this many steps, and at step 0 (≥ 1); default 10.</summary>
    public int GradeInterval { get; init; } = 10;

    /// <summary>γ above which a graded frame is kept as a candidate (≥ 1); default 2 (MLIP-2 uses 2.1).</summary>
    public double GammaSelect { get; init; } = 2.0;

    /// <summary>γ above which a walker stops (&gt; <see cref="GammaSelect"/>); default 10. The breaking frame is kept as a candidate.</summary>
    public double GammaBreak { get; init; } = 10.0;

    /// <summary>How γ is computed; default <see cref="FeatureMode.Neighbourhood"/> (γ of a frame = max over its atoms).</summary>
    public FeatureMode GradeMode { get; init; } = FeatureMode.Neighbourhood;

    /// <summary>Most candidates a walker keeps (≥ 1); default 200. Later ones are counted but not kept.</summary>
    public int MaxCandidatesPerWalker { get; init; } = 200;

    /// <summary>
    /// Atoms overlap when a pair is closer than this, Å (&gt; 0); default 1.0 (shorter than any bond between atoms heavier
    /// than hydrogen; lower it for hydrogen-containing systems).
    /// </summary>
    public double MinSeparation { get; init; } = 1.0;

    /// <summary>
    /// An atom has flown away when no other atom is within this distance, Å (&gt; <see cref="MinSeparation"/>); default
    /// <see langword="null"/>: the model's cutoff, beyond which the model sees the atom as isolated.
    /// </summary>
    public double? MaxNeighbourDistance { get; init; }

    /// <summary>Seed of the start-structure draw and of every walker's velocities and noise; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Walkers run at the same time (≥ 1); default <see langword="null"/>: one per processor.</summary>
    public int? MaxParallelWalkers { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        Require(Walkers >= 1, nameof(Walkers), Walkers, "must be at least 1");
        Require(Enum.IsDefined(Ensemble), nameof(Ensemble), Ensemble, "is not an ensemble");
        Require(double.IsFinite(TemperatureLowK) && TemperatureLowK > 0, nameof(TemperatureLowK), TemperatureLowK, "must be positive");
        Require(double.IsFinite(TemperatureHighK) && TemperatureHighK >= TemperatureLowK, nameof(TemperatureHighK), TemperatureHighK,
            "must be finite and at least TemperatureLowK");
        Require(double.IsFinite(PressureLowGPa), nameof(PressureLowGPa), PressureLowGPa, "must be finite");
        Require(double.IsFinite(PressureHighGPa) && PressureHighGPa >= PressureLowGPa, nameof(PressureHighGPa), PressureHighGPa,
            "must be finite and at least PressureLowGPa");
        Require(Enum.IsDefined(TemperatureSchedule), nameof(TemperatureSchedule), TemperatureSchedule, "is not a schedule");
        Require(Enum.IsDefined(PressureSchedule), nameof(PressureSchedule), PressureSchedule, "is not a schedule");
        Require(MinStartAtoms >= 1, nameof(MinStartAtoms), MinStartAtoms, "must be at least 1");
        if (PressureProfile is { } pressures)
        {
            Require(pressures.Count > 0 && pressures[0].Step == 0, nameof(PressureProfile), pressures.Count, "must start with a point at step 0");
            for (var i = 1; i < pressures.Count; i++)
            {
                Require(pressures[i].Step > pressures[i - 1].Step && double.IsFinite(pressures[i].Value), nameof(PressureProfile), pressures[i].Step,
                    "must have increasing steps and finite pressures");
            }
        }

        if (TemperatureProgram is { } program)
        {
            Require(TemperatureSchedule == ScheduleMode.SpreadOverWalkers, nameof(TemperatureSchedule), TemperatureSchedule,
                "must be SpreadOverWalkers with a TemperatureProgram");
            program.Validate();
            _ = program.Profile(TemperatureLowK, TimestepFs);
            _ = program.Profile(TemperatureHighK, TimestepFs);
        }

        Require(Steps >= 1, nameof(Steps), Steps, "must be at least 1");
        Require(double.IsFinite(TimestepFs) && TimestepFs > 0, nameof(TimestepFs), TimestepFs, "must be positive");
        Require(double.IsFinite(ThermostatDampingFs) && ThermostatDampingFs > 0, nameof(ThermostatDampingFs), ThermostatDampingFs, "must be positive");
        Require(double.IsFinite(BarostatDampingFs) && BarostatDampingFs > 0, nameof(BarostatDampingFs), BarostatDampingFs, "must be positive");
        Require(GradeInterval >= 1, nameof(GradeInterval), GradeInterval, "must be at least 1");
        Require(double.IsFinite(GammaSelect) && GammaSelect >= 1, nameof(GammaSelect), GammaSelect, "must be at least 1");
        Require(!double.IsNaN(GammaBreak) && GammaBreak > GammaSelect, nameof(GammaBreak), GammaBreak, "must exceed GammaSelect");
        Require(Enum.IsDefined(GradeMode), nameof(GradeMode), GradeMode, "is not a feature mode");
        Require(MaxCandidatesPerWalker >= 1, nameof(MaxCandidatesPerWalker), MaxCandidatesPerWalker, "must be at least 1");
        Require(double.IsFinite(MinSeparation) && MinSeparation > 0, nameof(MinSeparation), MinSeparation, "must be positive");
        Require(MaxNeighbourDistance is null || (double.IsFinite(MaxNeighbourDistance.Value) && MaxNeighbourDistance > MinSeparation),
            nameof(MaxNeighbourDistance), MaxNeighbourDistance, "must be finite and exceed MinSeparation");
        Require(MaxParallelWalkers is null || MaxParallelWalkers >= 1, nameof(MaxParallelWalkers), MaxParallelWalkers, "must be at least 1");
    }

    /// <summary>The MD settings of walker <paramref name="walker"/> (0-based) under this schedule and seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The walker index is outside [0, <see cref="Walkers"/>).</exception>
    public MdOptions WalkerMd(int walker)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(walker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(walker, Walkers);
        var (startT, endT) = Schedule(TemperatureLowK, TemperatureHighK, TemperatureSchedule, walker);
        var (startP, endP) = Schedule(PressureLowGPa, PressureHighGPa, PressureSchedule, walker);
        var profile = TemperatureProgram?.Profile(startT, TimestepFs);
        if (PressureProfile is { Count: > 0 } pressures)
        {
            (startP, endP) = (pressures[0].Value, pressures[0].Value);
        }

        return new MdOptions
        {
            Ensemble = Ensemble,
            Steps = Steps,
            TimestepFs = TimestepFs,
            ThermostatDampingFs = ThermostatDampingFs,
            BarostatDampingFs = BarostatDampingFs,
            StartTemperatureK = profile?[0].Value ?? startT,
            EndTemperatureK = profile is null ? endT : null,
            TemperatureProfile = profile,
            StartPressureGPa = startP,
            EndPressureGPa = PressureProfile is null ? endP : null,
            PressureProfile = PressureProfile,
            Seed = WalkerSeed(Seed, walker),
            Threads = 1,
        };
    }

    /// <summary>A walker's MD seed: distinct per walker and campaign seed, stable across runs and platforms.</summary>
    internal static int WalkerSeed(int seed, int walker) => unchecked((seed * 1_000_003) + (walker * 7919) + 17);

    private (double Start, double End) Schedule(double low, double high, ScheduleMode mode, int walker)
    {
        if (mode == ScheduleMode.RampEachWalker)
        {
            return (low, high);
        }

        var value = Walkers == 1 ? low : low + ((high - low) * walker / (Walkers - 1));
        return (value, value);
    }

    private static void Require(bool condition, string name, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException(FormattableString.Invariant($"Exploration option {name} = {value} {rule}."), name);
        }
    }
}
