namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>Starting coefficients for an untrained MTP template, so that its linear part can be fitted directly.</summary>
public static class MtpInitialisation
{
    /// <summary>
    /// A copy of <paramref name="template"/> whose missing coefficients are filled: radial function μ of every species pair
    /// is the μ-th Chebyshev polynomial times the cutoff factor (c_{μ,k} = δ_{μk}, for μ beyond the basis size the
    /// polynomial μ mod size), and ξ = θ = 0. Existing coefficients are kept.
    /// </summary>
    /// <remarks>
    /// Distinct polynomials give the radial functions distinct shapes (f_0 = (R − r)², f_1 adds a linear factor, …), which is
    /// what the linear fit needs; the non-linear refinement can move them from there. Deterministic, unlike MLIP-2's random start.
    /// </remarks>
    public static MtpModel WithDefaultCoefficients(MtpModel template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var model = template.Clone();
        if (model.RadialCoeffs is null)
        {
            var pairs = model.SpeciesCount * model.SpeciesCount;
            var coefficients = new double[pairs * model.RadialFuncsCount * model.RadialBasisSize];
            for (var pair = 0; pair < pairs; pair++)
            {
                for (var mu = 0; mu < model.RadialFuncsCount; mu++)
                {
                    coefficients[(((pair * model.RadialFuncsCount) + mu) * model.RadialBasisSize) + (mu % model.RadialBasisSize)] = 1;
                }
            }

            model.RadialCoeffs = coefficients;
        }

        model.SpeciesCoeffs ??= new double[model.SpeciesCount];
        model.MomentCoeffs ??= new double[model.ScalarMomentsCount];
        return model;
    }
}
