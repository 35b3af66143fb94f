using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Core;

public sealed class CellTests
{
    [Fact]
    public void Fractional_and_cartesian_coordinates_convert_both_ways()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 100; trial++)
        {
            var cell = RandomStructures.TriclinicCell(random, minAngle: 30);
            var fractional = new Vec3(random.NextDouble(), random.NextDouble() - 2, random.NextDouble() + 5);

            var cartesian = cell.ToCartesian(fractional);

            cartesian.Should().Be((fractional.X * cell.A) + (fractional.Y * cell.B) + (fractional.Z * cell.C));
            StructureAssert.Close(new[] { fractional }, new[] { cell.ToFractional(cartesian) }, 1e-12, "fractional");
        }
    }

    [Fact]
    public void Parameters_give_the_standard_orientation_with_the_requested_lengths_and_angles()
    {
        var cell = Cell.FromParameters(3, 4, 5, 80, 95, 110);

        cell.A.Y.Should().Be(0);
        cell.A.Z.Should().Be(0);
        cell.B.Z.Should().Be(0);
        StructureAssert.Close(new[] { new Vec3(3, 4, 5), new Vec3(80, 95, 110) }, new[] { cell.Lengths, cell.AnglesDegrees }, 1e-12, "parameters");
        cell.Volume.Should().BeApproximately(Math.Abs(cell.A.Dot(cell.B.Cross(cell.C))), 1e-12);
    }

    [Fact]
    public void Right_angles_give_an_exactly_orthogonal_cell()
    {
        Cell.FromParameters(2, 3, 4, 90, 90, 90).Matrix.Should().Be(new Mat3(2, 0, 0, 0, 3, 0, 0, 0, 4));
    }

    [Fact]
    public void Impossible_angles_are_refused()
    {
        var create = () => Cell.FromParameters(1, 1, 1, 60, 60, 150);

        create.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Reciprocal_vectors_are_dual_to_the_lattice_and_plane_spacings_are_face_distances()
    {
        var cell = Cell.FromParameters(3, 4, 5, 70, 80, 100);

        var product = cell.Matrix * cell.Reciprocal.Transpose();

        StructureAssert.Close(Mat3.Identity, product, 1e-12, "a_i·r_j");
        // The spacing of the (b, c) planes is the volume over the area of the b×c face.
        cell.PlaneSpacings.X.Should().BeApproximately(cell.Volume / cell.B.Cross(cell.C).Length, 1e-12);
    }

    [Fact]
    public void Wrapping_maps_periodic_directions_into_the_cell_and_leaves_others()
    {
        var cell = Cell.FromParameters(3, 4, 5, 70, 80, 100);
        var position = cell.ToCartesian(new Vec3(1.25, -0.5, 3.75));

        var wrapped = cell.ToFractional(cell.Wrap(position, new Pbc(true, true, false)));

        wrapped.X.Should().BeApproximately(0.25, 1e-12);
        wrapped.Y.Should().BeApproximately(0.5, 1e-12);
        wrapped.Z.Should().BeApproximately(3.75, 1e-12);
    }

    [Fact]
    public void Minimum_image_is_the_shortest_equivalent_vector_even_in_very_skewed_cells()
    {
        var random = new Random(9);
        for (var trial = 0; trial < 200; trial++)
        {
            var cell = RandomStructures.TriclinicCell(random, minLength: 2, maxLength: 10, minAngle: 15);
            var delta = cell.ToCartesian(new Vec3(random.NextDouble() * 6 - 3, random.NextDouble() * 6 - 3, random.NextDouble() * 6 - 3));

            var shortest = cell.MinimumImage(delta, Pbc.All);

            var brute = double.MaxValue;
            for (var i = -12; i <= 12; i++)
            {
                for (var j = -12; j <= 12; j++)
                {
                    for (var k = -12; k <= 12; k++)
                    {
                        brute = Math.Min(brute, (delta + cell.ToCartesian(new Vec3(i, j, k))).Length);
                    }
                }
            }

            shortest.Length.Should().BeApproximately(brute, 1e-9);
            var shift = cell.ToFractional(shortest - delta);
            shift.X.Should().BeApproximately(Math.Round(shift.X), 1e-9, "the result differs from the input by a lattice vector");
        }
    }

    [Fact]
    public void A_degenerate_cell_refuses_fractional_coordinates()
    {
        Cell.Empty.IsDegenerate.Should().BeTrue();
        var convert = () => Cell.Empty.ToFractional(new Vec3(1, 2, 3));

        convert.Should().Throw<InvalidOperationException>().WithMessage("*degenerate*");
    }
}
