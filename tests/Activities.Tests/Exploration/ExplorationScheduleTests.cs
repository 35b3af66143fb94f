using ActiveLearning.Activities.Exploration;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests.Exploration;

/// <summary>Walkers follow their pressure ramp and melt–quench: the targets the integrator gets, and what the atoms do.</summary>
public sealed class ExplorationScheduleTests
{
    private static readonly MeltQuenchProgram FastMeltQuench = new() { MeltK = 2500, HoldFs = 1000, QuenchRateKPerPs = 1000 };

    [Fact]
    public void The_thermostat_target_holds_the_melt_then_falls_linearly_to_each_walkers_own_temperature()
    {
        var options = new ExplorationOptions { Walkers = 2, TemperatureLowK = 300, TemperatureHighK = 900, Steps = 5000, TemperatureProgram = FastMeltQuench };

        var cold = options.WalkerMd(0);
        var warm = options.WalkerMd(1);

        cold.StartTemperatureK.Should().Be(2500, "velocities are drawn at the melt temperature");
        cold.TemperatureAt(0).Should().Be(2500);
        cold.TemperatureAt(1000).Should().Be(2500, "the melt is held for 1000 fs");
        cold.TemperatureAt(2100).Should().BeApproximately(1400, 1e-9, "1100 fs into the quench at 1000 K/ps");
        cold.TemperatureAt(3200).Should().BeApproximately(300, 1e-9, "2200 K at 1000 K/ps take 2.2 ps");
        cold.TemperatureAt(5000).Should().Be(300, "the walker stays at its own temperature after the quench");
        warm.TemperatureAt(1800).Should().BeApproximately(1700, 1e-9);
        warm.TemperatureAt(2600).Should().BeApproximately(900, 1e-9, "the warmer walker's quench ends 600 fs earlier");
        warm.TemperatureAt(4000).Should().Be(900);
    }

    [Fact]
    public void A_list_of_points_is_the_same_target_for_every_walker_and_a_compression_ramp_rises_linearly_over_the_run()
    {
        var options = new ExplorationOptions
        {
            Walkers = 2,
            Ensemble = Ensemble.NptIsotropic,
            Steps = 4000,
            TemperatureProgram = new TemperaturePointsProgram([new(0, 300), new(1000, 1500), new(3000, 500)]),
            PressureLowGPa = 0,
            PressureHighGPa = 20,
            PressureSchedule = ScheduleMode.RampEachWalker,
        };

        foreach (var walker in new[] { 0, 1 })
        {
            var md = options.WalkerMd(walker);
            md.TemperatureAt(500).Should().BeApproximately(900, 1e-9);
            md.TemperatureAt(2000).Should().BeApproximately(1000, 1e-9);
            md.TemperatureAt(3500).Should().Be(500);
            md.PressureGPaAt(0).Should().Be(0);
            md.PressureGPaAt(1000).Should().BeApproximately(5, 1e-9);
            md.PressureGPaAt(4000).Should().BeApproximately(20, 1e-9);
        }
    }

    [Fact]
    public void Pressure_points_give_every_walker_the_same_barostat_target_held_then_ramped()
    {
        var options = new ExplorationOptions
        {
            Walkers = 2,
            Ensemble = Ensemble.NptIsotropic,
            TemperatureLowK = 300,
            TemperatureHighK = 600,
            Steps = 6000,
            PressureProfile = [new(0, 0), new(4000, 0), new(6000, 20)],
        };

        foreach (var walker in new[] { 0, 1 })
        {
            var md = options.WalkerMd(walker);
            md.StartPressureGPa.Should().Be(0);
            md.PressureGPaAt(3000).Should().Be(0, "the pressure is held until step 4000");
            md.PressureGPaAt(5000).Should().BeApproximately(10, 1e-9);
            md.PressureGPaAt(6000).Should().Be(20);
        }

        (options with { PressureProfile = [new(0, 0), new(100, 5), new(100, 10)] }).Invoking(o => o.Validate())
            .Should().Throw<ArgumentException>().WithMessage("*PressureProfile*increasing steps*");
    }

    [Fact]
    public void Programs_that_cannot_run_are_refused_before_any_walker_starts()
    {
        var options = new ExplorationOptions { TemperatureLowK = 300, TemperatureHighK = 3000, TemperatureProgram = FastMeltQuench };
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*melt temperature above it*");
        (options with { TemperatureHighK = 900, TemperatureSchedule = ScheduleMode.RampEachWalker })
            .Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*SpreadOverWalkers*");
        (options with { TemperatureHighK = 900, TemperatureProgram = new TemperaturePointsProgram([new(10, 300)]) })
            .Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*step 0*");
        (options with { TemperatureHighK = 900, MinStartAtoms = 0 }).Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*MinStartAtoms*");
    }

