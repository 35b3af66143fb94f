namespace ActiveLearning.Atomistics;

/// <summary>
/// Unit conversions into the product's internal units: energy eV, length Å, time fs, mass amu, force eV/Å,
/// stress eV/Å³ (ASE's sign: compressed cells have negative diagonal stress), temperature K.
/// </summary>
/// <remarks>
/// Each constant is the size of the named unit expressed in internal units, so <c>x_Ry * Units.Rydberg</c> is in eV and
/// <c>x_eV / Units.Rydberg</c> is in Ry. Values are CODATA 2018 (exact elementary charge), except <see cref="AseTime"/>,
/// which must equal ASE's own default (CODATA 2014) to exchange velocities with ASE bit for bit.
/// </remarks>
public static class Units
{
    /// <summary>1 eV in eV.</summary>
    public const double ElectronVolt = 1.0;

    /// <summary>1 Å in Å.</summary>
    public const double Angstrom = 1.0;

    /// <summary>1 fs in fs.</summary>
    public const double Femtosecond = 1.0;

    /// <summary>1 ps in fs.</summary>
    public const double Picosecond = 1000.0;

    /// <summary>1 amu (dalton) in amu.</summary>
    public const double AtomicMassUnit = 1.0;

    /// <summary>The Rydberg energy in eV (CODATA 2018).</summary>
    public const double Rydberg = 13.605693122994;

    /// <summary>The Hartree energy in eV (CODATA 2018).</summary>
    public const double Hartree = 27.211386245988;

    /// <summary>The Bohr radius in Å (CODATA 2018).</summary>
    public const double Bohr = 0.529177210903;

    /// <summary>1 GPa in eV/Å³ (exact given the 2019 SI elementary charge: 1 eV/Å³ = 160.2176634 GPa).</summary>
    public const double GPa = 1.0 / 160.2176634;

    /// <summary>1 kbar (= 0.1 GPa) in eV/Å³.</summary>
    public const double Kilobar = 0.1 * GPa;

    /// <summary>1 bar in eV/Å³.</summary>
    public const double Bar = 1e-4 * GPa;

    /// <summary>The Boltzmann constant in eV/K (CODATA 2018).</summary>
    public const double Boltzmann = 8.617333262e-5;

    /// <summary>
    /// 1 amu·Å²/fs² in eV: the factor that turns m·v² (amu, Å/fs) into eV, and the inverse turns a force over a mass
    /// (eV/Å/amu) into an acceleration in Å/fs².
    /// </summary>
    public const double AmuAngstromSquaredPerFemtosecondSquared = 1.66053906660e-17 / 1.602176634e-19;

    /// <summary>
    /// ASE's internal time unit, Å·√(amu/eV), in fs (≈ 10.18 fs, from ASE 3.22's default constants). ASE stores momenta
    /// in amu·Å per this unit, so a velocity in Å/fs is <c>momentum / (mass * AseTime)</c>.
    /// </summary>
    public const double AseTime = 1.0 / 0.09822694788464063;
}
