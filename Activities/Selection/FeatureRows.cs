using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;

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
/// Feature rows of many structures in one row-major block, each row tagged with the structure (frame, 0-based, in input
/// order) and atom (−1 in configuration mode) it came from, so that grades and selections name their frames.
/// </summary>
/// <param name="Rows">Row-major values, <see cref="Count"/> × <see cref="Columns"/>.</param>
/// <param name="Columns">Values per row: the potential's parameter count m.</param>
/// <param name="Frames">Frame of each row.</param>
/// <param name="Atoms">Atom of each row, or −1 for a configuration row.</param>
public sealed record FeatureBlock(double[] Rows, int Columns, int[] Frames, int[] Atoms)
{
    /// <summary>Number of rows.</summary>
    public int Count => Frames.Length;

    /// <summary>Row <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Row(int index) => Rows.AsSpan(index * Columns, Columns);
}

/// <summary>Builds <see cref="FeatureBlock"/>s from structures and a linear potential.</summary>
public static class FeatureRows
{
    /// <summary>The rows of <paramref name="structures"/> in <paramref name="mode"/>.</summary>
    /// <exception cref="PotentialException">The potential cannot evaluate a structure; the message names its frame.</exception>
    public static FeatureBlock From(ILinearPotential potential, IEnumerable<Structure> structures, FeatureMode mode)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(structures);
        var m = potential.ParameterCount;
        var values = new List<double>();
        var frames = new List<int>();
        var atoms = new List<int>();
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
                frames.Add(frame);
                atoms.Add(-1);
            }
            else
            {
                for (var i = 0; i < structure.Count; i++)
                {
                    values.AddRange(rows.AtomEnergies.AsSpan(i * m, m));
                    frames.Add(frame);
                    atoms.Add(i);
                }
            }

            frame++;
        }

        return new FeatureBlock([.. values], m, [.. frames], [.. atoms]);
    }
}
