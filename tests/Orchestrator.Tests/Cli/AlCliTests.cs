using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class AlCliTests
{
    private const string OneAtom = "1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n";

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var result = await Run("--version");

        result.ExitCode.Should().Be(ExitCodes.Ok);
        result.StandardOutput.Trim().Should().Be(AlCli.Version).And.MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public async Task Help_teaches_the_commands_and_the_exit_codes()
    {
        var result = await Run("--help");

        result.ExitCode.Should().Be(ExitCodes.Ok);
        result.StandardOutput.Should().Contain("convert").And.Contain("Exit codes");
    }

    [Theory]
    [InlineData("convert")]
    [InlineData("eval")]
    [InlineData("md")]
    [InlineData("relax")]
    [InlineData("mtp", "init")]
    [InlineData("fit")]
    [InlineData("grade")]
    [InlineData("select")]
    public async Task Every_command_explains_itself_with_examples_even_without_its_required_arguments(params string[] command)
    {
        var result = await Run([.. command, "--help"]);

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardOutput.Should().Contain("Usage:").And.Contain("Example");
    }

    [Fact]
    public async Task The_root_help_lists_one_line_per_command()
    {
        var result = await Run("--help");

        result.StandardOutput.Should().Contain("  md         Run molecular dynamics with a potential.");
        result.StandardOutput.Should().NotContain("Examples:");
    }

    [Fact]
    public async Task Convert_help_lists_every_format()
    {
        var result = await Run("convert", "--help");

        result.ExitCode.Should().Be(ExitCodes.Ok);
        foreach (var format in ActiveLearning.Atomistics.Formats.StructureFormats.All)
        {
            result.StandardOutput.Should().Contain(format.Name);
        }

        result.StandardOutput.Should().Contain("--species-map");
    }

    [Fact]
    public async Task An_unknown_option_is_bad_input()
    {
        var result = await Run("convert", "a.xyz", "b.xyz", "--no-such-option");

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("--no-such-option");
    }

    [Fact]
    public async Task A_missing_input_file_is_bad_input_and_named()
    {
        using var directory = new TempDirectory();

        var result = await Run("convert", directory.File("missing.xyz"), directory.File("out.xyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("missing.xyz");
        directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public async Task An_unrecognised_file_name_asks_for_a_format()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("in.xyz"), OneAtom);

        var result = await Run("convert", directory.File("in.xyz"), directory.File("out.unknown"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("out.unknown").And.Contain("--format");
    }

    [Fact]
    public async Task An_unknown_format_name_is_bad_input()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("in.xyz"), OneAtom);

        var result = await Run("convert", directory.File("in.xyz"), directory.File("out.txt"), "--format", "pdb");

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("unknown format 'pdb'");
    }

    [Fact]
    public async Task A_bad_species_map_is_bad_input()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("in.xyz"), OneAtom);

        var result = await Run("convert", directory.File("in.xyz"), directory.File("out.xyz"), "--species-map", "Si,Oxygen");

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("'Oxygen' is not a chemical element symbol");
    }

    [Fact]
    public async Task Malformed_input_leaves_an_existing_output_untouched_and_no_temporary_file()
    {
        using var directory = new TempDirectory();
        var input = directory.File("in.xyz");
        File.WriteAllText(input, OneAtom + "2\nProperties=species:S:1:pos:R:3\nSi 0 0 0\nSi 1 1 x\n");
        var output = directory.File("out.xyz");
        File.WriteAllText(output, "previous content");

        var result = await Run("convert", input, output);

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain($"{input}:7: column 'pos': 'x' is not a number");
        File.ReadAllText(output).Should().Be("previous content");
        directory.FileNames().Should().Equal("in.xyz", "out.xyz");
    }

    [Fact]
    public async Task Convert_reports_how_many_structures_it_wrote()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("in.xyz"), OneAtom + OneAtom);

        var result = await Run("convert", directory.File("in.xyz"), directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardError.Should().Contain("Wrote 2 structures");
        File.ReadAllText(directory.File("out.extxyz")).Should().Contain("Lattice=\"3.0 0.0 0.0");
    }

    [Fact]
    public async Task A_cancelled_conversion_reports_cancellation_not_failure_and_leaves_nothing()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("in.xyz"), OneAtom);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await AlCli.RunAsync(
            ["convert", directory.File("in.xyz"), directory.File("out.xyz")], output, error, TimeProvider.System, new CancellationToken(canceled: true));

        code.Should().Be(ExitCodes.Cancelled);
        error.ToString().Should().Contain("stopped on request");
        directory.FileNames().Should().Equal("in.xyz");
    }
}
