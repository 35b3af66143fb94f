using System.Globalization;
using System.Runtime.InteropServices;
using ActiveLearning.Atomistics.Potentials;
using MathNet.Numerics.LinearAlgebra;

namespace ActiveLearning.Atomistics.Fitting;

/// <summary>How <see cref="NormalEquations.Solve"/> solved the system.</summary>
public enum LinearSolver
{
    /// <summary>Cholesky factorisation of the scaled, regularised normal matrix (the system was well determined).</summary>
    Cholesky,

    /// <summary>
    /// Symmetric eigendecomposition, dropping eigenvalues below the rank tolerance: the minimum-norm solution in the scaled
    /// parameters, used when the data do not determine every parameter.
    /// </summary>
    Eigen,
}

/// <summary>The solution of a linear least-squares fit and how well the data determined it.</summary>
/// <param name="Parameters">The fitted parameters (length m); finite.</param>
/// <param name="Solver">Which factorisation produced them.</param>
/// <param name="Rank">Number of parameter directions the data (and regularisation) determine; m for <see cref="LinearSolver.Cholesky"/>.</param>
/// <param name="ConditionEstimate">
/// Ratio of the largest to the smallest retained eigenvalue (Eigen) or squared Cholesky pivot (Cholesky, a lower bound) of
/// the scaled normal matrix; large values mean parameters poorly determined by the data.
/// </param>
/// <param name="UnconstrainedParameters">Parameters that no labelled row depends on (e.g. an element absent from the data); they are set to 0.</param>
public sealed record LinearSolution(double[] Parameters, LinearSolver Solver, int Rank, double ConditionEstimate, int UnconstrainedParameters);

/// <summary>
/// The normal equations AᵀWA·c = AᵀWb of a weighted linear least-squares fit, accumulated row by row in O(m²) memory
/// whatever the number of rows, and solved stably (Jacobi scaling, relative Tikhonov regularisation, Cholesky with an
/// eigendecomposition fallback for rank-deficient data).
/// </summary>
/// <remarks>Not thread-safe: use one per thread and <see cref="Add(NormalEquations)"/> them in a fixed order.</remarks>
public sealed class NormalEquations
{
    // Only the upper triangle (q ≥ p) of the row-major m×m matrix is accumulated; Solve mirrors it.
    private readonly double[] matrix;
    private readonly double[] rightHandSide;
    private double weightedTargetSquares;

    /// <summary>Creates empty equations for <paramref name="parameterCount"/> parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is not positive.</exception>
    public NormalEquations(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        ParameterCount = parameterCount;
        matrix = new double[checked(parameterCount * parameterCount)];
        rightHandSide = new double[parameterCount];
    }

    /// <summary>Number of parameters m.</summary>
    public int ParameterCount { get; }

    /// <summary>Structures added through <see cref="AddStructure"/>.</summary>
    public int Structures { get; private set; }

    /// <summary>Energy residuals (one per structure with a reference energy).</summary>
    public int EnergyRows { get; private set; }

    /// <summary>Force component residuals (3 per atom of structures with reference forces).</summary>
    public int ForceRows { get; private set; }

    /// <summary>Virial component residuals (6 per 3-D periodic structure with a reference stress).</summary>
    public int StressRows { get; private set; }

    /// <summary>Whether any row has been added.</summary>
    public bool IsEmpty => EnergyRows + ForceRows + StressRows + otherRows == 0;

    private int otherRows;

    /// <summary>Adds the residual row·c − target with weight w: AᵀWA += w·row·rowᵀ, AᵀWb += w·target·row.</summary>
    /// <exception cref="ArgumentException">The row length is not m, or the weight or target is not finite (the weight also negative).</exception>
    public void AddRow(ReadOnlySpan<double> row, double target, double weight)
    {
        if (row.Length != ParameterCount)
        {
            throw new ArgumentException($"The row has {row.Length} values; {ParameterCount} expected.", nameof(row));
        }

        if (!double.IsFinite(target) || !double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentException("The target and weight must be finite, the weight ≥ 0.");
        }

        Accumulate(row, target, weight);
        otherRows++;
    }

