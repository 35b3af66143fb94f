using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActiveLearning.Selection.DOptimality;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// Issue 5's D-optimality benchmark, m = 92 basis functions: (1) grades of N = 1,000,000 neighbourhood rows against an
/// active set (one product with A⁻¹ and a row max); (2) select-add of k = 100 from 100,000 candidates (product, then
/// greedy MaxVol swaps with rank-1 updates). NumPy (Debian's, linked to whatever BLAS the alternatives select — OpenBLAS
/// when libopenblas0-pthread is installed) does the same arithmetic on the same matrices in the same run; both print the
/// best of three and the ratio ours/NumPy (target ≤ 1). The grades and the selected rows are cross-checked.
/// </summary>
internal static class MaxVolVersusNumpy
{
    private const string NumpyScript = """
        import sys, time
        import numpy as np
        inv_path, grade_path, cand_path, m, n, nc, k, delta, repeats = sys.argv[1:10]
        m, n, nc, k, delta, repeats = int(m), int(n), int(nc), int(k), float(delta), int(repeats)
        ainv = np.fromfile(inv_path, dtype='<f8').reshape(m, m)
        x = np.fromfile(grade_path, dtype='<f8').reshape(n, m)
        best_grade = best_product = float('inf')
        for _ in range(repeats):
            t0 = time.perf_counter(); g = np.abs(x @ ainv).max(axis=1); best_grade = min(best_grade, time.perf_counter() - t0)
            t0 = time.perf_counter(); p = x @ ainv; best_product = min(best_product, time.perf_counter() - t0); del p
        grade_sum = float(g.sum())
        del x
        cand = np.fromfile(cand_path, dtype='<f8').reshape(nc, m)
        best_select = float('inf')
        for _ in range(repeats):
            t0 = time.perf_counter()
            c = cand @ ainv
            eligible = np.abs(c).max(axis=1) > 1 + delta
            unlocked = np.ones(m, dtype=bool)
            selected = []
            for _ in range(k):
                a = np.abs(c)
                a[~eligible, :] = 0
                a[:, ~unlocked] = 0
                i, j = divmod(int(a.argmax()), m)
                if a[i, j] <= 1 + delta:
                    break
                u = c[i] / c[i, j]
                u[j] -= 1 / c[i, j]
                c -= np.outer(c[:, j], u)
                eligible[i] = False
                unlocked[j] = False
                selected.append(i)
            best_select = min(best_select, time.perf_counter() - t0)
        print(best_grade, grade_sum, best_select, best_product, ' '.join(str(s) for s in selected))
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var candidateCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        const int m = 92, k = 100;
        const double delta = 1e-3;
        using var directory = new TempDirectory();

        var random = new Random(5);
        var set = ActiveSet.Build(RandomRows(random, 2000, m, 1.0, 0));
        var block = RandomRows(random, rows, m, 1.5, 10_000);
        var candidates = RandomRows(random, candidateCount, m, 1.5, 20_000_000);
        var inversePath = directory.File("inverse.bin");
        var gradePath = directory.File("grade.bin");
        var candidatePath = directory.File("candidates.bin");
        File.WriteAllBytes(inversePath, MemoryMarshal.AsBytes(set.Inverse).ToArray());
        WriteRaw(gradePath, block.Values);
        WriteRaw(candidatePath, candidates.Values);
        Console.WriteLine($"D-optimality, m = {m}: grades of {rows:N0} rows; select-add of {k} from {candidateCount:N0} candidates; best of {repeats}; {Environment.ProcessorCount} cores");

        var grades = new double[rows];
        var bestGrade = double.MaxValue;
        var bestSelect = double.MaxValue;
        SelectionResult? selection = null;
        var options = new SelectAddOptions { MaxCount = k, MaxVol = new MaxVolOptions { Tolerance = delta } };
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            set.Grades(block, grades);
            bestGrade = Math.Min(bestGrade, clock.Elapsed.TotalSeconds);
            clock.Restart();
            selection = set.SelectAdd(candidates, options);
            bestSelect = Math.Min(bestSelect, clock.Elapsed.TotalSeconds);
        }

        var gradeSum = grades.Sum();
        block = null;
        GC.Collect();
        var output = await Ase.RunAsync(NumpyScript, inversePath, gradePath, candidatePath, Text(m), Text(rows), Text(candidateCount), Text(k),
            delta.ToString("R", CultureInfo.InvariantCulture), Text(repeats));
        var parts = output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var numpyGrade = double.Parse(parts[0], CultureInfo.InvariantCulture);
        var numpyGradeSum = double.Parse(parts[1], CultureInfo.InvariantCulture);
        var numpySelect = double.Parse(parts[2], CultureInfo.InvariantCulture);
        var numpyProductOnly = double.Parse(parts[3], CultureInfo.InvariantCulture);
        var numpySelected = parts[4..].Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        var gradesAgree = Math.Abs(gradeSum - numpyGradeSum) <= 1e-9 * Math.Abs(numpyGradeSum);
        var selectionsAgree = selection!.Selected.SequenceEqual(numpySelected);
        Console.WriteLine($"  grades    : ours {bestGrade:F3} s, NumPy {numpyGrade:F3} s, ratio ours/NumPy {bestGrade / numpyGrade:F3} (target <= 1); sums agree: {gradesAgree}");
        Console.WriteLine($"              (NumPy's bare x @ A⁻¹ without the |.| row max: {numpyProductOnly:F3} s, ours/that {bestGrade / numpyProductOnly:F3})");
        Console.WriteLine($"  select-add: ours {bestSelect:F3} s, NumPy {numpySelect:F3} s, ratio ours/NumPy {bestSelect / numpySelect:F3} (target <= 1); {selection.Selected.Count} selected, same rows: {selectionsAgree}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            rows, candidateCount, m, k,
            gradeSeconds = bestGrade, numpyGradeSeconds = numpyGrade, gradeRatio = bestGrade / numpyGrade, numpyProductOnlySeconds = numpyProductOnly,
            selectSeconds = bestSelect, numpySelectSeconds = numpySelect, selectRatio = bestSelect / numpySelect,
            gradesAgree, selectionsAgree,
        }));
        return gradesAgree && selectionsAgree ? 0 : 1;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteRaw(string path, double[] values)
    {
        using var stream = File.Create(path);
        stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static FeatureRows RandomRows(Random random, int count, int m, double scale, int frameOffset)
    {
        var values = new double[count * m];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = scale * (2 * random.NextDouble() - 1);
        }

        var ids = new RowId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = new RowId(frameOffset + i / 64, i % 64);
        }

        return new FeatureRows(values, m, ids);
    }
}
