using System.Text.Json;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;

namespace ActiveLearning.Activities.Fitting;

/// <summary>
/// The <c>fit</c> step: fits the student model's linear coefficients to every successfully labelled structure (the
/// built-in trainer of <c>al fit</c>), writes <c>dataset.extxyz</c> and the model (<c>model.mtp</c>, or <c>model.snapcoeff</c>
/// with <c>model.snapparam</c>; see <see cref="StudentModel"/>) into the iteration's folder and records the model with its
/// hash and training errors. Deterministic: the same data in the same order and the same
/// settings (including <see cref="LinearFitOptions.Threads"/>) give the same file, byte for byte.
/// </summary>
public static class FitActivity
{
    /// <summary>Fits, writes the model and completes the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="initial">The starting potential, a moment tensor potential or SNAP: an untrained template or a previous model
    /// (only its linear coefficients change, e.g. an MTP's radial functions are kept).</param>
    /// <param name="options">Weights and solver settings; use a fixed thread count for reproducible models.</param>
    /// <param name="cancellationToken">Checked between batches of structures.</param>
    /// <param name="excludedHashes">Structures never trained on (the validation set's hashes); default none.</param>
    /// <param name="guard">When given, the new model is compared with the previous one on the validation set (see <see cref="FitGuardSettings"/>).</param>
    /// <param name="refineSteps">L-BFGS steps refining an MTP's radial functions after the linear fit (see <see cref="MtpRefinement"/>); default 0, none.</param>
    /// <returns>The model as recorded: the new one, or the previous one when the guard kept it.</returns>
    /// <exception cref="InvalidOperationException">No structure has a successful label.</exception>
    /// <exception cref="ArgumentException"><paramref name="initial"/> is of no student kind, or <paramref name="refineSteps"/> is positive for a model other than an MTP.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was committed.</exception>
    public static ModelRecord Run(
        ActivityContext context, ILinearPotential initial, LinearFitOptions options, CancellationToken cancellationToken,
        IReadOnlySet<string>? excludedHashes = null, FitGuardSettings? guard = null, int refineSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(options);
        var kind = StudentModel.Of(initial);
        if (refineSteps > 0 && initial is not MomentTensorPotential)
        {
            throw new ArgumentException($"{context.StepName}: refining radial functions applies to moment tensor potentials only, not to {kind} models.", nameof(refineSteps));
        }

        var (structures, datasetHash) = context.Store.LabelledStructures();
        var data = structures.Where(s => excludedHashes is null || !excludedHashes.Contains(s.Hash)).Select(s => s.Structure).ToList();
        if (data.Count == 0)
        {
            throw new InvalidOperationException($"{context.StepName}: no structure outside the validation set has a label yet, so there is nothing to fit; put a label step before the fit step.");
        }

        var fit = LinearFitter.Fit(initial, Reporting(data, context.Progress), options, cancellationToken);
        var fitted = fit.Potential;
        if (refineSteps > 0)
        {
            var refinement = MtpRefinement.Refine((MomentTensorPotential)fitted, data, new MtpRefinementOptions { MaxIterations = refineSteps, Fit = options }, cancellationToken);
            fitted = refinement.Potential;
            context.Log.Information(
                "{Step}: refined the radial functions in {Steps} L-BFGS steps: training loss {Before:E4} → {After:E4}",
                context.StepName, refinement.Iterations, refinement.LossHistory[0], refinement.LossHistory[^1]);
        }

        context.Artifacts.WriteStructures("dataset.extxyz", data, cancellationToken);
        var report = ErrorReport.Compute(fitted, data, options.Threads, cancellationToken: cancellationToken);
        var metrics = JsonSerializer.SerializeToNode(report.Overall)!.AsObject();
        FitDecision? decision = null;
        if (guard is not null)
        {
            var candidate = guard.Validation.Evaluate(fitted, options.Threads, cancellationToken).Overall;
            var previous = guard.Previous is null ? null : guard.Validation.Evaluate(guard.Previous.Potential, options.Threads, cancellationToken).Overall;
            decision = guard.ForcesOnly && previous is not null
                ? FitGuard.Decide(previous with { EnergyRmseMeVPerAtom = null }, candidate with { EnergyRmseMeVPerAtom = null }, guard.Options)
                : FitGuard.Decide(previous, candidate, guard.Options);
            metrics["Validation"] = JsonSerializer.SerializeToNode(decision.KeepNew ? candidate : previous);
            metrics["Guard"] = decision.Message;
        }

        // The model kept is written under its own kind's names: after a campaign's model kind was edited, a previous model
        // of the old kind that wins stays what it is.
        var kept = decision is { KeepNew: false } ? StudentModel.Of(guard!.Previous!.Potential) : kind;
        string path;
        if (decision is { KeepNew: false })
        {
            // The rejected fit is kept beside the model for inspection; the model file stays the model in use.
            kind.Write(context.Artifacts, kind.RejectedFileName, fitted);
            path = kept.Copy(context.Artifacts, guard!.Previous!.FullPath, kept.ModelFileName);
        }
        else
        {
            path = kind.Write(context.Artifacts, kind.ModelFileName, fitted);
        }

        var relativePath = context.Artifacts.RelativePathOf(kept.ModelFileName);
        var hash = kept.Hash(path);
        var record = new ModelRecord(relativePath, hash, datasetHash, data.Count, metrics.ToJsonString());
        cancellationToken.ThrowIfCancellationRequested();
        var summary = FormattableString.Invariant(
            $"fitted {fit.Potential.ParameterCount} coefficients to {data.Count} structures; energy RMSE {report.Overall.EnergyRmseMeVPerAtom:F2} meV/atom, force RMSE {report.Overall.ForceRmseEVPerAngstrom:F4} eV/Å");
        if (decision is not null)
        {
            summary += "; " + decision.Message;
        }

        context.Store.Complete(new StepOutcome { Summary = summary, Model = record });
        if (decision is { KeepNew: false })
        {
            // The file name is part of the template (it holds no braces), so the message reads as it always did for an MTP.
            context.Log.Warning("{Step}: {Decision} (rejected fit in " + kind.RejectedFileName + ")", context.StepName, decision.Message);
        }

        context.Log.Information("{Step}: model {Hash} fitted to {Count} structures", context.StepName, hash[..16], data.Count);
        return record;
    }