    /// <summary>
    /// Adds the labelled residuals of one structure: its energy, force and virial rows (as filled by
    /// <see cref="ILinearPotential.ComputeRows"/> for this structure) against its <see cref="Structure.Reference"/>
    /// labels, weighted as <paramref name="options"/> say. Missing labels (and labels whose weight is 0) are skipped;
    /// stress only counts for structures periodic in 3-D.
    /// </summary>
    /// <exception cref="ArgumentException">The rows do not belong to the structure, force or virial rows are needed but missing, or a reference label is not finite.</exception>
    public void AddStructure(Structure structure, LinearRows rows, LinearFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var reference = structure.Reference;
        Structures++;
        if (reference is null || structure.Count == 0)
        {
            return;
        }

        if (rows.ParameterCount != ParameterCount || rows.AtomCount != structure.Count)
        {
            throw new ArgumentException(
                $"The rows are for {rows.AtomCount} atoms and {rows.ParameterCount} parameters; the structure has {structure.Count} atoms and the equations {ParameterCount} parameters.");
        }

        var m = ParameterCount;
        var size = options.SizeFactor(structure.Count);
        if (reference.Energy is double energy && options.EnergyWeight > 0)
        {
            CheckFinite(energy, "energy", structure);
            Span<double> scaled = m <= 512 ? stackalloc double[m] : new double[m];
            Scale(rows.Energy, size, scaled);
            Accumulate(scaled, size * energy, options.EnergyWeight);
            EnergyRows++;
        }

        if (reference.Forces is { } forces && options.ForceWeight > 0)
        {
            RequireForceRows(rows);
            var targets = forces.Length <= 512 ? stackalloc double[3 * forces.Length] : new double[3 * forces.Length];
            for (var i = 0; i < forces.Length; i++)
            {
                for (var axis = 0; axis < 3; axis++)
                {
                    targets[(3 * i) + axis] = forces[i][axis];
                    CheckFinite(targets[(3 * i) + axis], "force", structure);
                }
            }

            AccumulateBlock(rows.Forces.AsSpan(0, targets.Length * m), targets, options.ForceWeight);
            ForceRows += targets.Length;
        }

        if (reference.Stress is Mat3 stress && options.StressWeight > 0 && structure.Pbc == Pbc.All)
        {
            RequireForceRows(rows);
            var virial = LabelSet.VirialFromStress(stress, structure.Cell.Volume);
            ReadOnlySpan<double> targets = [virial.XX, virial.YY, virial.ZZ, 0.5 * (virial.YZ + virial.ZY), 0.5 * (virial.XZ + virial.ZX), 0.5 * (virial.XY + virial.YX)];
            Span<double> scaled = m <= 512 ? stackalloc double[m] : new double[m];
            for (var v = 0; v < 6; v++)
            {
                CheckFinite(targets[v], "stress", structure);
                Scale(rows.VirialRow(v), size, scaled);

                // ‖·‖² over the full 3×3 tensor: each off-diagonal component appears twice.
                Accumulate(scaled, size * targets[v], v < 3 ? options.StressWeight : 2 * options.StressWeight);
            }

            StressRows += 6;
        }
    }

    /// <summary>Adds another set of equations for the same parameters (e.g. a thread's partial sums).</summary>
    /// <exception cref="ArgumentException">The parameter counts differ.</exception>
    public void Add(NormalEquations other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ParameterCount != ParameterCount)
        {
            throw new ArgumentException($"Cannot add equations for {other.ParameterCount} parameters to ones for {ParameterCount}.");
        }

