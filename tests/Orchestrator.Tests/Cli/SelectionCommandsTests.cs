using static ActiveLearning.Orchestrator.Tests.Cli.AlRunner;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Cli;

public sealed class SelectionCommandsTests
{
    private static (string Potential, string Train, string Candidates) Setup(TempDirectory directory)
    {
        var extxyz = StructureFormats.FindByName("extxyz")!;
        MtpFile.Write(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(8, 1, 1.9, 5.0)), directory.File("si.mtp"));
        StructureFiles.Write(directory.File("train.extxyz"), SiliconDataset.Frames(12, temperatures: 2), extxyz);
        var random = new Random(9);
        List<Structure> candidates =
        [
            RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2), 0.02),
            RandomStructures.Spread(random, Cell.Orthorhombic(9, 9, 9), 30, [14], 2.1),
            RandomStructures.Rattled(random, Zincblende.Repeated(Zincblende.Conventional(5.0, 14, 14), 2, 2, 2), 0.2),
        ];
        StructureFiles.Write(directory.File("candidates.extxyz"), candidates, extxyz);
        return (directory.File("si.mtp"), directory.File("train.extxyz"), directory.File("candidates.extxyz"));
    }

    [Fact]
    public async Task Grade_writes_frame_and_atom_grades_and_a_saved_active_set_reproduces_them()
    {
        using var directory = new TempDirectory();
        var (potential, train, candidates) = Setup(directory);

        var built = await Run("grade", "-p", potential, "--train", train, "--save-active-set", directory.File("si.active"), candidates, directory.File("g1.extxyz"));
        var loaded = await Run("grade", "-p", potential, "--active-set", directory.File("si.active"), candidates, directory.File("g2.extxyz"));

        built.ExitCode.Should().Be(ExitCodes.Ok, built.StandardError);
        loaded.ExitCode.Should().Be(ExitCodes.Ok, loaded.StandardError);
        var first = StructureFiles.ReadAll(directory.File("g1.extxyz"));
        var second = StructureFiles.ReadAll(directory.File("g2.extxyz"));
        var gammas = first.Select(s => s.Info["gamma"].AsReal()).ToList();
        second.Select(s => s.Info["gamma"].AsReal()).Should().Equal(gammas);
        gammas[0].Should().BeLessThan(gammas[1], "a thermal crystal is closer to the training data than a random cell");
        gammas[1].Should().BeGreaterThan(1);
        var perAtom = (double[])first[1].FindArray("gamma_atom")!.Data;
        perAtom.Max().Should().Be(gammas[1]);
    }

    [Fact]
    public async Task Select_returns_the_most_informative_candidates_with_their_grades()
    {
        using var directory = new TempDirectory();
        var (potential, train, candidates) = Setup(directory);

        var result = await Run("select", "-p", potential, "--train", train, "--candidates", candidates, "--limit", "2", directory.File("selected.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var selected = StructureFiles.ReadAll(directory.File("selected.extxyz"));
        selected.Should().HaveCount(2);
        selected.Select(s => s.Info["selection_order"].AsInteger()).Should().Equal(0, 1);
        selected.Select(s => s.Info["candidate_index"].AsInteger()).Should().OnlyHaveUniqueItems().And.NotContain(0, "the thermal crystal adds least");
    }

    [Theory]
    [InlineData(true, true, "exactly one of --train")]
    [InlineData(false, false, "exactly one of --train")]
    public async Task The_active_set_comes_from_exactly_one_source(bool train, bool active, string message)
    {
        using var directory = new TempDirectory();
        var (potential, trainPath, candidates) = Setup(directory);
        List<string> args = ["grade", "-p", potential, candidates, directory.File("out.extxyz")];
        if (train)
        {
            args.AddRange(["--train", trainPath]);
        }

        if (active)
        {
            args.AddRange(["--active-set", directory.File("missing.active")]);
        }

        var result = await Run([.. args]);

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain(message);
    }

    [Fact]
    public async Task A_potential_that_is_not_linear_is_refused()
    {
        using var directory = new TempDirectory();
        var (_, train, candidates) = Setup(directory);

        var result = await Run("grade", "-p", "sw", "--train", train, candidates, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.BadInput);
        result.StandardError.Should().Contain("linear");
    }
}
