using System.Globalization;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Exploration;

/// <summary>
/// Checks frames for one walker: geometry (an escaped atom, an overlapping pair) and the extrapolation grade γ against the
/// active set. Keeps its neighbour list, the model's rows and the grade array between frames, so that checking frames of
/// the same size allocates nothing. Not thread-safe: one per walker.
/// </summary>
internal sealed class FrameInspector(ILinearPotential model, ActiveSet activeSet, FeatureMode mode, double minSeparation, double maxNeighbourDistance)
{
    private readonly LinearRows rows = new();
    private FeatureRows? features;
    private double[] grades = [];
    private NeighbourList? geometry;

    /// <summary>The rule the frame breaks (messages end "at <paramref name="stepKind"/> <paramref name="step"/>"): <see cref="WalkerStopReason.FlewApart"/> or <see cref="WalkerStopReason.Overlap"/> and a message, or null when it holds.</summary>
    /// <exception cref="ArgumentException">A position is not finite.</exception>
    public (WalkerStopReason Reason, string Message)? GeometryProblem(Structure structure, string stepKind, int step)
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
            if (offsets[i] == offsets[i + 1] && structure.Count > 1)
            {
                return (WalkerStopReason.FlewApart, string.Create(CultureInfo.InvariantCulture,
                    $"atom {i} has no neighbour within {maxNeighbourDistance:G4} Å at {stepKind} {step}"));
            }

            for (var p = offsets[i]; p < offsets[i + 1]; p++)
            {
                if (distances[p] < minSeparation)
                {
                    return (WalkerStopReason.Overlap, string.Create(CultureInfo.InvariantCulture,
                        $"atoms {i} and {neighbours[p]} are {distances[p]:F3} Å apart (< {minSeparation:G4} Å) at {stepKind} {step}"));
                }
            }
        }

        return null;
    }

    /// <summary>γ of the frame: the largest grade of its rows (its atoms in neighbourhood mode).</summary>
    /// <exception cref="PotentialException">The model cannot evaluate the frame.</exception>
    /// <exception cref="ArgumentException">A row is not finite.</exception>
    public double Grade(Structure structure)
    {
        model.ComputeRows(structure, rows, withForces: false);
        var values = mode == FeatureMode.Neighbourhood ? rows.AtomEnergies : rows.Energy;
        if (features is null || !ReferenceEquals(features.Values, values))
        {
            // Only on the first frame (or when the size changes): afterwards the model refills the same arrays in place.
            var count = mode == FeatureMode.Neighbourhood ? structure.Count : 1;
            var ids = new RowId[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = new RowId(0, mode == FeatureMode.Neighbourhood ? i : -1);
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
}
