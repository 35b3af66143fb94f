using System.Globalization;
using System.Runtime.ExceptionServices;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Relaxation;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>Settings of <see cref="RelaxationExplorer"/>. Units: Å, eV/Å, GPa.</summary>
public sealed record RelaxationExplorationOptions
{
    /// <summary>The FIRE settings (force tolerance, cell relaxation, target pressure, step limit); default FIRE's defaults with at most 500 steps.</summary>
    public FireOptions Fire { get; init; } = new() { MaxSteps = 500 };

    /// <summary>γ above which a relaxed structure becomes a candidate (≥ 1); default 2.</summary>
    public double GammaSelect { get; init; } = 2.0;

    /// <summary>γ above which a relaxed structure is reported as <see cref="WalkerStopReason.GammaBreak"/> (&gt; select); default 10. It is still kept.</summary>
    public double GammaBreak { get; init; } = 10.0;

    /// <summary>How γ is computed; default <see cref="FeatureMode.Neighbourhood"/>.</summary>
    public FeatureMode GradeMode { get; init; } = FeatureMode.Neighbourhood;

    /// <summary>Overlap distance, Å (&gt; 0); default 1.0 (see <see cref="ExplorationOptions.MinSeparation"/>).</summary>
    public double MinSeparation { get; init; } = 1.0;

    /// <summary>Escape distance, Å; default null: the model's cutoff (see <see cref="ExplorationOptions.MaxNeighbourDistance"/>).</summary>
    public double? MaxNeighbourDistance { get; init; }

    /// <summary>Relaxations at the same time (≥ 1); default null: one per processor.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Fire);
        Fire.Validate();
        new ExplorationOptions
        {
            GammaSelect = GammaSelect,
            GammaBreak = GammaBreak,
            GradeMode = GradeMode,
            MinSeparation = MinSeparation,
            MaxNeighbourDistance = MaxNeighbourDistance,
            MaxParallelWalkers = MaxParallel,
        }.Validate();
    }
}

/// <summary>
/// Exploration by relaxation (e.g. of random AIRSS-style structures): every given structure is relaxed with FIRE and the
/// current model, and the relaxed structure is checked like an MD frame: geometry (an atom with no neighbour within the
/// escape distance, a pair closer than the overlap distance — the start is checked too, and an overlapping start is not
/// relaxed), then γ against the active set. A relaxed structure with γ &gt; γ_select is a candidate; γ &gt; γ_break is
/// reported as <see cref="WalkerStopReason.GammaBreak"/> and still kept. A model failure during the relaxation is
/// <see cref="WalkerStopReason.Failed"/>. Summaries use the walker record: walker i is structure i, its steps are FIRE steps.
/// </summary>
public static class RelaxationExplorer
{
    /// <summary>Relaxes every structure of <paramref name="structures"/> (not changed) in parallel.</summary>
    /// <param name="model">The current model.</param>
    /// <param name="activeSet">Its active set, built in <see cref="RelaxationExplorationOptions.GradeMode"/>.</param>
    /// <param name="structures">The structures to relax.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="cancellationToken">Stops the relaxations.</param>
    /// <exception cref="ArgumentException">Invalid options, no structures, an active set of another width, or cell relaxation of a structure that is not 3-D periodic.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<ExplorationResult> RunAsync(
        ILinearPotential model, ActiveSet activeSet, IReadOnlyList<Structure> structures, RelaxationExplorationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(activeSet);
        ArgumentNullException.ThrowIfNull(structures);
        options ??= new RelaxationExplorationOptions();
        options.Validate();
        if (structures.Count == 0)
        {
            throw new ArgumentException("No structures to relax.", nameof(structures));
        }

        if (activeSet.Columns != model.ParameterCount)
        {
            throw new ArgumentException(
                $"The active set has {activeSet.Columns} columns but the model has {model.ParameterCount} parameters.", nameof(activeSet));
        }

