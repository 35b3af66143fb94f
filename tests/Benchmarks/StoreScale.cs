using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Cli;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Benchmarks;

/// <summary>
/// Issue 9's store-scale benchmark: a synthetic campaign of 100 iterations × 1,000 structures (8-atom Si cells, each
/// labelled, a model per iteration) built through the store, then the time of <c>al status</c>, <c>al audit --iteration
/// 50</c> (text and JSON) and <c>al resume</c> of the finished-but-running campaign (open, migrate, parse the stored
/// definition, check every iteration and step, re-evaluate the stop rules). Each is measured in-process (the command's
/// own cost) and as a child process (<c>dotnet al.dll …</c>, what a user waits for, including .NET start-up).
/// Targets: status &lt; 1 s, audit &lt; 2 s, resume overhead &lt; 2 s.
/// </summary>
internal static class StoreScale
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var perIteration = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        using var folder = new TempDirectory();
        var clock = Stopwatch.StartNew();
        var workdir = Build(folder, iterations, perIteration);
        Console.WriteLine(FormattableString.Invariant(
            $"built {iterations} iterations × {perIteration} structures in {clock.Elapsed.TotalSeconds:F1} s; database {new FileInfo(Path.Combine(workdir, CampaignStore.FileName)).Length / 1e6:F1} MB"));

        var middle = (iterations / 2).ToString(CultureInfo.InvariantCulture);
        using (var audit = new StringWriter())
        {
            await AlCli.RunAsync(["audit", workdir, "--iteration", middle], audit, TextWriter.Null, TimeProvider.System, CancellationToken.None);
            var listed = audit.ToString().Split('\n').Count(line => line.StartsWith("  #", StringComparison.Ordinal));
            if (listed != perIteration)
            {
                throw new InvalidOperationException($"al audit --iteration {middle} listed {listed} structures, expected {perIteration}.");
            }
        }

        await Measure("al status", null, "status", workdir);
        await Measure("al status --json", null, "status", workdir, "--json");
        await Measure($"al audit --iteration {middle}", null, "audit", workdir, "--iteration", middle);
        await Measure($"al audit --iteration {middle} --json", null, "audit", workdir, "--iteration", middle, "--json");
        await Measure("al resume (nothing left to run)", () => Reopen(workdir), "resume", workdir);
        return 0;
    }

    private static async Task Measure(string what, Action? before, params string[] args)
    {
        var inProcess = new List<double>();
        var child = new List<double>();
        for (var repeat = 0; repeat < 3; repeat++)
        {
            before?.Invoke();
            var clock = Stopwatch.StartNew();
            var code = await AlCli.RunAsync(args, TextWriter.Null, TextWriter.Null, TimeProvider.System, CancellationToken.None);
            inProcess.Add(clock.Elapsed.TotalSeconds);
            if (code != 0)
            {
                throw new InvalidOperationException($"{what}: exit {code}");
            }

            before?.Invoke();
            clock.Restart();
            var result = await ExternalProcess.RunAsync(
                Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Path.ChangeExtension(typeof(AlCli).Assembly.Location, ".dll"), .. args]);
            child.Add(clock.Elapsed.TotalSeconds);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"{what}: exit {result.ExitCode}: {result.StandardError}");
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"{what,-36} in-process best {inProcess.Min():F3} s (first {inProcess[0]:F3} s); child process best {child.Min():F3} s"));
    }

    // The campaign is finished; putting it back to running makes al resume walk every iteration and step again.
    private static void Reopen(string workdir)
    {
        using var store = CampaignStore.Open(workdir, TimeProvider.System);
        store.SetCampaignState("running", "benchmark: reopened");
    }

    private static string Build(TempDirectory folder, int iterations, int perIteration)
    {
        var crystal = Zincblende.Conventional(5.431, 14, 14);
        StructureFiles.Write(folder.File("si8.extxyz"), [crystal], StructureFiles.ResolveFormat("si8.extxyz", null));
        var file = folder.File("c.yaml");
        var definition = $$"""
            name: scale
            species: [Si]
            model: { kind: mtp, level: 8 }
            reference: { kind: potential, potential: sw }
            loop:
              max_iterations: {{iterations}}
              steps:
                - generate: { kind: rattle, source: si8.extxyz, sigma: 0.05, copies: {{perIteration}} }
                - label: {}
                - fit: {}
            """;
        File.WriteAllText(file, definition);
        var workdir = Path.Combine(folder.Path, "runs", "scale");
        var campaign = Orchestrator.Campaigns.CampaignParser.Parse(file);
        using var store = CampaignStore.OpenOrCreate(
            workdir, "scale", file, definition, Orchestrator.Campaigns.CampaignJson.DefinitionHash(campaign), TimeProvider.System, out _);
        using var labels = new SqliteConnection($"Data Source={Path.Combine(workdir, CampaignStore.FileName)};Pooling=False");
        labels.Open();
        var random = new Random(1);
        long nextId = 1;
        for (var iteration = 1; iteration <= iterations; iteration++)
        {
            store.BeginIteration(iteration);
            var generate = store.StartStepRun(iteration, 0, "loop.steps[0]", "generate", "g");
            var structures = new List<NewStructure>(perIteration);
            for (var i = 0; i < perIteration; i++)
            {
                var positions = crystal.Positions.Select(p => p + new Vec3(random.NextDouble(), random.NextDouble(), random.NextDouble()) * 0.1).ToArray();
                structures.Add(new NewStructure(
                    new Structure(crystal.Cell, crystal.Pbc, crystal.AtomicNumbers, positions),
                    new StructureOrigin { Source = "generate:rattle", Parameters = "sigma=0.05", Parent = "si8.extxyz#0" }, "synthetic"));
            }

            store.ForStep(generate, iteration).Complete(new StepOutcome { Summary = "generated", NewStructures = structures });
            var label = store.StartStepRun(iteration, 1, "loop.steps[1]", "label", "l");
            InsertLabels(labels, iteration, label, nextId, perIteration, random);
            nextId += perIteration;
            store.ForStep(label, iteration).Complete(new StepOutcome { Summary = "labelled" });
            var fit = store.StartStepRun(iteration, 2, "loop.steps[2]", "fit", "f");
            store.ForStep(fit, iteration).Complete(new StepOutcome
            {
                Summary = "fitted",
                Model = new ModelRecord(
                    $"iterations/{iteration:000}/model.mtp", new string('0', 64), new string('1', 64), (int)(nextId - 1),
                    """{"EnergyRmseMeVPerAtom":1.0,"ForceRmseEVPerAngstrom":0.1}"""),
            });
            store.FinishIteration(iteration);
        }

        store.SetCampaignState("finished", "benchmark");
        return workdir;
    }

    // Labels in one transaction per iteration (the engine commits each one; 100,000 fsyncs would only slow the set-up).
    private static void InsertLabels(SqliteConnection connection, int iteration, long stepRun, long firstId, int count, Random random)
    {
        using var transaction = connection.BeginTransaction();
        using var label = connection.CreateCommand();
        label.Transaction = transaction;
        label.CommandText = """
            INSERT INTO labels (structure, method, settings_hash, attempts, status, energy, forces, stress, iteration, step_run, labelled)
            VALUES ($s, 'teacher:sw', '0123456789abcdef', 1, 'ok', $e, $f, $stress, $i, $r, '2026-11-21T00:00:00.000Z')
            """;
        using var events = connection.CreateCommand();
        events.Transaction = transaction;
        events.CommandText = "INSERT INTO events (time, iteration, step_run, kind, structure, message) VALUES ('2026-11-21T00:00:00.000Z', $i, $r, $k, $s, 'synthetic')";
        var forces = new byte[8 * 24];
        var stress = new byte[72];
        for (var id = firstId; id < firstId + count; id++)
        {
            for (var b = 0; b < forces.Length; b += 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(forces.AsSpan(b), random.NextDouble() - 0.5);
            }

            label.Parameters.Clear();
            label.Parameters.AddWithValue("$s", id);
            label.Parameters.AddWithValue("$e", -34.0 - random.NextDouble());
            label.Parameters.AddWithValue("$f", forces);
            label.Parameters.AddWithValue("$stress", stress);
            label.Parameters.AddWithValue("$i", iteration);
            label.Parameters.AddWithValue("$r", stepRun);
            label.ExecuteNonQuery();
            foreach (var kind in new[] { "label.requested", "label.computed" })
            {
                events.Parameters.Clear();
                events.Parameters.AddWithValue("$i", iteration);
                events.Parameters.AddWithValue("$r", stepRun);
                events.Parameters.AddWithValue("$k", kind);
                events.Parameters.AddWithValue("$s", id);
                events.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }
}
