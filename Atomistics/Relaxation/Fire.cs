using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Atomistics.Relaxation;

/// <summary>Settings of a FIRE relaxation. Units: eV/Å for forces, GPa for stress and pressure, Å for steps.</summary>
public sealed record FireOptions
{
    /// <summary>Converged when every atom's force is below this, eV/Å (default 0.01). Must be positive.</summary>
    public double MaxForce { get; init; } = 0.01;

    /// <summary>Also relax the cell (all nine components of its deformation) towards <see cref="TargetPressureGPa"/>; default false.</summary>
    public bool RelaxCell { get; init; }

    /// <summary>Target hydrostatic pressure in GPa for cell relaxation (default 0); the target stress is σ = −P·I (ASE's sign).</summary>
    public double TargetPressureGPa { get; init; }

    /// <summary>With <see cref="RelaxCell"/>: converged when every component of σ − σ_target is below this, GPa (default 0.01).</summary>
    public double MaxStressGPa { get; init; } = 0.01;

    /// <summary>Give up after this many steps (default 1000).</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>Largest displacement of one atom (or of the cell's scaled strain) in one step, Å (default 0.2).</summary>
    public double MaxStep { get; init; } = 0.2;

    /// <summary>Initial FIRE time step in the optimiser's own units (mass 1, default 0.1, as ASE).</summary>
    public double InitialTimestep { get; init; } = 0.1;

    /// <summary>Largest FIRE time step (default 1.0, as ASE).</summary>
    public double MaxTimestep { get; init; } = 1.0;

    /// <summary>Threads for force evaluation (default 1; 0 means one per processor).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, naming it.</exception>
    public void Validate()
    {
        Require(double.IsFinite(MaxForce) && MaxForce > 0, nameof(MaxForce), MaxForce);
        Require(double.IsFinite(TargetPressureGPa), nameof(TargetPressureGPa), TargetPressureGPa);
        Require(double.IsFinite(MaxStressGPa) && MaxStressGPa > 0, nameof(MaxStressGPa), MaxStressGPa);
        Require(MaxSteps >= 0, nameof(MaxSteps), MaxSteps);
        Require(double.IsFinite(MaxStep) && MaxStep > 0, nameof(MaxStep), MaxStep);
        Require(double.IsFinite(InitialTimestep) && InitialTimestep > 0, nameof(InitialTimestep), InitialTimestep);
        Require(double.IsFinite(MaxTimestep) && MaxTimestep >= InitialTimestep, nameof(MaxTimestep), MaxTimestep);
        Require(Threads >= 0, nameof(Threads), Threads);
    }

    private static void Require(bool condition, string name, double value)
    {
        if (!condition)
        {
            throw new ArgumentException(FormattableString.Invariant($"FIRE option {name} = {value} is out of range."), name);
        }
    }
}

/// <summary>The outcome of a relaxation.</summary>
/// <param name="Converged">Whether the force (and stress) criteria were met.</param>
/// <param name="Steps">FIRE steps taken.</param>
/// <param name="Energy">Final potential energy, eV.</param>
/// <param name="MaxForce">Largest force on an atom in the final state, eV/Å.</param>
/// <param name="Stress">Final stress in eV/Å³ (ASE's sign), or <see langword="null"/> unless periodic in 3-D.</param>
/// <param name="MaxStressDeviationGPa">Largest |σ − σ_target| component in GPa with cell relaxation, else NaN.</param>
public sealed record FireResult(bool Converged, int Steps, double Energy, double MaxForce, Mat3? Stress, double MaxStressDeviationGPa);

/// <summary>
/// The FIRE minimiser (Bitzek et al., PRL 97, 170201 (2006)) for atomic positions and, optionally, the cell.
/// </summary>
/// <remarks>
/// <para>
/// Parameters are the published ones: N_min 5, f_inc 1.1, f_dec 0.5, α_start 0.1, f_α 0.99; each step's displacement is
/// capped at <see cref="FireOptions.MaxStep"/>.
/// </para>
/// <para>
/// With the cell, the degrees of freedom are the atoms' positions in the undeformed cell and the deformation gradient F of the
/// cell (current = F · initial, scaled by the number of atoms as in ASE's <c>UnitCellFilter</c>); the cell's generalized force
/// is −V·(σ + P·I)·F⁻ᵀ, the derivative of the enthalpy E + P·V.
/// </para>
/// <para>The structure is relaxed in place; its <see cref="Structure.Calculated"/> labels hold the final energy, forces and stress.</para>
/// </remarks>
public static class Fire
{
    private const int MinStepsBeforeSpeedUp = 5;
    private const double TimestepIncrease = 1.1;
    private const double TimestepDecrease = 0.5;
    private const double MixingStart = 0.1;
    private const double MixingDecay = 0.99;