        return Task.Run(() =>
        {
            var summaries = new WalkerSummary[structures.Count];
            var kept = new ExplorationCandidate?[structures.Count];
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = options.MaxParallel ?? Environment.ProcessorCount,
                CancellationToken = cancellationToken,
            };
            try
            {
                Parallel.For(0, structures.Count, parallel, i => (summaries[i], kept[i]) = Relax(model, activeSet, structures[i], i, options, cancellationToken));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new ExplorationResult([.. kept.OfType<ExplorationCandidate>()], summaries);
        }, cancellationToken);
    }

    private static (WalkerSummary, ExplorationCandidate?) Relax(
        ILinearPotential model, ActiveSet activeSet, Structure start, int index, RelaxationExplorationOptions options, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var inspector = new FrameInspector(model, activeSet, options.GradeMode, options.MinSeparation, options.MaxNeighbourDistance ?? model.Cutoff);
        var structure = start.Clone();
        structure.Velocities = null;
        structure.Reference = null;
        structure.Calculated = null;
        var pressure = options.Fire.RelaxCell ? options.Fire.TargetPressureGPa : double.NaN;
        WalkerSummary Summary(int steps, WalkerStopReason reason, string message, double gamma, int candidates) => new(
            index, index, 0, 0, pressure, pressure, steps, reason, message, gamma, gamma > 0 ? 1 : 0, candidates, 0, 0,
            double.NaN, structure.Pbc == Pbc.All ? structure.Cell.Volume : 0);

        if (inspector.GeometryProblem(structure, "FIRE step", 0) is { } startProblem)
        {
            return (Summary(0, startProblem.Reason, startProblem.Message, 0, 0), null);
        }

        FireResult relaxed;
        try
        {
            relaxed = Fire.Relax(structure, model, options.Fire, cancellationToken);
        }
        catch (PotentialException e)
        {
            return (Summary(0, WalkerStopReason.Failed, $"relaxation failed: {e.Message}", 0, 0), null);
        }

        if (inspector.GeometryProblem(structure, "FIRE step", relaxed.Steps) is { } problem)
        {
            return (Summary(relaxed.Steps, problem.Reason, problem.Message, 0, 0), null);
        }

        double gamma;
        try
        {
            gamma = inspector.Grade(structure);
        }
        catch (Exception e) when (e is PotentialException or ArgumentException)
        {
            return (Summary(relaxed.Steps, WalkerStopReason.Failed, e.Message, 0, 0), null);
        }

        ExplorationCandidate? candidate = null;
        if (gamma > options.GammaSelect)
        {
            var snapshot = structure.Clone();
            snapshot.Calculated = null;
            snapshot.Info.Clear();
            snapshot.Info["config_type"] = "explore_relax";
            snapshot.Info["walker"] = (long)index;
            snapshot.Info["step"] = (long)relaxed.Steps;
            snapshot.Info["gamma"] = gamma;
            snapshot.Info["temperature_K"] = 0.0;
            snapshot.Info["start_index"] = (long)index;
            candidate = new ExplorationCandidate(snapshot, index, index, relaxed.Steps, 0, 0, gamma);
        }

        var converged = relaxed.Converged ? "converged" : "stopped unconverged";
        return gamma > options.GammaBreak
            ? (Summary(relaxed.Steps, WalkerStopReason.GammaBreak, string.Create(inv,
                $"relaxed structure has γ = {gamma:G4} > γ_break = {options.GammaBreak:G4} ({converged} after {relaxed.Steps} FIRE steps)"), gamma, 1), candidate)
            : (Summary(relaxed.Steps, WalkerStopReason.Completed, string.Create(inv,
                $"relaxation {converged} after {relaxed.Steps} FIRE steps, max force {relaxed.MaxForce:G3} eV/Å; γ = {gamma:G4}"), gamma, candidate is null ? 0 : 1), candidate);
    }
}
