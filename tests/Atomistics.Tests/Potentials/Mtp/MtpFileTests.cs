using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

public sealed class MtpFileTests
{
    // MLIP-2's layout: tab-indented radial section, one block per ordered species pair.
    private const string TrainedTwoSpecies =
        "MTP\n" +
        "version = 1.1.0\n" +
        "potential_name = MTP1m\n" +
        "scaling = 1.25e+00\n" +
        "species_count = 2\n" +
        "potential_tag = \n" +
        "radial_basis_type = RBChebyshev\n" +
        "\tmin_dist = 1.5\n" +
        "\tmax_dist = 5.000000000000000e+00\n" +
        "\tradial_basis_size = 3\n" +
        "\tradial_funcs_count = 2\n" +
        "\tradial_coeffs\n" +
        "\t\t0-0\n" +
        "\t\t\t{1, 2, 3}\n" +
        "\t\t\t{4, 5, 6}\n" +
        "\t\t0-1\n" +
        "\t\t\t{7, 8, 9}\n" +
        "\t\t\t{10, 11, 12}\n" +
        "\t\t1-0\n" +
        "\t\t\t{13, 14, 15}\n" +
        "\t\t\t{16, 17, 18}\n" +
        "\t\t1-1\n" +
        "\t\t\t{19, 20, 21}\n" +
        "\t\t\t{-2.2e-01, 2.3E+01, 24}\n" +
        "alpha_moments_count = 8\n" +
        "alpha_index_basic_count = 5\n" +
        "alpha_index_basic = {{0, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}}\n" +
        "alpha_index_times_count = 5\n" +
        "alpha_index_times = {{0, 0, 1, 5}, {1, 1, 1, 6}, {2, 2, 1, 6}, {3, 3, 1, 6}, {0, 5, 1, 7}}\n" +
        "alpha_scalar_moments = 5\n" +
        "alpha_moment_mapping = {0, 4, 5, 6, 7}\n" +
        "species_coeffs = {-3.5, -4.25}\n" +
        "moment_coeffs = {0.1, -0.2, 0.3, -0.4, 0.5}\n";

    private const string Untrained =
        "MTP\n" +
        "version = 1.1.0\n" +
        "potential_name = MTP1m\n" +
        "species_count = 1\n" +
        "potential_tag = \n" +
        "radial_basis_type = RBChebyshev\n" +
        "\tmin_dist = 2\n" +
        "\tmax_dist = 5\n" +
        "\tradial_basis_size = 8\n" +
        "\tradial_funcs_count = 2\n" +
        "\talpha_moments_count = 8\n" +
        "alpha_index_basic_count = 5\n" +
        "alpha_index_basic = {{0, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}}\n" +
        "alpha_index_times_count = 5\n" +
        "alpha_index_times = {{0, 0, 1, 5}, {1, 1, 1, 6}, {2, 2, 1, 6}, {3, 3, 1, 6}, {0, 5, 1, 7}}\n" +
        "alpha_scalar_moments = 5\n" +
        "alpha_moment_mapping = {0, 4, 5, 6, 7}\n";

    private static MtpModel Parse(string text, string name = "test.mtp") => MtpFile.Read(new StringReader(text), name);

    private static string WriteToText(MtpModel model)
    {
        using var writer = new StringWriter();
        MtpFile.Write(model, writer);
        return writer.ToString();
    }

    [Fact]
    public void A_trained_file_is_read_with_pair_blocks_in_centre_neighbour_order()
    {
        var model = Parse(TrainedTwoSpecies);

        model.IsTrained.Should().BeTrue();
        model.Version.Should().Be("1.1.0");
        model.PotentialName.Should().Be("MTP1m");
        model.Scaling.Should().Be(1.25);
        model.HasScaling.Should().BeTrue();
        model.SpeciesCount.Should().Be(2);
        (model.MinDist, model.MaxDist, model.RadialBasisSize, model.RadialFuncsCount).Should().Be((1.5, 5.0, 3, 2));
        model.RadialCoeffs.Should().HaveCount(24);
        // Index [((t_i·S + t_j)·μcount + μ)·K + k]: pair 1-0, μ = 1, k = 2 is the 18.
        model.RadialCoeffs![((((1 * 2) + 0) * 2) + 1) * 3 + 2].Should().Be(18);
        model.RadialCoeffs[21].Should().Be(-0.22);
        model.RadialCoeffs[22].Should().Be(23);
        model.AlphaMomentsCount.Should().Be(8);
        model.AlphaIndexBasic.Should().HaveCount(5);
        model.AlphaIndexBasic[4].Should().Equal(1, 0, 0, 0);
        model.AlphaIndexTimes[4].Should().Equal(0, 5, 1, 7);
        model.AlphaMomentMapping.Should().Equal(0, 4, 5, 6, 7);
        model.SpeciesCoeffs.Should().Equal(-3.5, -4.25);
        model.MomentCoeffs.Should().Equal(0.1, -0.2, 0.3, -0.4, 0.5);
    }

