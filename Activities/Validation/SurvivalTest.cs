using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Validation;

/// <summary>
/// Settings of <see cref="SurvivalTest"/>: N hot MD runs of L steps with the current model (du Toit: a validation error
/// alone does not show that a model can run MD). Units: K, fs, Å.
/// </summary>
public sealed record SurvivalOptions
{
    /// <summary>Number of runs N (≥ 1); default 10.</summary>
    public int Runs { get; init; } = 10;

    /// <summary>Steps per run L (≥ 1); default 10,000 (10 ps at the default 1 fs).</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Time step, fs (&gt; 0); default 1.</summary>
    public double TimestepFs { get; init; } = 1.0;

    /// <summary>Temperature of every run, K (&gt; 0); default 1500.</summary>
    public double TemperatureK { get; init; } = 1500;

    /// <summary>The ensemble; default <see cref="Ensemble.Langevin"/>.</summary>
    public Ensemble Ensemble { get; init; } = Ensemble.Langevin;

    /// <summary>Target pressure, GPa, for NPT ensembles; default 0.</summary>
    public double PressureGPa { get; init; }

    /// <summary>γ and geometry are checked every this many steps (≥ 1); default 10.</summary>
    public int CheckInterval { get; init; } = 10;

    /// <summary>A run fails when γ exceeds this (&gt; 1); default 10; +∞ to judge by geometry and MD failures alone.</summary>
    public double GammaBreak { get; init; } = 10.0;

    /// <summary>How γ is computed; default <see cref="FeatureMode.Neighbourhood"/>.</summary>
    public FeatureMode GradeMode { get; init; } = FeatureMode.Neighbourhood;

    /// <summary>Overlap distance, Å; default 1.0 (see <see cref="ExplorationOptions.MinSeparation"/>).</summary>
    public double MinSeparation { get; init; } = 1.0;

    /// <summary>Escape distance, Å; default null: the model's cutoff (see <see cref="ExplorationOptions.MaxNeighbourDistance"/>).</summary>
    public double? MaxNeighbourDistance { get; init; }

    /// <summary>Seed of the start draw and of the runs; default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Runs at the same time (≥ 1); default null: one per processor.</summary>
    public int? MaxParallelRuns { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and its value.</exception>
    public void Validate() => ToExploration().Validate();

    internal ExplorationOptions ToExploration() => new()
    {
        Walkers = Runs,
        Steps = Steps,
        TimestepFs = TimestepFs,
        TemperatureLowK = TemperatureK,
        TemperatureHighK = TemperatureK,
        Ensemble = Ensemble,
        PressureLowGPa = PressureGPa,
        PressureHighGPa = PressureGPa,
        GradeInterval = CheckInterval,
        GammaSelect = 1,
        GammaBreak = GammaBreak,
        GradeMode = GradeMode,
        MinSeparation = MinSeparation,
        MaxNeighbourDistance = MaxNeighbourDistance,
        Seed = Seed,
        MaxParallelWalkers = MaxParallelRuns,
    };
}

/// <summary>The outcome of a <see cref="SurvivalTest"/>.</summary>
/// <param name="Survived">Runs that finished all their steps.</param>
/// <param name="Runs">One summary per run (the walkers of the exploration machinery), by run index.</param>
public sealed record SurvivalResult(int Survived, IReadOnlyList<WalkerSummary> Runs)
{
    /// <summary>Share of runs that survived, 0–1.</summary>
    public double Rate => Runs.Count == 0 ? 0 : (double)Survived / Runs.Count;
}

/// <summary>
/// The survival test: N MD runs of L steps at a high temperature with the current model, from start structures drawn as
/// the explorer draws them; a run survives when it finishes without γ &gt; γ_break, overlapping atoms, an escaped atom or
/// an MD failure (the same rules and messages as <see cref="Explorer"/>). Keeps no frames.
/// </summary>
public static class SurvivalTest
{
    /// <summary>Runs the test.</summary>
    /// <param name="model">The model under test.</param>
    /// <param name="activeSet">Its active set, for γ.</param>
    /// <param name="starts">Start structures (e.g. the validation set or the training data).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="progress">Per-run progress, as for exploration.</param>
    /// <param name="cancellationToken">Stops the runs.</param>
    /// <exception cref="ArgumentException">As <see cref="Explorer.RunAsync"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<SurvivalResult> RunAsync(
        ILinearPotential model, ActiveSet activeSet, IReadOnlyList<Structure> starts, SurvivalOptions? options = null,
        IProgress<ExplorationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(activeSet);
        ArgumentNullException.ThrowIfNull(starts);
        options ??= new SurvivalOptions();
        var exploration = options.ToExploration();
        exploration.Validate();
        if (starts.Count == 0)
        {
            throw new ArgumentException("No start structures for the survival runs.", nameof(starts));
        }

        if (activeSet.Columns != model.ParameterCount)
        {
            throw new ArgumentException(
                $"The active set has {activeSet.Columns} columns but the model has {model.ParameterCount} parameters.", nameof(activeSet));
        }

        return Task.Run(() =>
        {
            var result = Explorer.Run(model, activeSet, starts, exploration, collect: false, progress, cancellationToken);
            var survived = result.Completed;
            return new SurvivalResult(survived, result.Walkers);
        }, cancellationToken);
    }
}
