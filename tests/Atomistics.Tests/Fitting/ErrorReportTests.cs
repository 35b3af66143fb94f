using System.Text.Json;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Atomistics.Tests.Fitting;

public sealed class ErrorReportTests
{
    [Fact]
    public void The_model_that_made_the_labels_has_no_error_and_a_shifted_constant_only_an_energy_error()
    {
        var random = new Random(21);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 5);
        var shifted = truth.Parameters.ToArray();
        shifted[0] += 0.01;
        shifted[1] += 0.01;

        var exact = ErrorReport.Compute(truth, data, threads: 1).Overall;
        var offset = ErrorReport.Compute(truth.WithParameters(shifted), data, threads: 1).Overall;

        exact.EnergyRmseMeVPerAtom.Should().BeApproximately(0, 1e-9);
        exact.ForceRmseEVPerAngstrom.Should().BeApproximately(0, 1e-12);
        exact.StressRmseGPa.Should().BeApproximately(0, 1e-9);
        offset.EnergyRmseMeVPerAtom.Should().BeApproximately(10, 1e-9);
        offset.EnergyMaeMeVPerAtom.Should().BeApproximately(10, 1e-9);
        offset.ForceMaeEVPerAngstrom.Should().BeApproximately(0, 1e-12);
        offset.StressMaeGPa.Should().BeApproximately(0, 1e-9);
        offset.Should().BeEquivalentTo(new { Structures = 5, Energies = 5, ForceComponents = 5 * 8 * 3, Stresses = 5 });
    }

    [Fact]
    public void Force_and_stress_errors_are_per_component_in_eV_per_angstrom_and_GPa()
    {
        var random = new Random(22);
        var truth = FitData.SiliconCarbon(random);
        var other = FitData.SiliconCarbon(random);
        var structure = FitData.Label(FitData.RandomSiliconCarbon(random), truth);
        var evaluation = new Evaluation(threads: 1);
        other.Compute(structure, evaluation);
        double squares = 0, absolute = 0, stressSquares = 0;
        for (var i = 0; i < structure.Count; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                var error = evaluation.Forces[i][axis] - structure.Reference!.Forces![i][axis];
                squares += error * error;
                absolute += Math.Abs(error);
            }
        }

        var difference = evaluation.Stress(structure)!.Value + (-1 * structure.Reference!.Stress!.Value);
        foreach (var (a, b) in new[] { (0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1) })
        {
            stressSquares += Math.Pow(difference[a, b] * 160.2176634, 2);
        }

        var report = ErrorReport.Compute(other, [structure], threads: 1).Overall;

        report.ForceRmseEVPerAngstrom.Should().BeApproximately(Math.Sqrt(squares / (3 * structure.Count)), 1e-12);
        report.ForceMaeEVPerAngstrom.Should().BeApproximately(absolute / (3 * structure.Count), 1e-12);
        report.StressRmseGPa.Should().BeApproximately(Math.Sqrt(stressSquares / 6), 1e-9);
        report.EnergyRmseMeVPerAtom.Should().BeApproximately(
            Math.Abs(evaluation.Energy - structure.Reference.Energy!.Value) / structure.Count * 1000, 1e-9);
    }

    [Fact]
    public void Structures_are_grouped_by_config_type_with_their_own_counts()
    {
        var random = new Random(23);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 6);
        data[0].Info["config_type"] = "bulk";
        data[1].Info["config_type"] = "bulk";
        data[2].Info["config_type"] = "surface";
        data[3].Info["config_type"] = 3L;
        data[4].Reference = null;
        data[4].Info["config_type"] = "surface";
        data[5].Reference = data[5].Reference! with { Forces = null, Stress = null };
        var shifted = truth.Parameters.ToArray();
        shifted[0] += 0.02;
        shifted[1] += 0.02;

        var report = ErrorReport.Compute(truth.WithParameters(shifted), data, threads: 1);

        report.ByConfigType.Select(g => g.ConfigType).Should().Equal("(none)", "3", "bulk", "surface");
        var bulk = report.ByConfigType[2].Errors;
        bulk.Should().BeEquivalentTo(new { Structures = 2, Energies = 2, ForceComponents = 2 * 24, Stresses = 2 });
        bulk.EnergyRmseMeVPerAtom.Should().BeApproximately(20, 1e-9);
        report.ByConfigType[3].Errors.Should().BeEquivalentTo(new { Structures = 2, Energies = 1, ForceComponents = 24, Stresses = 1 });
        var none = report.ByConfigType[0].Errors;
        none.Should().BeEquivalentTo(new { Structures = 1, Energies = 1, ForceComponents = 0, Stresses = 0 });
        none.ForceRmseEVPerAngstrom.Should().BeNull();
        none.StressMaeGPa.Should().BeNull();
        report.Overall.Should().BeEquivalentTo(new { Structures = 6, Energies = 5, ForceComponents = 4 * 24, Stresses = 4 });
        report.Potential.Should().Be(truth.Name);
    }

    [Fact]
    public void Prints_as_a_table_and_round_trips_through_json()
    {
        var random = new Random(24);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 3);
        data[0].Info["config_type"] = "liquid";
        data[1].Reference = new LabelSet(data[1].Reference!.Energy);

        var report = ErrorReport.Compute(FitData.SiliconCarbon(random), data, threads: 1);
        var table = report.ToTable();
        var json = JsonSerializer.Serialize(report);
        var back = JsonSerializer.Deserialize<ErrorReport>(json)!;

        table.Should().Contain("liquid").And.Contain("(none)").And.Contain("meV/atom").And.Contain("GPa");
        table.Split('\n').Should().Contain(line => line.StartsWith("all ", StringComparison.Ordinal));
        json.Should().Contain("\"EnergyRmseMeVPerAtom\"");
        back.Overall.Should().Be(report.Overall);
        back.ByConfigType.Should().BeEquivalentTo(report.ByConfigType);
    }
}
