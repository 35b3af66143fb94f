using System.Globalization;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// One MD run with the model, watched every <see cref="ExplorationOptions.GradeInterval"/> steps: geometry first (overlap,
/// escaped atoms), then γ against the active set. Steps in between cost one comparison; the graded steps reuse the
/// neighbour list, the feature buffers and the grade array (the model's own row computation allocates its work arrays).
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
    private readonly double maxNeighbourDistance;
    private readonly LinearRows rows = new();
    private readonly List<ExplorationCandidate> candidates = [];
    private FeatureRows? features;
    private double[] grades = [];
    private NeighbourList? geometry;
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
        maxNeighbourDistance = options.MaxNeighbourDistance ?? model.Cutoff;
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

        progress?.Report(new ExplorationProgress(index, lastStep, md.Steps, lastGamma, candidates.Count, Finished: true));
        var endTemperature = md.EndTemperatureK ?? md.StartTemperatureK;
        var endPressure = md.EndPressureGPa ?? md.StartPressureGPa;
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
            if (!GeometryHolds(structure, step.Step))
            {
                return false;
            }

            var gamma = Grade(structure);
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

    private bool GeometryHolds(Structure structure, int step)
    {
        if (geometry is null)
        {
            geometry = NeighbourList.Build(structure, maxNeighbourDistance);
        }
        else
        {
            geometry.Rebuild(structure);
        }

        var offsets = geometry.Offsets;
        var distances = geometry.Distances;
        var neighbours = geometry.Neighbours;
        for (var i = 0; i < structure.Count; i++)
        {
            if (offsets[i] == offsets[i + 1])
            {
                if (structure.Count > 1)
                {
                    Stop(WalkerStopReason.FlewApart, string.Create(CultureInfo.InvariantCulture,
                        $"atom {i} has no neighbour within {maxNeighbourDistance:G4} Å at step {step}"));
                    return false;
                }

                continue;
            }

            for (var p = offsets[i]; p < offsets[i + 1]; p++)
            {
                if (distances[p] < options.MinSeparation)
                {
                    Stop(WalkerStopReason.Overlap, string.Create(CultureInfo.InvariantCulture,
                        $"atoms {i} and {neighbours[p]} are {distances[p]:F3} Å apart (< {options.MinSeparation:G4} Å) at step {step}"));
                    return false;
                }
            }
        }

        return true;
    }

    private double Grade(Structure structure)
    {
        model.ComputeRows(structure, rows, withForces: false);
        var values = options.GradeMode == FeatureMode.Neighbourhood ? rows.AtomEnergies : rows.Energy;
        if (features is null || !ReferenceEquals(features.Values, values))
        {
            // Only on the first graded frame (or if the model resized its buffers): the rows are then reused in place.
            var count = options.GradeMode == FeatureMode.Neighbourhood ? structure.Count : 1;
            var ids = new RowId[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = options.GradeMode == FeatureMode.Neighbourhood ? new RowId(0, i) : new RowId(0, -1);
            }

            features = new FeatureRows(values, rows.ParameterCount, ids);
            grades = new double[count];
        }

        activeSet.Grades(features, grades, maxDegreeOfParallelism: 1);
        var gamma = 0.0;
        foreach (var grade in grades)
        {
            gamma = Math.Max(gamma, grade);
        }

        return gamma;
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
