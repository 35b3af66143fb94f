using System.Security.Cryptography;
using System.Text.Json;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials.Mtp;

namespace ActiveLearning.Activities.Fitting;

/// <summary>
/// The <c>fit</c> step: fits the moment tensor potential's linear coefficients to every successfully labelled structure
/// (the built-in trainer of <c>al fit</c>), writes <c>dataset.extxyz</c> and <c>model.mtp</c> into the iteration's folder and
/// records the model with its hash and training errors. Deterministic: the same data in the same order and the same
/// settings (including <see cref="LinearFitOptions.Threads"/>) give the same file, byte for byte.
/// </summary>
public static class FitActivity
{
    /// <summary>Fits, writes the model and completes the step.</summary>
    /// <param name="context">The engine's ports.</param>
    /// <param name="initial">The starting potential: an untrained template or a previous model (its radial functions are kept).</param>
    /// <param name="options">Weights and solver settings; use a fixed thread count for reproducible models.</param>
    /// <param name="cancellationToken">Checked between batches of structures.</param>
    /// <returns>The model as recorded.</returns>
    /// <exception cref="InvalidOperationException">No structure has a successful label.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was committed.</exception>
    public static ModelRecord Run(ActivityContext context, MomentTensorPotential initial, LinearFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(options);
        var (structures, datasetHash) = context.Store.LabelledStructures();
        if (structures.Count == 0)
        {
            throw new InvalidOperationException($"{context.StepName}: no structure has a label yet, so there is nothing to fit; put a label step before the fit step.");
        }

        var data = structures.Select(s => s.Structure).ToList();
        var fit = LinearFitter.Fit(initial, data, options, cancellationToken);
        var fitted = (MomentTensorPotential)fit.Potential;
        context.Artifacts.WriteStructures("dataset.extxyz", data, cancellationToken);
        var path = context.Artifacts.WriteText("model.mtp", writer => MtpFile.Write(fitted.ToModel(), writer));
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        var report = ErrorReport.Compute(fitted, data, options.Threads, cancellationToken: cancellationToken);
        var record = new ModelRecord(context.Artifacts.RelativePathOf("model.mtp"), hash, datasetHash, data.Count, JsonSerializer.Serialize(report.Overall));
        cancellationToken.ThrowIfCancellationRequested();
        context.Store.Complete(new StepOutcome
        {
            Summary = FormattableString.Invariant(
                $"fitted {fit.Potential.ParameterCount} coefficients to {data.Count} structures; energy RMSE {report.Overall.EnergyRmseMeVPerAtom:F2} meV/atom, force RMSE {report.Overall.ForceRmseEVPerAngstrom:F4} eV/Å"),
            Model = record,
        });
        context.Log.Information("{Step}: model {Hash} fitted to {Count} structures", context.StepName, hash[..16], data.Count);
        return record;
    }
}