    [Fact]
    public void An_untrained_template_has_tables_and_no_coefficients()
    {
        var model = Parse(Untrained);

        model.IsTrained.Should().BeFalse();
        model.RadialCoeffs.Should().BeNull();
        model.SpeciesCoeffs.Should().BeNull();
        model.MomentCoeffs.Should().BeNull();
        model.HasScaling.Should().BeFalse();
        model.Scaling.Should().Be(1);
        model.ScalarMomentsCount.Should().Be(5);
        Parse(WriteToText(model)).Should().BeEquivalentTo(model);
        WriteToText(model).Should().NotContain("radial_coeffs").And.NotContain("scaling");
    }

    [Fact]
    public void Writing_uses_mlip_layout()
    {
        var text = WriteToText(Parse(TrainedTwoSpecies));
        var lines = text.Split('\n');

        lines[0].Should().Be("MTP");
        lines[1].Should().Be("version = 1.1.0");
        text.Should().Contain("potential_tag = \n");
        text.Should().Contain("\tradial_coeffs\n\t\t0-0\n\t\t\t{1, 2, 3}\n\t\t\t{4, 5, 6}\n\t\t0-1\n");
        text.Should().Contain("\t\t1-1\n\t\t\t{19, 20, 21}\n\t\t\t{-0.22, 23, 24}\n");
        text.Should().Contain("alpha_index_basic = {{0, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}}\n");
        text.Should().Contain("species_coeffs = {-3.5, -4.25}\nmoment_coeffs = {0.1, -0.2, 0.3, -0.4, 0.5}\n");
        text.Should().NotContain("\r");
    }

    [Fact]
    public void Write_then_read_gives_a_bit_identical_model_and_predictions()
    {
        var random = new Random(21);
        var model = MtpTemplates.Rich(random, 2);
        model.Scaling = 0.1 + 0.2;
        model.HasScaling = true;
        model.MinDist = 1.0 / 3;
        model.RadialCoeffs![0] = 1e-300;
        model.RadialCoeffs[1] = -2.2250738585072014E-308;
        model.MomentCoeffs![0] = Math.PI * 1e17;
        using var directory = new TempDirectory();
        var path = directory.File("rich.mtp");

        MtpFile.Write(model, path);
        var read = MtpFile.Read(path);

        read.Should().BeEquivalentTo(model);
        Bits(read.RadialCoeffs!).Should().Equal(Bits(model.RadialCoeffs));
        Bits(read.MomentCoeffs!).Should().Equal(Bits(model.MomentCoeffs));
        Bits(read.SpeciesCoeffs!).Should().Equal(Bits(model.SpeciesCoeffs!));
        Bits([read.Scaling, read.MinDist, read.MaxDist]).Should().Equal(Bits([model.Scaling, model.MinDist, model.MaxDist]));
        WriteToText(read).Should().Be(WriteToText(model));

        var structure = RandomStructures.Spread(random, RandomStructures.TriclinicCell(random, 6.5, 8, 60), 12, [14, 8], 2.0);
        var original = new Evaluation(threads: 1);
        var reread = new Evaluation(threads: 1);
        new MomentTensorPotential(model, [14, 8]).Compute(structure, original);
        MomentTensorPotential.FromFile(path, [14, 8]).Compute(structure, reread);
        reread.Energy.Should().Be(original.Energy);
        reread.Forces.Should().Equal(original.Forces);
        reread.Virial.Should().Be(original.Virial);
    }

    [Fact]
    public void A_list_may_continue_over_several_lines_and_extra_blank_lines_are_ignored()
    {
        var text = TrainedTwoSpecies
            .Replace("{0, 4, 5, 6, 7}", "{0, 4,\n   5, 6,\n 7}", StringComparison.Ordinal)
            .Replace("alpha_moments_count", "\n\nalpha_moments_count", StringComparison.Ordinal);

        Parse(text).AlphaMomentMapping.Should().Equal(0, 4, 5, 6, 7);
    }

