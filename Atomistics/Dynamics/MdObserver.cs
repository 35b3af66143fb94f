namespace ActiveLearning.Atomistics.Dynamics;

/// <summary>The state of an MD run after a step, handed to an <see cref="IMdObserver"/> without allocation.</summary>
/// <remarks>
/// <see cref="Structure"/> is the live structure being advanced (positions Å, velocities Å/fs, current cell): read it, do
/// not change it or keep a reference to it beyond the call; clone it to keep a snapshot. <see cref="Forces"/> is valid only
/// during the call.
/// </remarks>
public readonly ref struct MdStep
{
    /// <summary>Creates the step record (used by the integrator and by tests).</summary>
    public MdStep(int step, double timeFs, Structure structure, double potentialEnergy, double kineticEnergy, double temperatureK,
        Mat3? stress, ReadOnlySpan<Vec3> forces)
    {
        Step = step;
        TimeFs = timeFs;
        Structure = structure;
        PotentialEnergy = potentialEnergy;
        KineticEnergy = kineticEnergy;
        TemperatureK = temperatureK;
        Stress = stress;
        Forces = forces;
    }

    /// <summary>Steps done so far (0 for the initial state).</summary>
    public int Step { get; }

    /// <summary>Simulated time in fs.</summary>
    public double TimeFs { get; }

    /// <summary>The live structure.</summary>
    public Structure Structure { get; }

    /// <summary>Potential energy in eV.</summary>
    public double PotentialEnergy { get; }

    /// <summary>Kinetic energy in eV.</summary>
    public double KineticEnergy { get; }

    /// <summary>Instantaneous temperature in K (see <see cref="MolecularDynamics.DegreesOfFreedom"/>).</summary>
    public double TemperatureK { get; }

    /// <summary>
    /// Total stress in eV/Å³ (ASE's sign), potential plus kinetic (−Σ m v⊗v / V); <see langword="null"/> unless periodic in 3-D.
    /// </summary>
    public Mat3? Stress { get; }

    /// <summary>Forces in eV/Å.</summary>
    public ReadOnlySpan<Vec3> Forces { get; }

    /// <summary>Instantaneous pressure in GPa (−trace(σ)/3), or NaN without a stress.</summary>
    public double PressureGPa => Stress is { } s ? -s.Trace / 3 / Units.GPa : double.NaN;
}

/// <summary>Watches an MD run step by step and may stop it (e.g. when an extrapolation grade gets too high).</summary>
public interface IMdObserver
{
    /// <summary>Called after the initial force evaluation (step 0) and after every step.</summary>
    /// <returns><see langword="true"/> to continue, <see langword="false"/> to stop the run after this step.</returns>
    bool OnStep(in MdStep step);
}

/// <summary>Why an MD run ended.</summary>
public enum MdStopReason
{
    /// <summary>All requested steps were done.</summary>
    Completed,

    /// <summary>The observer asked to stop.</summary>
    StoppedByObserver,

    /// <summary>The cancellation token was triggered; the structure holds the state of the last completed step.</summary>
    Cancelled,
}

/// <summary>What an MD run did.</summary>
/// <param name="StepsDone">Steps completed.</param>
/// <param name="StopReason">Why the run ended.</param>
/// <param name="MeanTemperatureK">Mean instantaneous temperature over the states seen (step 0 to the last), K.</param>
/// <param name="MeanPressureGPa">Mean instantaneous pressure including the kinetic part, GPa; NaN unless periodic in 3-D.</param>
/// <param name="ConservedEnergyDriftPerAtom">
/// Systematic change of the integrator's conserved quantity over the run, in eV/atom — the rise of a least-squares line
/// through its value at every step, so that Verlet's bounded O(dt²) oscillation does not count as drift: the total energy for NVE; plus the
/// thermostat (and barostat and P·V) energies for Nosé–Hoover and NPT; the total energy minus the heat exchanged with the
/// bath for Langevin. A measure of integration error; meaningful only without ramps.
/// </param>
/// <param name="FinalPotentialEnergy">Potential energy of the final state, eV.</param>
/// <param name="MeanVolume">Mean cell volume over the states seen, Å³ (0 for a non-periodic structure).</param>
/// <param name="Structure">The structure, advanced in place (the same instance that was passed in).</param>
public sealed record MdSummary(
    int StepsDone,
    MdStopReason StopReason,
    double MeanTemperatureK,
    double MeanPressureGPa,
    double ConservedEnergyDriftPerAtom,
    double FinalPotentialEnergy,
    double MeanVolume,
    Structure Structure);

/// <summary>An MD run met a state it cannot continue from (a non-finite position, velocity, force or energy, or a potential failure).</summary>
public sealed class MolecularDynamicsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MolecularDynamicsException(int step, string message, Exception? inner = null)
        : base(FormattableString.Invariant($"MD step {step}: {message}"), inner)
    {
        Step = step;
    }

    /// <summary>The step at which the run failed (0: the initial state).</summary>
    public int Step { get; }
}
