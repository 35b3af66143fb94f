using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Campaigns;

/// <summary>
/// The SNAP model files a campaign writes are LAMMPS' own: OpenKIM's SNAP model driver in Debian's LAMMPS reads the
/// <c>model.snapcoeff</c> and <c>model.snapparam</c> of the campaign's last iteration and gives the energies, per-atom
/// energies, forces and stress our evaluation of the same files gives (1e-6 eV/atom, 1e-6 eV/Å, 1e-4 GPa).
/// </summary>
public sealed class SnapStudentLammpsTests
{
    [Fact]
    public async Task A_silicon_snap_students_files_give_in_lammps_what_they_give_here()
    {
        using var folder = new TempDirectory();
        var crystal = Zincblende.Conventional(5.431, 14, 14);
        StructureFiles.Write(folder.File("si8.extxyz"), [crystal], StructureFiles.ResolveFormat("si8.extxyz", null));
        File.WriteAllText(folder.File("c.yaml"), """
            name: snap-si
            seed: 5
            species: [Si]
            model: { kind: snap, twojmax: 6, rcutfac: 4.7, rmin0: 0.2 }
            reference: { kind: potential, potential: sw }
            initial:
              - generate: { kind: rattle, source: si8.extxyz, sigma: 0.1, copies: 6 }
              - label: {}
              - fit: {}
            loop:
              max_iterations: 1
              steps:
                - explore: { walkers: 2, temperature: [600, 1200], steps: 200, grade: { select: 1.1, break: 50 } }
                - select: { method: maxvol, limit: 3 }
                - label: {}
                - fit: {}
            """);

        var model = await RunCampaign(folder, "snap-si");

        var random = new Random(41);
        var structures = new List<(string What, Structure Structure)>
        {
            ("diamond", crystal),
            ("rattled diamond", RandomStructures.Rattled(random, crystal, 0.15)),
            ("primitive diamond (atoms see their own images)", Zincblende.Primitive(5.431, 14, 14)),
        };
        for (var n = 0; n < 3; n++)
        {
            var cell = RandomStructures.TriclinicCell(random, 4.5, 7.5, 60);
            structures.Add(($"random triclinic {n}", RandomStructures.Spread(random, cell, Math.Max(2, (int)(cell.Volume / 20)), [14], 2.1)));
        }

        await AssertLammpsAgrees(folder, model, [14], structures);
    }

    [Fact]
    public async Task A_two_species_quadratic_snap_students_files_with_element_radii_and_weights_give_in_lammps_what_they_give_here()
    {
        using var folder = new TempDirectory();
        var crystal = Zincblende.Conventional(4.36, 14, 6);
        StructureFiles.Write(folder.File("sic8.extxyz"), [crystal], StructureFiles.ResolveFormat("sic8.extxyz", null));
        File.WriteAllText(folder.File("c.yaml"), """
            name: snap-sic
            seed: 7
            species: [Si, C]
            model: { kind: snap, twojmax: 2, rcutfac: 3.2, quadratic: true, bzero: false, radius: { Si: 0.55, C: 0.45 }, weight: { Si: 1.0, C: 0.7 } }
            reference: { kind: potential, potential: SiC.tersoff }
            initial:
              - generate: { kind: rattle, source: sic8.extxyz, sigma: 0.08, copies: 8 }
              - label: {}
              - fit: {}
            loop:
              max_iterations: 1
              steps:
                - generate: { kind: rattle, source: sic8.extxyz, sigma: 0.12, copies: 3 }
                - label: {}
                - fit: {}
            """);

        var model = await RunCampaign(folder, "snap-sic");

        var loaded = SnapPotential.FromFile(model, [14, 6]);
        loaded.Model.Parameters.Quadratic.Should().BeTrue();
        loaded.Model.Elements.Select(e => (e.Radius, e.Weight)).Should().Equal((0.55, 1.0), (0.45, 0.7));
        var random = new Random(43);
        var structures = new List<(string What, Structure Structure)>
        {
            ("zinc blende", crystal),
            ("rattled zinc blende", RandomStructures.Rattled(random, crystal, 0.12)),
            ("primitive zinc blende", Zincblende.Primitive(4.36, 14, 6)),
        };
        for (var n = 0; n < 3; n++)
        {
            var cell = RandomStructures.TriclinicCell(random, 4.0, 6.5, 60);
            structures.Add(($"random triclinic {n}", RandomStructures.Spread(random, cell, Math.Max(2, (int)(cell.Volume / 12)), [14, 6], 1.7)));
        }

        await AssertLammpsAgrees(folder, model, [14, 6], structures);
    }

    // Runs the campaign and returns the last iteration's model (checked to be fitted, not the zero-coefficient start).
    private static async Task<string> RunCampaign(TempDirectory folder, string name)
    {
        var run = await Al.RunAsync("run", folder.File("c.yaml"));
        run.ExitCode.Should().Be(0, run.StandardError);
        var model = folder.File($"runs/{name}/iterations/001/model.snapcoeff");
        File.Exists(model).Should().BeTrue();
        File.Exists(Path.ChangeExtension(model, ".snapparam")).Should().BeTrue();
        return model;
    }

    private static async Task AssertLammpsAgrees(TempDirectory folder, string model, int[] species, List<(string What, Structure Structure)> structures)
    {
        var ours = SnapPotential.FromFile(model, species);
        ours.Parameters.Should().Contain(p => Math.Abs(p) > 1e-3, "the model was fitted");
        var portableModels = await KimSnapModel.BuildAsync(model, folder.File("kim"));
        var evaluation = new Evaluation();
        foreach (var (what, structure) in structures)
        {
            var lammps = await Lammps.EvaluateWithKimAsync(structure, species, "AL_Student__MO_000000000000_000", portableModels);
            ours.Compute(lammps.Structure, evaluation);
            PotentialAgreement.AssertMatches(lammps, evaluation, $"{Path.GetFileName(model)}, {what}");
        }
    }
}
