using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Atomistics.Dynamics;

/// <summary>
/// Molecular dynamics with velocity Verlet: NVE, Langevin (BAOAB) and Nosé–Hoover chain NVT, and Martyna–Tobias–Klein NPT
/// (isotropic or per axis), with linear temperature and pressure ramps, a per-step observer and a trajectory writer.
/// </summary>
/// <remarks>
/// <para>
/// Units: positions Å, velocities Å/fs, time fs, masses amu (element table), energies eV. The instantaneous temperature
/// counts 3N − 3 degrees of freedom (see <see cref="DegreesOfFreedom"/>) because the centre-of-mass momentum is zero when
/// the run starts from <see cref="MaxwellBoltzmann"/> velocities and is conserved by every ensemble but Langevin.
/// </para>
/// <para>
/// The structure is advanced in place: its positions (never wrapped back into the cell, so trajectories stay continuous),
/// velocities and, under NPT, cell change; at the end its <see cref="Structure.Calculated"/> labels hold the energy, forces and
/// potential stress of the final state. A structure without velocities starts from Maxwell–Boltzmann velocities at the start
/// temperature drawn with <see cref="MdOptions.Seed"/>.
/// </para>
/// <para>
/// Cancellation is not a failure: a cancelled run returns its summary with <see cref="MdStopReason.Cancelled"/> and the state
/// of the last completed step. Given the seed and <see cref="MdOptions.Threads"/>, runs are reproducible bit for bit.
/// </para>
/// </remarks>
public static class MolecularDynamics
{
    /// <summary>Degrees of freedom used for the temperature of <paramref name="atoms"/> atoms: 3N − 3, at least 1.</summary>
    public static int DegreesOfFreedom(int atoms) => Kinetics.DegreesOfFreedom(atoms);

    /// <summary>The instantaneous temperature in K of the structure's velocities (0 without velocities).</summary>
    public static double Temperature(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return structure.Velocities is { } v
            ? Kinetics.Temperature(Kinetics.KineticEnergy(structure.Masses(), v), DegreesOfFreedom(structure.Count))
            : 0;
    }

    /// <summary>The total momentum Σ m v in amu·Å/fs (zero without velocities).</summary>
    public static Vec3 Momentum(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return structure.Velocities is { } v ? Kinetics.Momentum(structure.Masses(), v) : Vec3.Zero;
    }

    /// <summary>Runs MD on <paramref name="structure"/> in place.</summary>
    /// <param name="structure">The structure to advance; 3-D periodic for NPT.</param>
    /// <param name="potential">The potential.</param>
    /// <param name="options">Run settings.</param>
    /// <param name="observer">Sees the initial state and every step, and may stop the run; optional.</param>
    /// <param name="trajectory">
    /// Receives a copy of the state at step 0 and every <see cref="MdOptions.TrajectoryInterval"/> steps, with calculated
    /// labels (energy, forces, potential stress) and info <c>step</c>, <c>time_fs</c> and <c>temperature</c> (K); optional.
    /// </param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>The summary; its <see cref="MdSummary.Structure"/> is <paramref name="structure"/>.</returns>
    /// <exception cref="ArgumentException">An option is invalid, NPT was asked of a structure that is not 3-D periodic, or an atom has no mass.</exception>
    /// <exception cref="MolecularDynamicsException">
    /// A position, velocity, force or energy became non-finite, or the potential failed; the message names the step and the
    /// atom. No frame of that state is written.
    /// </exception>
    public static MdSummary Run(
        Structure structure,
        IPotential potential,
        MdOptions options,
        IMdObserver? observer = null,
        IStructureWriter? trajectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Integrator(structure, potential, options).Run(observer, trajectory, cancellationToken);
    }

    private sealed class Integrator
    {
        private readonly Structure structure;
        private readonly IPotential potential;
        private readonly MdOptions options;
        private readonly Evaluation evaluation;
        private readonly double[] masses;
        private readonly double[] accelerationPerForce;
        private readonly Vec3[] positions;
        private readonly Vec3[] velocities;
        private readonly int degreesOfFreedom;
        private readonly double dt;

        private readonly bool chain;
        private readonly bool langevin;
        private readonly bool barostat;
        private readonly bool isotropic;
        private readonly int barostatDegrees;

        private readonly NoseHooverChain? particleChain;
        private readonly NoseHooverChain? barostatChain;

        // Strain rate of the MTK barostat per Cartesian axis (1/fs) and its mass per axis (eV·fs²).
        private Vec3 strainRate;
        private readonly double barostatMass;

        private readonly GaussianSource noise;
        private double heatToBath;
        private double targetKT;
        private double targetPressure;
        private int step;

