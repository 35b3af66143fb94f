using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Atomistics.Fitting;

/// <summary>The outcome of <see cref="LinearFitter.Fit"/>.</summary>
/// <param name="Potential">The potential with the fitted parameters (<see cref="ILinearPotential.WithParameters"/>).</param>
/// <param name="Solution">The parameters and how well the data determined them.</param>
/// <param name="Structures">Structures read.</param>
/// <param name="EnergyRows">Energy residuals fitted.</param>
/// <param name="ForceRows">Force component residuals fitted.</param>
/// <param name="StressRows">Virial component residuals fitted (6 per structure with stress).</param>
/// <param name="Options">The settings used.</param>
public sealed record LinearFit(
    ILinearPotential Potential, LinearSolution Solution, int Structures, int EnergyRows, int ForceRows, int StressRows, LinearFitOptions Options);

/// <summary>
/// Weighted linear least-squares training of any <see cref="ILinearPotential"/> on structures with
/// <see cref="Structure.Reference"/> labels (MLIP-2's loss; see <see cref="LinearFitOptions"/> for its terms).
/// </summary>
/// <remarks>
/// The structures are streamed: they are read in batches of <see cref="LinearFitOptions.BatchPerThread"/> per thread, their
/// rows computed and folded into per-thread normal equations, and then released; memory is O(m²) per thread plus one
/// batch, never the design matrix. With more than one thread <see cref="ILinearPotential.ComputeRows"/> runs concurrently
/// on different structures, so the potential must not keep per-call state in itself.
/// </remarks>
public static class LinearFitter
{
    /// <summary>Fits the linear parameters of <paramref name="potential"/> to the labelled <paramref name="structures"/>.</summary>
    /// <param name="potential">The model; only its linear parameters change.</param>
    /// <param name="structures">Enumerated once. Structures without reference labels are read and skipped.</param>
    /// <param name="options">Weights and solver settings; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or a reference label is not finite (the message names the structure's position).</exception>
    /// <exception cref="InvalidOperationException">No structure has a label with a positive weight.</exception>
    /// <exception cref="PotentialException">The potential cannot evaluate a structure (the message names its position).</exception>
    public static LinearFit Fit(
        ILinearPotential potential, IEnumerable<Structure> structures, LinearFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(structures);
        options ??= new LinearFitOptions();
        options.Validate();
        var equations = Accumulate(potential, structures, options, cancellationToken);
        var solution = equations.Solve(options);
        return new LinearFit(
            potential.WithParameters(solution.Parameters), solution, equations.Structures, equations.EnergyRows, equations.ForceRows,
            equations.StressRows, options);
    }

    /// <summary>
    /// The normal equations of <paramref name="structures"/> for <paramref name="potential"/>, without solving them (e.g. to
    /// add more data later with <see cref="NormalEquations.Add(NormalEquations)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Fit"/>.</exception>
    /// <exception cref="PotentialException">As <see cref="Fit"/>.</exception>
    public static NormalEquations Accumulate(
        ILinearPotential potential, IEnumerable<Structure> structures, LinearFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(structures);
        options ??= new LinearFitOptions();
        options.Validate();
        var threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        var m = potential.ParameterCount;
        var partial = new NormalEquations[threads];
        var rows = new LinearRows[threads];
        for (var t = 0; t < threads; t++)
        {
            partial[t] = new NormalEquations(m);
            rows[t] = new LinearRows();
        }

        var batch = new Structure[threads * options.BatchPerThread];
        var read = 0;
        using var enumerator = structures.GetEnumerator();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = 0;
            while (count < batch.Length && enumerator.MoveNext())
            {
                batch[count++] = enumerator.Current ?? throw new ArgumentException($"Structure {read + count} is null.", nameof(structures));
            }

            if (count == 0)
            {
                break;
            }

            var first = read;
            void Work(int t)
            {
                // A fixed stride per thread: which thread adds which structure does not depend on timing.
                for (var b = t; b < count; b += threads)
                {
                    AddOne(potential, batch[b], first + b, rows[t], partial[t], options);
                }
            }

            if (threads == 1 || count == 1)
            {
                for (var t = 0; t < threads; t++)
                {
                    Work(t);
                }
            }
            else
            {
                try
                {
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, Work);
                }
                catch (AggregateException exception) when (exception.InnerExceptions.Count > 0)
                {
                    // Unwrapped so that callers see the same exception types as with one thread.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception.InnerExceptions[0]);
                }
            }

            read += count;
            Array.Clear(batch, 0, count);
        }

        for (var t = 1; t < threads; t++)
        {
            partial[0].Add(partial[t]);
        }

        return partial[0];
    }

    private static void AddOne(
        ILinearPotential potential, Structure structure, int index, LinearRows rows, NormalEquations equations, LinearFitOptions options)
    {
        var reference = structure.Reference;
        if (reference is null || structure.Count == 0)
        {
            equations.AddStructure(structure, rows, options);
            return;
        }

        var needsForces = (options.ForceWeight > 0 && reference.Forces is not null)
            || (options.StressWeight > 0 && reference.Stress is not null && structure.Pbc == Pbc.All);
        try
        {
            potential.ComputeRows(structure, rows, needsForces);
            equations.AddStructure(structure, rows, options);
        }
        catch (PotentialException exception)
        {
            throw new PotentialException($"Structure {index + 1} ({structure}): {exception.Message}");
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"Structure {index + 1} ({structure}): {exception.Message}", exception);
        }
    }
}