    // The fitter reads the structures in batches as it folds them into its normal equations: counting them as they are
    // read shows how far the fit is.
    private static IEnumerable<Structure> Reporting(List<Structure> data, IProgress<ActivityProgress> progress)
    {
        for (var i = 0; i < data.Count; i++)
        {
            progress.Report(new ActivityProgress(i, data.Count, "structures fitted"));
            yield return data[i];
        }

        progress.Report(new ActivityProgress(data.Count, data.Count, "structures fitted"));
    }
}

/// <summary>The previous model, as the fit guard compares it with a new fit.</summary>
/// <param name="Potential">The previous model, of the same kind as the new fit.</param>
/// <param name="FullPath">Its main file (see <see cref="StudentModel"/>), copied with its companions as this iteration's model when it is kept.</param>
public sealed record PreviousModel(ILinearPotential Potential, string FullPath);

/// <summary>What the fit guard needs.</summary>
/// <param name="Validation">The fixed validation set (never trained on).</param>
/// <param name="Previous">The model in use before this fit; null for the first fit, which is always kept.</param>
/// <param name="Options">Tolerances; null for <see cref="FitGuardOptions"/>' defaults (10% + floors).</param>
/// <param name="ForcesOnly">
/// Judge by the force RMSE alone; default false (energies and forces). Use it when the validation set holds a few
/// high-energy structures (random cells) whose per-atom energies swing with every refit although the forces improve.
/// </param>
public sealed record FitGuardSettings(ValidationSet Validation, PreviousModel? Previous, FitGuardOptions? Options = null, bool ForcesOnly = false);