    /// <summary>Relaxes <paramref name="structure"/> in place.</summary>
    /// <exception cref="ArgumentException">An option is invalid, or cell relaxation was asked of a structure that is not 3-D periodic.</exception>
    /// <exception cref="PotentialException">The potential failed (e.g. atoms collapsed onto each other).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the structure holds the last state reached.</exception>
    public static FireResult Relax(Structure structure, IPotential potential, FireOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.RelaxCell && structure.Pbc != Pbc.All)
        {
            throw new ArgumentException($"Cell relaxation needs a structure periodic in all three directions; this one has pbc {structure.Pbc}.");
        }

        var atoms = structure.Count;
        var cellFactor = Math.Max(1, atoms);
        var evaluation = new Evaluation(options.Threads);
        var targetPressure = options.TargetPressureGPa * Units.GPa;
        var initialCell = structure.Cell.Matrix;

        // Generalized coordinates: atoms' positions in the undeformed cell, then (with the cell) three rows of cellFactor·F.
        var rows = atoms + (options.RelaxCell ? 3 : 0);
        var reference = new Vec3[atoms];
        var deformation = Mat3.Identity;
        Array.Copy(structure.Positions, reference, atoms);
        var force = new Vec3[rows];
        var velocity = new Vec3[rows];
        var dt = options.InitialTimestep;
        var mixing = MixingStart;
        var stepsSinceReset = 0;
        var steps = 0;
        while (true)
        {
            potential.Compute(structure, evaluation);
            var maxForce = 0.0;
            for (var i = 0; i < atoms; i++)
            {
                maxForce = Math.Max(maxForce, evaluation.Forces[i].Length);
                // ∂E/∂s = Fᵀ·∂E/∂r for r = F·s.
                force[i] = deformation.Transpose() * evaluation.Forces[i];
            }

            var stress = evaluation.Stress(structure);
            var stressDeviation = double.NaN;
            if (options.RelaxCell)
            {
                var deviation = stress!.Value + (targetPressure * Mat3.Identity);
                stressDeviation = MaxAbs(deviation) / Units.GPa;
                var cellForce = (-structure.Cell.Volume / cellFactor) * (deviation * deformation.Inverse().Transpose());
                force[atoms] = cellForce.Row(0);
                force[atoms + 1] = cellForce.Row(1);
                force[atoms + 2] = cellForce.Row(2);
            }

            var converged = maxForce < options.MaxForce && (!options.RelaxCell || stressDeviation < options.MaxStressGPa);
            if (converged || steps >= options.MaxSteps)
            {
                structure.Calculated = evaluation.ToLabels(structure);
                return new FireResult(converged, steps, evaluation.Energy, maxForce, stress, stressDeviation);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var power = Dot(force, velocity);
            if (power > 0)
            {
                var scale = mixing * Math.Sqrt(Dot(velocity, velocity) / Dot(force, force));
                for (var k = 0; k < rows; k++)
                {
                    velocity[k] = ((1 - mixing) * velocity[k]) + (scale * force[k]);
                }

                if (stepsSinceReset > MinStepsBeforeSpeedUp)
                {
                    dt = Math.Min(dt * TimestepIncrease, options.MaxTimestep);
                    mixing *= MixingDecay;
                }

                stepsSinceReset++;
            }
            else if (steps > 0)
            {
                Array.Clear(velocity);
                mixing = MixingStart;
                dt *= TimestepDecrease;
                stepsSinceReset = 0;
            }

            var longest = 0.0;
            for (var k = 0; k < rows; k++)
            {
                velocity[k] += dt * force[k];
                longest = Math.Max(longest, velocity[k].Length * dt);
            }

            var limit = longest > options.MaxStep ? options.MaxStep / longest : 1.0;
            for (var i = 0; i < atoms; i++)
            {
                reference[i] += (dt * limit) * velocity[i];
            }

            if (options.RelaxCell)
            {
                var change = (dt * limit / cellFactor) * Mat3.FromRows(velocity[atoms], velocity[atoms + 1], velocity[atoms + 2]);
                deformation += change;
                // Rows of the cell transform as a' = a·Fᵀ.
                structure.Cell = new Cell(initialCell * deformation.Transpose());
            }

            for (var i = 0; i < atoms; i++)
            {
                structure.Positions[i] = deformation * reference[i];
            }

            steps++;
        }
    }

    private static double Dot(Vec3[] a, Vec3[] b)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            sum += a[k].Dot(b[k]);
        }

        return sum;
    }

    private static double MaxAbs(Mat3 m)
    {
        var max = 0.0;
        foreach (var x in m.ToRowMajorArray())
        {
            max = Math.Max(max, Math.Abs(x));
        }

        return max;
    }
}
