namespace ActiveLearning.Atomistics.Dynamics;

/// <summary>
/// A Nosé–Hoover chain (Martyna, Klein and Tuckerman 1992) acting on a set of degrees of freedom, integrated by the
/// symmetric Trotter splitting of Martyna et al. (Mol. Phys. 87, 1117 (1996)) without Suzuki–Yoshida sub-steps.
/// </summary>
/// <remarks>Velocities ξ̇_j in 1/fs, masses Q_j in eV·fs²: Q_1 = N_f·k_B·T·τ², Q_j = k_B·T·τ² for the others.</remarks>
internal sealed class NoseHooverChain(int length, int degreesOfFreedom, double dampingFs)
{
    private readonly double[] velocity = new double[length];
    private readonly double[] position = new double[length];
    private readonly double[] mass = new double[length];
    private double kT;

    /// <summary>Sets the target temperature (as k_B·T in eV), which also sets the masses.</summary>
    public void SetTarget(double targetKT)
    {
        kT = targetKT;
        var tau2 = dampingFs * dampingFs;
        mass[0] = degreesOfFreedom * kT * tau2;
        for (var j = 1; j < mass.Length; j++)
        {
            mass[j] = kT * tau2;
        }
    }

    /// <summary>
    /// Advances the chain by <paramref name="h"/> fs given twice the kinetic energy (eV) of the degrees of freedom it
    /// acts on, and returns the factor by which their velocities must be scaled.
    /// </summary>
    public double Advance(double kinetic2, double h)
    {
        var last = velocity.Length - 1;
        velocity[last] += Force(last, kinetic2) * h / 2;
        for (var j = last - 1; j >= 0; j--)
        {
            UpdateLink(j, kinetic2, h);
        }

        var scale = Math.Exp(-velocity[0] * h);
        kinetic2 *= scale * scale;
        for (var j = 0; j <= last; j++)
        {
            position[j] += velocity[j] * h;
        }

        for (var j = 0; j < last; j++)
        {
            UpdateLink(j, kinetic2, h);
        }

        velocity[last] += Force(last, kinetic2) * h / 2;
        return scale;
    }

    /// <summary>The chain's own energy in eV (kinetic plus the potential term of each link), part of the conserved quantity.</summary>
    public double Energy()
    {
        var energy = 0.0;
        for (var j = 0; j < velocity.Length; j++)
        {
            var degrees = j == 0 ? degreesOfFreedom : 1;
            energy += (0.5 * mass[j] * velocity[j] * velocity[j]) + (degrees * kT * position[j]);
        }

        return energy;
    }

    private void UpdateLink(int j, double kinetic2, double h)
    {
        var damping = Math.Exp(-velocity[j + 1] * h / 4);
        velocity[j] *= damping;
        velocity[j] += Force(j, kinetic2) * h / 2;
        velocity[j] *= damping;
    }

    private double Force(int j, double kinetic2) => j == 0
        ? (kinetic2 - (degreesOfFreedom * kT)) / mass[0]
        : ((mass[j - 1] * velocity[j - 1] * velocity[j - 1]) - kT) / mass[j];
}
