namespace ActiveLearning.Activities.Ports;

/// <summary>One candidate frame an explore walker kept, as the store records it for reports.</summary>
/// <param name="MdStep">The MD step of the frame.</param>
/// <param name="TargetTemperatureK">The thermostat's target at that step, K.</param>
/// <param name="TemperatureK">The instantaneous temperature at that step, K.</param>
/// <param name="Gamma">The frame's extrapolation grade γ.</param>
public readonly record struct CandidateGrade(int MdStep, double TargetTemperatureK, double TemperatureK, double Gamma);

/// <summary>
/// A finished explore walker, committed as soon as it finishes so that an explore step stopped mid-way resumes with only
/// the walkers that had not finished.
/// </summary>
/// <param name="Walker">The walker (0-based).</param>
/// <param name="SettingsHash">
/// What the walker's result depends on (exploration settings and start pool), lowercase hex; a checkpoint is reused only by a
/// run with the same hash.
/// </param>
/// <param name="StopReason">Why the walker ended (e.g. <c>Completed</c>, <c>GammaBreak</c>).</param>
/// <param name="StepsDone">MD steps it ran.</param>
/// <param name="MaxGamma">The largest γ of its graded frames (NaN when the model failed).</param>
/// <param name="CandidatesPath">
/// Its candidates file relative to the work directory (written atomically before the checkpoint is recorded), or
/// <see langword="null"/> when it kept none.
/// </param>
/// <param name="SummaryJson">The walker's summary as JSON, read back on resume.</param>
/// <param name="Grades">One entry per candidate, in the order of the candidates file.</param>
public sealed record WalkerCheckpoint(
    int Walker, string SettingsHash, string StopReason, int StepsDone, double MaxGamma, string? CandidatesPath, string SummaryJson,
    IReadOnlyList<CandidateGrade> Grades);
