using ActiveLearning.Atomistics;
using Xunit;

namespace ActiveLearning.TestSupport;

/// <summary>Compares structures element by element with a relative tolerance and says where they differ.</summary>
public static class StructureAssert
{
    /// <summary>
    /// Asserts equal atoms, species, pbc, cell and positions, and — where <paramref name="compareLabels"/> — equal reference
    /// and calculated labels; each number within <paramref name="relativeTolerance"/> of the larger magnitude (absolute for
    /// values near zero).
    /// </summary>
    public static void Equivalent(Structure expected, Structure actual, double relativeTolerance = 1e-10, bool compareLabels = true, bool compareVelocities = true)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.AtomicNumbers, actual.AtomicNumbers);
        Assert.Equal(expected.Pbc, actual.Pbc);
        Close(expected.Cell.Matrix, actual.Cell.Matrix, relativeTolerance, "cell");
        Close(expected.Positions, actual.Positions, relativeTolerance, "positions");
        if (compareVelocities)
        {
            Assert.Equal(expected.Velocities is null, actual.Velocities is null);
            if (expected.Velocities is not null)
            {
                Close(expected.Velocities, actual.Velocities!, relativeTolerance, "velocities");
            }
        }

        if (compareLabels)
        {
            Labels(expected.Reference, actual.Reference, relativeTolerance, "reference");
            Labels(expected.Calculated, actual.Calculated, relativeTolerance, "calculated");
        }
    }

    /// <summary>Asserts equal label sets (both missing counts as equal).</summary>
    public static void Labels(LabelSet? expected, LabelSet? actual, double relativeTolerance, string what)
    {
        Assert.True(expected is null == actual is null, $"{what}: one label set is missing");
        if (expected is null || actual is null)
        {
            return;
        }

        Assert.True(expected.Energy.HasValue == actual.Energy.HasValue, $"{what} energy: presence differs");
        if (expected.Energy is { } e)
        {
            Close(e, actual.Energy!.Value, relativeTolerance, $"{what} energy");
        }

        Assert.True(expected.FreeEnergy.HasValue == actual.FreeEnergy.HasValue, $"{what} free energy: presence differs");
        if (expected.FreeEnergy is { } fe)
        {
            Close(fe, actual.FreeEnergy!.Value, relativeTolerance, $"{what} free energy");
        }

        Assert.True(expected.Forces is null == actual.Forces is null, $"{what} forces: presence differs");
        if (expected.Forces is not null)
        {
            Close(expected.Forces, actual.Forces!, relativeTolerance, $"{what} forces");
        }

        Assert.True(expected.Stress.HasValue == actual.Stress.HasValue, $"{what} stress: presence differs");
        if (expected.Stress is { } s)
        {
            Close(s, actual.Stress!.Value, relativeTolerance, $"{what} stress");
        }
    }

    /// <summary>Asserts two vectors of <see cref="Vec3"/> agree.</summary>
    public static void Close(IReadOnlyList<Vec3> expected, IReadOnlyList<Vec3> actual, double relativeTolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                Close(expected[i][axis], actual[i][axis], relativeTolerance, $"{what}[{i}][{axis}]");
            }
        }
    }

    /// <summary>Asserts two matrices agree.</summary>
    public static void Close(Mat3 expected, Mat3 actual, double relativeTolerance, string what)
    {
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                Close(expected[r, c], actual[r, c], relativeTolerance, $"{what}[{r},{c}]");
            }
        }
    }

    /// <summary>Asserts |expected − actual| ≤ tolerance · max(1, |expected|).</summary>
    public static void Close(double expected, double actual, double relativeTolerance, string what)
    {
        var scale = Math.Max(1.0, Math.Abs(expected));
        Assert.True(
            Math.Abs(expected - actual) <= relativeTolerance * scale || (double.IsNaN(expected) && double.IsNaN(actual)),
            FormattableString.Invariant($"{what}: expected {expected:R}, got {actual:R}"));
    }
}