        public Integrator(Structure structure, IPotential potential, MdOptions options)
        {
            this.structure = structure;
            this.potential = potential;
            this.options = options;
            masses = Kinetics.CheckedMasses(structure);
            accelerationPerForce = new double[masses.Length];
            for (var i = 0; i < masses.Length; i++)
            {
                accelerationPerForce[i] = 1 / (masses[i] * Units.AmuAngstromSquaredPerFemtosecondSquared);
            }

            if (options.Ensemble is Ensemble.NptIsotropic or Ensemble.NptAnisotropic && structure.Pbc != Pbc.All)
            {
                throw new ArgumentException($"NPT needs a structure periodic in all three directions; this one has pbc {structure.Pbc}.");
            }

            var random = new Random(options.Seed);
            noise = new GaussianSource(random);
            if (structure.Velocities is null)
            {
                MaxwellBoltzmann.Assign(structure, options.StartTemperatureK, random);
            }

            positions = structure.Positions;
            velocities = structure.Velocities!;
            degreesOfFreedom = DegreesOfFreedom(structure.Count);
            dt = options.TimestepFs;
            evaluation = new Evaluation(options.Threads);

            langevin = options.Ensemble == Ensemble.Langevin;
            barostat = options.Ensemble is Ensemble.NptIsotropic or Ensemble.NptAnisotropic;
            chain = barostat || options.Ensemble == Ensemble.NoseHoover;
            isotropic = options.Ensemble == Ensemble.NptIsotropic;
            barostatDegrees = !barostat ? 0 : isotropic ? 1 : 3;
            if (chain)
            {
                particleChain = new NoseHooverChain(options.ChainLength, degreesOfFreedom, options.ThermostatDampingFs);
            }

            if (barostat)
            {
                // MTK thermostat the barostat with its own chain: one shared with the particles would drain their kinetic
                // energy whenever the barostat holds far more than its k_B·T/2 per degree of freedom, as after a start far
                // from the target pressure.
                barostatChain = new NoseHooverChain(options.ChainLength, barostatDegrees, options.ThermostatDampingFs);
            }

            // MTK's choice W = (N_f + d)·k_B·T·τ² for the volume; per axis a third of it, so that the anisotropic barostat
            // moves a cubic cell like the isotropic one.
            var fullMass = (degreesOfFreedom + 3) * Units.Boltzmann * options.StartTemperatureK * options.BarostatDampingFs * options.BarostatDampingFs;
            barostatMass = isotropic ? fullMass : fullMass / 3;
            SetTargets(0);
        }

        public MdSummary Run(IMdObserver? observer, IStructureWriter? trajectory, CancellationToken cancellationToken)
        {
            CheckState();
            ComputeForces();
            var drift = new DriftFit();
            double sumTemperature = 0, sumPressure = 0, sumVolume = 0;
            var states = 0;
            var reason = MdStopReason.Completed;
            while (true)
            {
                var kinetic = Kinetics.KineticEnergy(masses, velocities);
                var temperature = Kinetics.Temperature(kinetic, degreesOfFreedom);
                var stress = TotalStress();
                sumTemperature += temperature;
                sumPressure += stress is { } s ? -s.Trace / 3 / Units.GPa : double.NaN;
                sumVolume += structure.Pbc == Pbc.All ? structure.Cell.Volume : 0;
                drift.Add(step, ConservedEnergy(kinetic));
                states++;
                if (trajectory is not null && options.TrajectoryInterval > 0 && step % options.TrajectoryInterval == 0)
                {
                    WriteFrame(trajectory, temperature);
                }

                if (observer is not null &&
                    !observer.OnStep(new MdStep(step, step * dt, structure, evaluation.Energy, kinetic, temperature, stress, evaluation.Forces)))
                {
                    reason = MdStopReason.StoppedByObserver;
                    break;
                }

                if (step >= options.Steps)
                {
                    break;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    reason = MdStopReason.Cancelled;
                    break;
                }

                Advance();
            }

            structure.Calculated = evaluation.ToLabels(structure);
            return new MdSummary(
                step,
                reason,
                sumTemperature / states,
                sumPressure / states,
                drift.Change / structure.Count,
                evaluation.Energy,
                sumVolume / states,
                structure);
        }

        // Least-squares line through the conserved energy of every state: its rise over the run is the systematic drift,
        // free of the bounded O(dt²) oscillation of Verlet's energy, which an end-minus-start difference would count.
        private sealed class DriftFit
        {
            private double n, sumT, sumTT, sumE, sumTE, firstStep, lastStep;

