using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Activities.Tests;

/// <summary>
/// A small, real student for the activity tests: a level-10 MTP fitted to 24 Stillinger–Weber-labelled 64-atom Si MD
/// frames (300–1500 K), with its neighbourhood-mode active set; built once per test run.
/// </summary>
internal static class SiliconModel
{
    private static readonly Lazy<(List<Structure> Training, MomentTensorPotential Model, ActiveSet Active)> Built = new(Build);

    public static IReadOnlyList<Structure> Training => Built.Value.Training;

    public static MomentTensorPotential Model => Built.Value.Model;

    public static ActiveSet ActiveSet => Built.Value.Active;

    /// <summary>An untrained level-10 MTP (Chebyshev radial functions, zero linear coefficients).</summary>
    public static MomentTensorPotential Untrained() =>
        new(MtpInitialisation.WithDefaultCoefficients(MtpBasisGenerator.Generate(10, 1, 1.9, 5.0)), [14]);

    /// <summary>Fits the level-10 MTP to <paramref name="data"/> (forces weighted as Morrow &amp; Deringer recommend).</summary>
    public static MomentTensorPotential Fit(IEnumerable<Structure> data) =>
        (MomentTensorPotential)LinearFitter.Fit(Untrained(), data, new LinearFitOptions { ForceWeight = 0.1 }).Potential;

    /// <summary>64-atom diamond Si at the SW lattice constant.</summary>
    public static Structure Diamond() => Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2);

    private static (List<Structure>, MomentTensorPotential, ActiveSet) Build()
    {
        var training = SiliconDataset.Frames(24);
        var model = Fit(training);
        var active = ActiveSet.Build(StructureFeatures.From(model, training, FeatureMode.Neighbourhood));
        return (training, model, active);
    }
}
