using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Mtp;

/// <summary>
/// A realistic trained MTP: the rich test table with fixed radial functions (μ-th function = μ-th Chebyshev polynomial times
/// the envelope), its linear coefficients fitted by least squares to Stillinger–Weber silicon through
/// <see cref="MomentTensorPotential.ComputeRows"/>, written to a file and read back, then used for NVE MD.
/// </summary>
public sealed class MtpSiliconTests
{
    private const double EnergyWeight = 30;

    private static readonly StillingerWeber Teacher = StillingerWeber.Silicon();

    private static Structure Diamond64() => Zincblende.Repeated(Zincblende.Conventional(5.431, 14, 14), 2, 2, 2);

    private static MomentTensorPotential Template()
    {
        var model = MtpTemplates.Rich(new Random(1), 1, minDist: 2.0, maxDist: 5.0);
        Array.Clear(model.RadialCoeffs!);
        for (var mu = 0; mu < model.RadialFuncsCount; mu++)
        {
            model.RadialCoeffs![(mu * model.RadialBasisSize) + mu] = 1;
        }

        model.PotentialName = "Si fitted to SW";
        return new MomentTensorPotential(model, [14]);
    }

    private static List<Structure> TrainingSet(Random random)
    {
        var set = new List<Structure>();
        for (var s = 0; s < 12; s++)
        {
            var strained = Zincblende.Strained(random, Diamond64(), 0.03);
            set.Add(RandomStructures.Rattled(random, strained, 0.01 * s));
        }

        return set;
    }

    // Weighted linear least squares: energy rows per atom (weight 30, as one energy stands against 192 force components), force rows (weight 0.3), columns scaled to unit RMS and a
    // tiny ridge so that the normal equations stay well conditioned.
    private static double[] Fit(MomentTensorPotential template, List<Structure> structures)
    {
        var m = template.ParameterCount;
        var design = new List<double[]>();
        var targets = new List<double>();
        var rows = new LinearRows();
        var labels = new Evaluation(threads: 1);
        foreach (var structure in structures)
        {
            template.ComputeRows(structure, rows);
            Teacher.Compute(structure, labels);
            design.Add([.. rows.Energy.Select(v => EnergyWeight * v / structure.Count)]);
            targets.Add(EnergyWeight * labels.Energy / structure.Count);
            for (var i = 0; i < structure.Count; i++)
            {
                for (var axis = 0; axis < 3; axis++)
                {
                    design.Add([.. rows.Force(i, axis).ToArray().Select(v => 0.3 * v)]);
                    targets.Add(0.3 * labels.Forces[i][axis]);
                }
            }
        }

        var scale = new double[m];
        for (var p = 0; p < m; p++)
        {
            scale[p] = Math.Sqrt(design.Sum(row => row[p] * row[p]) / design.Count);
            scale[p] = scale[p] > 0 ? 1 / scale[p] : 1;
        }

        var normal = new double[m, m + 1];
        for (var r = 0; r < design.Count; r++)
        {
            for (var p = 0; p < m; p++)
            {
                var a = design[r][p] * scale[p];
                for (var q = 0; q < m; q++)
                {
                    normal[p, q] += a * design[r][q] * scale[q];
                }

                normal[p, m] += a * targets[r];
            }
        }

        for (var p = 0; p < m; p++)
        {
            normal[p, p] += 1e-9 * design.Count;
        }

        var solution = Solve(normal, m);
        return [.. solution.Select((x, p) => x * scale[p])];
    }

    // Gaussian elimination with partial pivoting of the augmented n×(n+1) system.
    private static double[] Solve(double[,] augmented, int n)
    {
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
            {
                if (Math.Abs(augmented[row, column]) > Math.Abs(augmented[pivot, column]))
                {
                    pivot = row;
                }
            }

            for (var k = 0; k <= n; k++)
            {
                (augmented[column, k], augmented[pivot, k]) = (augmented[pivot, k], augmented[column, k]);
            }

            for (var row = column + 1; row < n; row++)
            {
                var factor = augmented[row, column] / augmented[column, column];
                for (var k = column; k <= n; k++)
                {
                    augmented[row, k] -= factor * augmented[column, k];
                }
            }
        }

        var x = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = augmented[row, n];
            for (var k = row + 1; k < n; k++)
            {
                sum -= augmented[row, k] * x[k];
            }

            x[row] = sum / augmented[row, row];
        }

        return x;
    }

    private static double ForceRmse(IPotential potential, Structure structure, out double teacherRms)
    {
        var ours = new Evaluation(threads: 1);
        var teacher = new Evaluation(threads: 1);
        potential.Compute(structure, ours);
        Teacher.Compute(structure, teacher);
        double error = 0, size = 0;
        for (var i = 0; i < structure.Count; i++)
        {
            error += (ours.Forces[i] - teacher.Forces[i]).LengthSquared;
            size += teacher.Forces[i].LengthSquared;
        }

        teacherRms = Math.Sqrt(size / (3 * structure.Count));
        return Math.Sqrt(error / (3 * structure.Count));
    }

    [Fact]
    public void A_potential_fitted_to_stillinger_weber_is_written_read_back_and_runs_nve_md_conserving_energy()
    {
        var random = new Random(31);
        var template = Template();
        var fitted = (MomentTensorPotential)template.WithParameters(Fit(template, TrainingSet(random)));
        using var directory = new TempDirectory();
        var path = directory.File("Si.mtp");
        MtpFile.Write(fitted.ToModel(), path);
        var potential = MomentTensorPotential.FromFile(path, [14]);

        // The fit has learnt something about silicon: forces on an unseen rattled crystal are far better than zero forces,
        // and the crystal's energy per atom is close to the teacher's.
        var unseen = RandomStructures.Rattled(random, Diamond64(), 0.08);
        var rmse = ForceRmse(potential, unseen, out var teacherRms);
        rmse.Should().BeLessThan(0.25 * teacherRms, $"force RMSE {rmse:G3} eV/Å against a teacher RMS of {teacherRms:G3} eV/Å");
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(Diamond64(), evaluation);
        (evaluation.Energy / 64).Should().BeApproximately(-4.3366, 0.01);

        var structure = Diamond64();
        MaxwellBoltzmann.Assign(structure, 300, new Random(2));
        var summary = MolecularDynamics.Run(structure, potential, new MdOptions { Steps = 1000, TimestepFs = 1 });

        summary.StopReason.Should().Be(MdStopReason.Completed);
        summary.StepsDone.Should().Be(1000);
        Math.Abs(summary.ConservedEnergyDriftPerAtom).Should().BeLessThan(1e-5, "velocity Verlet with smooth MTP forces conserves energy");
        MolecularDynamics.Temperature(structure).Should().BeInRange(50, 400, "the crystal stays a warm solid");
    }
}
