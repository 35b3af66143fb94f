using System.Globalization;
using System.Text.Json;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Validation;

/// <summary>
/// The <c>validate</c> step: the errors of the model in use on the campaign's fixed validation set and, when asked, its
/// survival rate in hot MD (<see cref="SurvivalTest"/>); recorded as the model's validation metrics, which the stop rules
/// <c>energy_rmse</c> and <c>force_rmse</c> read.
/// </summary>
public static class ValidateActivity
{
    /// <summary>Measures and completes the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="model">The model in use.</param>
    /// <param name="modelHash">Lowercase hex SHA-256 of its file.</param>
    /// <param name="validation">The fixed validation set.</param>
    /// <param name="survival">Survival runs with their active set and start structures, or null to skip them.</param>
    /// <param name="cancellationToken">Checked between structures and MD steps; nothing is committed when cancelled.</param>
    /// <returns>What was recorded.</returns>
    /// <exception cref="PotentialException">The model cannot evaluate a validation structure.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static Task<ValidationRecord> RunAsync(
        ActivityContext context, ILinearPotential model, string modelHash, ValidationSet validation,
        (ActiveSet ActiveSet, IReadOnlyList<Atomistics.Structure> Starts, SurvivalOptions Options)? survival, CancellationToken cancellationToken) =>
        RunAsync(context, model, modelHash, validation, survival, null, cancellationToken);

    /// <summary>Measures and completes the step, comparing phonon frequencies with the teacher's too.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="model">The model in use.</param>
    /// <param name="modelHash">Lowercase hex SHA-256 of its file.</param>
    /// <param name="validation">The fixed validation set.</param>
    /// <param name="survival">Survival runs with their active set and start structures, or null to skip them.</param>
    /// <param name="phonons">The teacher's phonons to compare with, or null to skip the comparison.</param>
    /// <param name="cancellationToken">Checked between structures, MD steps and force evaluations; nothing is committed when cancelled.</param>
    /// <returns>What was recorded (with <see cref="ValidationRecord.PhononRmseTHz"/> and <see cref="ValidationRecord.PhononMaxErrorTHz"/> when compared).</returns>
    /// <exception cref="PotentialException">The model cannot evaluate a validation structure or the phonon supercell.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<ValidationRecord> RunAsync(
        ActivityContext context, ILinearPotential model, string modelHash, ValidationSet validation,
        (ActiveSet ActiveSet, IReadOnlyList<Atomistics.Structure> Starts, SurvivalOptions Options)? survival, PhononReference? phonons,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(modelHash);
        ArgumentNullException.ThrowIfNull(validation);
        var report = validation.Evaluate(model, cancellationToken: cancellationToken);
        SurvivalResult? survived = null;
        if (survival is { } s)
        {
            var finished = 0;
            var progress = new RunsFinished(p =>
            {
                if (p.Finished)
                {
                    context.Progress.Report(new ActivityProgress(Interlocked.Increment(ref finished), s.Options.Runs, "survival runs"));
                }
            });
            survived = await SurvivalTest.RunAsync(model, s.ActiveSet, s.Starts, s.Options, progress, cancellationToken);
        }

        var phononErrors = phonons?.Compare(model, cancellationToken);
        var overall = report.Overall;
        var metrics = JsonSerializer.Serialize(new
        {
            overall,
            byConfigType = report.ByConfigType,
            survival = survived is null ? null : new { survived.Survived, runs = survived.Runs.Count, reasons = survived.Runs.Select(r => r.Message) },
            phonons = phononErrors,
        }, JsonOptions);
        var record = new ValidationRecord(
            modelHash, validation.Structures.Count, overall.EnergyRmseMeVPerAtom / 1000, overall.ForceRmseEVPerAngstrom, survived?.Rate, metrics)
        {
            SurvivalRuns = survived?.Runs.Count,
            Survived = survived?.Survived,
            PhononRmseTHz = phononErrors?.RmseTHz,
            PhononMaxErrorTHz = phononErrors?.MaxErrorTHz,
        };
        cancellationToken.ThrowIfCancellationRequested();
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"model {modelHash[..16]} on {validation.Structures.Count} validation structures: energy RMSE {overall.EnergyRmseMeVPerAtom:F2} meV/atom, force RMSE {overall.ForceRmseEVPerAngstrom:F4} eV/Å")
            + (survived is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", survival {survived.Survived}/{survived.Runs.Count}"))
            + (phononErrors is null ? string.Empty : $", {phononErrors}");
        context.Store.Complete(new StepOutcome { Summary = summary, Validation = record });
        context.Log.Information("{Step}: {Summary}", context.StepName, summary);
        return record;
    }

    // Reports on the run's own thread as it ends (Progress<T> would post to the thread pool, after the step may have ended).
    private sealed class RunsFinished(Action<ExplorationProgress> report) : IProgress<ExplorationProgress>
    {
        public void Report(ExplorationProgress value) => report(value);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
