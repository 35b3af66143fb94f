using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials;

public sealed class PotentialLibraryTests
{
    private const string SiliconSw = """
        # Stillinger-Weber silicon, written for this test
        Si Si Si 2.1683 2.0951 1.80 21.0 1.20 -0.333333333333
                 7.049556277 0.6022245584 4.0 0.0 0.0
        """;

    [Theory]
    [InlineData("sw", typeof(StillingerWeber))]
    [InlineData("Stillinger-Weber", typeof(StillingerWeber))]
    [InlineData("tersoff", typeof(Tersoff))]
    [InlineData("lj:Ar:0.0104:3.4:8.5", typeof(LennardJones))]
    public void Built_in_names_need_no_file(string specification, Type kind)
    {
        var potential = PotentialLibrary.Load(specification, null, searchDirectories: []);

        potential.Should().BeOfType(kind);
    }

    [Fact]
    public void A_file_is_found_by_bare_name_in_the_search_directories_and_equals_the_built_in()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("MySi.sw"), SiliconSw);
        var diamond = Zincblende.Conventional(5.431, 14, 14);

        var fromFile = PotentialLibrary.Load("MySi.sw", [14], searchDirectories: [directory.Path]);
        var byKind = PotentialLibrary.Load($"sw:{directory.File("MySi.sw")}", [14]);

        var a = new Evaluation(1);
        var b = new Evaluation(1);
        fromFile.Compute(diamond, a);
        StillingerWeber.Silicon().Compute(diamond, b);
        a.Energy.Should().BeApproximately(b.Energy, 1e-12);
        byKind.Should().BeOfType<StillingerWeber>();
    }

    [Fact]
    public void Unknown_names_missing_files_missing_elements_and_bad_lj_parameters_are_explained()
    {
        var unknown = () => PotentialLibrary.Load("reaxff", null, searchDirectories: []);
        unknown.Should().Throw<ArgumentException>().WithMessage("*'reaxff'*built-in*lj:*");

        var missing = () => PotentialLibrary.Load("Nothing.sw", [14], searchDirectories: ["/nonexistent"]);
        missing.Should().Throw<FileNotFoundException>().WithMessage("*Nothing.sw*/nonexistent*");

        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("MySi.sw"), SiliconSw);
        var noElements = () => PotentialLibrary.Load(directory.File("MySi.sw"), null);
        noElements.Should().Throw<ArgumentException>().WithMessage("*Name the elements*");

        var badLj = () => PotentialLibrary.Load("lj:Ar:-1:3.4:8.5", null);
        badLj.Should().Throw<ArgumentException>().WithMessage("*lj:ELEMENT:EPSILON:SIGMA:CUTOFF*");
    }
}
