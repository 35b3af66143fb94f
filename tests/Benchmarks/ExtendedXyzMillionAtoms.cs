using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.ExtendedXyz;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// Reads a one-frame extended XYZ file of N atoms (species, positions, forces; default 10⁶) and writes it back, with our
/// reader/writer and with ASE's, on the same file in the same run, and prints the times and the ratio ours/ASE.
/// Target (issue 2): ratio &lt; 2.
/// </summary>
internal static class ExtendedXyzMillionAtoms
{
    private const string AseScript = """
        import sys, time, resource
        import ase.io
        path, out, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
        best_read = best_write = float('inf')
        for _ in range(repeats):
            t0 = time.perf_counter(); atoms = ase.io.read(path, format='extxyz'); t1 = time.perf_counter()
            ase.io.write(out, atoms, format='extxyz'); t2 = time.perf_counter()
            best_read = min(best_read, t1 - t0); best_write = min(best_write, t2 - t1)
            del atoms
        print(best_read, best_write, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var atoms = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        using var directory = new TempDirectory();
        var input = directory.File("input.extxyz");
        var format = new ExtendedXyzFormat();

        var random = new Random(42);
        var side = Math.Cbrt(atoms * 20.0);
        var structure = RandomStructures.Periodic(random, atoms, [14, 8], withLabels: false, cell: Cell.Orthorhombic(side, side, side));
        structure.Calculated = RandomStructures.RandomLabels(random, atoms);
        StructureFiles.Write(input, [structure], format);
        structure = null;
        GC.Collect();
        Console.WriteLine($"extxyz read+write of one frame with {atoms:N0} atoms ({new FileInfo(input).Length / 1e6:F0} MB), best of {repeats}");

        double bestRead = double.MaxValue, bestWrite = double.MaxValue;
        var output = directory.File("ours.extxyz");
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var frame = StructureFiles.ReadAll(input, format);
            var read = clock.Elapsed.TotalSeconds;
            clock.Restart();
            StructureFiles.Write(output, frame, format);
            var write = clock.Elapsed.TotalSeconds;
            bestRead = Math.Min(bestRead, read);
            bestWrite = Math.Min(bestWrite, write);
            frame.Clear();
            GC.Collect();
        }

        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var ase = await Ase.RunAsync(AseScript, input, directory.File("ase.extxyz"), repeats.ToString(CultureInfo.InvariantCulture));
        var parts = ase.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double aseRead = double.Parse(parts[0], CultureInfo.InvariantCulture), aseWrite = double.Parse(parts[1], CultureInfo.InvariantCulture);
        var asePeak = double.Parse(parts[2], CultureInfo.InvariantCulture);

        var ours = bestRead + bestWrite;
        var theirs = aseRead + aseWrite;
        Console.WriteLine($"  ours: read {bestRead:F2} s, write {bestWrite:F2} s, total {ours:F2} s, peak working set {peak / 1e6:F0} MB");
        Console.WriteLine($"  ASE : read {aseRead:F2} s, write {aseWrite:F2} s, total {theirs:F2} s, peak RSS {asePeak / 1e6:F0} MB");
        Console.WriteLine($"  ratio ours/ASE (time): {ours / theirs:F3}  (target < 2)");
        Console.WriteLine(JsonSerializer.Serialize(new { atoms, oursSeconds = ours, aseSeconds = theirs, ratio = ours / theirs }));
        return 0;
    }
}
