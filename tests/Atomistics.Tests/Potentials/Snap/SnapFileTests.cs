using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Snap;

public sealed class SnapFileTests
{
    private static readonly SnapHyperParameters Tiny = new(4.0, 2, 0.99363, 0, true, false, false);

    [Fact]
    public void Reads_the_zuo_silicon_files()
    {
        var model = SnapFile.Read("/usr/share/lammps/potentials/Si_Zuo_JPCA2020.snapcoeff", [14]);

        model.Parameters.Should().Be(new SnapHyperParameters(4.9, 8, 0.99363, 0, true, false, false));
        model.Elements.Should().ContainSingle();
        model.Elements[0].Radius.Should().Be(0.5);
        model.Elements[0].Weight.Should().Be(1);
        model.Elements[0].Coefficients.Should().HaveCount(56);
        model.Elements[0].Coefficients[0].Should().Be(-5.663990890722773);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 5)]
    [InlineData(6, 30)]
    [InlineData(8, 55)]
    public void Counts_bispectrum_components_as_lammps(int twoJMax, int count) =>
        SnapFile.ComponentCount(twoJMax).Should().Be(count);

    [Fact]
    public void Parameters_have_lammps_defaults()
    {
        var parameters = SnapFile.ReadParameters(["# comment", "rcutfac 4.2", "", "twojmax 6  # trailing"], "x.snapparam");

        parameters.Should().Be(new SnapHyperParameters(4.2, 6, 0.99363, 0, true, true, false));
    }

    [Theory]
    [InlineData(new[] { "rcutfac 4", "twojmax 6", "chemflag 1" }, "x.snapparam:3: chemflag 1 is not supported*")]
    [InlineData(new[] { "rcutfac 4", "twojmax 6", "switchinnerflag 1" }, "x.snapparam:3: switchinnerflag*not supported*")]
    [InlineData(new[] { "rcutfac 4", "nelems 2" }, "x.snapparam:2: unknown or unsupported SNAP keyword 'nelems'.")]
    [InlineData(new[] { "rcutfac 4", "twojmax six" }, "x.snapparam:2: 'six' is not a finite number.")]
    [InlineData(new[] { "rcutfac 4", "twojmax 6", "twojmax 8" }, "x.snapparam:3: 'twojmax' is given twice.")]
    [InlineData(new[] { "rcutfac 4" }, "x.snapparam: the required keyword 'twojmax' is missing.")]
    [InlineData(new[] { "rcutfac 4", "twojmax 6", "quadraticflag 2" }, "x.snapparam:3: quadraticflag must be 0 or 1.")]
    public void Parameter_errors_name_file_and_line(string[] lines, string message)
    {
        var act = () => SnapFile.ReadParameters(lines, "x.snapparam");

        act.Should().Throw<StructureFormatException>().WithMessage(message);
    }

    [Fact]
    public void Coefficients_are_taken_for_the_requested_elements_in_their_order()
    {
        string[] lines = ["2 6", "Ge 0.6 0.9", "1", "2", "3", "4", "5", "6", "Si 0.5 1", "-1 0.1 0.2", "0.3 0.4 0.5"];

        var elements = SnapFile.ReadCoefficients(lines, "x.snapcoeff", Tiny, [14, 32]);

        elements.Select(e => e.AtomicNumber).Should().Equal(14, 32);
        elements[0].Coefficients.Should().Equal(-1, 0.1, 0.2, 0.3, 0.4, 0.5);
        elements[1].Radius.Should().Be(0.6);
        elements[1].Weight.Should().Be(0.9);
    }

    [Theory]
    [InlineData(new[] { "1 7", "Si 0.5 1", "1", "2", "3", "4", "5", "6", "7" }, "x.snapcoeff:1: 7 coefficients per element, but twojmax 2 needs 6.")]
    [InlineData(new[] { "1 6", "Xx 0.5 1", "1", "2", "3", "4", "5", "6" }, "x.snapcoeff:2: 'Xx' is not an element symbol.")]
    [InlineData(new[] { "1 6", "Si 0.5 1", "1", "2", "3", "oops", "5", "6" }, "x.snapcoeff:6: 'oops' is not a finite number.")]
    [InlineData(new[] { "1 6", "Si 0.5 1", "1", "2", "3" }, "x.snapcoeff:5: the file ends where coefficient 4 of Si was expected.")]
    [InlineData(new[] { "1 6", "Si 0 1", "1", "2", "3", "4", "5", "6" }, "x.snapcoeff:2: the radius of Si must be positive.")]
    [InlineData(new[] { "1 6", "Ge 0.5 1", "1", "2", "3", "4", "5", "6" }, "x.snapcoeff: has no coefficients for Si.")]
    [InlineData(new[] { "1 6", "Si 0.5 1", "1", "2", "3", "4", "5", "6", "7" }, "x.snapcoeff:9: unexpected '7' after the 1 element blocks.")]
    public void Coefficient_errors_name_file_and_line(string[] lines, string message)
    {
        var act = () => SnapFile.ReadCoefficients(lines, "x.snapcoeff", Tiny, [14]);

        act.Should().Throw<StructureFormatException>().WithMessage(message);
    }

    [Theory]
    [InlineData("Si_Zuo_JPCA2020")]
    [InlineData("Mo_Zuo_JPCA2020.quadratic")]
    public void Written_models_read_back_identically(string name)
    {
        var original = SnapFile.Read($"/usr/share/lammps/potentials/{name}.snapcoeff", [name.StartsWith("Mo", StringComparison.Ordinal) ? 42 : 14]);
        var random = new Random(name.Length);
        var second = original.Elements[0] with
        {
            AtomicNumber = 32,
            Radius = 0.1 + 0.2,
            Weight = Math.PI / 3,
            Coefficients = [.. original.Elements[0].Coefficients.Select(c => c * (1 + (1e-3 * random.NextDouble())))],
        };
        var model = new SnapModel(original.Parameters with { InnerRadius = 0.3, SubtractSelf = true }, [original.Elements[0], second]);
        using var directory = new TempDirectory();
        var path = directory.File("fitted.snapcoeff");

        SnapFile.Write(path, model, "fitted by a test");
        var back = SnapFile.Read(path, [original.Elements[0].AtomicNumber, 32]);

        back.Parameters.Should().Be(model.Parameters);
        back.Elements.Should().HaveCount(2);
        for (var e = 0; e < 2; e++)
        {
            back.Elements[e].AtomicNumber.Should().Be(model.Elements[e].AtomicNumber);
            back.Elements[e].Radius.Should().Be(model.Elements[e].Radius);
            back.Elements[e].Weight.Should().Be(model.Elements[e].Weight);
            back.Elements[e].Coefficients.Should().Equal(model.Elements[e].Coefficients);
        }

        File.ReadLines(directory.File("fitted.snapparam")).First().Should().Be("# fitted by a test");
    }

    [Fact]
    public void Writing_a_model_with_the_wrong_coefficient_count_fails_with_the_element()
    {
        var model = new SnapModel(Tiny, [new SnapElement(14, 0.5, 1, [1, 2, 3])]);
        using var directory = new TempDirectory();

        var act = () => SnapFile.Write(directory.File("x.snapcoeff"), model);

        act.Should().Throw<ArgumentException>().WithMessage("Si has 3 coefficients, but the model needs 6.*");
        File.Exists(directory.File("x.snapcoeff")).Should().BeFalse();
    }
}
