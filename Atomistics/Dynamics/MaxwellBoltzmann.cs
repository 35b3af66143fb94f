namespace ActiveLearning.Atomistics.Dynamics;

/// <summary>Initial velocities drawn from the Maxwell–Boltzmann distribution.</summary>
public static class MaxwellBoltzmann
{
    /// <summary>
    /// Sets <see cref="Structure.Velocities"/> (Å/fs) to Gaussian velocities with variance k_B·T/m per component, removes the
    /// centre-of-mass momentum, and rescales them so that the instantaneous temperature over 3N − 3 degrees of freedom is
    /// exactly <paramref name="temperatureK"/> (for a single atom: zero velocity).
    /// </summary>
    /// <param name="structure">The structure; masses from the element table.</param>
    /// <param name="temperatureK">Temperature in K, ≥ 0.</param>
    /// <param name="random">The random source; the same seed gives the same velocities.</param>
    /// <exception cref="ArgumentException">The temperature is negative or not finite, or an atom has no mass (element X).</exception>
    public static void Assign(Structure structure, double temperatureK, Random random)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(random);
        if (!double.IsFinite(temperatureK) || temperatureK < 0)
        {
            throw new ArgumentException(FormattableString.Invariant($"The temperature {temperatureK} K must be finite and ≥ 0."), nameof(temperatureK));
        }

        var masses = Kinetics.CheckedMasses(structure);
        var velocities = structure.Velocities ?? new Vec3[structure.Count];
        var gaussian = new GaussianSource(random);
        for (var i = 0; i < velocities.Length; i++)
        {
            var width = Math.Sqrt(Units.Boltzmann * Math.Max(temperatureK, 1) / (masses[i] * Units.AmuAngstromSquaredPerFemtosecondSquared));
            velocities[i] = width * new Vec3(gaussian.Next(), gaussian.Next(), gaussian.Next());
        }

        Kinetics.RemoveMomentum(masses, velocities);
        var current = Kinetics.Temperature(Kinetics.KineticEnergy(masses, velocities), Kinetics.DegreesOfFreedom(structure.Count));
        var scale = current > 0 ? Math.Sqrt(temperatureK / current) : 0;
        for (var i = 0; i < velocities.Length; i++)
        {
            velocities[i] *= scale;
        }

        structure.Velocities = velocities;
    }
}

/// <summary>Standard normal numbers from a <see cref="Random"/> (polar Box–Muller), deterministic for a seed.</summary>
internal sealed class GaussianSource(Random random)
{
    private double spare;
    private bool hasSpare;

    public double Next()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spare;
        }

        double u, v, s;
        do
        {
            u = (2 * random.NextDouble()) - 1;
            v = (2 * random.NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        spare = v * factor;
        hasSpare = true;
        return u * factor;
    }
}

/// <summary>Kinetic energy, temperature and momentum in the internal units.</summary>
internal static class Kinetics
{
    /// <summary>Degrees of freedom for the temperature: 3N − 3 (centre-of-mass momentum is removed), at least 1.</summary>
    public static int DegreesOfFreedom(int atoms) => Math.Max(1, (3 * atoms) - 3);

    public static double[] CheckedMasses(Structure structure)
    {
        var masses = structure.Masses();
        for (var i = 0; i < masses.Length; i++)
        {
            if (!(masses[i] > 0))
            {
                throw new ArgumentException($"Atom {i + 1} ({structure.Symbol(i)}) has no mass, so it cannot move in MD.");
            }
        }

        return masses;
    }

    /// <summary>½ Σ m v² in eV.</summary>
    public static double KineticEnergy(ReadOnlySpan<double> masses, ReadOnlySpan<Vec3> velocities)
    {
        var sum = 0.0;
        for (var i = 0; i < velocities.Length; i++)
        {
            sum += masses[i] * velocities[i].LengthSquared;
        }

        return 0.5 * sum * Units.AmuAngstromSquaredPerFemtosecondSquared;
    }

    /// <summary>Σ m v⊗v in eV (twice the kinetic energy tensor).</summary>
    public static Mat3 KineticTensor(ReadOnlySpan<double> masses, ReadOnlySpan<Vec3> velocities)
    {
        double xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
        for (var i = 0; i < velocities.Length; i++)
        {
            var v = velocities[i];
            var m = masses[i];
            xx += m * v.X * v.X;
            xy += m * v.X * v.Y;
            xz += m * v.X * v.Z;
            yy += m * v.Y * v.Y;
            yz += m * v.Y * v.Z;
            zz += m * v.Z * v.Z;
        }

        return Units.AmuAngstromSquaredPerFemtosecondSquared * Mat3.FromVoigt(xx, yy, zz, yz, xz, xy);
    }

    public static double Temperature(double kineticEnergy, int degreesOfFreedom) =>
        2 * kineticEnergy / (degreesOfFreedom * Units.Boltzmann);

    /// <summary>Total momentum Σ m v in amu·Å/fs.</summary>
    public static Vec3 Momentum(ReadOnlySpan<double> masses, ReadOnlySpan<Vec3> velocities)
    {
        var p = Vec3.Zero;
        for (var i = 0; i < velocities.Length; i++)
        {
            p += masses[i] * velocities[i];
        }

        return p;
    }

    public static void RemoveMomentum(ReadOnlySpan<double> masses, Span<Vec3> velocities)
    {
        var totalMass = 0.0;
        foreach (var m in masses)
        {
            totalMass += m;
        }

        var drift = Momentum(masses, velocities) / totalMass;
        for (var i = 0; i < velocities.Length; i++)
        {
            velocities[i] -= drift;
        }
    }
}
