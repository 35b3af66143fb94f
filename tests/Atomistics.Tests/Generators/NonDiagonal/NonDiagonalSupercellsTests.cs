using System.Globalization;
using ActiveLearning.Atomistics.Generators.NonDiagonal;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Generators.NonDiagonal;

public sealed class NonDiagonalSupercellsTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> CrystalsAndGrids()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "fcc", "bcc", "diamond", "hcp" })
        {
            for (var n = 2; n <= 6; n++)
            {
                data.Add(name, n);
            }
        }

        return data;
    }

    [Fact]
    public void Diagonal2x1x1IsTheOnlySupercellOfTwoCellsCommensurateWithHalfAlongA()
    {
        // Orthorhombic, so the lattice has no symmetry that could swap axes; q = (1/2, 0, 0) needs S·q integer, i.e. an
        // even first column, which among index-2 Hermite forms only diag(2, 1, 1) has.
        var plan = NonDiagonalSupercells.Plan(Cell.Orthorhombic(3, 4, 5), 2, 1, 1);

        plan.Supercells.Should().ContainSingle();
        plan.Supercells[0].HermiteNormalForm.Should().BeEquivalentTo(new[,] { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        plan.Supercells[0].Commensurate.Should().BeEquivalentTo([new GridQPoint(0, 0, 0), new GridQPoint(1, 0, 0)]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 13)]
    [InlineData(4, 35)]
    [InlineData(5, 31)]
    [InlineData(6, 91)]
    public void HermiteFormsCountTheSublatticesOfEachIndex(int index, int sublattices)
    {
        var forms = IntegerMatrix.EnumerateHermiteNormalForms(index);

        forms.Should().HaveCount(sublattices);
        foreach (var form in forms)
        {
            IntegerMatrix.Determinant(form).Should().Be(index);
            IntegerMatrix.HermiteNormalForm(form).Should().BeEquivalentTo(form, "a Hermite form is its own normal form");
        }
    }

    [Fact]
    public void HermiteFormIsInvariantUnderUnimodularRowOperations()
    {
        var random = new Random(7);
        foreach (var form in IntegerMatrix.EnumerateHermiteNormalForms(6))
        {
            var unimodular = RandomUnimodular(random);
            var mixed = IntegerMatrix.Multiply(unimodular, form);

            IntegerMatrix.HermiteNormalForm(mixed).Should().BeEquivalentTo(form);
        }
    }

    [Theory]
    [InlineData("fcc", 48)]
    [InlineData("bcc", 48)]
    [InlineData("diamond", 48)]
    [InlineData("hcp", 24)]
    public void PointGroupsHaveTheirTextbookOrders(string crystal, int order)
    {
        NonDiagonalSupercells.Plan(PrimitiveCrystals.ByName(crystal), 2, 2, 2).PointGroupOrder.Should().Be(order);
    }

    [Fact]
    public void ACrystalOfLowerSymmetryThanItsLatticeUsesOnlyItsOwnOperations()
    {
        // A cubic lattice with a second species displaced along z: tetragonal 4/mmm (16 operations), not m-3m.
        var crystal = new Structure(Cell.Orthorhombic(3, 3, 3), Pbc.All, [11, 17], [Vec3.Zero, new Vec3(0, 0, 1.2)]);

        var plan = NonDiagonalSupercells.Plan(crystal, 4, 4, 4);

        plan.PointGroupOrder.Should().Be(8, "4mm: the displaced atom breaks inversion and the z mirror");
        NonDiagonalSupercells.Plan(crystal.Cell, 4, 4, 4).PointGroupOrder.Should().Be(48);
        plan.IrreducibleQPointCount.Should().BeGreaterThan(NonDiagonalSupercells.Plan(crystal.Cell, 4, 4, 4).IrreducibleQPointCount);
    }

    [Theory]
    [MemberData(nameof(CrystalsAndGrids))]
    public void SupercellsCoverTheWholeGridWithAtMostNCellsEach(string crystal, int n)
    {
        var primitive = PrimitiveCrystals.ByName(crystal);
        var plan = NonDiagonalSupercells.Plan(primitive, n, n, n);

        var reciprocal = primitive.Cell.Reciprocal;
        var covered = new HashSet<GridQPoint>();
        var forms = new List<int[,]>();
        foreach (var supercell in plan.Supercells)
        {
            var hnf = supercell.HermiteNormalForm;
            Determinant(hnf).Should().Be(supercell.Size);
            Determinant(supercell.Matrix).Should().Be(supercell.Size, "the reduced matrix is right-handed");
            IntegerMatrix.HermiteNormalForm(IntegerMatrix.ToLong(supercell.Matrix)).Should().BeEquivalentTo(IntegerMatrix.ToLong(hnf), "the reduced matrix spans the same lattice");
            supercell.Size.Should().Be(Order(supercell.Target, n)).And.BeLessThanOrEqualTo(n);
            foreach (var earlier in forms)
            {
                earlier.Should().NotBeEquivalentTo(hnf, "no two supercells may span the same lattice");
            }

            forms.Add(hnf);
            supercell.Commensurate.Should().Contain(supercell.Target).And.HaveCount(supercell.Size, "a cell of n primitive cells samples exactly n q-points");
            foreach (var q in supercell.Commensurate)
            {
                IsCommensurate(supercell.Matrix, q.Fractional(n, n, n)).Should().BeTrue();
                covered.Add(q);
            }

            foreach (var q in supercell.EquivalentBySymmetry)
            {
                IsCommensurate(supercell.Matrix, q.Fractional(n, n, n)).Should().BeFalse();
                // A rotation keeps the length of the shortest image of q, so some sampled point must share it.
                var length = ShortestImage(q.Fractional(n, n, n), reciprocal);
                supercell.Commensurate.Should().Contain(p => Math.Abs(ShortestImage(p.Fractional(n, n, n), reciprocal) - length) < 1e-9);
                covered.Add(q);
            }
        }

        covered.Should().HaveCount(n * n * n, "every q-point of the grid is sampled directly or by symmetry");
        var atoms = plan.TotalSize * primitive.Count;
        var diagonalAtoms = plan.DiagonalSize * primitive.Count;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{crystal} {n}×{n}×{n}: {plan.IrreducibleQPointCount} irreducible q, {plan.Supercells.Count} supercells, {atoms} atoms in all (largest {MaxSize(plan) * primitive.Count}) vs {diagonalAtoms} in the diagonal supercell"));
        // Plane-wave DFT costs about (atoms)³ per cell: that, not the atom count, is what non-diagonal cells save.
        var cubicCost = plan.Supercells.Sum(s => Math.Pow(s.Size * primitive.Count, 3));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Σ atoms³ = {cubicCost:E3} vs diagonal {Math.Pow(diagonalAtoms, 3):E3}"));
        if (n >= 3)
        {
            atoms.Should().BeLessThan(diagonalAtoms);
            cubicCost.Should().BeLessThan(Math.Pow(diagonalAtoms, 3) / 50);
        }
    }

    [Theory]
    [InlineData("fcc", 4)]
    [InlineData("hcp", 3)]
    [InlineData("diamond", 5)]
    public void WithoutSymmetryEveryQPointIsCommensurateWithASupercell(string crystal, int n)
    {
        var primitive = PrimitiveCrystals.ByName(crystal);
        var plan = NonDiagonalSupercells.Plan(primitive, n, n, n, new NonDiagonalOptions { UseSymmetry = false });

        plan.PointGroupOrder.Should().Be(1);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                for (var k = 0; k < n; k++)
                {
                    var q = new Vec3((double)i / n, (double)j / n, (double)k / n);
                    // q ≡ −q: a cell commensurate with q is commensurate with −q.
                    plan.Supercells.Should().Contain(s => IsCommensurate(s.Matrix, q), $"q = ({i}, {j}, {k})/{n}");
                }
            }
        }
    }

    [Fact]
    public void RectangularGridsUseTheirLeastCommonMultiple()
    {
        var plan = NonDiagonalSupercells.Plan(PrimitiveCrystals.Hcp(), 4, 4, 2);

        foreach (var s in plan.Supercells)
        {
            s.Size.Should().BeLessThanOrEqualTo(4);
        }

        plan.Supercells.Sum(s => s.Commensurate.Count + s.EquivalentBySymmetry.Count).Should().BeGreaterThanOrEqualTo(32);
    }

    [Theory]
    [InlineData("fcc")]
    [InlineData("bcc")]
    [InlineData("diamond")]
    [InlineData("hcp")]
    public void BuiltSupercellsHaveAllAtomsOnceAtLatticeTranslations(string crystal)
    {
        var primitive = PrimitiveCrystals.ByName(crystal);
        var nearest = MinimumDistance(primitive);
        foreach (var planned in NonDiagonalSupercells.Plan(primitive, 4, 4, 4).Supercells)
        {
            var supercell = NonDiagonalSupercells.BuildSupercell(primitive, planned.Matrix);

            supercell.Count.Should().Be(planned.Size * primitive.Count);
            supercell.Cell.Volume.Should().BeApproximately(planned.Size * primitive.Cell.Volume, 1e-9 * supercell.Cell.Volume);
            MinimumDistance(supercell).Should().BeApproximately(nearest, 1e-9, "atoms are distinct and keep the crystal's spacing");
            for (var i = 0; i < supercell.Count; i++)
            {
                // Each atom is some primitive atom of the same species shifted by a primitive lattice vector.
                Enumerable.Range(0, primitive.Count).Should().Contain(
                    a => primitive.AtomicNumbers[a] == supercell.AtomicNumbers[i]
                        && primitive.Cell.MinimumImage(supercell.Positions[i] - primitive.Positions[a], Pbc.All).Length < 1e-9);
            }
        }
    }

    [Fact]
    public void BuildSupercellAcceptsANonReducedMatrix()
    {
        var primitive = PrimitiveCrystals.Diamond();
        var supercell = NonDiagonalSupercells.BuildSupercell(primitive, new[,] { { 1, 2, 0 }, { 0, 1, 3 }, { 2, 0, 1 } });

        supercell.Count.Should().Be(13 * 2);
        MinimumDistance(supercell).Should().BeApproximately(MinimumDistance(primitive), 1e-9);
    }

    [Fact]
    public void GenerateFollowsTheRecipeDeterministically()
    {
        var primitive = PrimitiveCrystals.Fcc();
        var options = new NonDiagonalOptions { Scalings = [0.98, 1.0, 1.02], CopiesPerSupercell = 2 };
        var plan = NonDiagonalSupercells.Plan(primitive, 4, 4, 4);

        var first = NonDiagonalSupercells.Generate(primitive, 4, 4, 4, options, seed: 11);
        var again = NonDiagonalSupercells.Generate(primitive, 4, 4, 4, options, seed: 11);
        var other = NonDiagonalSupercells.Generate(primitive, 4, 4, 4, options, seed: 12);

        first.Should().HaveCount(plan.Supercells.Count * 3 * 2);
        for (var s = 0; s < first.Count; s++)
        {
            first[s].Positions.Should().Equal(again[s].Positions);
            first[s].Cell.Should().Be(again[s].Cell);
        }

        first[0].Positions.Should().NotEqual(other[0].Positions);
        var structure = first[0];
        structure.Info["generator"].AsString().Should().Be("ndsc");
        structure.Info["ndsc_grid"].AsIntegers().Should().Equal(4, 4, 4);
        structure.Info["seed"].AsInteger().Should().Be(11);
        structure.Info["ndsc_q_target"].AsString().Should().Be(plan.Supercells[0].Target.ToText(4, 4, 4));
        structure.Info["ndsc_q_points"].AsString().Should().Contain("0 0 0");
        structure.Info["ndsc_scaling"].AsReal().Should().Be(0.98);
        var strain = structure.Info["ndsc_strain"].AsReals();
        strain.Should().HaveCount(6).And.OnlyContain(e => Math.Abs(e) <= 0.01).And.Contain(e => e != 0);
        var pristineVolume = plan.Supercells[0].Size * primitive.Cell.Volume;
        var f = 0.98 * (Mat3.Identity + new Mat3(strain[0], strain[5], strain[4], strain[5], strain[1], strain[3], strain[4], strain[3], strain[2]));
        structure.Cell.Volume.Should().BeApproximately(pristineVolume * f.Determinant, 1e-9);
    }

    [Fact]
    public void DisplacementsHaveTheRequestedSpread()
    {
        var primitive = PrimitiveCrystals.Bcc();
        var options = new NonDiagonalOptions { StrainAmplitude = 0, DisplacementSigma = 0.1, CopiesPerSupercell = 20 };

        var squares = 0.0;
        var count = 0;
        foreach (var structure in NonDiagonalSupercells.Generate(primitive, 3, 3, 3, options, seed: 3))
        {
            var pristine = NonDiagonalSupercells.BuildSupercell(primitive, ToInt(structure.Info["supercell_matrix"].AsIntegers()));
            structure.Cell.Should().Be(pristine.Cell);
            for (var i = 0; i < structure.Count; i++)
            {
                var d = structure.Positions[i] - pristine.Positions[i];
                squares += d.LengthSquared;
                count += 3;
            }
        }

        Math.Sqrt(squares / count).Should().BeApproximately(0.1, 0.01);
    }

    [Fact]
    public void ScalingWithoutNoiseScalesTheLattice()
    {
        var primitive = PrimitiveCrystals.Hcp();
        var options = new NonDiagonalOptions { StrainAmplitude = 0, DisplacementSigma = 0, Scalings = [1.05] };

        foreach (var structure in NonDiagonalSupercells.Generate(primitive, 2, 2, 2, options))
        {
            var pristine = NonDiagonalSupercells.BuildSupercell(primitive, ToInt(structure.Info["supercell_matrix"].AsIntegers()));
            structure.Cell.Volume.Should().BeApproximately(pristine.Cell.Volume * Math.Pow(1.05, 3), 1e-9);
            MinimumDistance(structure).Should().BeApproximately(1.05 * MinimumDistance(primitive), 1e-9);
        }
    }

    [Fact]
    public void BadArgumentsAreRejectedQuickly()
    {
        var fcc = PrimitiveCrystals.Fcc();
        var singular = new Cell(new Vec3(1, 0, 0), new Vec3(2, 0, 0), new Vec3(0, 0, 1));

        FluentActions.Invoking(() => NonDiagonalSupercells.Plan(fcc, 0, 4, 4)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NonDiagonalSupercells.Plan(fcc.Cell, 4, -1, 4)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NonDiagonalSupercells.Plan(singular, 2, 2, 2)).Should().Throw<ArgumentException>().WithMessage("*singular*");
        FluentActions.Invoking(() => NonDiagonalSupercells.Plan(fcc, 1000, 1000, 1000)).Should().Throw<ArgumentException>().WithMessage("*too large*");
        FluentActions.Invoking(() => NonDiagonalSupercells.Plan(fcc, 61, 62, 63)).Should().Throw<ArgumentException>().WithMessage("*too large*");
        var cubic = ActiveLearning.TestSupport.Crystals.FccCubic(13, 4.04);
        FluentActions.Invoking(() => NonDiagonalSupercells.Plan(cubic, 2, 2, 2)).Should().Throw<ArgumentException>().WithMessage("*not primitive*");
        FluentActions.Invoking(() => NonDiagonalSupercells.Generate(fcc, 2, 2, 2, new NonDiagonalOptions { CopiesPerSupercell = 0 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NonDiagonalSupercells.Generate(fcc, 2, 2, 2, new NonDiagonalOptions { Scalings = [] })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NonDiagonalSupercells.Generate(fcc, 2, 2, 2, new NonDiagonalOptions { DisplacementSigma = -1 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NonDiagonalSupercells.BuildSupercell(fcc, new int[3, 3])).Should().Throw<ArgumentException>().WithMessage("*singular*");
    }

    private static int[,] ToInt(IReadOnlyList<long> rowMajor)
    {
        var m = new int[3, 3];
        for (var i = 0; i < 9; i++)
        {
            m[i / 3, i % 3] = (int)rowMajor[i];
        }

        return m;
    }

    private static int MaxSize(NonDiagonalPlan plan) => plan.Supercells.Max(s => s.Size);

    private static long Determinant(int[,] m) => IntegerMatrix.Determinant(IntegerMatrix.ToLong(m));

    private static int Order(GridQPoint q, int n)
    {
        for (var order = 1; ; order++)
        {
            if (q.I * order % n == 0 && q.J * order % n == 0 && q.K * order % n == 0)
            {
                return order;
            }
        }
    }

    // Independent of the planner's integer arithmetic: S·q in floating point.
    private static bool IsCommensurate(int[,] s, Vec3 q)
    {
        for (var i = 0; i < 3; i++)
        {
            var x = (s[i, 0] * q.X) + (s[i, 1] * q.Y) + (s[i, 2] * q.Z);
            if (Math.Abs(x - Math.Round(x)) > 1e-9)
            {
                return false;
            }
        }

        return true;
    }

    private static double ShortestImage(Vec3 q, Mat3 reciprocal)
    {
        var best = double.MaxValue;
        for (var i = -2; i <= 2; i++)
        {
            for (var j = -2; j <= 2; j++)
            {
                for (var k = -2; k <= 2; k++)
                {
                    best = Math.Min(best, ((q + new Vec3(i, j, k)) * reciprocal).Length);
                }
            }
        }

        return best;
    }

    private static double MinimumDistance(Structure structure)
    {
        // The shortest lattice vector bounds the distance of an atom to its own images.
        var best = double.MaxValue;
        for (var i = 0; i < structure.Count; i++)
        {
            for (var j = 0; j < structure.Count; j++)
            {
                var delta = structure.Positions[j] - structure.Positions[i];
                if (i == j)
                {
                    foreach (var shift in new[] { structure.Cell.A, structure.Cell.B, structure.Cell.C })
                    {
                        best = Math.Min(best, structure.Cell.MinimumImage(shift, Pbc.All).Length is var l && l > 1e-9 ? l : ShortestNonZero(structure.Cell));
                    }

                    continue;
                }

                best = Math.Min(best, structure.Cell.MinimumImage(delta, Pbc.All).Length);
            }
        }

        return best;
    }

    private static double ShortestNonZero(Cell cell)
    {
        var best = double.MaxValue;
        for (var i = -3; i <= 3; i++)
        {
            for (var j = -3; j <= 3; j++)
            {
                for (var k = -3; k <= 3; k++)
                {
                    if (i != 0 || j != 0 || k != 0)
                    {
                        best = Math.Min(best, new Vec3(i, j, k) * cell.Matrix is var v ? v.Length : 0);
                    }
                }
            }
        }

        return best;
    }

    private static long[,] RandomUnimodular(Random random)
    {
        var m = new long[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        for (var step = 0; step < 6; step++)
        {
            var a = random.Next(3);
            var b = (a + 1 + random.Next(2)) % 3;
            var factor = random.Next(-2, 3);
            for (var j = 0; j < 3; j++)
            {
                m[a, j] += factor * m[b, j];
            }
        }

        return m;
    }
}
