using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Lammps;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Integration.Tests.Dynamics;

public sealed class NptLammpsTests(ITestOutputHelper output)
{
    private const double Temperature = 60;
    private const double TimestepFs = 5;

    [Fact]
    public async Task Npt_at_zero_pressure_gives_the_equilibrium_volume_of_lammps_fix_npt()
    {
        // 256 atoms of LJ argon at 60 K; the 0 K lattice constant of this cutoff is about 5.26 Å, so the cell must expand
        // by a few per cent: a barostat that ignored the kinetic pressure would miss by more than the tolerance.
        var start = Crystals.FccCubic(18, 5.26, 4);
        var lammpsVolume = await LammpsMeanVolumeAsync(start, Temperature, TimestepFs, 10000, "mass 1 39.948", "pair_style lj/cut 8.5", "pair_coeff 1 1 0.0104 3.4");

        const int steps = 2400;
        var structure = start.Clone();
        var volumes = new SecondHalfVolume(steps);
        var summary = MolecularDynamics.Run(structure, Crystals.Argon, new MdOptions
        {
            Ensemble = Ensemble.NptIsotropic,
            TimestepFs = TimestepFs,
            Steps = steps,
            StartTemperatureK = Temperature,
            StartPressureGPa = 0,
            ThermostatDampingFs = 100,
            BarostatDampingFs = 1000,
            Seed = 1,
        }, volumes);
        var ours = volumes.Sum / volumes.Count;

        output.WriteLine(FormattableString.Invariant(
            $"mean volume: ours {ours:F2} Å³, LAMMPS {lammpsVolume:F2} Å³ (0 K cell {start.Cell.Volume:F2} Å³); mean T {summary.MeanTemperatureK:F2} K"));
        ours.Should().BeApproximately(lammpsVolume, 0.005 * lammpsVolume);
        ours.Should().BeGreaterThan(1.01 * start.Cell.Volume, "the crystal expands on heating");
    }

    [Fact]
    public async Task Stillinger_weber_silicon_at_zero_pressure_and_500_K_has_the_volume_of_lammps_fix_npt()
    {
        const double temperature = 500, timestep = 1;
        const int steps = 24_000;
        var a0 = 4 * Math.Pow(2, 1.0 / 6) * 2.0951 / Math.Sqrt(3);
        var start = Zincblende.Repeated(Zincblende.Conventional(a0, 14, 14), 3, 3, 3);
        var lammpsVolume = await LammpsMeanVolumeAsync(
            start, temperature, timestep, steps, "mass 1 28.085", "pair_style sw", "pair_coeff * * /usr/share/lammps/potentials/Si.sw Si");

        var structure = start.Clone();
        var volumes = new SecondHalfVolume(steps);
        var summary = MolecularDynamics.Run(structure, Atomistics.Potentials.StillingerWeber.Silicon(), new MdOptions
        {
            Ensemble = Ensemble.NptIsotropic,
            TimestepFs = timestep,
            Steps = steps,
            StartTemperatureK = temperature,
            ThermostatDampingFs = 100,
            BarostatDampingFs = 1000,
            Seed = 3,
            Threads = 2,
        }, volumes);
        var ours = volumes.Sum / volumes.Count;

        output.WriteLine(FormattableString.Invariant(
            $"mean volume: ours {ours:F2} Å³, LAMMPS {lammpsVolume:F2} Å³ (0 K cell {start.Cell.Volume:F2} Å³); mean T {summary.MeanTemperatureK:F1} K"));
        ours.Should().BeApproximately(lammpsVolume, 0.005 * lammpsVolume);
        ours.Should().BeGreaterThan(start.Cell.Volume, "the crystal expands on heating");
    }

    // Runs LAMMPS fix npt (iso, 0 bar, Tdamp 0.1 ps, Pdamp 1 ps) from the structure and averages the volume every 10 steps
    // over the second half.
    private static async Task<double> LammpsMeanVolumeAsync(Structure structure, double temperature, double timestepFs, int steps, params string[] setup)
    {
        using var directory = new TempDirectory();
        StructureFiles.Write(directory.File("in.data"), [structure], new LammpsDataFormat());
        var input = string.Create(CultureInfo.InvariantCulture, $"""
            units metal
            atom_style atomic
            boundary p p p
            read_data in.data
            {string.Join('\n', setup)}
            timestep {timestepFs / 1000}
            velocity all create {temperature} 4928459 mom yes rot no dist gaussian
            fix integrate all npt temp {temperature} {temperature} 0.1 iso 0 0 1.0
            variable volume equal vol
            fix average all ave/time 10 {steps / 20} {steps} v_volume
            run {steps}
            print "VOLUME $(f_average:%.12g)"
            """);
        await File.WriteAllTextAsync(directory.File("in.lmp"), input);
        await Lammps.RunAsync(directory.Path, "in.lmp");
        var line = File.ReadLines(directory.File("log.lammps")).Last(l => l.StartsWith("VOLUME ", StringComparison.Ordinal));
        return double.Parse(line["VOLUME ".Length..], CultureInfo.InvariantCulture);
    }

    private sealed class SecondHalfVolume(int steps) : IMdObserver
    {
        public int Count { get; private set; }

        public double Sum { get; private set; }

        public bool OnStep(in MdStep step)
        {
            if (step.Step > steps / 2)
            {
                Count++;
                Sum += step.Structure.Cell.Volume;
            }

            return true;
        }
    }
}
