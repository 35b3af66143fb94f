using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Phonons;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Activities.Validation;

/// <summary>
/// The teacher's phonon frequencies at fixed q-points, computed once, against which each model's frequencies are compared
/// (same primitive cell, supercell and displacement, so the finite-difference settings cancel out of the comparison).
/// </summary>
public sealed class PhononReference
{
    private PhononReference(Structure primitive, int[,] supercell, double displacement, IReadOnlyList<Vec3> qPoints, IReadOnlyList<double[]> frequencies)
    {
        Primitive = primitive;
        Supercell = supercell;
        DisplacementAngstrom = displacement;
        QPoints = qPoints;
        FrequenciesTHz = frequencies;
    }

    /// <summary>The primitive cell.</summary>
    public Structure Primitive { get; }

    /// <summary>The supercell matrix.</summary>
    public int[,] Supercell { get; }

    /// <summary>The finite displacement, Å.</summary>
    public double DisplacementAngstrom { get; }

    /// <summary>The q-points, fractional coordinates of the reciprocal lattice.</summary>
    public IReadOnlyList<Vec3> QPoints { get; }

    /// <summary>The teacher's frequencies per q-point, THz, ascending.</summary>
    public IReadOnlyList<double[]> FrequenciesTHz { get; }

    /// <summary>Computes the teacher's frequencies.</summary>
    /// <param name="teacher">The reference potential.</param>
    /// <param name="primitive">The primitive cell.</param>
    /// <param name="supercellSize">N of the N×N×N supercell (≥ 1).</param>
    /// <param name="displacement">The displacement, Å (&gt; 0).</param>
    /// <param name="qPoints">The q-points, or empty for every point commensurate with the supercell.</param>
    /// <param name="cancellationToken">Checked between force evaluations.</param>
    /// <exception cref="ArgumentException">A setting is out of range or the primitive cell is not periodic.</exception>
    /// <exception cref="PotentialException">The teacher cannot evaluate the supercell.</exception>
    public static PhononReference Create(
        IPotential teacher, Structure primitive, int supercellSize, double displacement, IReadOnlyList<Vec3> qPoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(primitive);
        ArgumentNullException.ThrowIfNull(qPoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(supercellSize, 1);
        var matrix = new int[3, 3];
        for (var i = 0; i < 3; i++)
        {
            matrix[i, i] = supercellSize;
        }

        var points = qPoints.Count > 0 ? qPoints : ForceConstants.CommensurateQPoints(matrix);
        var constants = ForceConstants.Compute(teacher, primitive, matrix, displacement, cancellationToken: cancellationToken);
        return new PhononReference(constants.Primitive, matrix, displacement, points, [.. points.Select(constants.FrequenciesTHz)]);
    }

    /// <summary>Compares <paramref name="model"/>'s frequencies with the teacher's.</summary>
    /// <exception cref="PotentialException">The model cannot evaluate the supercell.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public PhononErrors Compare(IPotential model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var constants = ForceConstants.Compute(model, Primitive, Supercell, DisplacementAngstrom, cancellationToken: cancellationToken);
        var points = new List<PhononPoint>(QPoints.Count);
        double sum = 0, max = 0;
        var count = 0;
        for (var p = 0; p < QPoints.Count; p++)
        {
            var predicted = constants.FrequenciesTHz(QPoints[p]);
            var reference = FrequenciesTHz[p];
            for (var b = 0; b < predicted.Length; b++)
            {
                var error = Math.Abs(predicted[b] - reference[b]);
                sum += error * error;
                max = Math.Max(max, error);
                count++;
            }

            points.Add(new PhononPoint([QPoints[p].X, QPoints[p].Y, QPoints[p].Z], predicted, reference));
        }

        return new PhononErrors(Math.Sqrt(sum / count), max, Supercell[0, 0], DisplacementAngstrom, points);
    }
}

/// <summary>One q-point of a phonon comparison.</summary>
/// <param name="Q">The q-point, fractional coordinates of the reciprocal lattice.</param>
/// <param name="ModelTHz">The model's frequencies, THz, ascending (imaginary ones negative).</param>
/// <param name="TeacherTHz">The teacher's frequencies, THz, ascending.</param>
public sealed record PhononPoint(double[] Q, double[] ModelTHz, double[] TeacherTHz);

/// <summary>How far a model's phonon frequencies are from the teacher's, branch by branch (both sorted).</summary>
/// <param name="RmseTHz">RMSE over every q-point and branch, THz.</param>
/// <param name="MaxErrorTHz">The largest absolute difference, THz.</param>
/// <param name="Supercell">N of the N×N×N supercell used.</param>
/// <param name="DisplacementAngstrom">The finite displacement, Å.</param>
/// <param name="Points">The frequencies per q-point.</param>
public sealed record PhononErrors(double RmseTHz, double MaxErrorTHz, int Supercell, double DisplacementAngstrom, IReadOnlyList<PhononPoint> Points)
{
    /// <summary>One line for logs, e.g. <c>phonon RMSE 0.123 THz, max 0.456 THz at 36 q-points</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"phonon RMSE {RmseTHz:F3} THz, max {MaxErrorTHz:F3} THz at {Points.Count} q-points");
}
