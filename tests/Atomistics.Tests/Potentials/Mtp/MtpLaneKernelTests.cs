using ActiveLearning.Atomistics.Neighbours;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>
/// The vectorised force pass against the scalar pass it replaced (kept here, written out once per neighbour, as the
/// reference): energies, site energies, forces and virial must agree to 1e-10 relative for level-16 bases with one and two
/// species, dense and sparse radial coefficients, neighbours below min_dist, and sites with fewer than four neighbours.
/// </summary>
public sealed class MtpLaneKernelTests
{
    private const double RelativeTolerance = 1e-10;

    public static TheoryData<int, bool, int> Level16Cases => new()
    {
        { 1, true, 1 },
        { 1, false, 2 },
        { 2, true, 3 },
        { 2, false, 4 },
    };

    [Theory]
    [MemberData(nameof(Level16Cases))]
    public void A_level_16_mtp_gives_the_scalar_reference_results(int species, bool denseRadial, int seed)
    {
        var random = new Random(seed);
        var elements = species == 1 ? new[] { 14 } : [14, 6];
        var model = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(16, species, 1.9, 5.0));
        if (denseRadial)
        {
            for (var c = 0; c < model.RadialCoeffs!.Length; c++)
            {
                model.RadialCoeffs[c] = (2 * random.NextDouble()) - 1;
            }
        }

        model.SpeciesCoeffs = [.. Enumerable.Range(0, species).Select(_ => -5 + random.NextDouble())];
        model.MomentCoeffs = [.. Enumerable.Range(0, model.ScalarMomentsCount).Select(_ => 1e-3 * ((2 * random.NextDouble()) - 1))];
        var potential = new MomentTensorPotential(model, elements);

