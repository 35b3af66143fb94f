using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

/// <summary>The explore step's schedules: pressure, temperature_schedule and start_min_atoms, read and rejected with line and column.</summary>
public sealed class ExploreScheduleParserTests : IDisposable
{
    // Line numbers matter: the error cases point into this text.
    private const string Schedules =
        """
        name: t
        species: [Si]
        model: { kind: mtp, level: 16 }
        reference: { kind: potential, potential: sw }
        loop:
          steps:
            - explore:
                walkers: 4
                ensemble: npt
                temperature: [300, 900]
                steps: 30000
                pressure: { from: 0, to: 20 }
                temperature_schedule: melt-quench
            - select: { method: maxvol, limit: 5 }
            - fit: {}
        """;

    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_compression_ramp_and_a_melt_quench_with_its_defaults_are_read()
    {
        var explore = (ExploreStep)Parse(folder, Schedules).Loop.Steps[0];

        explore.Pressure.Should().Be(new PressureSchedule(0, 20, Ramp: true));
        explore.TemperatureSchedule.Should().Be(new MeltQuenchSchedule { Melt = 2500, Hold = 2000, QuenchRate = 100 });
        explore.Temperature.Should().Be(new DoubleRange(300, 900));
        explore.StartMinAtoms.Should().BeNull();
    }

    [Fact]
    public void A_melt_quench_mapping_a_pressure_spread_and_a_start_filter_are_read()
    {
        var text = Schedules
            .Replace("pressure: { from: 0, to: 20 }", "pressure: [0, 10]\n        start_min_atoms: 64")
            .Replace("temperature_schedule: melt-quench", "temperature_schedule: { kind: melt-quench, melt: 3000, hold: 500, quench_rate: 250 }");

        var explore = (ExploreStep)Parse(folder, text).Loop.Steps[0];

        explore.Pressure.Should().Be(new PressureSchedule(0, 10, Ramp: false));
        explore.TemperatureSchedule.Should().Be(new MeltQuenchSchedule { Melt = 3000, Hold = 500, QuenchRate = 250 });
        explore.StartMinAtoms.Should().Be(64);
    }

    [Fact]
    public void A_list_of_points_stands_for_the_temperature_and_one_pressure_is_the_same_for_every_walker()
    {
        var text = Schedules
            .Replace("        temperature: [300, 900]\n", string.Empty)
            .Replace("pressure: { from: 0, to: 20 }", "pressure: 5")
            .Replace("temperature_schedule: melt-quench", "temperature_schedule: [[0, 300], [1000, 2500], [3000, 2500], [6000, 500]]");

        var explore = (ExploreStep)Parse(folder, text).Loop.Steps[0];

        explore.Pressure.Should().Be(new PressureSchedule(5, 5, Ramp: false));
        var points = explore.TemperatureSchedule.Should().BeOfType<TemperaturePointsSchedule>().Subject.Points;
        points.Should().Equal(new StepValue(0, 300), new StepValue(1000, 2500), new StepValue(3000, 2500), new StepValue(6000, 500));
        explore.Temperature.Should().Be(new DoubleRange(300, 300), "the first point is the walkers' start temperature");
    }

    [Fact]
    public void Pressure_points_are_the_same_piecewise_linear_target_for_every_walker()
    {
        var explore = (ExploreStep)Parse(folder, Schedules.Replace("pressure: { from: 0, to: 20 }", "pressure: [[0, 0], [4000, 0], [6000, 20]]")).Loop.Steps[0];

        explore.Pressure!.Points.Should().Equal(new StepValue(0, 0), new StepValue(4000, 0), new StepValue(6000, 20));
        explore.Pressure.Should().Be(new PressureSchedule(0, 20, Ramp: false) { Points = [new(0, 0), new(4000, 0), new(6000, 20)] });
        explore.Pressure.Should().NotBe(new PressureSchedule(0, 20, Ramp: false), "points make another schedule than a spread");
    }

