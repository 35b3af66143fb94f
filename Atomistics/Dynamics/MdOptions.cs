namespace ActiveLearning.Atomistics.Dynamics;

/// <summary>The statistical ensemble an MD run samples, and so which thermostat and barostat it uses.</summary>
public enum Ensemble
{
    /// <summary>Constant energy: plain velocity Verlet, no thermostat.</summary>
    Nve,

    /// <summary>Constant temperature with a Langevin thermostat (BAOAB splitting), friction 1/<see cref="MdOptions.ThermostatDampingFs"/>.</summary>
    Langevin,

    /// <summary>Constant temperature with a Nosé–Hoover chain of <see cref="MdOptions.ChainLength"/> thermostats.</summary>
    NoseHoover,

    /// <summary>
    /// Constant temperature and hydrostatic pressure: Martyna–Tobias–Klein barostat with one strain rate for all three axes
    /// (the cell keeps its shape), thermostatted by a Nosé–Hoover chain.
    /// </summary>
    NptIsotropic,

    /// <summary>
    /// Constant temperature and pressure with the three Cartesian axes x, y, z scaled independently (MTK barostat, LAMMPS'
    /// <c>aniso</c>): each diagonal stress component is driven to −P; shear is not relaxed.
    /// </summary>
    NptAnisotropic,
}

/// <summary>Settings of a molecular dynamics run. Units: fs, K, GPa.</summary>
/// <remarks>
/// Target temperature and pressure are ramped linearly from their start to their end values over <see cref="Steps"/>:
/// the target at step s (after s steps) is <c>start + (end − start)·s/Steps</c>. A <see cref="TemperatureProfile"/>, when
/// given, sets the target temperature instead (e.g. a melt–quench).
/// </remarks>
public sealed record MdOptions
{
    /// <summary>Time step in fs (default 1). Must be positive and finite.</summary>
    public double TimestepFs { get; init; } = 1.0;

    /// <summary>Number of steps to run (default 1000). Must be ≥ 0.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>The ensemble (default <see cref="Ensemble.Nve"/>).</summary>
    public Ensemble Ensemble { get; init; } = Ensemble.Nve;

    /// <summary>Target temperature at the start of the run in K (default 300). Must be ≥ 0; &gt; 0 for Nosé–Hoover and NPT.</summary>
    public double StartTemperatureK { get; init; } = 300.0;

    /// <summary>Target temperature at the end in K; <see langword="null"/> (default) means no ramp (equal to the start).</summary>
    public double? EndTemperatureK { get; init; }

    /// <summary>
    /// A piecewise-linear target temperature, K, over the steps (see <see cref="SchedulePoint.Interpolate"/>): the first
    /// point at step 0, steps strictly increasing, the last value held after the last point. Default <see langword="null"/>:
    /// the linear ramp from <see cref="StartTemperatureK"/> to <see cref="EndTemperatureK"/>. When given, its first point
    /// must equal <see cref="StartTemperatureK"/> (which draws the initial velocities and sets the barostat's mass).
    /// </summary>
    public IReadOnlyList<SchedulePoint>? TemperatureProfile { get; init; }

    /// <summary>
    /// Target pressure at the start in GPa for NPT (default 0), ASE's sign convention: the target stress is σ = −P·I, and a
    /// positive P compresses.
    /// </summary>
    public double StartPressureGPa { get; init; }

    /// <summary>Target pressure at the end in GPa; <see langword="null"/> (default) means no ramp.</summary>
    public double? EndPressureGPa { get; init; }

    /// <summary>
    /// A piecewise-linear target pressure, GPa (ASE's sign), over the steps, like <see cref="TemperatureProfile"/>; default
    /// <see langword="null"/>: the linear ramp from <see cref="StartPressureGPa"/> to <see cref="EndPressureGPa"/>. When
    /// given, its first point must equal <see cref="StartPressureGPa"/>.
    /// </summary>
    public IReadOnlyList<SchedulePoint>? PressureProfile { get; init; }

    /// <summary>
    /// Thermostat time constant in fs (default 100): the Nosé–Hoover chain's period and the inverse of the Langevin friction.
    /// </summary>
    public double ThermostatDampingFs { get; init; } = 100.0;

    /// <summary>Barostat time constant in fs (default 1000), which sets the barostat mass W = (N_f + 3)·k_B·T·τ².</summary>
    public double BarostatDampingFs { get; init; } = 1000.0;

    /// <summary>Number of thermostats in the Nosé–Hoover chain (default 3, at least 1).</summary>
    public int ChainLength { get; init; } = 3;

