using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Fitting;

public sealed class SiliconPairFitTests(ITestOutputHelper output)
{
    [Fact]
    public void A_pair_potential_fitted_to_Stillinger_Weber_silicon_has_finite_plausible_errors()
    {
        var random = new Random(31);
        var teacher = StillingerWeber.Silicon();
        var diamond = Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2);
        var data = new List<Structure>();
        for (var s = 0; s < 8; s++)
        {
            data.Add(Tagged(RandomStructures.Rattled(random, Zincblende.Strained(random, diamond, 0.03), 0.1), "diamond"));
        }

        for (var s = 0; s < 8; s++)
        {
            var cell = RandomStructures.TriclinicCell(random, 7, 9, 60);
            data.Add(Tagged(RandomStructures.Spread(random, cell, 12, [14], 2.1), "random"));
        }

        foreach (var structure in data)
        {
            FitData.Label(structure, teacher);
        }

        var pair = new LinearPairPotential([14], innerRadius: 1.8, cutoff: 5.0, basisSize: 8);
        var fit = LinearFitter.Fit(pair, data);
        var errors = ErrorReport.Compute(fit.Potential, data);
        var untrained = ErrorReport.Compute(pair, data).Overall;
        output.WriteLine(errors.ToTable());
        output.WriteLine($"{fit.Solution.Solver}, rank {fit.Solution.Rank}, condition {fit.Solution.ConditionEstimate:G3}");

        fit.Solution.Rank.Should().Be(pair.ParameterCount);
        var overall = errors.Overall;
        overall.Should().BeEquivalentTo(new { Structures = 16, Energies = 16, ForceComponents = (8 * 64 * 3) + (8 * 12 * 3), Stresses = 16 });
        overall.EnergyRmseMeVPerAtom.Should().BeInRange(0.01, 300);
        overall.ForceRmseEVPerAngstrom.Should().BeInRange(0.01, 0.8 * untrained.ForceRmseEVPerAngstrom!.Value);
        overall.StressRmseGPa.Should().BeInRange(0.001, 50);
        errors.ByConfigType.Select(g => (g.ConfigType, g.Errors.Structures)).Should().Equal(("diamond", 8), ("random", 8));
    }

    private static Structure Tagged(Structure structure, string configType)
    {
        structure.Info["config_type"] = configType;
        return structure;
    }
}
