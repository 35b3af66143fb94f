using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Activities.Selection;

/// <summary>Which rows of a linear potential describe a structure for D-optimality.</summary>
public enum FeatureMode
{
    /// <summary>One row per structure: ∂E/∂c, the sum of its atoms' rows (MLIP's configuration mode).</summary>
    Configuration,

    /// <summary>One row per atom: ∂E_i/∂c, the row of the atom's neighbourhood (MLIP's neighbourhood mode).</summary>
    Neighbourhood,
}

/// <summary>
/// Builds Selection's <see cref="ActiveLearning.Selection.DOptimality.FeatureRows"/> from structures and a linear potential:
/// each row is tagged <c>RowId(frame, atom)</c> with the frame's 0-based position in the input and the atom (−1 for a
/// configuration row), so that grades and selections name their frames.
/// </summary>
public static class StructureFeatures
{
    /// <summary>The rows of <paramref name="structures"/> in <paramref name="mode"/>.</summary>
    /// <exception cref="PotentialException">The potential cannot evaluate a structure; the message names its frame.</exception>
    public static FeatureRows From(ILinearPotential potential, IEnumerable<Structure> structures, FeatureMode mode)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(structures);
        var m = potential.ParameterCount;
        var values = new List<double>();
        var ids = new List<RowId>();
        var rows = new LinearRows();
        var frame = 0;
        foreach (var structure in structures)
        {
            try
            {
                potential.ComputeRows(structure, rows, withForces: false);
            }
            catch (PotentialException e)
            {
                throw new PotentialException($"Frame {frame}: {e.Message}");
            }

            if (mode == FeatureMode.Configuration)
            {
                values.AddRange(rows.Energy);
                ids.Add(new RowId(frame, -1));
            }
            else
            {
                for (var i = 0; i < structure.Count; i++)
                {
                    values.AddRange(rows.AtomEnergies.AsSpan(i * m, m));
                    ids.Add(new RowId(frame, i));
                }
            }

            frame++;
        }

        return new FeatureRows([.. values], m, [.. ids]);
    }
}
