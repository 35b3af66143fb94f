using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.Lammps;

public class LammpsBoxTests
{
    [Fact]
    public void A_cell_in_standard_orientation_is_taken_exactly_without_rotation()
    {
        var cell = new Cell(new Vec3(5.1, 0, 0), new Vec3(-1.3, 4.7, 0), new Vec3(0.9, 2.2, 6.3));

        var box = LammpsBox.FromCell(cell);

        box.Rotation.Should().BeNull();
        (box.Lx, box.Ly, box.Lz, box.Xy, box.Xz, box.Yz).Should().Be((5.1, 4.7, 6.3, -1.3, 0.9, 2.2));
        box.Cell.Should().Be(cell);
        box.IsOrthogonal.Should().BeFalse();
        LammpsBox.FromCell(Cell.Orthorhombic(3, 4, 5)).IsOrthogonal.Should().BeTrue();
    }

    [Fact]
    public void A_rotated_cell_becomes_lower_triangular_with_the_same_lengths_and_angles()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 50; trial++)
        {
            var cell = RandomStructures.TriclinicCell(random);
            LammpsBox.IsStandardOrientation(cell).Should().BeFalse();

            var box = LammpsBox.FromCell(cell);

            box.Rotation.Should().NotBeNull();
            var rotated = box.Cell;
            StructureAssert.Close([cell.Lengths], [rotated.Lengths], 1e-12, "lengths");
            StructureAssert.Close([cell.AnglesDegrees], [rotated.AnglesDegrees], 1e-10, "angles");
            for (var axis = 0; axis < 3; axis++)
            {
                // Q maps each lattice vector onto the box's vector.
                StructureAssert.Close([box.Rotate(cell[axis])], [rotated[axis]], 1e-12, $"vector {axis}");
            }

            box.Rotation!.Value.Determinant.Should().BeApproximately(1, 1e-12);
            StructureAssert.Close(Mat3.Identity, box.Rotation.Value * box.Rotation.Value.Transpose(), 1e-12, "QQᵀ");
        }
    }

    private static readonly int[] SiliconAndOxygen = [14, 8];

    [Fact]
    public void Turning_a_structure_into_standard_orientation_keeps_distances_force_magnitudes_and_stress_invariants()
    {
        var random = new Random(12);
        for (var trial = 0; trial < 20; trial++)
        {
            var structure = RandomStructures.Periodic(random, 12, SiliconAndOxygen);
            structure.Velocities = structure.Reference!.Forces!.Select(f => 0.01 * f).ToArray();

            var turned = LammpsBox.ToStandardOrientation(structure);

            LammpsBox.IsStandardOrientation(turned.Cell).Should().BeTrue();
            LammpsTestText.CloseAll(LammpsTestText.PairDistances(structure), LammpsTestText.PairDistances(turned), 1e-10, "distances");
            for (var i = 0; i < structure.Count; i++)
            {
                StructureAssert.Close([structure.Cell.ToFractional(structure.Positions[i])], [turned.Cell.ToFractional(turned.Positions[i])], 1e-10, "fractional");
                turned.Velocities![i].Length.Should().BeApproximately(structure.Velocities[i].Length, 1e-14);
            }

            foreach (var (before, after) in new[] { (structure.Reference, turned.Reference!), (structure.Calculated!, turned.Calculated!) })
            {
                after.Energy.Should().Be(before.Energy);
                for (var i = 0; i < structure.Count; i++)
                {
                    after.Forces![i].Length.Should().BeApproximately(before.Forces![i].Length, 1e-14);
                }

                var (trace, second, determinant) = Invariants(before.Stress!.Value);
                var (trace2, second2, determinant2) = Invariants(after.Stress!.Value);
                trace2.Should().BeApproximately(trace, 1e-15);
                second2.Should().BeApproximately(second, 1e-16);
                determinant2.Should().BeApproximately(determinant, 1e-18);
                after.Stress.Should().NotBe(before.Stress, "a general rotation changes the tensor's components");
            }
        }
    }

    [Fact]
    public void The_original_structure_is_left_unchanged()
    {
        var structure = RandomStructures.Periodic(new Random(3), 4, SiliconAndOxygen);
        var copy = structure.Clone();

        LammpsBox.ToStandardOrientation(structure);

        StructureAssert.Equivalent(copy, structure, 0);
    }

    [Fact]
    public void A_left_handed_cell_is_mirrored_into_a_right_handed_box()
    {
        var cell = new Cell(new Vec3(0, 4, 0), new Vec3(5, 0, 0), new Vec3(1, 1, 6));
        cell.Matrix.Determinant.Should().BeNegative();
        var structure = new Structure(cell, Pbc.All, [14, 14, 8], [new(0.1, 0.2, 0.3), new(2, 1, 4), new(3, 3, 1)]);

        var box = LammpsBox.FromCell(cell);
        var turned = LammpsBox.ToStandardOrientation(structure);

        box.Rotation!.Value.Determinant.Should().BeApproximately(-1, 1e-12);
        (box.Lx, box.Ly, box.Lz).Should().Be((4, 5, 6));
        LammpsTestText.CloseAll(LammpsTestText.PairDistances(structure), LammpsTestText.PairDistances(turned), 1e-12, "distances");
    }

    [Fact]
    public void A_degenerate_cell_has_no_box()
    {
        var act = () => LammpsBox.FromCell(Cell.Empty);

        act.Should().Throw<ArgumentException>().WithMessage("*degenerate*");
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, -1, 1)]
    [InlineData(1, 1, double.NaN)]
    public void Box_lengths_must_be_positive(double lx, double ly, double lz)
    {
        var act = () => new LammpsBox(lx, ly, lz);

        act.Should().Throw<ArgumentException>();
    }

    private static (double Trace, double Second, double Determinant) Invariants(Mat3 s) =>
        (s.Trace, (s.XX * s.YY) + (s.YY * s.ZZ) + (s.XX * s.ZZ) - (s.XY * s.YX) - (s.YZ * s.ZY) - (s.XZ * s.ZX), s.Determinant);
}