            public void Add(int step, double energy)
            {
                if (n == 0)
                {
                    firstStep = step;
                }

                lastStep = step;
                n++;
                sumT += step;
                sumTT += (double)step * step;
                sumE += energy;
                sumTE += step * energy;
            }

            public double Change
            {
                get
                {
                    var denominator = (n * sumTT) - (sumT * sumT);
                    return n < 2 || denominator == 0 ? 0 : ((n * sumTE) - (sumT * sumE)) / denominator * (lastStep - firstStep);
                }
            }
        }

        private void SetTargets(int atStep)
        {
            targetKT = Units.Boltzmann * options.TemperatureAt(atStep);
            targetPressure = options.PressureGPaAt(atStep) * Units.GPa;
            particleChain?.SetTarget(targetKT);
            barostatChain?.SetTarget(targetKT);
        }

        /// <summary>One time step from <see cref="step"/> to step + 1, as a symmetric Trotter splitting.</summary>
        private void Advance()
        {
            var half = 0.5 * dt;
            SetTargets(step);
            if (chain)
            {
                ThermostatHalfStep(half);
            }

            if (barostat)
            {
                BarostatHalfStep(half);
            }

            Kick(half);
            if (langevin)
            {
                Drift(half);
                Friction(dt);
                Drift(half);
            }
            else
            {
                Drift(dt);
            }

            step++;
            ComputeForces();
            Kick(half);
            if (barostat)
            {
                BarostatHalfStep(half);
            }

            if (chain)
            {
                ThermostatHalfStep(half);
            }

            CheckState();
        }

        /// <summary>v ← v + (F/m)·h, with the barostat's friction on the velocities split around it.</summary>
        private void Kick(double h)
        {
            var forces = evaluation.Forces;
            if (!barostat)
            {
                for (var i = 0; i < velocities.Length; i++)
                {
                    velocities[i] += (h * accelerationPerForce[i]) * forces[i];
                }

                return;
            }

            // MTK: dv_a/dt = F_a/m − (ε̇_a + tr(ε̇)/N_f)·v_a.
            var trace = strainRate.X + strainRate.Y + strainRate.Z;
            var damping = new Vec3(
                Math.Exp(-(strainRate.X + (trace / degreesOfFreedom)) * h / 2),
                Math.Exp(-(strainRate.Y + (trace / degreesOfFreedom)) * h / 2),
                Math.Exp(-(strainRate.Z + (trace / degreesOfFreedom)) * h / 2));
            for (var i = 0; i < velocities.Length; i++)
            {
                var v = Scale(velocities[i], damping) + ((h * accelerationPerForce[i]) * forces[i]);
                velocities[i] = Scale(v, damping);
            }
        }

        /// <summary>r ← r + v·h; under NPT the positions and the cell are also dilated by exp(ε̇·h), split around the drift.</summary>
        private void Drift(double h)
        {
            if (!barostat)
            {
                for (var i = 0; i < positions.Length; i++)
                {
                    positions[i] += h * velocities[i];
                }

                return;
            }

            var dilation = new Vec3(Math.Exp(strainRate.X * h / 2), Math.Exp(strainRate.Y * h / 2), Math.Exp(strainRate.Z * h / 2));
            for (var i = 0; i < positions.Length; i++)
            {
                positions[i] = Scale(Scale(positions[i], dilation) + (h * velocities[i]), dilation);
            }

            var full = Scale(dilation, dilation);
            var m = structure.Cell.Matrix;
            structure.Cell = new Cell(Mat3.FromRows(Scale(m.Row(0), full), Scale(m.Row(1), full), Scale(m.Row(2), full)));
        }

        private static Vec3 Scale(Vec3 v, Vec3 factors) => new(v.X * factors.X, v.Y * factors.Y, v.Z * factors.Z);

        /// <summary>The Langevin O step: the exact Ornstein–Uhlenbeck update of the velocities over h.</summary>
        private void Friction(double h)
        {
            var decay = Math.Exp(-h / options.ThermostatDampingFs);
            var kick = Math.Sqrt(1 - (decay * decay));
            var before = Kinetics.KineticEnergy(masses, velocities);
            for (var i = 0; i < velocities.Length; i++)
            {
                var width = kick * Math.Sqrt(targetKT * accelerationPerForce[i]);
                velocities[i] = (decay * velocities[i]) + (width * new Vec3(noise.Next(), noise.Next(), noise.Next()));
            }

            heatToBath += before - Kinetics.KineticEnergy(masses, velocities);
        }