    /// <summary>
    /// Seed of the random numbers (Langevin noise, initial velocities when the structure has none); default 0. A run is
    /// reproducible bit for bit given the seed and <see cref="Threads"/>.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>Write a trajectory frame every this many steps, including step 0 (default 0: no frames).</summary>
    public int TrajectoryInterval { get; init; }

    /// <summary>Threads for force evaluation (default 1; 0 means one per processor).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The target temperature in K after <paramref name="step"/> steps.</summary>
    public double TemperatureAt(int step) => TemperatureProfile is { } profile
        ? SchedulePoint.Interpolate(profile, step)
        : Ramp(StartTemperatureK, EndTemperatureK ?? StartTemperatureK, step);

    /// <summary>The target pressure in GPa after <paramref name="step"/> steps.</summary>
    public double PressureGPaAt(int step) => PressureProfile is { } profile
        ? SchedulePoint.Interpolate(profile, step)
        : Ramp(StartPressureGPa, EndPressureGPa ?? StartPressureGPa, step);

    private double Ramp(double start, double end, int step) => Steps == 0 ? start : start + ((end - start) * step / Steps);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, naming it and its value.</exception>
    public void Validate()
    {
        Require(double.IsFinite(TimestepFs) && TimestepFs > 0, nameof(TimestepFs), TimestepFs, "must be positive");
        Require(Steps >= 0, nameof(Steps), Steps, "must not be negative");
        Require(Enum.IsDefined(Ensemble), nameof(Ensemble), Ensemble, "is not an ensemble");
        Require(double.IsFinite(StartTemperatureK) && StartTemperatureK >= 0, nameof(StartTemperatureK), StartTemperatureK, "must be ≥ 0");
        Require(EndTemperatureK is null || (double.IsFinite(EndTemperatureK.Value) && EndTemperatureK >= 0), nameof(EndTemperatureK), EndTemperatureK, "must be ≥ 0");
        Require(double.IsFinite(StartPressureGPa), nameof(StartPressureGPa), StartPressureGPa, "must be finite");
        Require(EndPressureGPa is null || double.IsFinite(EndPressureGPa.Value), nameof(EndPressureGPa), EndPressureGPa, "must be finite");
        Require(double.IsFinite(ThermostatDampingFs) && ThermostatDampingFs > 0, nameof(ThermostatDampingFs), ThermostatDampingFs, "must be positive");
        Require(double.IsFinite(BarostatDampingFs) && BarostatDampingFs > 0, nameof(BarostatDampingFs), BarostatDampingFs, "must be positive");
        Require(ChainLength >= 1, nameof(ChainLength), ChainLength, "must be at least 1");
        Require(TrajectoryInterval >= 0, nameof(TrajectoryInterval), TrajectoryInterval, "must not be negative");
        Require(Threads >= 0, nameof(Threads), Threads, "must not be negative");
        if (TemperatureProfile is { } profile)
        {
            ValidateProfile(profile, nameof(TemperatureProfile), nameof(StartTemperatureK), StartTemperatureK, minimum: 0);
        }

        if (PressureProfile is { } pressures)
        {
            ValidateProfile(pressures, nameof(PressureProfile), nameof(StartPressureGPa), StartPressureGPa, minimum: double.NegativeInfinity);
        }

        if (Ensemble is Ensemble.NoseHoover or Ensemble.NptIsotropic or Ensemble.NptAnisotropic)
        {
            // A Nosé–Hoover thermostat's mass is proportional to k_B·T: at 0 K it has no dynamics.
            Require(StartTemperatureK > 0 && (EndTemperatureK ?? StartTemperatureK) > 0, nameof(StartTemperatureK), StartTemperatureK,
                $"and the end temperature must be positive for {Ensemble}");
            Require(TemperatureProfile is null || TemperatureProfile.All(p => p.Value > 0), nameof(TemperatureProfile),
                TemperatureProfile?.Count, $"points must all be positive for {Ensemble}");
        }
    }

    private static void ValidateProfile(IReadOnlyList<SchedulePoint> profile, string name, string startName, double start, double minimum)
    {
        Require(profile.Count > 0 && profile[0].Step == 0, name, profile.Count, "must start with a point at step 0");
        Require(profile[0].Value == start, name, profile[0].Value, $"(the first point) must equal {startName} {start}");
        for (var i = 0; i < profile.Count; i++)
        {
            Require(double.IsFinite(profile[i].Value) && profile[i].Value >= minimum, name, profile[i].Value,
                $"(point {i}) must be finite and ≥ {minimum}");
            Require(i == 0 || profile[i].Step > profile[i - 1].Step, name, profile[i].Step,
                $"(point {i}) must come after the step of the point before it");
        }
    }

    private static void Require(bool condition, string name, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException(FormattableString.Invariant($"MD option {name} = {value} {rule}."), name);
        }
    }
}