    [Fact]
    public void A_walkers_melt_quench_heats_the_atoms_to_the_melt_and_the_quench_cools_them_to_the_walkers_temperature()
    {
        // Stillinger–Weber silicon, 64 atoms, Langevin: the atoms' temperature follows the target within the thermostat's lag.
        var options = new ExplorationOptions { Walkers = 1, TemperatureLowK = 300, TemperatureHighK = 300, Steps = 4000, Seed = 3, TemperatureProgram = FastMeltQuench };
        var recorder = new TemperatureRecorder();

        MolecularDynamics.Run(SiliconModel.Diamond(), StillingerWeber.Silicon(), options.WalkerMd(0), recorder);

        recorder.Mean(500, 1000).Should().BeInRange(2200, 2800, "the melt is held at 2500 K");
        recorder.Mean(3500, 4000).Should().BeInRange(240, 360, "the quench ended at 300 K by step 3200");
        recorder.Mean(2000, 2200).Should().BeInRange(recorder.Mean(3500, 4000) + 600, 2200, "half way through the quench the atoms are cooling");
    }

    [Fact]
    public void A_walkers_compression_ramp_squeezes_the_cell_and_its_pressure_follows_the_target()
    {
        var options = new ExplorationOptions
        {
            Walkers = 1,
            Ensemble = Ensemble.NptIsotropic,
            TemperatureLowK = 300,
            TemperatureHighK = 300,
            Steps = 6000,
            BarostatDampingFs = 200,
            PressureLowGPa = 0,
            PressureHighGPa = 20,
            PressureSchedule = ScheduleMode.RampEachWalker,
            Seed = 5,
        };
        var recorder = new TemperatureRecorder();
        var structure = SiliconModel.Diamond();
        var volume = structure.Cell.Volume;

        MolecularDynamics.Run(structure, StillingerWeber.Silicon(), options.WalkerMd(0), recorder);

        structure.Cell.Volume.Should().BeLessThan(0.92 * volume, "20 GPa compress Stillinger–Weber diamond (bulk modulus ~100 GPa) by more than 8%");
        recorder.MeanPressure(2500, 3500).Should().BeInRange(6, 14, "the target is 10 GPa half way");
        recorder.MeanPressure(5500, 6000).Should().BeInRange(15, 23, "the target ends at 20 GPa");
    }

    [Fact]
    public async Task Scheduled_walkers_stay_seeded_stop_at_gamma_break_and_label_candidates_with_their_target_temperature()
    {
        // The level-10 student knows 300–1500 K diamond only: a melt at 2500 K takes it far beyond, where γ breaks.
        var options = new ExplorationOptions
        {
            Walkers = 2,
            TemperatureLowK = 300,
            TemperatureHighK = 600,
            Steps = 4000,
            TemperatureProgram = FastMeltQuench,
            GammaSelect = 2,
            GammaBreak = 10,
            MaxParallelWalkers = 2,
            Seed = 8,
        };

        var first = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [SiliconModel.Diamond()], options);
        var second = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [SiliconModel.Diamond()], options with { MaxParallelWalkers = 1 });

        first.Walkers.Should().OnlyContain(w => w.StopReason == WalkerStopReason.GammaBreak && w.StepsDone < 4000);
        first.Walkers.Select(w => (w.StartTemperatureK, w.EndTemperatureK)).Should().Equal((2500.0, 300.0), (2500.0, 600.0));
        first.Candidates.Should().NotBeEmpty();
        foreach (var candidate in first.Candidates)
        {
            candidate.TargetTemperatureK.Should().Be(options.WalkerMd(candidate.Walker).TemperatureAt(candidate.Step));
        }

        second.Walkers.Select(w => (w.StepsDone, w.MaxGamma)).Should().Equal(first.Walkers.Select(w => (w.StepsDone, w.MaxGamma)), "the walkers are seeded");
        second.Candidates.Select(c => c.Structure.Positions[0]).Should().Equal(first.Candidates.Select(c => c.Structure.Positions[0]));
    }

    [Fact]
    public async Task Walkers_start_only_from_structures_with_enough_atoms()
    {
        var small = Zincblende.Conventional(5.431, 14, 14);
        var options = new ExplorationOptions { Walkers = 3, Steps = 20, TemperatureLowK = 300, TemperatureHighK = 300, MinStartAtoms = 64, MaxParallelWalkers = 1 };

        var result = await Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [small, SiliconModel.Diamond(), small], options);
        var none = () => Explorer.RunAsync(SiliconModel.Model, SiliconModel.ActiveSet, [small, small], options);

        result.Walkers.Should().OnlyContain(w => w.StartIndex == 1, "only pool entry 1 has 64 atoms");
        await none.Should().ThrowAsync<ArgumentException>().WithMessage("*at least 64 atoms*largest has 8*");
    }

    private sealed class TemperatureRecorder : IMdObserver
    {
        private readonly List<double> temperatures = [];
        private readonly List<double> pressures = [];

        public bool OnStep(in MdStep step)
        {
            temperatures.Add(step.TemperatureK);
            pressures.Add(step.PressureGPa);
            return true;
        }

        public double Mean(int from, int to) => temperatures.Skip(from).Take(to - from).Average();

        public double MeanPressure(int from, int to) => pressures.Skip(from).Take(to - from).Average();
    }
}
