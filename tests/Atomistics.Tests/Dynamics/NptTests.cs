using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Dynamics;

public sealed class NptTests
{
    private static readonly LennardJones CheapArgon = new([new LennardJonesPair(18, 18, 0.0104, 3.4)], cutoff: 6.5, shifted: true);

    private static (MdSummary Summary, double MeanPressure, double MeanVolume, Vec3 MeanLengths, Vec3 MeanDiagonalStressGPa) Run(
        Structure structure, Ensemble ensemble, double pressureGPa, int steps = 2000)
    {
        MaxwellBoltzmann.Assign(structure, 40, new Random(6));
        var averages = new SecondHalfAverages(steps);
        var summary = MolecularDynamics.Run(structure, CheapArgon, new MdOptions
        {
            Ensemble = ensemble,
            TimestepFs = 5,
            Steps = steps,
            StartTemperatureK = 40,
            StartPressureGPa = pressureGPa,
            BarostatDampingFs = 500,
            Seed = 2,
        }, averages);
        return (summary, averages.Pressure / averages.Count, averages.Volume / averages.Count, averages.Lengths / averages.Count, averages.DiagonalStress / averages.Count);
    }

    [Fact]
    public void Isotropic_npt_reaches_the_target_pressure_and_compresses_under_load()
    {
        var free = Run(Crystals.FccCubic(18, 5.3, 3), Ensemble.NptIsotropic, 0);
        var loaded = Run(Crystals.FccCubic(18, 5.3, 3), Ensemble.NptIsotropic, 1);

        free.MeanPressure.Should().BeApproximately(0, 0.03);
        loaded.MeanPressure.Should().BeApproximately(1, 0.03);
        loaded.MeanVolume.Should().BeLessThan(0.9 * free.MeanVolume, "LJ argon's bulk modulus is a few GPa");
        free.Summary.MeanTemperatureK.Should().BeApproximately(40, 2);
    }

    [Theory]
    [InlineData(Ensemble.NptIsotropic)]
    [InlineData(Ensemble.NptAnisotropic)]
    public void The_mtk_integrator_conserves_its_extended_energy_to_second_order_in_the_timestep(Ensemble ensemble)
    {
        double Drift(double timestep)
        {
            var structure = Crystals.FccCubic(18, 5.3, 3);
            MaxwellBoltzmann.Assign(structure, 40, new Random(6));
            return MolecularDynamics.Run(structure, CheapArgon, new MdOptions
            {
                Ensemble = ensemble, TimestepFs = timestep, Steps = (int)(2000 / timestep), StartTemperatureK = 40,
                StartPressureGPa = 0.5, BarostatDampingFs = 500,
            }).ConservedEnergyDriftPerAtom;
        }

        var coarse = Drift(4);
        var fine = Drift(2);

        Math.Abs(fine).Should().BeLessThan(5e-5);
        (coarse / fine).Should().BeInRange(3, 5, "the error of a second-order integrator falls fourfold when the step halves");
    }

    [Fact]
    public void Anisotropic_npt_relaxes_each_axis_while_the_isotropic_barostat_keeps_the_shape()
    {
        Structure Stretched()
        {
            var structure = Crystals.FccCubic(18, 5.3, 3);
            var stretch = new Mat3(1.04, 0, 0, 0, 1, 0, 0, 0, 1);
            for (var i = 0; i < structure.Count; i++)
            {
                structure.Positions[i] = stretch * structure.Positions[i];
            }

            structure.Cell = structure.Cell.Deform(stretch);
            return structure;
        }

        var anisotropic = Run(Stretched(), Ensemble.NptAnisotropic, 0);
        var isotropic = Run(Stretched(), Ensemble.NptIsotropic, 0);

        // Each diagonal stress is driven to zero on average; the cell shape fluctuates by about half a per cent in 108 atoms.
        var stress = anisotropic.MeanDiagonalStressGPa;
        stress.MaxAbs.Should().BeLessThan(0.015);
        var a = anisotropic.MeanLengths;
        (a.X / a.Y).Should().BeApproximately(1, 0.015);
        (a.X / a.Z).Should().BeApproximately(1, 0.015);
        (a.Y / a.Z).Should().BeApproximately(1, 0.015);
        var i = isotropic.MeanLengths;
        (i.X / i.Y).Should().BeApproximately(1.04, 1e-9, "an isotropic barostat only scales the cell");
        (isotropic.MeanDiagonalStressGPa.X - isotropic.MeanDiagonalStressGPa.Y).Should().BeGreaterThan(0.025, "the stretched axis stays in tension (C11 − C12 of LJ argon is about 1 GPa)");
    }

    private sealed class SecondHalfAverages(int steps) : IMdObserver
    {
        public int Count { get; private set; }

        public double Pressure { get; private set; }

        public double Volume { get; private set; }

        public Vec3 Lengths { get; private set; }

        public Vec3 DiagonalStress { get; private set; }

        public bool OnStep(in MdStep step)
        {
            if (step.Step > steps / 2)
            {
                Count++;
                Pressure += step.PressureGPa;
                Volume += step.Structure.Cell.Volume;
                Lengths += step.Structure.Cell.Lengths;
                var stress = step.Stress!.Value;
                DiagonalStress += new Vec3(stress.XX, stress.YY, stress.ZZ) / Units.GPa;
            }

            return true;
        }
    }
}
