using System.Globalization;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// One MD run with the model, watched every <see cref="ExplorationOptions.GradeInterval"/> steps by a
/// <see cref="FrameInspector"/>: geometry first (escaped atoms, overlap), then γ against the active set. Steps in between
/// cost one comparison.
/// </summary>
internal sealed class Walker : IMdObserver
{
    private readonly ILinearPotential model;
    private readonly ActiveSet activeSet;
    private readonly ExplorationOptions options;
    private readonly MdOptions md;
    private readonly int index;
    private readonly int startIndex;
    private readonly bool collect;
    private readonly IProgress<ExplorationProgress>? progress;
    private readonly FrameInspector inspector;
    private readonly List<ExplorationCandidate> candidates = [];
    private WalkerStopReason reason = WalkerStopReason.Completed;
    private string? message;
    private double maxGamma;
    private double lastGamma;
    private int graded;
    private int dropped;
    private int lastStep;

    public Walker(
        ILinearPotential model, ActiveSet activeSet, ExplorationOptions options, int index, int startIndex, bool collect,
        IProgress<ExplorationProgress>? progress)
    {
        this.model = model;
        this.activeSet = activeSet;
        this.options = options;
        this.index = index;
        this.startIndex = startIndex;
        this.collect = collect;
        this.progress = progress;
        md = options.WalkerMd(index);
        inspector = new FrameInspector(
            model, activeSet, options.GradeMode, options.MinSeparation, options.MaxNeighbourDistance ?? model.Cutoff);
    }

    public IReadOnlyList<ExplorationCandidate> Candidates => candidates;

    public WalkerSummary Run(Structure start, CancellationToken cancellationToken)
    {
        var structure = start.Clone();
        structure.Velocities = null;
        structure.Reference = null;
        structure.Calculated = null;
        double meanTemperature = double.NaN, meanPressure = double.NaN, meanVolume = double.NaN;
        try
        {
            var summary = MolecularDynamics.Run(structure, model, md, this, null, cancellationToken);
            lastStep = summary.StepsDone;
            meanTemperature = summary.MeanTemperatureK;
            meanPressure = summary.MeanPressureGPa;
            meanVolume = summary.MeanVolume;
            if (summary.StopReason == MdStopReason.Cancelled)
            {
                Stop(WalkerStopReason.Cancelled, $"cancelled after {summary.StepsDone} steps");
            }
            else if (summary.StopReason == MdStopReason.Completed)
            {
                message = string.Create(CultureInfo.InvariantCulture, $"completed {summary.StepsDone} steps; max γ {maxGamma:G4}");
            }
        }
        catch (MolecularDynamicsException e)
        {
            lastStep = e.Step;
            Stop(WalkerStopReason.Failed, e.Message);
        }
        catch (Exception e) when (e is PotentialException or ArgumentException)
        {
            // The dynamics itself gave out (e.g. a barostat driven by an extrapolating model blew the cell up between two
            // graded frames): this walker ends as failed, the others and the step go on.
            Stop(WalkerStopReason.Failed, string.Create(CultureInfo.InvariantCulture, $"step {lastStep}: {e.Message}"));
        }

        progress?.Report(new ExplorationProgress(index, lastStep, md.Steps, lastGamma, candidates.Count, Finished: true));
        var endTemperature = md.TemperatureAt(md.Steps);
        var endPressure = md.PressureGPaAt(md.Steps);
        return new WalkerSummary(
            index, startIndex, md.StartTemperatureK, endTemperature, md.StartPressureGPa, endPressure, lastStep, reason,
            message ?? reason.ToString(), maxGamma, graded, candidates.Count, dropped, meanTemperature, meanPressure, meanVolume);
    }

    public bool OnStep(in MdStep step)
    {
        lastStep = step.Step;
        if (step.Step % options.GradeInterval != 0)
        {
            return true;
        }

        var structure = step.Structure;
        try
        {
            if (inspector.GeometryProblem(structure, "step", step.Step) is { } problem)
            {
                Stop(problem.Reason, problem.Message);
                return false;
            }

            var gamma = inspector.Grade(structure);
            graded++;
            lastGamma = gamma;
            maxGamma = Math.Max(maxGamma, gamma);
            if (collect && gamma > options.GammaSelect)
            {
                Keep(in step, gamma);
            }

            progress?.Report(new ExplorationProgress(index, step.Step, md.Steps, gamma, candidates.Count, Finished: false));
            if (gamma > options.GammaBreak)
            {
                Stop(WalkerStopReason.GammaBreak,
                    string.Create(CultureInfo.InvariantCulture, $"γ = {gamma:G4} > γ_break = {options.GammaBreak:G4} at step {step.Step}"));
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is PotentialException or ArgumentException)
        {
            Stop(WalkerStopReason.Failed, string.Create(CultureInfo.InvariantCulture, $"step {step.Step}: {e.Message}"));
            return false;
        }
    }

    private void Keep(in MdStep step, double gamma)
    {
        if (candidates.Count >= options.MaxCandidatesPerWalker)
        {
            dropped++;
            return;
        }

        var snapshot = step.Structure.Clone();
        snapshot.Velocities = null;
        snapshot.Calculated = null;
        snapshot.Reference = null;
        snapshot.Info.Clear();
        var target = md.TemperatureAt(step.Step);
        snapshot.Info["config_type"] = "explore";
        snapshot.Info["walker"] = (long)index;
        snapshot.Info["step"] = (long)step.Step;
        snapshot.Info["gamma"] = gamma;
        snapshot.Info["temperature_K"] = target;
        snapshot.Info["start_index"] = (long)startIndex;
        candidates.Add(new ExplorationCandidate(snapshot, index, startIndex, step.Step, target, step.TemperatureK, gamma));
    }

    private void Stop(WalkerStopReason stopReason, string text)
    {
        reason = stopReason;
        message = text;
    }
}
