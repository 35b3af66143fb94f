using ActiveLearning.Drivers.Outputs;
using ActiveLearning.Schedulers.Jobs;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>One finished run of a code on one structure, as the error handlers see it.</summary>
/// <param name="Attempt">1 for the first run, 2 for the first corrected run, …</param>
/// <param name="Status">How the run ended: the output's status, except that a job that never finished is
/// <see cref="OutputStatus.Incomplete"/> and a complete-looking output with a non-zero exit code is <see cref="OutputStatus.Crashed"/>.</param>
/// <param name="Reason">Why the run gave no label, in words (the program's message, the job's error), for failure reasons.</param>
/// <param name="Output">The parsed output, or <see langword="null"/> when the job never finished.</param>
/// <param name="Job">The scheduler's result for the run's task.</param>
public sealed record CodeAttempt(int Attempt, OutputStatus Status, string Reason, CodeResult? Output, JobTaskResult Job);

/// <summary>A change of settings for the next attempt.</summary>
/// <typeparam name="TSettings">The code's settings record.</typeparam>
/// <param name="Settings">The settings of the next attempt (may equal the current ones for a plain retry).</param>
/// <param name="Description">What changed, for provenance, e.g. <c>mixing_beta 0.7 → 0.35</c>.</param>
public sealed record Correction<TSettings>(TSettings Settings, string Description);

/// <summary>
/// A custodian-style error handler: <see cref="Check"/> says whether it recognises a failed run, <see cref="Correct"/> proposes
/// the settings for the next attempt, or nothing when it has run out of ideas.
/// </summary>
/// <remarks>Handlers are pure: they read the attempt and the current settings and return new settings; the labeller counts
/// corrections against its per-task limit and submits the corrected attempt as a new task.</remarks>
/// <typeparam name="TSettings">The code's settings record.</typeparam>
public interface IErrorHandler<TSettings>
    where TSettings : notnull
{
    /// <summary>A short name for messages, e.g. <c>scf-convergence</c>.</summary>
    string Name { get; }

    /// <summary>Whether this handler deals with the way <paramref name="attempt"/> failed.</summary>
    bool Check(CodeAttempt attempt);

    /// <summary>The correction for the next attempt, or <see langword="null"/> when this handler has nothing more to try.</summary>
    /// <param name="settings">The settings of the failed attempt.</param>
    /// <param name="attempt">The failed attempt.</param>
    /// <param name="timesApplied">How often this handler already corrected this structure.</param>
    Correction<TSettings>? Correct(TSettings settings, CodeAttempt attempt, int timesApplied);
}

/// <summary>
/// Retries a crashed, killed or truncated run once with unchanged settings (nodes fail, jobs get killed); a second crash is
/// final. The retry is a new task because the labeller marks the attempt number in its inputs.
/// </summary>
/// <typeparam name="TSettings">The code's settings record.</typeparam>
public sealed class CrashRetryHandler<TSettings> : IErrorHandler<TSettings>
    where TSettings : notnull
{
    /// <summary>Creates the handler allowing <paramref name="retries"/> retries (default 1).</summary>
    public CrashRetryHandler(int retries = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        Retries = retries;
    }

    /// <summary>How many times a crashed structure is run again.</summary>
    public int Retries { get; }

    /// <inheritdoc />
    public string Name => "crash-retry";

    /// <inheritdoc />
    public bool Check(CodeAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return attempt.Status is OutputStatus.Crashed or OutputStatus.Incomplete or OutputStatus.Malformed;
    }

    /// <inheritdoc />
    public Correction<TSettings>? Correct(TSettings settings, CodeAttempt attempt, int timesApplied)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return timesApplied < Retries ? new Correction<TSettings>(settings, $"retry after: {attempt.Reason}") : null;
    }
}