        /// <summary>Half a step of the Nosé–Hoover chains of the particles and of the barostat.</summary>
        private void ThermostatHalfStep(double h)
        {
            if (barostatChain is not null)
            {
                strainRate *= barostatChain.Advance(2 * BarostatKineticEnergy(), h);
            }

            var scale = particleChain!.Advance(2 * Kinetics.KineticEnergy(masses, velocities), h);
            for (var i = 0; i < velocities.Length; i++)
            {
                velocities[i] *= scale;
            }
        }

        /// <summary>Half a step of the barostat's strain rate, driven by the internal pressure (kinetic + virial) minus the target.</summary>
        private void BarostatHalfStep(double h)
        {
            var kinetic = Kinetics.KineticTensor(masses, velocities);
            var virial = evaluation.Virial;
            var volumeTimesTarget = structure.Cell.Volume * targetPressure;
            var kineticShare = kinetic.Trace / degreesOfFreedom;
            var drive = new Vec3(
                kinetic.XX + virial.XX - volumeTimesTarget + kineticShare,
                kinetic.YY + virial.YY - volumeTimesTarget + kineticShare,
                kinetic.ZZ + virial.ZZ - volumeTimesTarget + kineticShare);
            if (isotropic)
            {
                var rate = strainRate.X + ((drive.X + drive.Y + drive.Z) * h / barostatMass);
                strainRate = new Vec3(rate, rate, rate);
            }
            else
            {
                strainRate += (h / barostatMass) * drive;
            }
        }

        private double BarostatKineticEnergy() => isotropic
            ? 0.5 * barostatMass * strainRate.X * strainRate.X
            : 0.5 * barostatMass * strainRate.LengthSquared;

        // The kinetic energy comes from the caller, which has already computed it for this state.
        private double ConservedEnergy(double kinetic)
        {
            var energy = evaluation.Energy + kinetic;
            if (langevin)
            {
                energy += heatToBath;
            }

            if (barostat)
            {
                energy += BarostatKineticEnergy() + (targetPressure * structure.Cell.Volume);
            }

            energy += (particleChain?.Energy() ?? 0) + (barostatChain?.Energy() ?? 0);
            return energy;
        }

        private Mat3? TotalStress()
        {
            if (structure.Pbc != Pbc.All)
            {
                return null;
            }

            var volume = structure.Cell.Volume;
            return LabelSet.StressFromVirial(evaluation.Virial + Kinetics.KineticTensor(masses, velocities), volume);
        }

        private void ComputeForces()
        {
            try
            {
                potential.Compute(structure, evaluation);
            }
            catch (PotentialException e)
            {
                throw new MolecularDynamicsException(step, $"{potential.Name} failed: {e.Message}", e);
            }

            if (!double.IsFinite(evaluation.Energy))
            {
                throw new MolecularDynamicsException(step, FormattableString.Invariant($"{potential.Name} gave a non-finite energy {evaluation.Energy}."));
            }

            var forces = evaluation.Forces;
            if (forces.Length != structure.Count)
            {
                throw new MolecularDynamicsException(step, $"{potential.Name} gave {forces.Length} forces for {structure.Count} atoms.");
            }

            for (var i = 0; i < forces.Length; i++)
            {
                if (!IsFinite(forces[i]))
                {
                    throw new MolecularDynamicsException(step, $"{potential.Name} gave a non-finite force {forces[i]} on atom {i + 1} ({structure.Symbol(i)}).");
                }
            }
        }

        private void CheckState()
        {
            for (var i = 0; i < positions.Length; i++)
            {
                if (!IsFinite(positions[i]))
                {
                    throw new MolecularDynamicsException(step, $"atom {i + 1} ({structure.Symbol(i)}) has a non-finite position {positions[i]}.");
                }

                if (!IsFinite(velocities[i]))
                {
                    throw new MolecularDynamicsException(step, $"atom {i + 1} ({structure.Symbol(i)}) has a non-finite velocity {velocities[i]}.");
                }
            }

            if (barostat && !(double.IsFinite(strainRate.LengthSquared) && structure.Cell.Volume > 0 && double.IsFinite(structure.Cell.Volume)))
            {
                throw new MolecularDynamicsException(step, $"the barostat broke down: strain rate {strainRate}, cell {structure.Cell}.");
            }
        }

        private static bool IsFinite(Vec3 v) => double.IsFinite(v.X) && double.IsFinite(v.Y) && double.IsFinite(v.Z);

        private void WriteFrame(IStructureWriter trajectory, double temperature)
        {
            var frame = structure.Clone();
            frame.Calculated = evaluation.ToLabels(frame);
            frame.Info["step"] = (long)step;
            frame.Info["time_fs"] = step * dt;
            frame.Info["temperature"] = temperature;
            trajectory.Write(frame);
        }
    }
}
