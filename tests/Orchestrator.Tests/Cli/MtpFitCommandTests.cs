using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class MtpFitCommandTests
{
    private static List<Structure> Labelled(int seed, int count)
    {
        var random = new Random(seed);
        var teacher = StillingerWeber.Silicon();
        var evaluation = new Evaluation(1);
        var frames = new List<Structure>();
        for (var i = 0; i < count; i++)
        {
            var frame = RandomStructures.Rattled(random, Zincblende.Strained(random, Zincblende.Conventional(5.431, 14, 14), 0.02), 0.1);
            frame.Info["config_type"] = i % 2 == 0 ? "rattled" : "strained";
            teacher.Compute(frame, evaluation);
            frame.Reference = evaluation.ToLabels(frame);
            frames.Add(frame);
        }

        return frames;
    }

    [Fact]
    public async Task Init_writes_a_template_with_the_standard_number_of_basis_functions()
    {
        using var directory = new TempDirectory();

        var result = await Run("mtp", "init", "--level", "16", "--species", "Si", "-o", directory.File("init.mtp"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var model = MtpFile.Read(directory.File("init.mtp"));
        model.ScalarMomentsCount.Should().Be(92);
        model.RadialFuncsCount.Should().Be(4);
        model.IsTrained.Should().BeFalse();
        result.StandardError.Should().Contain("92 basis functions");
    }

    [Fact]
    public async Task Fit_then_eval_reproduces_the_teacher_closely()
    {
        using var directory = new TempDirectory();
        var extxyz = StructureFormats.FindByName("extxyz")!;
        StructureFiles.Write(directory.File("train.extxyz"), Labelled(1, 40), extxyz);
        var validation = Labelled(2, 10);
        StructureFiles.Write(directory.File("valid.extxyz"), validation, extxyz);
        (await Run("mtp", "init", "--level", "10", "--species", "Si", "-o", directory.File("init.mtp"))).ExitCode.Should().Be(0);

        var fit = await Run(
            "fit", "--init", directory.File("init.mtp"), "--species", "Si", "--train", directory.File("train.extxyz"),
            "--valid", directory.File("valid.extxyz"), "-o", directory.File("si.mtp"), "--json");

        fit.ExitCode.Should().Be(ExitCodes.Ok, fit.StandardError);
        fit.StandardError.Should().Contain("Validation set:").And.Contain("rattled").And.Contain("strained");
        fit.StandardOutput.Should().Contain("\"valid\"");
        var eval = await Run("eval", "-p", directory.File("si.mtp"), "--labels", "calculated", directory.File("valid.extxyz"), directory.File("pred.extxyz"));
        eval.ExitCode.Should().Be(ExitCodes.Ok, eval.StandardError);
        var predicted = StructureFiles.ReadAll(directory.File("pred.extxyz"));
        for (var i = 0; i < validation.Count; i++)
        {
            var perAtom = Math.Abs(predicted[i].Calculated!.Energy!.Value - validation[i].Reference!.Energy!.Value) / validation[i].Count;
            perAtom.Should().BeLessThan(0.02, $"structure {i}: a level-10 MTP fitted to 40 SW frames is within 20 meV/atom");
        }
    }

    [Fact]
    public async Task Fit_can_refine_the_radial_functions_and_says_so()
    {
        using var directory = new TempDirectory();
        StructureFiles.Write(directory.File("train.extxyz"), Labelled(3, 12), StructureFormats.FindByName("extxyz")!);
        (await Run("mtp", "init", "--level", "6", "--species", "Si", "-o", directory.File("init.mtp"))).ExitCode.Should().Be(0);

        var result = await Run(
            "fit", "--init", directory.File("init.mtp"), "--species", "Si", "--train", directory.File("train.extxyz"),
            "--refine-steps", "2", "--refine-every", "2", "-o", directory.File("si.mtp"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        result.StandardError.Should().Contain("Refined the radial functions on 6 structures");
        MtpFile.Read(directory.File("si.mtp")).RadialCoeffs.Should().NotEqual(
            MtpInitialisation.WithDefaultCoefficients(MtpFile.Read(directory.File("init.mtp"))).RadialCoeffs);
    }

    [Theory]
    [InlineData("--level", "40", "level")]
    [InlineData("--species", "Si,Qq", "'Qq' is not a chemical element")]
    public async Task Init_refuses_what_it_cannot_build(string option, string value, string message)
    {
        using var directory = new TempDirectory();
        string[] args = ["mtp", "init", "--level", "8", "--species", "Si", "-o", directory.File("x.mtp")];
        args[Array.IndexOf(args, option) + 1] = value;

        var result = await Run(args);

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain(message);
        File.Exists(directory.File("x.mtp")).Should().BeFalse();
    }

    [Fact]
    public async Task Fit_with_a_species_list_that_does_not_match_the_template_is_bad_input()
    {
        using var directory = new TempDirectory();
        StructureFiles.Write(directory.File("train.extxyz"), Labelled(1, 3), StructureFormats.FindByName("extxyz")!);
        (await Run("mtp", "init", "--level", "6", "--species", "Si", "-o", directory.File("init.mtp"))).ExitCode.Should().Be(0);

        var result = await Run("fit", "--init", directory.File("init.mtp"), "--species", "Si,O", "--train", directory.File("train.extxyz"), "-o", directory.File("out.mtp"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        File.Exists(directory.File("out.mtp")).Should().BeFalse();
    }
}
