using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary><c>al label</c> running the real pw.x and cp2k; ASE reads the output extxyz.</summary>
public sealed class LabelCliTests
{
    [Fact]
    public async Task Pw_x_labels_written_by_al_label_are_what_ASE_reads_and_a_failed_structure_gives_exit_code_1()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        var input = directory.File("in.extxyz");
        StructureFiles.Write(input, [Codes.Si2Rattled(), Codes.Si2Overlapping()], StructureFormats.FindByName("extxyz")!);
        File.WriteAllText(directory.File("qe.yaml"), $"""
            kind: quantum-espresso
            pseudopotentials: {"{"} Si: Si.pbe-rrkj.UPF {"}"}
            pseudo_dir: {Codes.PseudoDirectory}
            ecutwfc: 16
            ecutrho: 64
            kspacing: 0.8
            conv_thr: 1e-10
            """);
        File.WriteAllText(directory.File("local.yaml"), "kind: local\ncores: 2\n");

        var result = await Al.RunAsync("label", "--reference", directory.File("qe.yaml"), "--cluster", directory.File("local.yaml"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Failed, result.StandardError);
        result.StandardError.Should().Contain("Labelled 1 of 2; 1 failed").And.Contain("structure 2 (Si2) FAILED after 2 attempts").And.Contain("overlap");
        var ours = StructureFiles.ReadAll(directory.File("out.extxyz"));
        ours.Should().HaveCount(2);
        ours[1].Reference.Should().BeNull();

        var json = await Ase.RunAsync(
            """
            import json, sys
            import ase.io
            frames = ase.io.read(sys.argv[1], index=":")
            out = []
            for a in frames:
                d = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in a.info.items()}
                if "REF_forces" in a.arrays:
                    d["REF_forces"] = a.arrays["REF_forces"].tolist()
                out.append(d)
            print(json.dumps(out))
            """,
            directory.File("out.extxyz"));
        using var document = JsonDocument.Parse(json);
        var first = document.RootElement[0];
        var labels = ours[0].Reference!;
        first.GetProperty("REF_energy").GetDouble().Should().Be(labels.Energy!.Value);
        var forces = first.GetProperty("REF_forces");
        for (var i = 0; i < 2; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                forces[i][axis].GetDouble().Should().Be(labels.Forces![i][axis]);
            }
        }

        first.GetProperty("label_method").GetString().Should().Be("pw.x");
        first.GetProperty("label_version").GetString().Should().StartWith("pw.x 6.7");
        first.GetProperty("label_settings_hash").GetString().Should().MatchRegex("^[0-9a-f]{16}$");
        first.GetProperty("label_job").GetString().Should().Be("local");
        first.GetProperty("label_attempts").GetInt32().Should().Be(1);
        Directory.Exists(first.GetProperty("label_workdir").GetString()).Should().BeTrue();
        var second = document.RootElement[1];
        second.GetProperty("label_failure").GetString().Should().Contain("check_atoms");
        second.TryGetProperty("REF_energy", out _).Should().BeFalse();
        second.GetProperty("label_attempts").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task Cp2k_DFTB_through_al_label_labels_Si8_with_exit_code_0()
    {
        Codes.Require("cp2k", "cp2k");
        using var directory = new TempDirectory();
        var input = directory.File("in.extxyz");
        StructureFiles.Write(input, [Codes.Si8Rattled()], StructureFormats.FindByName("extxyz")!);
        File.WriteAllText(directory.File("dftb.yaml"), "kind: cp2k\nmethod: dftb\n");

        var result = await Al.RunAsync("label", "-r", directory.File("dftb.yaml"), input, directory.File("out.extxyz"));

        result.ExitCode.Should().Be(ExitCodes.Ok, result.StandardError);
        var labelled = StructureFiles.ReadAll(directory.File("out.extxyz")).Single();
        // si8-dftb.out: ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]: -9.894121458220305.
        StructureAssert.Close(-9.894121458220305 * Units.Hartree, labelled.Reference!.Energy!.Value, 1e-6, "energy");
        labelled.Info["label_method"].AsString().Should().Be("cp2k");
        labelled.Info["label_version"].AsString().Should().Be("cp2k 2023.1");
        Directory.GetDirectories(directory.File("out.extxyz.runs")).Should().ContainSingle().Which.Should().MatchRegex("cp2k-[0-9a-f]{16}$");
    }
}
