using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Drivers.Vasp;
using ActiveLearning.Schedulers.Local;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Drivers.Tests.Vasp;

public sealed class VaspTemplateTests : IDisposable
{
    private readonly TempDirectory potcars = new();

    public VaspTemplateTests()
    {
        foreach (var folder in (string[])["Si", "O", "Fe_pv"])
        {
            Directory.CreateDirectory(Path.Combine(potcars.Path, folder));
            File.WriteAllText(Path.Combine(potcars.Path, folder, "POTCAR"), $"  PAW_PBE {folder} 05Jan2001\n  body of {folder}\n End of Dataset\n");
        }
    }

    public void Dispose() => potcars.Dispose();

    private VaspSettings Settings => new() { PotcarDirectory = potcars.Path, Encut = 400, KPointSpacing = 0.5 };

    private static Structure SiOSi() => new(
        Cell.Orthorhombic(5, 6, 7), Pbc.All, [14, 8, 8, 14], [new Vec3(0, 0, 0), new Vec3(1, 1, 1), new Vec3(2, 1, 1), new Vec3(3, 3, 3)]);

    [Fact]
    public void INCAR_asks_for_a_single_point_with_the_settings()
    {
        var incar = VaspTemplate.Incar(SiOSi(), Settings with { Amix = 0.2, SpinPolarized = true, InitialMagneticMoment = 0.6 });

        incar.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "SYSTEM = Si2O2", "PREC = Accurate", "ENCUT = 400", "EDIFF = 1E-06", "NELM = 100", "ALGO = Normal", "ISMEAR = 0", "SIGMA = 0.05",
            "AMIX = 0.2", "ISPIN = 2", "MAGMOM = 4*0.6", "NSW = 0", "IBRION = -1", "ISIF = 2", "LWAVE = .FALSE.", "LCHARG = .FALSE.");
    }

    [Fact]
    public void KPOINTS_is_a_Gamma_centred_grid_from_the_spacing_or_Monkhorst_Pack_when_shifted()
    {
        // |b_i| = 2π/5, 2π/6, 2π/7 1/Å over 0.5 → 3, 3, 2 divisions.
        VaspTemplate.Kpoints(SiOSi(), Settings).Should().Be("automatic grid\n0\nGamma\n3 3 2\n0 0 0\n");
        VaspTemplate.Kpoints(SiOSi(), Settings with { KPointSpacing = null, KPoints = new KPointGrid(4, 4, 2, Shifted: true) })
            .Should().Be("automatic grid\n0\nMonkhorst-Pack\n4 4 2\n0 0 0\n");
    }

    [Fact]
    public void POSCAR_keeps_the_atom_order_and_POTCAR_follows_its_species_runs()
    {
        var structure = SiOSi();
        var poscar = VaspTemplate.Poscar(structure);
        var read = StructureFormats.FindByName("poscar")!.Read(new LineReader(new StringReader(poscar), "POSCAR"), FormatOptions.Default).Single();
        read.AtomicNumbers.Should().Equal(14, 8, 8, 14);
        read.Positions.Should().Equal(structure.Positions);

        VaspTemplate.SpeciesRuns(structure).Should().Equal("Si", "O", "Si");
        var potcar = VaspTemplate.Potcar(structure, Settings with { Potcars = new Dictionary<string, string> { ["Fe"] = "Fe_pv" } });
        potcar.Split('\n').Where(l => l.Contains("PAW_PBE", StringComparison.Ordinal)).Select(l => l.Trim())
            .Should().Equal("PAW_PBE Si 05Jan2001", "PAW_PBE O 05Jan2001", "PAW_PBE Si 05Jan2001");
    }

    [Fact]
    public void A_missing_POTCAR_and_bad_values_are_listed_before_anything_runs()
    {
        using var work = new TempDirectory();
        using var scheduler = new LocalJobScheduler(work.Path, 1);
        var withIron = new Structure(Cell.Orthorhombic(4, 4, 4), Pbc.All, [26, 14, 29], [new Vec3(0, 0, 0), new Vec3(2, 2, 2), new Vec3(1, 2, 3)]);
        var labeller = new CodeLabeller<VaspSettings>(
            new VaspCode(), Settings with { Encut = 0, Algo = "Fastest", Potcars = new Dictionary<string, string> { ["Cu"] = "Cu_pv" } },
            new CodeProfile { Executable = "vasp_std" }, scheduler, []);

        labeller.FindProblems([withIron]).Should().Equal(
            "ENCUT must be positive (got 0 eV)",
            "unknown ALGO 'Fastest' (Normal, Fast, VeryFast, All, Damped)",
            $"no POTCAR for Cu: {Path.Combine(potcars.Path, "Cu_pv", "POTCAR")} does not exist",
            $"no POTCAR for Fe: {Path.Combine(potcars.Path, "Fe", "POTCAR")} does not exist");
        Directory.GetFileSystemEntries(work.Path).Should().BeEmpty();
    }

    [Fact]
    public void The_code_writes_the_four_inputs_and_reads_vasprun_before_OUTCAR()
    {
        var code = new VaspCode();
        code.WriteInputs(SiOSi(), Settings).Keys.Should().BeEquivalentTo("INCAR", "KPOINTS", "POSCAR", "POTCAR");
        code.Arguments.Should().Be("> vasp.out");

        using var run = new TempDirectory();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Vasp", "Fixtures", "relaxation.OUTCAR"), run.File("OUTCAR"));
        code.ParseOutputs(run.Path).ToLabels().FreeEnergy.Should().Be(-10.9012345);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Vasp", "Fixtures", "single-point.vasprun.xml"), run.File("vasprun.xml"));
        code.ParseOutputs(run.Path).ToLabels().FreeEnergy.Should().Be(-10.83426778);
        code.ParseOutputs(run.File("nowhere")).Status.Should().Be(ActiveLearning.Drivers.Outputs.OutputStatus.Incomplete);
    }
}
