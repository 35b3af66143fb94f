using ActiveLearning.Atomistics.Potentials.Mtp;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>Small hand-written MTP moment tables with random coefficients for tests.</summary>
internal static class MtpTemplates
{
    /// <summary>
    /// A level-4-like table: M₀ (basic 0), the vector moment (1–3), M₁ (4); products M₀² (5), |v|² (6), M₀·M₀² (7).
    /// Basis functions: moments 0, 4, 5, 6, 7.
    /// </summary>
    public static MtpModel Small(Random random, int species, double minDist = 1.8, double maxDist = 5.0) => Trained(
        random,
        species,
        functions: 2,
        minDist,
        maxDist,
        moments: 8,
        basic: [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
        times: [[0, 0, 1, 5], [1, 1, 1, 6], [2, 2, 1, 6], [3, 3, 1, 6], [0, 5, 1, 7]],
        mapping: [0, 4, 5, 6, 7]);

    /// <summary>
    /// A richer rotation-invariant table with rank-2 moments and a chain of products through a vector intermediate:
    /// basics M₀ (0), v (1–3), T = M_{0,2} (4–9: xx, xy, xz, yy, yz, zz), M₁ (10), v₁ (11–13), M₂ (14); products M₀² (15),
    /// v·v (16), T:T (17), v·v₁ (18), w = T·v (19–21), v·T·v (22), M₀·(v·v) (23), M₁·M₂ (24).
    /// </summary>
    public static MtpModel Rich(Random random, int species, double minDist = 1.8, double maxDist = 5.0) => Trained(
        random,
        species,
        functions: 3,
        minDist,
        maxDist,
        moments: 25,
        basic:
        [
            [0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
            [0, 2, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1], [0, 0, 2, 0], [0, 0, 1, 1], [0, 0, 0, 2],
            [1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 1], [2, 0, 0, 0],
        ],
        times:
        [
            [0, 0, 1, 15],
            [1, 1, 1, 16], [2, 2, 1, 16], [3, 3, 1, 16],
            [4, 4, 1, 17], [5, 5, 2, 17], [6, 6, 2, 17], [7, 7, 1, 17], [8, 8, 2, 17], [9, 9, 1, 17],
            [1, 11, 1, 18], [2, 12, 1, 18], [3, 13, 1, 18],
            [4, 1, 1, 19], [5, 2, 1, 19], [6, 3, 1, 19],
            [5, 1, 1, 20], [7, 2, 1, 20], [8, 3, 1, 20],
            [6, 1, 1, 21], [8, 2, 1, 21], [9, 3, 1, 21],
            [1, 19, 1, 22], [2, 20, 1, 22], [3, 21, 1, 22],
            [0, 16, 1, 23],
            [10, 14, 1, 24],
        ],
        mapping: [0, 10, 14, 15, 16, 17, 18, 22, 23, 24]);

    /// <summary>The same tables with no coefficients (an untrained template).</summary>
    public static MtpModel Untrained(MtpModel model)
    {
        var copy = model.Clone();
        copy.RadialCoeffs = null;
        copy.SpeciesCoeffs = null;
        copy.MomentCoeffs = null;
        return copy;
    }

    private static MtpModel Trained(
        Random random, int species, int functions, double minDist, double maxDist, int moments, int[][] basic, int[][] times, int[] mapping)
    {
        const int size = 6;
        var radial = new double[species * species * functions * size];
        for (var c = 0; c < radial.Length; c++)
        {
            radial[c] = 0.2 * ((2 * random.NextDouble()) - 1);
        }

        var model = new MtpModel
        {
            PotentialName = "test",
            SpeciesCount = species,
            MinDist = minDist,
            MaxDist = maxDist,
            RadialBasisSize = size,
            RadialFuncsCount = functions,
            RadialCoeffs = radial,
            AlphaMomentsCount = moments,
            AlphaIndexBasic = basic,
            AlphaIndexTimes = times,
            AlphaMomentMapping = mapping,
            SpeciesCoeffs = [.. Enumerable.Range(0, species).Select(_ => -3 - random.NextDouble())],
            MomentCoeffs = [.. mapping.Select(_ => 0.02 * ((2 * random.NextDouble()) - 1))],
        };
        model.Problem().Should().BeNull();
        return model;
    }
}
