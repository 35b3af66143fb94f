using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using Xunit;

namespace ActiveLearning.TestSupport;

/// <summary>Checks any potential must pass: forces and stress are the derivatives of its energy.</summary>
public static class PotentialChecks
{
    /// <summary>Each force component equals −∂E/∂x by central differences (step <paramref name="step"/> Å).</summary>
    public static void ForcesAreMinusEnergyGradient(IPotential potential, Structure structure, double step = 1e-5, double tolerance = 1e-6)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        var forces = (Vec3[])evaluation.Forces.Clone();
        var displaced = structure.Clone();
        for (var i = 0; i < structure.Count; i++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                var delta = axis switch { 0 => new Vec3(step, 0, 0), 1 => new Vec3(0, step, 0), _ => new Vec3(0, 0, step) };
                displaced.Positions[i] = structure.Positions[i] + delta;
                var plus = Energy(potential, displaced);
                displaced.Positions[i] = structure.Positions[i] - delta;
                var minus = Energy(potential, displaced);
                displaced.Positions[i] = structure.Positions[i];
                var expected = -(plus - minus) / (2 * step);
                Assert.True(
                    Math.Abs(expected - forces[i][axis]) <= tolerance * Math.Max(1, Math.Abs(expected)),
                    FormattableString.Invariant($"{potential.Name}: force on atom {i} axis {axis} is {forces[i][axis]:R}, −dE/dx is {expected:R}"));
            }
        }
    }

    /// <summary>The stress equals (1/V) ∂E/∂ε by central differences of homogeneous strains (3-D periodic structures).</summary>
    public static void StressIsStrainDerivative(IPotential potential, Structure structure, double step = 1e-6, double tolerance = 1e-6)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        var stress = evaluation.Stress(structure) ?? throw new ArgumentException("The structure must be periodic in 3-D.");
        var volume = structure.Cell.Volume;
        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                var plus = Energy(potential, Strained(structure, a, b, step));
                var minus = Energy(potential, Strained(structure, a, b, -step));
                var expected = (plus - minus) / (2 * step) / volume;
                Assert.True(
                    Math.Abs(expected - stress[a, b]) <= tolerance * Math.Max(1e-3, Math.Abs(expected)),
                    FormattableString.Invariant($"{potential.Name}: stress[{a},{b}] is {stress[a, b]:R} eV/Å³, (1/V)dE/dε is {expected:R}"));
            }
        }
    }

    /// <summary>Energies and forces are identical with one thread and with several.</summary>
    public static void ThreadsAgree(IPotential potential, Structure structure)
    {
        var serial = new Evaluation(threads: 1);
        var parallel = new Evaluation(threads: 4);
        potential.Compute(structure, serial);
        potential.Compute(structure, parallel);
        Assert.Equal(serial.Energy, parallel.Energy, 1e-9);
        for (var i = 0; i < structure.Count; i++)
        {
            Assert.True((serial.Forces[i] - parallel.Forces[i]).Length < 1e-9, $"force on atom {i} differs between 1 and 4 threads");
            Assert.Equal(serial.AtomEnergies[i], parallel.AtomEnergies[i], 1e-9);
        }
    }

    private static double Energy(IPotential potential, Structure structure)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        return evaluation.Energy;
    }

    // A small homogeneous deformation ε_ab (not symmetrised: for a potential that is rotation-invariant the
    // antisymmetric part changes nothing, so the stress comes out symmetric).
    private static Structure Strained(Structure structure, int a, int b, double epsilon)
    {
        var m = new double[9];
        m[0] = m[4] = m[8] = 1;
        m[(3 * a) + b] += epsilon;
        var deformation = Mat3.FromRowMajor(m);
        var strained = structure.Clone();
        strained.Cell = structure.Cell.Deform(deformation);
        for (var i = 0; i < strained.Count; i++)
        {
            strained.Positions[i] = deformation * structure.Positions[i];
        }

        return strained;
    }
}
