namespace ActiveLearning.Atomistics.Potentials.Mtp;

/// <summary>Starting coefficients for an untrained MTP template, so that its linear part can be fitted directly.</summary>
public static class MtpInitialisation
{
    /// <summary>
    /// A copy of <paramref name="template"/> whose missing coefficients are filled: radial function μ of the species pair
    /// (centre t, neighbour s) is w_s times the μ-th Chebyshev polynomial times the cutoff factor (c_{μ,k} = w_s·δ_{μk}, for μ
    /// beyond the basis size the polynomial μ mod size), with neighbour weights w_s = (−1)^s / (1 + ⌊s/2⌋), i.e. 1, −1, ½,
    /// −½, ⅓, … for species 0, 1, 2, …; and ξ = θ = 0. Existing coefficients are kept.
    /// </summary>
    /// <remarks>
    /// Distinct polynomials give the radial functions distinct shapes (f_0 = (R − r)², f_1 adds a linear factor, …), which is
    /// what the linear fit needs; the non-linear refinement can move them from there. Deterministic, unlike MLIP-2's random start.
    /// The neighbour weights matter with several species: with the same radial functions for every pair the moments only
    /// count neighbours, whatever their species, so a linear fit cannot tell a Si–C bond from a C–C bond (a 3C-SiC
    /// Tersoff data set stayed at 2 eV/Å force RMSE); distinct weights make every product of moments mix the species
    /// differently, which lets the linear coefficients separate them (0.1–0.2 eV/Å on the same data). One species has w_0 = 1:
    /// the single-species start is the plain Chebyshev one.
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
                var neighbour = pair % model.SpeciesCount;
                var weight = (neighbour % 2 == 0 ? 1.0 : -1.0) / (1 + (neighbour / 2));
                for (var mu = 0; mu < model.RadialFuncsCount; mu++)
                {
                    coefficients[(((pair * model.RadialFuncsCount) + mu) * model.RadialBasisSize) + (mu % model.RadialBasisSize)] = weight;
                }
            }

            model.RadialCoeffs = coefficients;
        }

        model.SpeciesCoeffs ??= new double[model.SpeciesCount];
        model.MomentCoeffs ??= new double[model.ScalarMomentsCount];
        return model;
    }
}
