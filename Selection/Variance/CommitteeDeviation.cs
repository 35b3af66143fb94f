using System.Globalization;

namespace ActiveLearning.Selection.Variance;

/// <summary>How much a committee of models disagrees on one frame (DP-GEN's model deviation).</summary>
/// <param name="FrameId">The caller's name for the frame.</param>
/// <param name="MaxForce">ε_F = max_i sqrt(⟨|F_i − ⟨F_i⟩|²⟩), eV/Å: the largest per-atom force deviation (⟨⟩ = mean over the K models).</param>
/// <param name="MinForce">The smallest per-atom force deviation, eV/Å.</param>
/// <param name="MeanForce">The mean over atoms of the per-atom force deviation, eV/Å.</param>
/// <param name="WorstAtom">The atom with the largest deviation (the lowest index on ties).</param>
/// <param name="EnergyPerAtom">Standard deviation over the models of E/N, eV/atom; null when no energies were given.</param>
public sealed record FrameDeviation(string FrameId, double MaxForce, double MinForce, double MeanForce, int WorstAtom, double? EnergyPerAtom);

/// <summary>Query by committee: the spread of K models' predictions on a frame.</summary>
public static class CommitteeDeviation
{
    /// <summary>
    /// The committee deviation of one frame of N atoms from K models' forces, laid out [model][atom][axis]
    /// (forces.Length = K·N·3, eV/Å), and optionally their total energies (length K, eV).
    /// Standard deviations are over the committee with divisor K (the models are the whole population, as in DP-GEN).
    /// </summary>
    /// <param name="forces">K·N·3 force components.</param>
    /// <param name="modelCount">K ≥ 2.</param>
    /// <param name="frameId">The caller's name for the frame, used in the result and in error messages.</param>
    /// <param name="energies">Empty, or the K models' total energies of the frame.</param>
    /// <param name="atomDeviations">Empty, or length N: receives each atom's force deviation sqrt(⟨|F_i − ⟨F_i⟩|²⟩).</param>
    /// <exception cref="ArgumentException">K &lt; 2, the frame has no atoms, the lengths do not match K and N, or a force or energy is not finite (the message names the frame, model and atom).</exception>
    public static FrameDeviation Evaluate(ReadOnlySpan<double> forces, int modelCount, string frameId, ReadOnlySpan<double> energies = default, Span<double> atomDeviations = default)
    {
        ArgumentNullException.ThrowIfNull(frameId);
        var inv = CultureInfo.InvariantCulture;
        if (modelCount < 2)
        {
            throw new ArgumentException(
                string.Create(inv, $"Frame '{frameId}': a committee needs at least 2 models, not {modelCount}."), nameof(modelCount));
        }

        if (forces.Length == 0 || forces.Length % (3 * modelCount) != 0)
        {
            throw new ArgumentException(
                string.Create(inv, $"Frame '{frameId}': {forces.Length} force components are not {modelCount} models × N atoms × 3 with N ≥ 1."), nameof(forces));
        }

        var atoms = forces.Length / (3 * modelCount);
        if (!atomDeviations.IsEmpty && atomDeviations.Length != atoms)
        {
            throw new ArgumentException(string.Create(inv, $"Frame '{frameId}': room for {atomDeviations.Length} atom deviations; the frame has {atoms} atoms."), nameof(atomDeviations));
        }

        if (!energies.IsEmpty && energies.Length != modelCount)
        {
            throw new ArgumentException(string.Create(inv, $"Frame '{frameId}': {energies.Length} energies for {modelCount} models."), nameof(energies));
        }

        var bad = RowNames.FirstNonFinite(forces);
        if (bad >= 0)
        {
            var perModel = 3 * atoms;
            throw new ArgumentException(
                string.Create(inv, $"Frame '{frameId}': model {bad / perModel} predicts a non-finite force on atom {(bad % perModel) / 3} ({forces[bad]})."), nameof(forces));
        }

        bad = RowNames.FirstNonFinite(energies);
        if (bad >= 0)
        {
            throw new ArgumentException(string.Create(inv, $"Frame '{frameId}': model {bad} predicts a non-finite energy ({energies[bad]})."), nameof(energies));
        }

        var stride = 3 * atoms;
        double largest = -1, smallest = double.PositiveInfinity, sum = 0;
        var worst = 0;
        for (var i = 0; i < atoms; i++)
        {
            double meanX = 0, meanY = 0, meanZ = 0;
            for (var k = 0; k < modelCount; k++)
            {
                var at = (k * stride) + (3 * i);
                meanX += forces[at];
                meanY += forces[at + 1];
                meanZ += forces[at + 2];
            }

            meanX /= modelCount;
            meanY /= modelCount;
            meanZ /= modelCount;

            // Deviations from the mean rather than ⟨F²⟩ − ⟨F⟩²: no cancellation when forces are large and models agree.
            var spread = 0.0;
            for (var k = 0; k < modelCount; k++)
            {
                var at = (k * stride) + (3 * i);
                double dx = forces[at] - meanX, dy = forces[at + 1] - meanY, dz = forces[at + 2] - meanZ;
                spread += (dx * dx) + (dy * dy) + (dz * dz);
            }

            var deviation = Math.Sqrt(spread / modelCount);
            if (!atomDeviations.IsEmpty)
            {
                atomDeviations[i] = deviation;
            }

            if (deviation > largest)
            {
                largest = deviation;
                worst = i;
            }

            smallest = Math.Min(smallest, deviation);
            sum += deviation;
        }

        double? energyDeviation = null;
        if (!energies.IsEmpty)
        {
            var meanEnergy = 0.0;
            for (var k = 0; k < modelCount; k++)
            {
                meanEnergy += energies[k] / atoms;
            }

            meanEnergy /= modelCount;
            var spread = 0.0;
            for (var k = 0; k < modelCount; k++)
            {
                var difference = (energies[k] / atoms) - meanEnergy;
                spread += difference * difference;
            }

            energyDeviation = Math.Sqrt(spread / modelCount);
        }

        return new FrameDeviation(frameId, largest, smallest, sum / atoms, worst, energyDeviation);
    }
}
