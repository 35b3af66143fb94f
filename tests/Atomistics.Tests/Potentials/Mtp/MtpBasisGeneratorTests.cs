using System.Diagnostics;
using ActiveLearning.Atomistics.Potentials.Mtp;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

public sealed class MtpBasisGeneratorTests(ITestOutputHelper output)
{
    // Facts about MLIP-2's shipped untrained templates untrained_mtps/02.mtp … 24.mtp (Novikov et al. 2021, the MLIP-2
    // distribution): alpha_scalar_moments per even level, as listed in public MLIP-2 tooling and in the level-8 and
    // level-10 template tables themselves.
    public static TheoryData<int, int> TemplateBasisCounts => new()
    {
        { 2, 1 }, { 4, 2 }, { 6, 5 }, { 8, 9 }, { 10, 16 }, { 12, 29 },
        { 14, 52 }, { 16, 92 }, { 18, 163 }, { 20, 288 }, { 22, 500 }, { 24, 864 },
    };

    [Theory]
    [MemberData(nameof(TemplateBasisCounts))]
    public void Basis_counts_equal_the_MLIP_templates(int level, int basisFunctions)
    {
        var model = MtpBasisGenerator.Generate(level, speciesCount: 2, minDist: 1.5, maxDist: 5.0);

        model.ScalarMomentsCount.Should().Be(basisFunctions);
        model.Problem().Should().BeNull();
        model.IsTrained.Should().BeFalse();
        output.WriteLine($"level {level}: moments {model.AlphaMomentsCount}, basic {model.AlphaIndexBasic.Length}, times {model.AlphaIndexTimes.Length}, scalars {model.ScalarMomentsCount}, radial {model.RadialFuncsCount}");
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(6, 2)]
    [InlineData(8, 2)]
    [InlineData(10, 3)]
    [InlineData(16, 4)]
    [InlineData(20, 5)]
    [InlineData(28, 7)]
    public void Radial_function_counts_follow_the_templates(int level, int radialFunctions)
    {
        // Templates: 2 at level 8, 3 at 10 (its table has M_{2,0}), 4 at 16, 5 at 20: μ runs up to ⌊(L − 2)/4⌋.
        MtpBasisGenerator.Generate(level, 1, 1.0, 5.0).RadialFuncsCount.Should().Be(radialFunctions);
    }

