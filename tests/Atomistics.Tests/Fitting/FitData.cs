using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Fitting;

/// <summary>Linear pair models with known parameters and structures labelled by a potential.</summary>
internal static class FitData
{
    public const int Silicon = 14;
    public const int Carbon = 6;

    /// <summary>A Si–C pair model (2 constants + 3 pairs × <paramref name="basisSize"/>) with random parameters of physical size.</summary>
    public static LinearPairPotential SiliconCarbon(Random random, int basisSize = 6)
    {
        var shape = new LinearPairPotential([Silicon, Carbon], innerRadius: 1.5, cutoff: 4.5, basisSize);
        var parameters = new double[shape.ParameterCount];
        parameters[shape.ConstantIndex(Silicon)] = -4 - random.NextDouble();
        parameters[shape.ConstantIndex(Carbon)] = -7 - random.NextDouble();
        for (var p = 2; p < parameters.Length; p++)
        {
            parameters[p] = 0.1 * ((2 * random.NextDouble()) - 1);
        }

        return (LinearPairPotential)shape.WithParameters(parameters);
    }

    /// <summary>A random periodic Si/C structure of <paramref name="atoms"/> atoms at least 1.8 Å apart.</summary>
    public static Structure RandomSiliconCarbon(Random random, int atoms = 8)
    {
        var cell = RandomStructures.TriclinicCell(random, 6, 8, 60);
        return RandomStructures.Spread(random, cell, atoms, [Silicon, Carbon], 1.8);
    }

    /// <summary>Sets the structure's reference labels to what <paramref name="potential"/> computes and returns it.</summary>
    public static Structure Label(Structure structure, IPotential potential)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        structure.Reference = evaluation.ToLabels(structure);
        return structure;
    }

    public static List<Structure> Labelled(Random random, IPotential potential, int count, int atoms = 8)
    {
        var structures = new List<Structure>(count);
        for (var s = 0; s < count; s++)
        {
            structures.Add(Label(RandomSiliconCarbon(random, atoms), potential));
        }

        return structures;
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance·max(1, |expected|) for every parameter.</summary>
    public static void ParametersClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        actual.Should().HaveCount(expected.Count);
        for (var p = 0; p < expected.Count; p++)
        {
            Math.Abs(actual[p] - expected[p]).Should().BeLessThanOrEqualTo(
                tolerance * Math.Max(1, Math.Abs(expected[p])), $"parameter {p}: expected {expected[p]:R}, got {actual[p]:R}");
        }
    }
}
