using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Drivers.Tests.Labelling;

/// <summary>Settings are checked for every structure before anything is submitted, and every problem is listed.</summary>
public sealed class CodeLabellerValidationTests
{
    private static Structure SiliconAndAluminium() => new(
        Cell.Orthorhombic(5, 5, 5), Pbc.All, [14, 13], [new Vec3(0, 0, 0), new Vec3(2.5, 2.5, 2.5)]);

    private static Structure Silicon() => new(
        Cell.Orthorhombic(5, 5, 5), Pbc.All, [14, 14], [new Vec3(0, 0, 0), new Vec3(2.5, 2.5, 2.5)]);

    [Fact]
    public async Task Quantum_ESPRESSO_lists_a_missing_pseudopotential_file_a_species_without_one_and_bad_values_and_submits_nothing()
    {
        using var directory = new TempDirectory();
        using var scheduler = new LocalJobScheduler(directory.Path, 1);
        var settings = new QuantumEspressoSettings
        {
            Pseudopotentials = new Dictionary<string, string> { ["Si"] = "Si.nowhere.UPF" },
            PseudoDirectory = directory.Path,
            EcutWfc = -5,
            KPointSpacing = 0.5,
            MixingMode = "broyden",
        };
        var labeller = CodeLabellers.QuantumEspresso(settings, new CodeProfile { Executable = "pw.x", Ranks = 0 }, scheduler);

        var run = async () =>
        {
            await foreach (var outcome in labeller.LabelAsync([Silicon(), SiliconAndAluminium()], CancellationToken.None))
            {
                outcome.Should().BeNull("nothing may run");
            }
        };

        var problems = (await run.Should().ThrowAsync<LabelSettingsException>()).Which.Problems;
        problems.Should().BeEquivalentTo(
            "MPI ranks must be at least 1 (got 0)",
            "ecutwfc must be positive (got -5 Ry)",
            "unknown mixing_mode 'broyden' (plain, TF or local-TF)",
            "no pseudopotential for Al",
            $"the pseudopotential of Si, {Path.Combine(directory.Path, "Si.nowhere.UPF")}, does not exist");
        Directory.GetFileSystemEntries(directory.Path).Should().BeEmpty();
    }

    [Fact]
    public void CP2K_lists_an_unknown_method_missing_GPW_basis_and_a_missing_DFTB_directory()
    {
        using var directory = new TempDirectory();
        using var scheduler = new LocalJobScheduler(directory.Path, 1);
        var unknown = CodeLabellers.Cp2k(new Cp2kSettings { Method = (Cp2kMethod)42 }, null, scheduler);
        unknown.FindProblems([Silicon()]).Should().Contain("unknown method 42");

        var gpw = CodeLabellers.Cp2k(new Cp2kSettings { Method = Cp2kMethod.DftGpw, MaxScf = 0 }, null, scheduler);
        gpw.FindProblems([Silicon(), SiliconAndAluminium()]).Should().BeEquivalentTo(
            "no basis set for Si", "no potential for Si", "no basis set for Al", "no potential for Al", "MAX_SCF must be at least 1 (got 0)");

        var dftb = CodeLabellers.Cp2k(new Cp2kSettings { DftbParameterDirectory = directory.File("dftb") }, null, scheduler);
        dftb.FindProblems([Silicon()]).Should().Equal($"the DFTB parameter file {directory.File("dftb")}/nonscc_parameter does not exist");

        var remote = CodeLabellers.Cp2k(
            new Cp2kSettings { DftbParameterDirectory = directory.File("dftb") }, null, scheduler, new CodeLabellerOptions { CheckLocalFiles = false });
        remote.FindProblems([Silicon()]).Should().BeEmpty("files on another machine cannot be checked here");
    }

    [Fact]
    public void The_settings_hash_ignores_the_machine_pseudopotential_directory_but_not_the_physics()
    {
        using var directory = new TempDirectory();
        using var scheduler = new LocalJobScheduler(directory.Path, 1);
        var settings = new QuantumEspressoSettings
        {
            Pseudopotentials = new Dictionary<string, string> { ["Si"] = "Si.pbe-rrkj.UPF" },
            PseudoDirectory = "/usr/share/espresso/pseudo",
            EcutWfc = 20,
            KPointSpacing = 0.5,
        };
        var here = CodeLabellers.QuantumEspresso(settings, null, scheduler);
        var there = CodeLabellers.QuantumEspresso(settings, new CodeProfile { Executable = "pw.x", PseudoDirectory = "/scratch/pseudo" }, scheduler);
        var finer = CodeLabellers.QuantumEspresso(settings with { EcutWfc = 30 }, null, scheduler);
        var otherPseudo = CodeLabellers.QuantumEspresso(
            settings with { Pseudopotentials = new Dictionary<string, string> { ["Si"] = "Si.pz-vbc.UPF" } }, null, scheduler);

        here.SettingsHash.Should().MatchRegex("^[0-9a-f]{16}$").And.Be(there.SettingsHash);
        new[] { here.SettingsHash, finer.SettingsHash, otherPseudo.SettingsHash }.Should().OnlyHaveUniqueItems();
        here.Method.Should().Be("pw.x");
    }
}