        // Rattled diamond (≈ 28 neighbours, one species per sublattice with two species) and a random cell whose closest
        // pairs are below min_dist and whose species are mixed within each block of four neighbours.
        var diamond = RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.431, 14, elements[^1]), 2, 2, 2), 0.1);
        var random64 = RandomStructures.Spread(random, Cell.Orthorhombic(11, 11, 11), 64, elements, 1.6);
        NeighbourList.Build(random64, model.MaxDist).Distances.ToArray().Min().Should().BeLessThan(model.MinDist, "the radial functions must be tested below min_dist too");

        foreach (var structure in new[] { diamond, random64 })
        {
            AgreesWithReference(potential, model, structure);
        }
    }

    [Fact]
    public void Aluminium_cells_with_many_images_of_few_atoms_give_the_scalar_reference_results()
    {
        // As samples/al-ndsc-phonons.yaml: level 16, 2.0–5.5 Å, fcc Al (42 neighbours, all images of one to four atoms).
        var random = new Random(9);
        var model = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(16, 1, 2.0, 5.5));
        model.SpeciesCoeffs = [-3.4];
        model.MomentCoeffs = [.. Enumerable.Range(0, model.ScalarMomentsCount).Select(_ => 1e-3 * ((2 * random.NextDouble()) - 1))];
        var potential = new MomentTensorPotential(model, [13]);
        var a = 4.05;
        var twoPrimitive = Zincblende.Repeated(Crystals.FccPrimitive(13, a), 2, 1, 1);
        var conventional = new Structure(
            Cell.Orthorhombic(a, a, a), Pbc.All, [13, 13, 13, 13], [Vec3.Zero, new Vec3(0, a / 2, a / 2), new Vec3(a / 2, 0, a / 2), new Vec3(a / 2, a / 2, 0)]);

        foreach (var structure in new[] { RandomStructures.Rattled(random, twoPrimitive, 0.05), RandomStructures.Rattled(random, conventional, 0.05) })
        {
            AgreesWithReference(potential, model, structure);
        }
    }

    [Fact]
    public void Small_tables_and_sparse_sites_give_the_scalar_reference_results()
    {
        var random = new Random(7);
        foreach (var model in new[] { MtpTemplates.Rich(random, 2), MtpTemplates.Small(random, 2) })
        {
            var potential = new MomentTensorPotential(model, [14, 8]);
            // A molecule: sites with 0 to 4 neighbours, so that padding lanes, partly filled blocks and an empty site occur.
            var molecule = new Structure(
                Cell.Orthorhombic(30, 30, 30),
                Pbc.None,
                [14, 8, 14, 8, 14, 14],
                [Vec3.Zero, new Vec3(2.1, 0.3, -0.2), new Vec3(0.4, 2.4, 0.1), new Vec3(-1.9, -0.8, 1.2), new Vec3(1.0, 1.1, 2.2), new Vec3(12, 12, 12)]);
            AgreesWithReference(potential, model, molecule);
            AgreesWithReference(potential, model, RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6.5, 8, 60), 12, [14, 8], 2.0));
        }
    }

    [Fact]
    public void Repeated_evaluations_allocate_nothing_per_atom()
    {
        var model = MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(16, 1, 1.9, 5.0));
        var potential = new MomentTensorPotential(model, [14]);
        var random = new Random(8);
        long AllocatedBySecondEvaluation(int repeats)
        {
            var structure = RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), repeats, repeats, repeats), 0.05);
            var evaluation = new Evaluation(threads: 1);
            potential.Compute(structure, evaluation);
            var before = GC.GetAllocatedBytesForCurrentThread();
            potential.Compute(structure, evaluation);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        // 64 and 512 atoms: a constant few hundred bytes per call (the per-call delegate), nothing that grows with the atoms.
        var small = AllocatedBySecondEvaluation(2);
        var large = AllocatedBySecondEvaluation(4);
        small.Should().BeLessThan(1024);
        large.Should().Be(small);
    }

    private static void AgreesWithReference(MomentTensorPotential potential, MtpModel model, Structure structure)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        var reference = ScalarReference.Compute(model, potential.Species, structure);

        var energyScale = reference.AtomEnergies.Max(Math.Abs);
        evaluation.Energy.Should().BeApproximately(reference.Energy, RelativeTolerance * energyScale * structure.Count);
        for (var i = 0; i < structure.Count; i++)
        {
            evaluation.AtomEnergies[i].Should().BeApproximately(reference.AtomEnergies[i], RelativeTolerance * energyScale);
        }

        var forceScale = reference.Forces.Max(f => Math.Max(Math.Abs(f.X), Math.Max(Math.Abs(f.Y), Math.Abs(f.Z))));
        forceScale.Should().BeGreaterThan(0, "the test structures must have forces to compare");
        for (var i = 0; i < structure.Count; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                evaluation.Forces[i][axis].Should().BeApproximately(reference.Forces[i][axis], RelativeTolerance * forceScale);
            }
        }

        var virialScale = 0.0;
        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                virialScale = Math.Max(virialScale, Math.Abs(reference.Virial[a, b]));
            }
        }

        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                evaluation.Virial[a, b].Should().BeApproximately(reference.Virial[a, b], RelativeTolerance * virialScale);
            }
        }
    }

    /// <summary>
    /// The force pass as it was before vectorisation: per neighbour, Chebyshev radial functions, the monomials as products
    /// of powers, basic moments, products, then ∂V/∂(moment) back through the products and the gradient of each monomial
    /// written out as a·x̂^(a−1)… plus the part along r̂.
    /// </summary>
    private static class ScalarReference
    {
        public static (double Energy, double[] AtomEnergies, Vec3[] Forces, Mat3 Virial) Compute(MtpModel model, IReadOnlyList<int> elements, Structure structure)
        {
            var neighbours = NeighbourList.Build(structure, model.MaxDist);
            var types = structure.AtomicNumbers.Select(z => elements.ToList().IndexOf(z)).ToArray();
            var atomEnergies = new double[structure.Count];
            var forces = new Vec3[structure.Count];
            var virial = new double[3, 3];
            var basics = model.AlphaIndexBasic;
            var times = model.AlphaIndexTimes;
            var functions = model.RadialFuncsCount;
            for (var i = 0; i < structure.Count; i++)
            {
                var js = neighbours.NeighboursOf(i);
                var vectors = neighbours.VectorsOf(i);
                var distances = neighbours.DistancesOf(i);
                var f = new double[js.Length, functions];
                var df = new double[js.Length, functions];
                var moments = new double[model.AlphaMomentsCount];
                for (var q = 0; q < js.Length; q++)
                {
                    if (distances[q] >= model.MaxDist)
                    {
                        continue;
                    }

                    Radial(model, types[i], types[js[q]], distances[q], f, df, q);
                    var u = vectors[q] * (1 / distances[q]);
                    for (var b = 0; b < basics.Length; b++)
                    {
                        moments[b] += f[q, basics[b][0]] * Power(u.X, basics[b][1]) * Power(u.Y, basics[b][2]) * Power(u.Z, basics[b][3]);
                    }
                }

                foreach (var t in times)
                {
                    moments[t[3]] += t[2] * moments[t[0]] * moments[t[1]];
                }

                var energy = model.SpeciesCoeffs![types[i]];
                var adjoint = new double[model.AlphaMomentsCount];
                for (var alpha = 0; alpha < model.AlphaMomentMapping.Length; alpha++)
                {
                    energy += model.MomentCoeffs![alpha] * moments[model.AlphaMomentMapping[alpha]];
                    adjoint[model.AlphaMomentMapping[alpha]] += model.MomentCoeffs[alpha];
                }

                atomEnergies[i] = energy;
                for (var t = times.Length - 1; t >= 0; t--)
                {
                    var weight = times[t][2] * adjoint[times[t][3]];
                    adjoint[times[t][0]] += weight * moments[times[t][1]];
                    adjoint[times[t][1]] += weight * moments[times[t][0]];
                }

                for (var q = 0; q < js.Length; q++)
                {
                    var r = distances[q];
                    if (r >= model.MaxDist)
                    {
                        continue;
                    }

                    var u = vectors[q] * (1 / r);
                    double along = 0, gx = 0, gy = 0, gz = 0;
                    for (var b = 0; b < basics.Length; b++)
                    {
                        var (mu, a, c, d) = (basics[b][0], basics[b][1], basics[b][2], basics[b][3]);
                        var monomial = Power(u.X, a) * Power(u.Y, c) * Power(u.Z, d);
                        along += adjoint[b] * monomial * (df[q, mu] - ((a + c + d) * f[q, mu] / r));
                        var scaled = adjoint[b] * f[q, mu] / r;
                        gx += scaled * a * Power(u.X, a - 1) * Power(u.Y, c) * Power(u.Z, d);
                        gy += scaled * c * Power(u.X, a) * Power(u.Y, c - 1) * Power(u.Z, d);
                        gz += scaled * d * Power(u.X, a) * Power(u.Y, c) * Power(u.Z, d - 1);
                    }

                    var g = new Vec3((along * u.X) + gx, (along * u.Y) + gy, (along * u.Z) + gz);
                    forces[i] += g;
                    forces[js[q]] -= g;
                    for (var x = 0; x < 3; x++)
                    {
                        for (var y = 0; y < 3; y++)
                        {
                            virial[x, y] -= vectors[q][x] * g[y];
                        }
                    }
                }
            }

            var total = new Mat3(virial[0, 0], virial[0, 1], virial[0, 2], virial[1, 0], virial[1, 1], virial[1, 2], virial[2, 0], virial[2, 1], virial[2, 2]);
            return (atomEnergies.Sum(), atomEnergies, forces, total);
        }

        private static double Power(double x, int n) => n <= 0 ? (n == 0 ? 1 : 0) : x * Power(x, n - 1);

        private static void Radial(MtpModel model, int centre, int neighbour, double r, double[,] f, double[,] df, int q)
        {
            int functions = model.RadialFuncsCount, size = model.RadialBasisSize;
            var scale = 2 / (model.MaxDist - model.MinDist);
            var xi = ((2 * r) - (model.MinDist + model.MaxDist)) / (model.MaxDist - model.MinDist);
            var gap = model.MaxDist - r;
            var envelope = model.Scaling * gap * gap;
            var envelopeSlope = -2 * model.Scaling * gap;
            var chebyshev = new double[size];
            var slopes = new double[size];
            chebyshev[0] = 1;
            if (size > 1)
            {
                chebyshev[1] = xi;
                slopes[1] = 1;
            }

            for (var k = 2; k < size; k++)
            {
                chebyshev[k] = (2 * xi * chebyshev[k - 1]) - chebyshev[k - 2];
                slopes[k] = (2 * chebyshev[k - 1]) + (2 * xi * slopes[k - 1]) - slopes[k - 2];
            }

            var pair = (centre * model.SpeciesCount) + neighbour;
            for (var mu = 0; mu < functions; mu++)
            {
                for (var k = 0; k < size; k++)
                {
                    var c = model.RadialCoeffs![(((pair * functions) + mu) * size) + k];
                    f[q, mu] += c * chebyshev[k] * envelope;
                    df[q, mu] += c * ((slopes[k] * scale * envelope) + (chebyshev[k] * envelopeSlope));
                }
            }
        }
    }
}
