using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Drivers.Vasp;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

/// <summary>The reference block with code settings, in a campaign and as a standalone file for al label.</summary>
public sealed class ReferenceFileTests
{
    private static ReferenceSpec Read(TempDirectory folder, string text)
    {
        File.WriteAllText(folder.File("ref.yaml"), text);
        return CampaignParser.ParseReference(folder.File("ref.yaml"));
    }

    private static IReadOnlyList<string> Errors(TempDirectory folder, string text)
    {
        File.WriteAllText(folder.File("ref.yaml"), text);
        var read = () => CampaignParser.ParseReference(folder.File("ref.yaml"));
        return read.Should().Throw<CampaignException>().Which.Errors.Select(e => e.ToString()).ToList();
    }

    [Fact]
    public void A_Quantum_ESPRESSO_file_gives_settings_and_a_profile_with_relative_directories_resolved()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("pseudo"));

        var reference = Read(folder, """
            kind: quantum-espresso
            pseudopotentials: { Si: Si.pbe-rrkj.UPF, C: C.pbe.UPF }
            pseudo_dir: pseudo
            ecutwfc: 30
            ecutrho: 240
            kpoints: [4, 4, 2]
            smearing: gaussian
            degauss: 0.02
            conv_thr: 1e-9
            mixing_beta: 0.4
            electron_maxstep: 80
            command: /opt/qe/bin/pw.x
            mpi: "mpirun -np {ranks}"
            ranks: 2
            environment: { OMP_NUM_THREADS: "1" }
            max_corrections: 2
            """);

        var code = reference.Should().BeOfType<CodeReference>().Subject;
        (code.Code, code.On, code.MaxCorrections).Should().Be(("quantum-espresso", "local", 2));
        var qe = code.QuantumEspresso!;
        qe.Pseudopotentials.Should().Equal(new Dictionary<string, string> { ["C"] = "C.pbe.UPF", ["Si"] = "Si.pbe-rrkj.UPF" });
        qe.PseudoDirectory.Should().Be(folder.File("pseudo"));
        (qe.EcutWfc, qe.EcutRho, qe.KPoints, qe.KPointSpacing).Should().Be((30.0, 240.0, new KPointGrid(4, 4, 2), (double?)null));
        (qe.Smearing, qe.Degauss, qe.ConvThr, qe.MixingBeta, qe.ElectronMaxStep).Should().Be(("gaussian", 0.02, 1e-9, 0.4, 80));
        qe.Occupations.Should().Be("smearing");
        code.Profile!.CommandLine("-in pw.in").Should().Be("export OMP_NUM_THREADS='1' && mpirun -np 2 '/opt/qe/bin/pw.x' -in pw.in");
        code.Cp2k.Should().BeNull();
    }

    [Fact]
    public void A_CP2K_file_gives_the_method_and_its_settings()
    {
        using var folder = new TempDirectory();

        var xtb = (CodeReference)Read(folder, "kind: cp2k\nmethod: gfn1-xtb\nkspacing: 0.6\nmax_scf: 50\nmixing_alpha: 0.2\n");
        (xtb.Cp2k!.Method, xtb.Cp2k.KPointSpacing, xtb.Cp2k.MaxScf, xtb.Cp2k.MixingAlpha).Should().Be((Cp2kMethod.Gfn1Xtb, 0.6, 50, 0.2));
        xtb.Cp2k.DftbParameterDirectory.Should().Be(new Cp2kSettings().DftbParameterDirectory);
        xtb.Profile.Should().BeNull();

        var gpw = (CodeReference)Read(folder, "kind: cp2k\nmethod: gpw\nbasis_sets: { Si: DZVP-MOLOPT-SR-GTH }\npotentials: { Si: GTH-PBE-q4 }\ncutoff: 250\n");
        gpw.Cp2k!.Method.Should().Be(Cp2kMethod.DftGpw);
        gpw.Cp2k.BasisSets.Should().Equal(new Dictionary<string, string> { ["Si"] = "DZVP-MOLOPT-SR-GTH" });
        gpw.Cp2k.Cutoff.Should().Be(250);
    }

    [Fact]
    public void Every_mistake_is_reported_with_its_line_and_column()
    {
        using var folder = new TempDirectory();
        var path = folder.File("ref.yaml");

        Errors(folder, """
            kind: quantum-espresso
            pseudopotentials: { Xx: a.UPF }
            pseudo_dir: /nonexistent/pseudo
            ecutwfc: -3
            kspacing: 0.3
            kpoints: [2, 2]
            method: dftb
            ranks: 4
            """).Should().Equal(
            $"{path}:2:21: reference.pseudopotentials: 'Xx' is not valid; expected a chemical element symbol such as Si",
            $"{path}:3:13: reference.pseudo_dir: no such directory /nonexistent/pseudo; expected an existing directory (relative paths are taken from the file's directory)",
            $"{path}:4:10: reference.ecutwfc: -3 is out of range; expected a number > 0",
            $"{path}:6:1: reference: both kspacing and kpoints are given; expected one of them",
            $"{path}:6:10: reference.kpoints: found a list; expected three divisions such as [4, 4, 4]",
            $"{path}:7:1: reference: 'method' does not apply with kind quantum-espresso; expected potential, on, command, mpi, ranks, environment, max_corrections, pseudopotentials, pseudo_dir, ecutwfc, ecutrho, kspacing, kpoints, occupations, smearing, degauss, spin_polarized, conv_thr, mixing_beta, mixing_mode, electron_maxstep"
                .Replace("expected potential, on", "expected on", StringComparison.Ordinal),
            $"{path}:8:1: reference: ranks above 1 need an MPI launcher; expected mpi: \"mpirun -np {{ranks}}\"");

        Errors(folder, "kind: cp2k\nmethod: dftb\ncutoff: 300\n").Should().Equal(
            $"{path}:3:1: reference: 'cutoff' applies to method gpw only; expected no cutoff with method dftb");
        Errors(folder, "kind: quantum-espresso\npseudopotentials: { Si: Si.UPF }\npseudo_dir: .\necutwfc: 20\nkspacing: 0.3\ninput: pw.in\n").Should().ContainSingle()
            .Which.Should().StartWith($"{path}:6:1: reference: unknown key 'input'", "input templates are not supported: every setting is a key");
        Errors(folder, "kind: cp2k\nmethod: b3lyp\n").Should().ContainSingle().Which.Should().Contain("expected one of dftb, gfn1-xtb, gpw");
    }

    [Fact]
    public void A_campaign_reference_still_needs_a_defined_cluster_and_keeps_its_shape_without_settings()
    {
        using var folder = new TempDirectory();
        var campaign = CampaignFiles.Parse(folder, CampaignFiles.Minimal.Replace(
            "reference: { kind: potential, potential: sw }",
            "reference: { kind: cp2k, on: local, method: dftb }",
            StringComparison.Ordinal));

        var code = campaign.Reference.Should().BeOfType<CodeReference>().Subject;
        code.Cp2k!.Method.Should().Be(Cp2kMethod.DftbNonScc);
        CampaignJson.DefinitionHash(campaign).Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void A_cluster_file_reads_one_cluster()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("c.yaml"), "kind: local\ncores: 3\n");
        CampaignParser.ParseCluster(folder.File("c.yaml")).Should().Be(new ClusterSpec { Kind = "local", Cores = 3 });

        File.WriteAllText(folder.File("c.yaml"), "kind: local\ncores: 0\n");
        var read = () => CampaignParser.ParseCluster(folder.File("c.yaml"));
        read.Should().Throw<CampaignException>().Which.Errors.Should().ContainSingle().Which.Message.Should().StartWith("cluster.cores: 0 is out of range");
    }

    [Fact]
    public void A_VASP_file_gives_settings_with_the_POTCAR_directory_resolved_and_vasp_std_as_the_default_command()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("potpaw_PBE"));

        var reference = Read(folder, """
            kind: vasp
            potcar_dir: potpaw_PBE
            potcars: { Fe: Fe_pv }
            encut: 520
            kspacing: 0.25
            ismear: -1
            sigma: 0.1
            ediff: 1e-7
            nelm: 60
            algo: Fast
            prec: Normal
            amix: 0.2
            spin_polarized: true
            magmom: 3
            ranks: 1
            """);

        var code = reference.Should().BeOfType<CodeReference>().Subject;
        code.Code.Should().Be("vasp");
        var vasp = code.Vasp!;
        vasp.PotcarDirectory.Should().Be(folder.File("potpaw_PBE"));
        vasp.Potcars.Should().Equal(new Dictionary<string, string> { ["Fe"] = "Fe_pv" });
        (vasp.Encut, vasp.KPointSpacing, vasp.KPoints).Should().Be((520.0, (double?)0.25, (KPointGrid?)null));
        (vasp.Ismear, vasp.Sigma, vasp.Ediff, vasp.Nelm).Should().Be((-1, 0.1, 1e-7, 60));
        (vasp.Algo, vasp.Prec, vasp.Amix, vasp.SpinPolarized, vasp.InitialMagneticMoment).Should().Be(("Fast", "Normal", (double?)0.2, true, 3.0));
        code.Profile!.Executable.Should().Be("vasp_std");
        code.QuantumEspresso.Should().BeNull();
        code.Cp2k.Should().BeNull();

        var defaults = Read(folder, "kind: vasp\npotcar_dir: potpaw_PBE\nencut: 400\nkpoints: [3, 3, 3]\n").Should().BeOfType<CodeReference>().Subject;
        defaults.Vasp.Should().BeEquivalentTo(new VaspSettings { PotcarDirectory = folder.File("potpaw_PBE"), Encut = 400, KPoints = new KPointGrid(3, 3, 3) });
        defaults.Profile.Should().BeNull("the labeller supplies vasp_std when the file says nothing about running");
    }

    [Fact]
    public void VASP_mistakes_are_reported_with_line_and_column()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("pot"));
        var path = folder.File("ref.yaml");

        Errors(folder, "kind: vasp\npotcar_dir: pot\nkspacing: 0.3\n").Should().Equal($"{path}:1:1: reference: missing required key 'encut'; expected encut: …");
        Errors(folder, "kind: vasp\npotcar_dir: nowhere\nencut: 400\nkspacing: 0.3\n").Should().ContainSingle()
            .Which.Should().StartWith($"{path}:2:13: reference.potcar_dir: no such directory {folder.File("nowhere")}");
        Errors(folder, "kind: vasp\npotcar_dir: pot\nencut: 400\n").Should().ContainSingle().Which.Should().Contain("reference: no k-points");
        Errors(folder, "kind: vasp\npotcar_dir: pot\nencut: 400\nkspacing: 0.3\nalgo: Slow\n").Should().ContainSingle()
            .Which.Should().StartWith($"{path}:5:7: reference.algo: 'Slow' is not a known choice");
        Errors(folder, "kind: vasp\npotcar_dir: pot\nencut: 400\nkspacing: 0.3\nismear: 3\n").Should().ContainSingle()
            .Which.Should().StartWith($"{path}:5:9: reference.ismear: 3 is out of range");
        Errors(folder, "kind: vasp\npotcar_dir: pot\nencut: 400\nkspacing: 0.3\nmagmom: 2\n").Should().Equal(
            $"{path}:5:1: reference: 'magmom' applies to spin-polarised runs only; expected spin_polarized: true with it");
        Errors(folder, "kind: vasp\npotcar_dir: pot\nencut: 400\nkspacing: 0.3\necutwfc: 30\n").Should().ContainSingle()
            .Which.Should().StartWith($"{path}:5:1: reference: 'ecutwfc' does not apply with kind vasp");
    }
}
