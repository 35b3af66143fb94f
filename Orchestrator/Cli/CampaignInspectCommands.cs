using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Engine;
using ActiveLearning.Orchestrator.Reports;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al status</c>, <c>al audit</c>, <c>al report</c> and <c>al export</c>: read a campaign's work directory (also while it runs).</summary>
internal static class CampaignInspectCommands
{
    public static Command Status(CliContext context)
    {
        var workdir = new Argument<string>("workdir") { Description = "The campaign's work directory." };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (stable names; see docs/audit.md)." };
        var command = new Command(
            "status",
            """
            Where a campaign is: state, current iteration and step, structures and labels, jobs in flight, the last model
            and its training errors. Reads the work directory without changing it, also while al run works in it.

            Examples:
              al status runs/si-embedded
              al status runs/si-embedded --json
            """)
        {
            workdir, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(workdir)!;
            using var store = OpenOrThrow(path, context);
            var report = StatusReport.Read(store, IsActive(store.Workdir));
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(report, StatusReport.Json));
                return ExitCodes.Ok;
            }

            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"Campaign {report.Campaign} ({report.Workdir})");
            text.AppendLine(CultureInfo.InvariantCulture, $"  state       {report.State}{(report.Active ? " (an al process is working on it)" : string.Empty)}{(report.StopReason is null ? string.Empty : $": {report.StopReason}")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  iteration   {report.Iteration}{(report.FinalSteps ? " (the final steps)" : string.Empty)} ({report.IterationsFinished} finished)");
            if (report.Step is { } step)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  step        {step.Step} ({step.Keyword}) in iteration {step.Iteration}: {step.State}, attempt {step.Attempt}, heartbeat {step.Heartbeat}{HeartbeatAge(step, report.Workdir)}");
                if (step.Summary is not null)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"              {step.Summary}");
                }

                if (step.Error is not null)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"              error: {step.Error}");
                }
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  structures  {report.Structures} ({report.Labelled} labelled, {report.LabelFailures} label failures, {report.Rejected} candidates rejected)");
            text.AppendLine(CultureInfo.InvariantCulture, $"  jobs        {report.JobsInFlight} in flight");
            foreach (var job in report.Jobs)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"              {job.Scheduler} job {job.JobId ?? "(not submitted yet)"} {job.State}: {job.Method} attempt {job.Attempt} of structure {job.StructureId?.ToString(CultureInfo.InvariantCulture) ?? "?"} (task {job.Task}){(job.LastError is null ? string.Empty : $"; {job.LastError}")}");
            }

            if (report.LastValidation is { } validation)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  validation  iteration {validation.Iteration}, model sha256 {validation.ModelHash[..16]}…: {Validation(validation.EnergyRmseMeVPerAtom, validation.ForceRmseEVPerAngstrom, validation.SurvivalRuns, validation.Survived)}");
            }

            text.Append(report.LastModel is { } model
                ? string.Create(CultureInfo.InvariantCulture, $"  model       {model.Path} (iteration {model.Iteration}, {model.Structures} structures, sha256 {model.Hash[..16]}…): {Metrics(model.Metrics)}")
                : "  model       none yet");
            await context.Output.WriteLineAsync(text.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Audit(CliContext context)
    {
        var workdir = new Argument<string>("workdir") { Description = "The campaign's work directory." };
        var iteration = new Option<int?>("--iteration") { Description = "Only this iteration (0: the initial steps)." };
        var structure = new Option<string?>("--structure") { Description = "One structure, by id or content hash, with its events." };
        var json = new Option<bool>("--json") { Description = "Print the audit as JSON (schema al-audit/1, documented in docs/audit.md)." };
        var command = new Command(
            "audit",
            """
            Which structures each iteration added, from where (generator and parameters, or walker, temperature and MD
            step), why, how they were labelled (method, settings hash, job id, energy), which candidates were rejected and
            which labels failed, and why; the models fitted.

            Examples:
              al audit runs/si-embedded --iteration 3
              al audit runs/si-embedded --structure 42 --json
            """)
        {
            workdir, iteration, structure, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var store = OpenOrThrow(parse.GetValue(workdir)!, context);
            AuditReport report;
            if (parse.GetValue(structure) is { } which)
            {
                report = AuditReport.ForStructure(store, which) ?? throw new BadInputException($"--structure {which}: no structure with this id or hash.");
            }
            else
            {
                var only = parse.GetValue(iteration);
                if (only is { } n && store.Iterations().All(i => i.Number != n))
                {
                    throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--iteration {n}: the campaign has no such iteration (yet)."));
                }

                report = AuditReport.ForIterations(store, only);
            }

            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(report, StatusReport.Json));
                return ExitCodes.Ok;
            }

            await context.Output.WriteAsync(AuditText(report));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Export(CliContext context)
    {
        var workdir = new Argument<string>("workdir") { Description = "The campaign's work directory." };
        var iteration = new Option<int>("--iteration") { Description = "The data set as of this iteration (0: after the initial steps).", Required = true };
        var format = new Option<string>("--format") { Description = "extxyz or cfg.", DefaultValueFactory = _ => "extxyz", HelpName = "extxyz|cfg" };
        var output = new Option<string>("--output", "-o") { Description = "The directory to write dataset.extxyz|cfg and the model (model.mtp, or model.snapcoeff and model.snapparam) into.", Required = true };
        var command = new Command(
            "export",
            """
            Write the labelled data set as of an iteration (every structure added up to it with a successful label, labels
            as reference energies, forces and stresses) and the model fitted last up to it.

            Example:
              al export runs/si-embedded --iteration 3 --format cfg -o si-iter3
            """)
        {
            workdir, iteration, format, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var formatName = parse.GetValue(format)!;
            if (formatName is not ("extxyz" or "cfg"))
            {
                throw new BadInputException($"--format {formatName}: expected extxyz or cfg.");
            }

            using var store = OpenOrThrow(parse.GetValue(workdir)!, context);
            var n = parse.GetValue(iteration);
            if (store.Iterations().All(i => i.Number != n))
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--iteration {n}: the campaign has no such iteration (yet)."));
            }

            var directory = parse.GetValue(output)!;
            Directory.CreateDirectory(directory);
            var (structures, datasetHash) = store.LabelledDataset(n);
            var path = Path.Combine(directory, "dataset." + formatName);
            var options = new FormatOptions { Labels = LabelChoice.Reference, SpeciesMap = SpeciesOf(store, structures) };
            var written = StructureFiles.Write(path, structures.Select(s => s.Structure), StructureFiles.ResolveFormat(path, null), options, cancellationToken: cancellationToken);
            var message = string.Create(CultureInfo.InvariantCulture, $"Wrote {written} structures to {path} (dataset sha256 {datasetHash[..16]}…)");
            if (store.LastModel(n) is { } model)
            {
                var source = Path.Combine(store.Workdir, model.Path);
                var kind = StudentModel.OfFile(source);
                var sources = kind.FilesOf(source);
                var targets = kind.FilesOf(Path.Combine(directory, kind.ModelFileName));
                for (var f = 0; f < targets.Count; f++)
                {
                    var text = File.ReadAllText(sources[f]);
                    AtomicTextFile.Write(targets[f], writer => writer.Write(text));
                }

                message += string.Create(CultureInfo.InvariantCulture, $" and the model of iteration {model.Iteration} to {string.Join(" and ", targets)}");
            }

            await context.Error.WriteLineAsync(message + ".");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Report(CliContext context)
    {
        var workdir = new Argument<string>("workdir") { Description = "The campaign's work directory." };
        var output = new Option<string?>("--output", "-o") { Description = "The HTML file to write (default: WORKDIR/report.html).", HelpName = "FILE.html" };
        var speedSeconds = new Option<double>("--speed-seconds")
        {
            Description = "For a campaign with a teacher potential: time MD of the student and of the teacher for at least this long each (default 1; 0: skip).",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 1.0,
        };
        var command = new Command(
            "report",
            """
            A self-contained HTML page of a campaign (inline SVG plots, no scripts): labels, the γ of the explored
            candidates, validation errors (energy meV/atom, forces eV/Å) and survival per iteration, and the same figures as
            a table on the terminal, one row per iteration. Reads the work directory without changing it (except the page).
            When the reference is a potential (a teacher), it also compares the student (the model in use) with the teacher:
            the last validation errors and the MD speed of both, measured now (Langevin 300 K, one thread, the largest
            training structure repeated to at least 500 atoms, at least --speed-seconds of MD each).

            Examples:
              al report runs/si-embedded
              al report runs/si-embedded -o si.html
            """)
        {
            workdir, output, speedSeconds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var store = OpenOrThrow(parse.GetValue(workdir)!, context);
            var seconds = parse.GetValue(speedSeconds);
            if (!double.IsFinite(seconds) || seconds < 0)
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--speed-seconds {seconds}: expected a number of seconds ≥ 0."));
            }

            var report = CampaignReport.Read(store) with
            {
                StudentTeacher = StudentTeacherComparison.Read(store, TimeSpan.FromSeconds(seconds), context.Time, cancellationToken),
            };
            var target = parse.GetValue(output) ?? Path.Combine(store.Workdir, "report.html");
            AtomicTextFile.Write(target, writer => ReportRendering.WriteHtml(report, writer));
            await context.Output.WriteAsync(ReportRendering.SummaryTable(report));
            if (report.StudentTeacher is { } comparison)
            {
                await context.Output.WriteAsync("\n" + comparison.Describe());
            }

            await context.Error.WriteLineAsync($"Wrote {target}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static CampaignStore OpenOrThrow(string workdir, CliContext context)
    {
        if (!CampaignStore.Exists(workdir))
        {
            throw new BadInputException($"{workdir}: no campaign here ({CampaignStore.FileName} is missing).");
        }

        return CampaignStore.Open(workdir, context.Time);
    }

    private static bool IsActive(string workdir)
    {
        try
        {
            using var probe = WorkdirLock.Acquire(workdir);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    // The campaign's species in type order, so .cfg types match the model; the order of appearance if the definition no longer parses.
    private static int[]? SpeciesOf(CampaignStore store, IReadOnlyList<Activities.Ports.StoredStructure> structures)
    {
        var row = store.ReadCampaign();
        try
        {
            return [.. CampaignParser.Parse(row.Definition, row.FilePath).Species.Select(Elements.AtomicNumber)];
        }
        catch (CampaignException)
        {
            return structures.Count == 0 ? null : [.. structures.SelectMany(s => s.Structure.ElementsInOrder()).Distinct()];
        }
    }

    private static string Metrics(JsonElement metrics)
    {
        string Value(string name, string format) =>
            metrics.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "–";
        var text = $"energy RMSE {Value("EnergyRmseMeVPerAtom", "F2")} meV/atom, force RMSE {Value("ForceRmseEVPerAngstrom", "F4")} eV/Å";
        if (metrics.TryGetProperty("Validation", out var validation) && validation.ValueKind == JsonValueKind.Object)
        {
            text += $"; on the validation set {Metrics(validation)}";
        }

        if (metrics.TryGetProperty("Guard", out var guard) && guard.ValueKind == JsonValueKind.String)
        {
            text += $"; fit guard: {guard.GetString()}";
        }

        return text;
    }

    private static string HeartbeatAge(StepStatus step, string workdir)
    {
        if (step.State != "running")
        {
            return string.Empty;
        }

        var age = string.Create(CultureInfo.InvariantCulture, $" ({step.HeartbeatAgeSeconds:F0} s ago)");
        return step.Stale ? $"{age}: stale (process gone?); continue with al resume {workdir}" : age;
    }

    private static string Validation(double? energyMeV, double? force, int? runs, int? survived)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"energy RMSE {energyMeV:F2} meV/atom, force RMSE {force:F4} eV/Å");
        return runs is { } n ? text + string.Create(CultureInfo.InvariantCulture, $", survival {survived}/{n} runs") : text;
    }

    private static string AuditText(AuditReport report)
    {
        var text = new StringBuilder();
        if (report.Structure is { } one)
        {
            AppendStructure(text, one);
            foreach (var e in report.Events)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {e.Time} {e.Kind}: {e.Message}");
            }

            return text.ToString();
        }

        foreach (var iteration in report.Iterations)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Iteration {iteration.Iteration} ({iteration.State}{(iteration.FinalAfter is { } why ? $"; final steps after {why}" : string.Empty)}): {iteration.Added.Count} added, {iteration.Rejected.Count} rejected, {iteration.LabelFailures.Count} label failures");
            foreach (var structure in iteration.Added)
            {
                AppendStructure(text, structure);
            }

            foreach (var rejected in iteration.Rejected)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  rejected {rejected.Hash} from {rejected.Origin.Source} ({rejected.Origin.Parent}): {rejected.Reason}");
            }

            foreach (var failure in iteration.LabelFailures)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  label failed for #{failure.StructureId} ({failure.Method}): {failure.FailureReason}");
            }

            foreach (var model in iteration.Models)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  model {model.Path} sha256 {model.Hash[..16]}… fitted to {model.Structures} structures: {Metrics(model.Metrics)}");
            }

            foreach (var walker in iteration.Walkers)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  walker {walker.Walker}: {walker.StopReason} after {walker.StepsDone} MD steps, max γ {walker.MaxGamma:F2}, {walker.Candidates} candidates");
            }

            foreach (var validation in iteration.Validations)
            {
                var phonons = validation.PhononRmseTHz is { } phonon
                    ? string.Create(CultureInfo.InvariantCulture, $", phonon RMSE {phonon:F3} THz (max {validation.PhononMaxErrorTHz:F3} THz)")
                    : string.Empty;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  validation of model sha256 {validation.ModelHash[..16]}… on {validation.Structures} structures: {Validation(validation.EnergyRmseMeVPerAtom, validation.ForceRmseEVPerAngstrom, validation.SurvivalRuns, validation.Survived)}{phonons}");
            }
        }

        return text.ToString();
    }

    private static void AppendStructure(StringBuilder text, AuditStructure s)
    {
        var origin = s.Origin;
        var md = origin.Walker is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" walker {origin.Walker} at {origin.TemperatureK} K, MD step {origin.MdStep}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  #{s.Id} {s.Formula} {s.Hash} from {origin.Source}{(origin.Parent is null ? string.Empty : $" of {origin.Parent}")}{md} [{origin.Parameters}] by {s.Step}: {s.Reason}{(s.Grade is { } g ? string.Create(CultureInfo.InvariantCulture, $", γ {g:F2}") : string.Empty)}");
        if (s.Labels.Count == 0)
        {
            text.AppendLine("      not labelled yet");
        }

        foreach (var label in s.Labels)
        {
            text.AppendLine(label.Status == "ok"
                ? string.Create(CultureInfo.InvariantCulture, $"      labelled by {label.Method} (settings {label.SettingsHash}{(label.JobId is null ? string.Empty : $", {(label.Job is { Scheduler: "slurm" } ? "slurm " : string.Empty)}job {label.JobId}")}) in iteration {label.Iteration}: E = {label.EnergyEv:R} eV")
                : string.Create(CultureInfo.InvariantCulture, $"      label failed ({label.Method}, settings {label.SettingsHash}) in iteration {label.Iteration}: {label.FailureReason}"));
        }
    }
}