        AddScaled(matrix, other.matrix, 1);
        AddScaled(rightHandSide, other.rightHandSide, 1);
        weightedTargetSquares += other.weightedTargetSquares;
        Structures += other.Structures;
        EnergyRows += other.EnergyRows;
        ForceRows += other.ForceRows;
        StressRows += other.StressRows;
        otherRows += other.otherRows;
    }

    /// <summary>
    /// The weighted sum of squared residuals Σ w·(row·c − target)² of every row added, at parameters <paramref name="parameters"/>
    /// (without the regularisation term): bᵀWb − 2cᵀAᵀWb + cᵀAᵀWAc, from the accumulated sums in O(m²).
    /// </summary>
    /// <exception cref="ArgumentException">The length is not m.</exception>
    public double Loss(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"{parameters.Length} parameters given; {ParameterCount} expected.", nameof(parameters));
        }

        var m = ParameterCount;
        var quadratic = 0.0;
        var linear = 0.0;
        for (var p = 0; p < m; p++)
        {
            var cp = parameters[p];
            linear += cp * rightHandSide[p];
            var row = matrix.AsSpan(p * m, m);
            var offDiagonal = 0.0;
            for (var q = p + 1; q < m; q++)
            {
                offDiagonal += row[q] * parameters[q];
            }

            quadratic += cp * ((row[p] * cp) + (2 * offDiagonal));
        }

        // Rounding can leave a tiny negative value for an exact fit.
        return Math.Max(0, weightedTargetSquares - (2 * linear) + quadratic);
    }

    /// <summary>
    /// Solves for the parameters: scales the normal matrix to unit diagonal (Jacobi), adds λ =
    /// <see cref="LinearFitOptions.Regularisation"/> to the diagonal, and factorises by Cholesky, falling back to a
    /// truncated eigendecomposition when the system is singular or nearly so. Parameters no row depends on are 0.
    /// The result is always finite.
    /// </summary>
    /// <exception cref="InvalidOperationException">No row has been added.</exception>
    public LinearSolution Solve(LinearFitOptions? options = null)
    {
        options ??= new LinearFitOptions();
        options.Validate();
        if (IsEmpty)
        {
            throw new InvalidOperationException("There is nothing to fit: no structure had a reference label with a positive weight.");
        }

        var m = ParameterCount;
        var scale = new double[m];
        var unconstrained = 0;
        for (var p = 0; p < m; p++)
        {
            var diagonal = matrix[(p * m) + p];
            if (diagonal > 0)
            {
                scale[p] = 1 / Math.Sqrt(diagonal);
            }
            else
            {
                unconstrained++;
            }
        }

        var scaled = Matrix<double>.Build.Dense(m, m);
        var scaledRight = Vector<double>.Build.Dense(m);
        for (var p = 0; p < m; p++)
        {
            scaledRight[p] = scale[p] * rightHandSide[p];
            for (var q = p; q < m; q++)
            {
                var value = scale[p] * matrix[(p * m) + q] * scale[q];
                scaled[p, q] = value;
                scaled[q, p] = value;
            }

            // An unconstrained parameter gets an identity row so that it solves to 0 without disturbing the rest.
            scaled[p, p] = scale[p] > 0 ? scaled[p, p] + options.Regularisation : 1;
        }

        var cholesky = TryCholesky(scaled, scaledRight, options.RankTolerance);
        var (solution, solver, rank, condition) = cholesky is { } solved
            ? (solved.Solution, LinearSolver.Cholesky, m, solved.Condition)
            : SolveByEigen(scaled, scaledRight, options.RankTolerance);
        var parameters = new double[m];
        for (var p = 0; p < m; p++)
        {
            parameters[p] = scale[p] * solution[p];
            if (!double.IsFinite(parameters[p]))
            {
                throw new InvalidOperationException($"The solution is not finite (parameter {p}); the equations contain non-finite values.");
            }
        }

        // Unconstrained parameters were given identity rows: they count in the factorisation's rank but are not determined.
        return new LinearSolution(parameters, solver, rank - unconstrained, condition, unconstrained);
    }

    private static (Vector<double> Solution, double Condition)? TryCholesky(Matrix<double> scaled, Vector<double> right, double tolerance)
    {
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
        try
        {
            cholesky = scaled.Cholesky();
        }
        catch (ArgumentException)
        {
            return null;
        }

        double smallest = double.MaxValue, largest = 0;
        var factor = cholesky.Factor;
        for (var p = 0; p < scaled.RowCount; p++)
        {
            var pivot = factor[p, p] * factor[p, p];
            smallest = Math.Min(smallest, pivot);
            largest = Math.Max(largest, pivot);
        }

        if (!(smallest > tolerance * largest))
        {
            return null;
        }

        var solution = cholesky.Solve(right);
        if (!IsFinite(solution))
        {
            return null;
        }

        return (solution, largest / smallest);
    }

    private static (Vector<double> Solution, LinearSolver Solver, int Rank, double Condition) SolveByEigen(
        Matrix<double> scaled, Vector<double> right, double tolerance)
    {
        var eigen = scaled.Evd(Symmetricity.Symmetric);
        var values = eigen.EigenValues;
        var vectors = eigen.EigenVectors;
        var largest = 0.0;
        for (var k = 0; k < values.Count; k++)
        {
            largest = Math.Max(largest, values[k].Real);
        }

        var threshold = tolerance * largest;
        var solution = Vector<double>.Build.Dense(scaled.RowCount);
        var smallestKept = largest;
        var rank = 0;
        for (var k = 0; k < values.Count; k++)
        {
            var value = values[k].Real;
            if (!(value > threshold))
            {
                continue;
            }

            rank++;
            smallestKept = Math.Min(smallestKept, value);
            var direction = vectors.Column(k);
            solution.Add(direction.Multiply(direction.DotProduct(right) / value), solution);
        }

        return (solution, LinearSolver.Eigen, rank, rank > 0 ? largest / smallestKept : double.PositiveInfinity);
    }

    private static bool IsFinite(Vector<double> vector)
    {
        foreach (var value in vector)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    private void Accumulate(ReadOnlySpan<double> row, double target, double weight)
    {
        var m = ParameterCount;
        for (var p = 0; p < m; p++)
        {
            var weighted = weight * row[p];
            if (weighted == 0)
            {
                continue;
            }

            rightHandSide[p] += weighted * target;
            AddScaled(matrix.AsSpan((p * m) + p, m - p), row[p..], weighted);
        }

        weightedTargetSquares += weight * target * target;
    }

    // Rows of equal weight four at a time: each pass over the (large) matrix then does four rows' work, which matters
    // because a rank-1 update is limited by memory traffic, not arithmetic, once the matrix no longer fits in cache.
    private void AccumulateBlock(ReadOnlySpan<double> block, ReadOnlySpan<double> targets, double weight)
    {
        var m = ParameterCount;
        var r = 0;
        for (; r + 4 <= targets.Length; r += 4)
        {
            weightedTargetSquares += weight * ((targets[r] * targets[r]) + (targets[r + 1] * targets[r + 1]) +
                (targets[r + 2] * targets[r + 2]) + (targets[r + 3] * targets[r + 3]));
            var r0 = block.Slice(r * m, m);
            var r1 = block.Slice((r + 1) * m, m);
            var r2 = block.Slice((r + 2) * m, m);
            var r3 = block.Slice((r + 3) * m, m);
            for (var p = 0; p < m; p++)
            {
                double a0 = weight * r0[p], a1 = weight * r1[p], a2 = weight * r2[p], a3 = weight * r3[p];
                if (a0 == 0 && a1 == 0 && a2 == 0 && a3 == 0)
                {
                    continue;
                }

                rightHandSide[p] += (a0 * targets[r]) + (a1 * targets[r + 1]) + (a2 * targets[r + 2]) + (a3 * targets[r + 3]);
                AddScaled4(matrix.AsSpan((p * m) + p, m - p), r0[p..], a0, r1[p..], a1, r2[p..], a2, r3[p..], a3);
            }
        }

        for (; r < targets.Length; r++)
        {
            Accumulate(block.Slice(r * m, m), targets[r], weight);
        }
    }

    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double factor)
    {
        var k = 0;
        var width = System.Numerics.Vector<double>.Count;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            ref var t = ref MemoryMarshal.GetReference(target);
            ref var s = ref MemoryMarshal.GetReference(source);
            var f = new System.Numerics.Vector<double>(factor);
            for (; k <= target.Length - width; k += width)
            {
                var sum = System.Numerics.Vector.LoadUnsafe(ref t, (nuint)k) + (f * System.Numerics.Vector.LoadUnsafe(ref s, (nuint)k));
                System.Numerics.Vector.StoreUnsafe(sum, ref t, (nuint)k);
            }
        }

        for (; k < target.Length; k++)
        {
            target[k] += factor * source[k];
        }
    }

    private static void AddScaled4(
        Span<double> target,
        ReadOnlySpan<double> s0,
        double f0,
        ReadOnlySpan<double> s1,
        double f1,
        ReadOnlySpan<double> s2,
        double f2,
        ReadOnlySpan<double> s3,
        double f3)
    {
        var length = target.Length;
        if (s0.Length < length || s1.Length < length || s2.Length < length || s3.Length < length)
        {
            throw new ArgumentException("Source rows are shorter than the target.");
        }

        var k = 0;
        var width = System.Numerics.Vector<double>.Count;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            ref var t = ref MemoryMarshal.GetReference(target);
            ref var a = ref MemoryMarshal.GetReference(s0);
            ref var b = ref MemoryMarshal.GetReference(s1);
            ref var c = ref MemoryMarshal.GetReference(s2);
            ref var d = ref MemoryMarshal.GetReference(s3);
            System.Numerics.Vector<double> v0 = new(f0), v1 = new(f1), v2 = new(f2), v3 = new(f3);
            for (; k <= length - width; k += width)
            {
                var i = (nuint)k;
                var sum = System.Numerics.Vector.LoadUnsafe(ref t, i)
                    + (v0 * System.Numerics.Vector.LoadUnsafe(ref a, i)) + (v1 * System.Numerics.Vector.LoadUnsafe(ref b, i))
                    + (v2 * System.Numerics.Vector.LoadUnsafe(ref c, i)) + (v3 * System.Numerics.Vector.LoadUnsafe(ref d, i));
                System.Numerics.Vector.StoreUnsafe(sum, ref t, i);
            }
        }

        for (; k < length; k++)
        {
            target[k] += (f0 * s0[k]) + (f1 * s1[k]) + (f2 * s2[k]) + (f3 * s3[k]);
        }
    }

    private static void Scale(ReadOnlySpan<double> source, double factor, Span<double> target)
    {
        for (var p = 0; p < source.Length; p++)
        {
            target[p] = factor * source[p];
        }
    }

    private static void RequireForceRows(LinearRows rows)
    {
        if (!rows.HasForces)
        {
            throw new ArgumentException("Force and virial rows are needed (compute the rows with forces).");
        }
    }

    private static void CheckFinite(double value, string what, Structure structure)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The reference {what} of {structure} is not finite ({value})."));
        }
    }
}
