using System.Globalization;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.Orchestrator.Campaigns;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>
/// The campaign's <c>model:</c> block as a student model: its kind (<see cref="StudentModel"/>, which knows the files) and
/// the untrained model the first fit starts from. The one place that turns a <see cref="ModelSpec"/> into a potential.
/// </summary>
public static class StudentModels
{
    /// <summary>The kind of the campaign's model.</summary>
    /// <exception cref="ArgumentException">An unknown kind (the parser admits none).</exception>
    public static StudentModel KindOf(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            "mtp" => StudentModel.Mtp,
            "snap" => StudentModel.Snap,
            _ => throw new ArgumentException($"model kind '{spec.Kind}' is neither mtp nor snap.", nameof(spec)),
        };
    }

    /// <summary>
    /// The untrained model: an MTP from the level-based basis generator with MLIP-2's default radial coefficients, or a SNAP
    /// model with the spec's hyper-parameters, radii and weights and every coefficient zero.
    /// </summary>
    /// <param name="spec">The campaign's model block.</param>
    /// <param name="species">Atomic numbers in the campaign's species order (the model's type order).</param>
    /// <exception cref="ArgumentException">An unknown kind, or a SNAP spec without a radius or weight for a species.</exception>
    public static ILinearPotential Untrained(ModelSpec spec, IReadOnlyList<int> species)
    {
        ArgumentNullException.ThrowIfNull(species);
        if (KindOf(spec) == StudentModel.Mtp)
        {
            var template = MtpBasisGenerator.Generate(spec.Level, species.Count, spec.MinDist, spec.MaxDist, spec.RadialBasisSize);
            return new MomentTensorPotential(MtpInitialisation.WithDefaultCoefficients(template), [.. species]);
        }

        var snap = spec.Snap ?? new SnapModelSpec();
        var parameters = new SnapHyperParameters(
            snap.CutoffFactor, snap.TwoJMax, snap.RadialFactor, snap.InnerRadius, snap.Switch, snap.BZero, snap.Quadratic);
        var count = SnapFile.CoefficientCount(parameters);
        var elements = new SnapElement[species.Count];
        for (var s = 0; s < species.Count; s++)
        {
            var symbol = Elements.Symbol(species[s]);
            elements[s] = new SnapElement(
                species[s],
                snap.Radius.TryGetValue(symbol, out var radius) ? radius : SnapModelSpec.DefaultRadius,
                snap.Weight.TryGetValue(symbol, out var weight) ? weight : SnapModelSpec.DefaultWeight,
                new double[count]);
        }

        return new SnapPotential(new SnapModel(parameters, elements), "snap:untrained");
    }

    /// <summary>One line for <c>al validate</c>: e.g. <c>mtp level 16, 2–5 Å, radial basis size 8</c> or <c>snap twojmax 6, …</c>.</summary>
    public static string Describe(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var inv = CultureInfo.InvariantCulture;
        if (spec.Snap is not { } snap)
        {
            return string.Create(inv, $"{spec.Kind} level {spec.Level}, {spec.MinDist}–{spec.MaxDist} Å, radial basis size {spec.RadialBasisSize}");
        }

        var elements = string.Join(", ", snap.Radius.Select(r => string.Create(inv, $"{r.Key} radius {r.Value} weight {snap.Weight.GetValueOrDefault(r.Key, SnapModelSpec.DefaultWeight)}")));
        return string.Create(inv,
            $"snap twojmax {snap.TwoJMax} ({SnapFile.ComponentCount(snap.TwoJMax)} components{(snap.Quadratic ? ", quadratic" : string.Empty)}), rcutfac {snap.CutoffFactor}, rfac0 {snap.RadialFactor}, rmin0 {snap.InnerRadius} Å, switch {(snap.Switch ? "on" : "off")}, bzero {(snap.BZero ? "on" : "off")}; {elements}");
    }
}