    [Fact]
    public void Level_8_has_the_template_tables_size()
    {
        // The level-8 template: 11 basic moments (M00, M01, M02, M10), 14 products, 18 moments, 9 basis functions.
        var model = MtpBasisGenerator.Generate(8, 1, 2.0, 5.0);

        model.AlphaIndexBasic.Length.Should().Be(11);
        model.AlphaIndexTimes.Length.Should().Be(14);
        model.AlphaMomentsCount.Should().Be(18);
        model.AlphaIndexBasic.Should().BeEquivalentTo(
            new[]
            {
                new[] { 0, 0, 0, 0 }, [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 2, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1],
                [0, 0, 2, 0], [0, 0, 1, 1], [0, 0, 0, 2], [1, 0, 0, 0],
            },
            o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(16)]
    [InlineData(20)]
    public void Basis_functions_are_invariant_under_rotations_and_reflections(int level)
    {
        var model = MtpBasisGenerator.Generate(level, 1, 1.0, 5.0);
        var random = new Random(level);
        for (var trial = 0; trial < 3; trial++)
        {
            var neighbourhood = RandomNeighbourhood(random, model.RadialFuncsCount, 9);
            var (basis, magnitude) = Evaluate(model, neighbourhood);
            foreach (var transform in new[] { RandomRotation(random), Reflected(RandomRotation(random)) })
            {
                var (moved, _) = Evaluate(model, neighbourhood with { Directions = [.. neighbourhood.Directions.Select(d => transform * d)] });
                for (var b = 0; b < basis.Length; b++)
                {
                    Math.Abs(moved[b] - basis[b]).Should().BeLessThanOrEqualTo(1e-10 * magnitude[b], $"basis function {b} of level {level}");
                }
            }
        }
    }

    /// <remarks>
    /// Distinct contractions are distinct polynomials, but in three dimensions a few products are tied by exact identities
    /// (Cayley–Hamilton: tr A⁴ of a 3×3 matrix is a polynomial in tr A, tr A², tr A³, so with A = M_{0,2} the product
    /// (M_{0,2}:M_{0,2})² is a combination of the others at level 16; polarised forms add 5 more at level 20). The
    /// templates' counts include them, so the test pins their number: the pivots drop from ~1e-3 to ~1e-15 exactly there.
    /// </remarks>
    [Theory]
    [InlineData(6, 0)]
    [InlineData(10, 0)]
    [InlineData(13, 0)]
    [InlineData(14, 0)]
    [InlineData(16, 1)]
    [InlineData(20, 6)]
    public void Basis_functions_are_linearly_independent_up_to_the_three_dimensional_identities(int level, int dependencies)
    {
        var model = MtpBasisGenerator.Generate(level, 1, 1.0, 5.0);
        var m = model.ScalarMomentsCount;
        var random = new Random(100 + level);
        var rows = new double[3 * m][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = Evaluate(model, RandomNeighbourhood(random, model.RadialFuncsCount, 10)).Basis;
        }

        NumericalRank(rows, m).Should().Be(m - dependencies);
    }

    [Fact]
    public void A_times_table_has_a_different_value_if_a_multiplicity_is_wrong()
    {
        // Guards the invariance test itself: spoiling one multiplicity must break rotation invariance.
        var model = MtpBasisGenerator.Generate(10, 1, 1.0, 5.0);
        var spoiled = model.Clone();
        var offDiagonal = Array.FindIndex(spoiled.AlphaIndexTimes, t => t[2] == 2);
        spoiled.AlphaIndexTimes[offDiagonal][2] = 1;
        var random = new Random(5);
        var neighbourhood = RandomNeighbourhood(random, model.RadialFuncsCount, 7);
        var rotation = RandomRotation(random);

        var (before, _) = Evaluate(spoiled, neighbourhood);
        var (after, _) = Evaluate(spoiled, neighbourhood with { Directions = [.. neighbourhood.Directions.Select(d => rotation * d)] });

        before.Zip(after).Max(p => Math.Abs(p.First - p.Second)).Should().BeGreaterThan(1e-3);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(24)]
    [InlineData(28)]
    public void Products_use_only_moments_already_complete(int level)
    {
        var model = MtpBasisGenerator.Generate(level, 3, 0.5, 6.0, radialBasisSize: 10);
        var complete = new bool[model.AlphaMomentsCount];
        Array.Fill(complete, true, 0, model.AlphaIndexBasic.Length);
        var lastTarget = -1;
        foreach (var entry in model.AlphaIndexTimes)
        {
            if (entry[3] != lastTarget && lastTarget >= 0)
            {
                complete[lastTarget] = true;
            }

            complete[entry[0]].Should().BeTrue();
            complete[entry[1]].Should().BeTrue();
            complete[entry[3]].Should().BeFalse("a moment is accumulated by consecutive entries only");
            entry[2].Should().BePositive();
            lastTarget = entry[3];
        }

        model.AlphaMomentMapping.Should().OnlyHaveUniqueItems();
        model.AlphaMomentMapping.Should().BeInAscendingOrder();
        model.SpeciesCount.Should().Be(3);
        model.RadialBasisSize.Should().Be(10);
        model.MinDist.Should().Be(0.5);
        model.MaxDist.Should().Be(6.0);
        model.RadialCoeffs.Should().BeNull();
        model.SpeciesCoeffs.Should().BeNull();
        model.MomentCoeffs.Should().BeNull();
        model.Problem().Should().BeNull();
    }

    [Fact]
    public void An_odd_level_has_the_basis_of_the_even_level_below_and_each_even_level_adds_to_it()
    {
        // A scalar contraction of n tensors has Σν even, so its level 2n + 4Σμ + Σν is even.
        var previous = MtpBasisGenerator.Generate(2, 1, 1.0, 5.0);
        for (var level = 3; level <= 27; level += 2)
        {
            var odd = MtpBasisGenerator.Generate(level, 1, 1.0, 5.0);
            var even = MtpBasisGenerator.Generate(level + 1, 1, 1.0, 5.0);

            odd.AlphaMomentMapping.Should().Equal(previous.AlphaMomentMapping);
            odd.AlphaIndexTimes.Should().BeEquivalentTo(previous.AlphaIndexTimes, o => o.WithStrictOrdering());
            odd.RadialFuncsCount.Should().Be(previous.RadialFuncsCount);
            even.ScalarMomentsCount.Should().BeGreaterThan(odd.ScalarMomentsCount, $"level {level + 1}");
            output.WriteLine($"level {level + 1}: {even.ScalarMomentsCount} basis functions, {even.AlphaMomentsCount} moments, {even.AlphaIndexTimes.Length} products, {even.RadialFuncsCount} radial functions");
            previous = even;
        }
    }

    [Theory]
    [InlineData(1, 1, 1.0, 5.0, 8)]
    [InlineData(29, 1, 1.0, 5.0, 8)]
    [InlineData(16, 0, 1.0, 5.0, 8)]
    [InlineData(16, 1, -1.0, 5.0, 8)]
    [InlineData(16, 1, 5.0, 5.0, 8)]
    [InlineData(16, 1, 1.0, double.NaN, 8)]
    [InlineData(16, 1, 1.0, 5.0, 1)]
    public void Bad_arguments_are_rejected(int level, int species, double minDist, double maxDist, int radialBasisSize)
    {
        var generate = () => MtpBasisGenerator.Generate(level, species, minDist, maxDist, radialBasisSize);

        generate.Should().Throw<ArgumentOutOfRangeException>();
    }

    private sealed record Neighbourhood(Vec3[] Directions, double[][] RadialWeights);

    private static Neighbourhood RandomNeighbourhood(Random random, int radialFunctions, int neighbours)
    {
        var directions = new Vec3[neighbours];
        for (var j = 0; j < neighbours; j++)
        {
            Vec3 v;
            do
            {
                v = new Vec3((2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1);
            }
            while (v.Length < 0.1 || v.Length > 1);

            directions[j] = v / v.Length;
        }

        var weights = new double[radialFunctions][];
        for (var mu = 0; mu < radialFunctions; mu++)
        {
            weights[mu] = [.. Enumerable.Range(0, neighbours).Select(_ => (2 * random.NextDouble()) - 1)];
        }

        return new Neighbourhood(directions, weights);
    }

    /// <summary>
    /// The basis functions from the tables alone (basic moments Σ_j w_μ(j)·x̂^a·ŷ^b·ẑ^c, then the products in order), and
    /// a bound on their rounding scale (the same sums with absolute values).
    /// </summary>
    private static (double[] Basis, double[] Magnitude) Evaluate(MtpModel model, Neighbourhood neighbourhood)
    {
        var moments = new double[model.AlphaMomentsCount];
        var magnitudes = new double[model.AlphaMomentsCount];
        for (var b = 0; b < model.AlphaIndexBasic.Length; b++)
        {
            var (mu, a, bb, c) = (model.AlphaIndexBasic[b][0], model.AlphaIndexBasic[b][1], model.AlphaIndexBasic[b][2], model.AlphaIndexBasic[b][3]);
            for (var j = 0; j < neighbourhood.Directions.Length; j++)
            {
                var d = neighbourhood.Directions[j];
                var term = neighbourhood.RadialWeights[mu][j] * Math.Pow(d.X, a) * Math.Pow(d.Y, bb) * Math.Pow(d.Z, c);
                moments[b] += term;
                magnitudes[b] += Math.Abs(term);
            }
        }

        foreach (var t in model.AlphaIndexTimes)
        {
            moments[t[3]] += t[2] * moments[t[0]] * moments[t[1]];
            magnitudes[t[3]] += t[2] * magnitudes[t[0]] * magnitudes[t[1]];
        }

        return ([.. model.AlphaMomentMapping.Select(m => moments[m])], [.. model.AlphaMomentMapping.Select(m => magnitudes[m])]);
    }

    private static Mat3 RandomRotation(Random random)
    {
        // A random unit quaternion gives a uniformly random proper rotation.
        double w, x, y, z, norm;
        do
        {
            (w, x, y, z) = ((2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1, (2 * random.NextDouble()) - 1);
            norm = Math.Sqrt((w * w) + (x * x) + (y * y) + (z * z));
        }
        while (norm < 0.1 || norm > 1);

        (w, x, y, z) = (w / norm, x / norm, y / norm, z / norm);
        return new Mat3(
            1 - (2 * ((y * y) + (z * z))), 2 * ((x * y) - (z * w)), 2 * ((x * z) + (y * w)),
            2 * ((x * y) + (z * w)), 1 - (2 * ((x * x) + (z * z))), 2 * ((y * z) - (x * w)),
            2 * ((x * z) - (y * w)), 2 * ((y * z) + (x * w)), 1 - (2 * ((x * x) + (y * y))));
    }

    private static Mat3 Reflected(Mat3 rotation) => new Mat3(-1, 0, 0, 0, 1, 0, 0, 0, 1) * rotation;

    /// <summary>Rank of the matrix with the given rows after scaling every column to unit norm (Householder QR, column pivoting).</summary>
    private static int NumericalRank(double[][] rows, int columns)
    {
        var n = rows.Length;
        var a = new double[n, columns];
        for (var c = 0; c < columns; c++)
        {
            var norm = Math.Sqrt(rows.Sum(r => r[c] * r[c]));
            for (var r = 0; r < n; r++)
            {
                a[r, c] = rows[r][c] / norm;
            }
        }

        var rank = 0;
        for (var k = 0; k < columns; k++)
        {
            var pivot = k;
            var pivotNorm = -1.0;
            for (var c = k; c < columns; c++)
            {
                var s = 0.0;
                for (var r = k; r < n; r++)
                {
                    s += a[r, c] * a[r, c];
                }

                if (s > pivotNorm)
                {
                    (pivot, pivotNorm) = (c, s);
                }
            }

            if (Math.Sqrt(pivotNorm) < 1e-9)
            {
                break;
            }

            for (var r = 0; r < n; r++)
            {
                (a[r, k], a[r, pivot]) = (a[r, pivot], a[r, k]);
            }

            var alpha = -Math.CopySign(Math.Sqrt(pivotNorm), a[k, k]);
            var v = new double[n];
            v[k] = a[k, k] - alpha;
            for (var r = k + 1; r < n; r++)
            {
                v[r] = a[r, k];
            }

            var vNorm2 = 0.0;
            for (var r = k; r < n; r++)
            {
                vNorm2 += v[r] * v[r];
            }

            for (var c = k; c < columns; c++)
            {
                var dot = 0.0;
                for (var r = k; r < n; r++)
                {
                    dot += v[r] * a[r, c];
                }

                var f = 2 * dot / vNorm2;
                for (var r = k; r < n; r++)
                {
                    a[r, c] -= f * v[r];
                }
            }

            rank++;
        }

        return rank;
    }
}
