using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.Selection.Diversity;
using ActiveLearning.Selection.Variance;

namespace ActiveLearning.Activities.Selection;

/// <summary>
/// The select activity: removes duplicates (against the whole dataset and within the candidates, by
/// <see cref="StructureHash"/>; the first occurrence of a repeated candidate is kept), then chooses up to
/// <see cref="CandidateSelectionOptions.Limit"/> candidates by the configured <see cref="SelectionMethod"/>, each with the
/// reason it was chosen. Deterministic for a given input and seed.
/// </summary>
public static class CandidateSelector
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Selects.</summary>
    /// <param name="input">Candidates, dataset hashes and what the method needs (see <see cref="SelectionInput"/>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="cancellationToken">Checked between candidates.</param>
    /// <exception cref="ArgumentException">Invalid options, or the method's inputs are missing or inconsistent (the message says which).</exception>
    /// <exception cref="PotentialException">A model cannot evaluate a candidate (named by its position).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static CandidateSelectionResult Select(SelectionInput input, CandidateSelectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Candidates);
        ArgumentNullException.ThrowIfNull(input.DatasetHashes);
        options ??= new CandidateSelectionOptions();
        options.Validate();
        CheckInputs(input, options);

        var unique = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < input.Candidates.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hash = StructureHash.Compute(input.Candidates[i]);
            if (!input.DatasetHashes.Contains(hash) && seen.Add(hash))
            {
                unique.Add(i);
            }
        }

        var duplicates = input.Candidates.Count - unique.Count;
        if (unique.Count == 0)
        {
            return new CandidateSelectionResult([], input.Candidates.Count, duplicates, 0, null,
                string.Create(Inv, $"Nothing to select: {input.Candidates.Count} candidates, {duplicates} duplicates of the dataset or of each other."));
        }

        var uniqueStructures = unique.ConvertAll(i => input.Candidates[i]);
        var (picks, eligible, activeSet) = options.Method switch
        {
            SelectionMethod.MaxVol => MaxVol(input, options, uniqueStructures),
            SelectionMethod.Committee => Committee(input, options, uniqueStructures, cancellationToken),
            SelectionMethod.Random => Random(options, uniqueStructures),
            _ => FarthestPoint(input, options, uniqueStructures),
        };

        var selected = new List<SelectedStructure>(picks.Count);
        foreach (var pick in picks)
        {
            var index = unique[pick.Unique];
            var copy = input.Candidates[index].Clone();
            var gamma = pick.Gamma ?? (copy.Info.TryGetValue("gamma", out var g) ? g.AsReal() : null);
            var rank = selected.Count;
            copy.Info["selection_method"] = options.Method.ToString();
            copy.Info["selection_rank"] = (long)rank;
            copy.Info["selection_reason"] = pick.Reason;
            copy.Info["candidate_index"] = (long)index;
            if (gamma is double known)
            {
                copy.Info["gamma"] = known;
            }

            selected.Add(new SelectedStructure(copy, index, rank, options.Method, gamma, pick.Score, pick.Reason));
        }

        var summary = string.Create(Inv,
            $"{options.Method}: selected {selected.Count} of {input.Candidates.Count} candidates ({duplicates} duplicates dropped, {eligible} eligible, limit {options.Limit}).");
        return new CandidateSelectionResult(selected, input.Candidates.Count, duplicates, eligible, activeSet, summary);
    }

    private static void CheckInputs(SelectionInput input, CandidateSelectionOptions options)
    {
        switch (options.Method)
        {
            case SelectionMethod.MaxVol:
                if (input.Model is null || input.ActiveSet is null)
                {
                    throw new ArgumentException("MaxVol selection needs the current model and its active set.", nameof(input));
                }

                if (input.ActiveSet.Columns != input.Model.ParameterCount)
                {
                    throw new ArgumentException(string.Create(Inv,
                        $"The active set has {input.ActiveSet.Columns} columns but the model has {input.Model.ParameterCount} parameters."), nameof(input));
                }

                break;
            case SelectionMethod.Committee:
                if (input.Committee is null || input.Committee.Count < 2)
                {
                    throw new ArgumentException("Committee selection needs at least two models.", nameof(input));
                }

                break;
            case SelectionMethod.FarthestPoint:
                if (input.Model is null)
                {
                    throw new ArgumentException("Farthest-point selection needs a linear model for its descriptors.", nameof(input));
                }

                break;
        }
    }

    private static (List<Pick>, int, ActiveSet?) MaxVol(SelectionInput input, CandidateSelectionOptions options, List<Structure> structures)
    {
        var rows = StructureFeatures.From(input.Model!, structures, options.GradeMode);
        var result = input.ActiveSet!.SelectAdd(rows, new SelectAddOptions
        {
            MaxCount = options.Limit,
            MinimumGrade = options.MinimumGrade,
            WholeFrames = true,
            MaxVol = options.MaxVol,
        });
        var frameGrades = ActiveSet.MaxPerFrame([.. result.Grades], rows.Ids);
        var minimum = options.MinimumGrade ?? 1 + options.MaxVol.Tolerance;
        var eligible = 0;
        foreach (var grade in frameGrades.Values)
        {
            eligible += grade > minimum ? 1 : 0;
        }

        var picks = new List<Pick>();
        for (var k = 0; k < result.SelectedIds.Count; k++)
        {
            var frame = result.SelectedIds[k].Frame;
            var gamma = frameGrades[frame];
            var factor = result.Factors[k];
            picks.Add(new Pick(frame, gamma, factor, string.Create(Inv,
                $"MaxVol select-add rank {k}: γ = {gamma:G4} against the active set; swapping its rows in grew |det A| by ×{factor:G4}")));
        }

        return (picks, eligible, result.ActiveSet);
    }

    private static (List<Pick>, int, ActiveSet?) Committee(
        SelectionInput input, CandidateSelectionOptions options, List<Structure> structures, CancellationToken cancellationToken)
    {
        var committee = input.Committee!;
        var window = new TrustWindow(options.TrustLower, options.TrustUpper);
        var evaluation = new Evaluation(1);
        var inWindow = new List<(int Unique, double Deviation)>();
        for (var s = 0; s < structures.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var structure = structures[s];
            var forces = new double[committee.Count * structure.Count * 3];
            for (var k = 0; k < committee.Count; k++)
            {
                try
                {
                    committee[k].Compute(structure, evaluation);
                }
                catch (PotentialException e)
                {
                    throw new PotentialException(string.Create(Inv, $"Candidate {s}, committee model {k}: {e.Message}"));
                }

                for (var i = 0; i < structure.Count; i++)
                {
                    var f = evaluation.Forces[i];
                    var at = ((k * structure.Count) + i) * 3;
                    forces[at] = f.X;
                    forces[at + 1] = f.Y;
                    forces[at + 2] = f.Z;
                }
            }

            var deviation = CommitteeDeviation.Evaluate(forces, committee.Count, s.ToString(Inv)).MaxForce;
            if (window.Classify(deviation) == TrustClass.Candidate)
            {
                inWindow.Add((s, deviation));
            }
        }

        // Most uncertain first; ties by position, so the order is deterministic.
        inWindow.Sort((a, b) => a.Deviation != b.Deviation ? b.Deviation.CompareTo(a.Deviation) : a.Unique.CompareTo(b.Unique));
        var picks = new List<Pick>();
        foreach (var (unique, deviation) in inWindow.Take(options.Limit))
        {
            picks.Add(new Pick(unique, null, deviation, string.Create(Inv,
                $"committee rank {picks.Count}: force deviation ε_F = {deviation:F4} eV/Å inside the trust window ({options.TrustLower:G3}, {options.TrustUpper:G3})")));
        }

        return (picks, inWindow.Count, null);
    }

    private static (List<Pick>, int, ActiveSet?) Random(CandidateSelectionOptions options, List<Structure> structures)
    {
        var order = Exploration.Explorer.StartIndices(structures.Count, structures.Count, options.Seed);
        var picks = new List<Pick>();
        for (var k = 0; k < Math.Min(options.Limit, order.Length); k++)
        {
            picks.Add(new Pick(order[k], null, null, string.Create(Inv, $"random draw {k} (seed {options.Seed}) of {structures.Count} unique candidates")));
        }

        return (picks, structures.Count, null);
    }

    private static (List<Pick>, int, ActiveSet?) FarthestPoint(SelectionInput input, CandidateSelectionOptions options, List<Structure> structures)
    {
        var candidates = Descriptors(input.Model!, structures);
        var existing = input.Dataset is { Count: > 0 } dataset ? Descriptors(input.Model!, dataset) : [];
        Standardise(candidates, existing);
        var result = FarthestPointSampling.Select(candidates, options.Limit, new FarthestPointOptions { Existing = existing });
        var picks = new List<Pick>();
        for (var k = 0; k < result.Indices.Count; k++)
        {
            var distance = result.Distances[k];
            picks.Add(new Pick(result.Indices[k], null, distance, string.Create(Inv,
                $"farthest point rank {k}: standardised descriptor distance {distance:G4} to the nearest structure already chosen or in the dataset")));
        }

        return (picks, structures.Count, null);
    }

    /// <summary>Per-atom means of the model's configuration rows: a size-independent descriptor of each structure.</summary>
    private static List<double[]> Descriptors(ILinearPotential model, IReadOnlyList<Structure> structures)
    {
        var rows = StructureFeatures.From(model, structures, FeatureMode.Configuration);
        var result = new List<double[]>(structures.Count);
        for (var s = 0; s < structures.Count; s++)
        {
            var row = rows.Row(s).ToArray();
            var atoms = Math.Max(1, structures[s].Count);
            for (var j = 0; j < row.Length; j++)
            {
                row[j] /= atoms;
            }

            result.Add(row);
        }

        return result;
    }

    /// <summary>Scales every column to zero mean and unit spread over candidates and dataset together, so no basis function dominates the distance by its units.</summary>
    private static void Standardise(List<double[]> candidates, List<double[]> existing)
    {
        var columns = candidates[0].Length;
        var count = candidates.Count + existing.Count;
        for (var j = 0; j < columns; j++)
        {
            double sum = 0, squares = 0;
            foreach (var row in candidates.Concat(existing))
            {
                sum += row[j];
                squares += row[j] * row[j];
            }

            var mean = sum / count;
            var spread = Math.Sqrt(Math.Max(0, (squares / count) - (mean * mean)));
            var scale = spread > 1e-12 * Math.Max(1, Math.Abs(mean)) ? 1 / spread : 0;
            foreach (var row in candidates.Concat(existing))
            {
                row[j] = (row[j] - mean) * scale;
            }
        }
    }

    private sealed record Pick(int Unique, double? Gamma, double? Score, string Reason);
}