    [Fact]
    public void An_explore_step_without_schedules_keeps_the_step_hash_it_had_before_they_existed()
    {
        var explore = (ExploreStep)Parse(folder, Minimal.Replace("    - fit: {}", "    - fit: {}\n    - explore: { temperature: 600, steps: 100 }")).Loop.Steps[2];

        // The hash is taken over this JSON; keys that are absent from it leave the hash of older campaigns unchanged.
        var json = System.Text.Json.JsonSerializer.Serialize<CampaignStep>(explore, new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower });
        json.Should().NotContain("pressure").And.NotContain("temperature_schedule").And.NotContain("start_min_atoms");
        CampaignJson.StepHash(explore).Should().Be(CampaignJson.StepHash(explore with { Pressure = null, TemperatureSchedule = null, StartMinAtoms = null }));
        CampaignJson.StepHash(explore).Should().NotBe(CampaignJson.StepHash(explore with { StartMinAtoms = 64 }), "a schedule changes the step");
    }

    public static TheoryData<string, string, string, int, int, string> Cases => new()
    {
        // what, replace, with, line, column, message fragment
        { "pressure without npt", "ensemble: npt", "ensemble: nvt", 12, 9, "'pressure' applies to ensemble npt only (this step is nvt); expected ensemble: npt or no pressure" },
        { "a decompression ramp", "to: 20 }", "to: -5 }", 12, 34, "pressure.to: -5 is below from 0; expected a compression ramp, from ≤ to" },
        { "pressure not a number", "pressure: { from: 0, to: 20 }", "pressure: high", 12, 19, "pressure: 'high' is not a number; expected a number ≥ -1000 and ≤ 1000" },
        { "pressure out of range", "pressure: { from: 0, to: 20 }", "pressure: 2000", 12, 19, "pressure: 2000 is out of range" },
        { "ramp without its end", "pressure: { from: 0, to: 20 }", "pressure: { from: 0 }", 12, 19, "pressure: missing required key 'to'" },
        { "unknown ramp key", "pressure: { from: 0, to: 20 }", "pressure: { from: 0, to: 20, rate: 1 }", 12, 38, "pressure: unknown key 'rate'; expected one of from, to" },
        { "reversed pressure spread", "pressure: { from: 0, to: 20 }", "pressure: [10, 5]", 12, 24, "pressure: 5 is below 10; expected [lo, hi] with lo ≤ hi" },
        { "unknown schedule", "temperature_schedule: melt-quench", "temperature_schedule: anneal", 13, 31, "temperature_schedule: 'anneal' is not a known choice; expected melt-quench" },
        { "melt below the walkers", "temperature_schedule: melt-quench", "temperature_schedule: { kind: melt-quench, melt: 800 }", 13, 31, "melt 800 K is not above the walkers' highest temperature 900 K; expected melt > temperature" },
        { "quench longer than the run", "steps: 30000", "steps: 5000", 11, 16, "the melt–quench to 300 K needs 24000 steps of 1 fs (hold 2000 fs, then 2200 K at 100 K/ps) but steps is 5000; expected steps ≥ 24000" },
        { "quench rate zero", "temperature_schedule: melt-quench", "temperature_schedule: { kind: melt-quench, quench_rate: 0 }", 13, 65, "quench_rate: 0 is out of range; expected a number > 0" },
        { "unknown melt-quench key", "temperature_schedule: melt-quench", "temperature_schedule: { kind: melt-quench, hold_time: 5 }", 13, 52, "unknown key 'hold_time'; expected one of kind, melt, hold, quench_rate" },
        { "melt-quench mapping without kind", "temperature_schedule: melt-quench", "temperature_schedule: { melt: 3000 }", 13, 31, "temperature_schedule: missing required key 'kind'" },
        { "first point not at step 0", "        temperature: [300, 900]\n", "", 12, 33, "the first point is at step 100; expected the first point at step 0" },
        { "steps not increasing", "        temperature: [300, 900]\n", "", 12, 55, "step 400 does not come after step 500; expected increasing steps" },
        { "a point beyond the run", "        temperature: [300, 900]\n", "", 12, 31, "the last point is at step 40000, beyond steps 30000; expected points within the run" },
        { "numbers instead of points", "        temperature: [300, 900]\n", "", 12, 31, "temperature_schedule: found a list of numbers; expected a list of [step, K] points" },
        { "a point that is no pair", "        temperature: [300, 900]\n", "", 12, 42, "temperature_schedule[1]: found '500'; expected [step, K]" },
        { "points beside a temperature", "temperature_schedule: melt-quench", "temperature_schedule: [[0, 300], [100, 600]]", 10, 9, "'temperature' does not apply with a list of (step, K) points in temperature_schedule; expected one of them" },
        { "pressure points not increasing", "pressure: { from: 0, to: 20 }", "pressure: [[0, 0], [500, 5], [500, 10]]", 12, 39, "pressure[2]: step 500 does not come after step 500; expected increasing steps" },
        { "a pressure point beyond the run", "pressure: { from: 0, to: 20 }", "pressure: [[0, 0], [40000, 20]]", 12, 19, "pressure: the last point is at step 40000, beyond steps 30000; expected points within the run" },
        { "a pressure point out of range", "pressure: { from: 0, to: 20 }", "pressure: [[0, 0], [100, 5000]]", 12, 34, "pressure[1].value: 5000 is out of range; expected a number ≥ -1000 and ≤ 1000" },
        { "a start filter of no atoms", "steps: 30000", "steps: 30000\n        start_min_atoms: 0", 12, 26, "start_min_atoms: 0 is out of range; expected an integer from 1 to 10000000" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_schedule_error_names_the_line_and_column_and_what_was_expected(
        string what, string replace, string with, int line, int column, string fragment)
    {
        Schedules.Should().Contain(replace, what);
        var text = Schedules.Replace(replace, with);
        text = what switch
        {
            "first point not at step 0" => text.Replace("temperature_schedule: melt-quench", "temperature_schedule: [[100, 300], [500, 600]]"),
            "steps not increasing" => text.Replace("temperature_schedule: melt-quench", "temperature_schedule: [[0, 300], [500, 600], [400, 900]]"),
            "a point beyond the run" => text.Replace("temperature_schedule: melt-quench", "temperature_schedule: [[0, 300], [40000, 600]]"),
            "numbers instead of points" => text.Replace("temperature_schedule: melt-quench", "temperature_schedule: [0, 300]"),
            "a point that is no pair" => text.Replace("temperature_schedule: melt-quench", "temperature_schedule: [[0, 300], 500]"),
            _ => text,
        };

        var errors = Errors(folder, text);

        errors.Should().ContainSingle(what);
        errors[0].ToString().Should().StartWith($"{folder.File("c.yaml")}:{line}:{column}: ", what).And.Contain(fragment, what);
    }
}
