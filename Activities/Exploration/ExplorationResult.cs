using ActiveLearning.Atomistics;

namespace ActiveLearning.Activities.Exploration;

/// <summary>Why a walker ended.</summary>
public enum WalkerStopReason
{
    /// <summary>All steps were run without any stop rule holding: the walker survived.</summary>
    Completed,

    /// <summary>A graded frame had γ &gt; γ_break: the model extrapolates too far to be trusted there.</summary>
    GammaBreak,

    /// <summary>Two atoms came closer than <see cref="ExplorationOptions.MinSeparation"/>.</summary>
    Overlap,

    /// <summary>An atom had no other atom within <see cref="ExplorationOptions.MaxNeighbourDistance"/> (the cell blew up or an atom escaped).</summary>
    FlewApart,

    /// <summary>The MD or the model failed (a non-finite energy, force or position; the model could not evaluate the frame).</summary>
    Failed,

    /// <summary>The run was cancelled before it finished.</summary>
    Cancelled,
}

/// <summary>A frame kept by a walker because its extrapolation grade exceeded γ_select, with where it came from.</summary>
/// <param name="Structure">
/// A snapshot of the frame (positions Å, cell; no velocities, no labels) with info keys <c>config_type</c> = explore,
/// <c>walker</c>, <c>step</c>, <c>gamma</c>, <c>temperature_K</c> (the target) and <c>start_index</c>.
/// </param>
/// <param name="Walker">The walker (0-based).</param>
/// <param name="StartIndex">Index in the start pool of the walker's start structure.</param>
/// <param name="Step">MD step of the frame.</param>
/// <param name="TargetTemperatureK">The thermostat's target temperature at that step, K.</param>
/// <param name="TemperatureK">The instantaneous temperature at that step, K.</param>
/// <param name="Gamma">The frame's extrapolation grade γ (max over atoms in neighbourhood mode).</param>
public sealed record ExplorationCandidate(
    Structure Structure, int Walker, int StartIndex, int Step, double TargetTemperatureK, double TemperatureK, double Gamma);

/// <summary>What one walker did.</summary>
/// <param name="Walker">The walker (0-based).</param>
/// <param name="StartIndex">Index in the start pool of its start structure.</param>
/// <param name="StartTemperatureK">Target temperature at its first step, K.</param>
/// <param name="EndTemperatureK">Target temperature at its last scheduled step, K.</param>
/// <param name="StartPressureGPa">Target pressure at its first step, GPa (used by NPT only).</param>
/// <param name="EndPressureGPa">Target pressure at its last scheduled step, GPa.</param>
/// <param name="StepsDone">MD steps completed.</param>
/// <param name="StopReason">Why it ended.</param>
/// <param name="Message">A sentence saying why it ended, naming the step, γ, atoms or distance involved.</param>
/// <param name="MaxGamma">Largest γ among its graded frames (0 when none was graded).</param>
/// <param name="GradedFrames">Frames graded.</param>
/// <param name="CandidatesKept">Frames kept as candidates.</param>
/// <param name="CandidatesDropped">Frames above γ_select not kept because <see cref="ExplorationOptions.MaxCandidatesPerWalker"/> was reached.</param>
/// <param name="MeanTemperatureK">Mean instantaneous temperature over its steps, K (NaN when the MD failed).</param>
/// <param name="MeanPressureGPa">Mean instantaneous pressure over its steps, GPa (NaN unless periodic in 3-D, or when the MD failed).</param>
/// <param name="MeanVolume">Mean cell volume over its steps, Å³ (0 for a non-periodic structure; NaN when the MD failed).</param>
public sealed record WalkerSummary(
    int Walker,
    int StartIndex,
    double StartTemperatureK,
    double EndTemperatureK,
    double StartPressureGPa,
    double EndPressureGPa,
    int StepsDone,
    WalkerStopReason StopReason,
    string Message,
    double MaxGamma,
    int GradedFrames,
    int CandidatesKept,
    int CandidatesDropped,
    double MeanTemperatureK,
    double MeanPressureGPa,
    double MeanVolume);

/// <summary>The outcome of an exploration.</summary>
/// <param name="Candidates">Frames with γ &gt; γ_select, ordered by walker, then step.</param>
/// <param name="Walkers">One summary per walker, by walker index.</param>
public sealed record ExplorationResult(IReadOnlyList<ExplorationCandidate> Candidates, IReadOnlyList<WalkerSummary> Walkers)
{
    /// <summary>Walkers that ran all their steps.</summary>
    public int Completed => Walkers.Count(w => w.StopReason == WalkerStopReason.Completed);

    /// <summary>Largest γ seen by any walker.</summary>
    public double MaxGamma => Walkers.Count == 0 ? 0 : Walkers.Max(w => w.MaxGamma);
}

/// <summary>Progress of one walker, reported after every graded frame and when it ends.</summary>
/// <param name="Walker">The walker (0-based).</param>
/// <param name="Step">Steps done.</param>
/// <param name="Steps">Steps scheduled.</param>
/// <param name="Gamma">γ of the latest graded frame.</param>
/// <param name="Candidates">Candidates kept so far.</param>
/// <param name="Finished">True on the walker's last report.</param>
public readonly record struct ExplorationProgress(int Walker, int Step, int Steps, double Gamma, int Candidates, bool Finished);