    [Theory]
    [InlineData("alpha_index_basic_count = 5", "alpha_index_basic_count = 6", 27, "*alpha_index_basic has 5 entries*alpha_index_basic_count is 6*")]
    [InlineData("alpha_index_times_count = 5", "alpha_index_times_count = 4", 29, "*alpha_index_times has 5 entries*")]
    [InlineData("alpha_scalar_moments = 5", "alpha_scalar_moments = 3", 31, "*alpha_moment_mapping has 5 entries*alpha_scalar_moments is 3*")]
    [InlineData("{4, 5, 6}", "{4, 5, x6}", 15, "*radial_coeffs 0-0*'x6' is not*number*")]
    [InlineData("{4, 5, 6}", "{4, 5}", 15, "*0-0 function 1 has 2 values*radial_basis_size is 3*")]
    [InlineData("species_coeffs = {-3.5, -4.25}", "species_coeffs = {-3.5}", 32, "*species_coeffs has 1 values*expected 2*")]
    [InlineData("moment_coeffs = {0.1, -0.2, 0.3, -0.4, 0.5}", "moment_coeffs = {0.1, -0.2}", 33, "*moment_coeffs has 2 values*")]
    [InlineData("alpha_moment_mapping = {0, 4, 5, 6, 7}", "alpha_moment_mapping = {0, 4, 5, 6, 70}", 31, "*alpha_moment_mapping refers to moment 70*")]
    [InlineData("{1, 0, 0, 0}}", "{2, 0, 0, 0}}", 27, "*alpha_index_basic entry {2, 0, 0, 0}*")]
    [InlineData("{0, 5, 1, 7}}", "{0, 5, 1}}", 29, "*alpha_index_times entry 4 has 3 numbers*")]
    [InlineData("\tmax_dist = 5.000000000000000e+00", "\tmax_dist = five", 9, "*max_dist*'five' is not*number*")]
    [InlineData("\tradial_basis_size = 3", "\tradial_basis_size = 3.5", 10, "*radial_basis_size*'3.5' is not an integer*")]
    [InlineData("version = 1.1.0", "version = 2.0.0", 2, "*version*2.0.0*not supported*")]
    [InlineData("radial_basis_type = RBChebyshev", "radial_basis_type = RBShapeev", 7, "*RBShapeev*not supported*")]
    [InlineData("potential_tag = ", "potential_tog = ", 6, "*unknown key 'potential_tog'*")]
    [InlineData("\t\t1-0\n", "\t\t0-1\n", 19, "*pair 0-1 appears twice*")]
    [InlineData("\t\t1-0\n", "\t\t1-2\n", 19, "*pair 1-2 is outside species_count*")]
    [InlineData("\t\t\t{16, 17, 18}\n", "", 21, "*pair 1-0 has 1 radial functions*radial_funcs_count is 2*")]
    [InlineData("species_count = 2\n", "species_count = 2\nspecies_count = 2\n", 6, "*'species_count' appears twice*line 5*")]
    public void Malformed_files_fail_with_the_file_and_line(string original, string replacement, int line, string message)
    {
        var text = TrainedTwoSpecies.Replace(original, replacement, StringComparison.Ordinal);
        text.Should().NotBe(TrainedTwoSpecies);

        var error = FluentActions.Invoking(() => Parse(text, "bad.mtp")).Should().Throw<StructureFormatException>().Which;

        error.Message.Should().StartWith($"bad.mtp:{line}: ");
        error.Line.Should().Be(line);
        error.Message.Should().Match(message);
    }

    [Fact]
    public void A_missing_table_or_header_fails_clearly()
    {
        var noMapping = Untrained.Replace("alpha_moment_mapping = {0, 4, 5, 6, 7}\n", string.Empty, StringComparison.Ordinal);
        FluentActions.Invoking(() => Parse(noMapping, "t.mtp")).Should().Throw<StructureFormatException>()
            .WithMessage("t.mtp:16: *without 'alpha_moment_mapping'*");

        FluentActions.Invoking(() => Parse("MLIP\nversion = 1.1.0\n", "t.mtp")).Should().Throw<StructureFormatException>()
            .WithMessage("t.mtp:1: *starts with the line 'MTP'*");

        var truncated = TrainedTwoSpecies[..TrainedTwoSpecies.IndexOf("\t\t1-1", StringComparison.Ordinal)];
        FluentActions.Invoking(() => Parse(truncated, "t.mtp")).Should().Throw<StructureFormatException>()
            .WithMessage("t.mtp:*ends inside radial_coeffs: 3 of 4 species pairs*");

        var early = TrainedTwoSpecies.Replace("\tradial_funcs_count = 2\n", string.Empty, StringComparison.Ordinal);
        FluentActions.Invoking(() => Parse(early, "t.mtp")).Should().Throw<StructureFormatException>()
            .WithMessage("t.mtp:11: radial_coeffs must come after radial_funcs_count");

        var open = Untrained.Replace("{0, 4, 5, 6, 7}", "{0, 4, 5, 6, 7", StringComparison.Ordinal);
        FluentActions.Invoking(() => Parse(open, "t.mtp")).Should().Throw<StructureFormatException>()
            .WithMessage("t.mtp:17: *unclosed*");
    }

    [Fact]
    public void Writing_an_inconsistent_model_is_refused()
    {
        var model = Parse(TrainedTwoSpecies);
        model.MomentCoeffs = [1, 2];

        FluentActions.Invoking(() => WriteToText(model)).Should().Throw<ArgumentException>().WithMessage("*moment_coeffs*");
    }

    [Fact]
    public void A_potential_reads_a_trained_file_by_path_and_names_itself_after_it()
    {
        using var directory = new TempDirectory();
        var path = directory.File("SiO.mtp");
        File.WriteAllText(path, TrainedTwoSpecies);

        var potential = MomentTensorPotential.FromFile(path, [14, 8]);

        potential.Name.Should().Be("mtp:SiO.mtp");
        potential.Cutoff.Should().Be(5.0);
        potential.Parameters.Should().Equal(-3.5, -4.25, 0.1, -0.2, 0.3, -0.4, 0.5);
        var untrained = directory.File("untrained.mtp");
        File.WriteAllText(untrained, Untrained);
        FluentActions.Invoking(() => MomentTensorPotential.FromFile(untrained, [14])).Should().Throw<ArgumentException>();
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
