using System.Globalization;
using ActiveLearning.Activities.Exploration;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Activities.Generation;
using ActiveLearning.Activities.Labelling;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Activities.Validation;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Store;
using Serilog;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>How a call of <see cref="CampaignEngine.RunAsync"/> ended.</summary>
/// <param name="Finished">Whether the campaign is complete (a stop rule or the iteration limit ended it).</param>
/// <param name="Message">Why it ended, or which step failed and why.</param>
public sealed record EngineResult(bool Finished, string Message);

/// <summary>
/// Runs a campaign: the <c>initial</c> steps once (iteration 0), then <c>loop.steps</c> in iterations 1, 2, … until a stop
/// rule holds. Every step run is a row in the store; a finished one is never run again, so calling <see cref="RunAsync"/>
/// after a crash or a stop continues where the campaign was. Each step draws its random numbers from a seed derived from
/// the campaign seed, its iteration and its position, which makes a resumed campaign identical to an uninterrupted one.
/// </summary>
public sealed partial class CampaignEngine
{
    private readonly Campaign campaign;
    private readonly CampaignStore store;
    private readonly ILogger log;
    private readonly TimeProvider time;
    private readonly int[] species;
    private ILabeller? labeller;

    /// <summary>Creates the engine for a campaign and its store.</summary>
    public CampaignEngine(Campaign campaign, CampaignStore store, ILogger log, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        this.campaign = campaign;
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.log = log ?? throw new ArgumentNullException(nameof(log));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        species = [.. campaign.Species.Select(Elements.AtomicNumber)];
    }

    /// <summary>
    /// What this engine cannot run of a campaign yet, each as <c>FILE:LINE:COLUMN: message</c> (steps) or a plain message;
    /// empty when it runs the whole campaign. Checked before a work directory is created.
    /// </summary>
    public static IReadOnlyList<string> Unsupported(Campaign campaign, string file)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var problems = new List<string>();
        string At(CampaignStep step) => step.Location is { } l
            ? string.Create(CultureInfo.InvariantCulture, $"{file}:{l.Line}:{l.Column}: {l.Path}")
            : $"{file}: {step.Keyword}";
        foreach (var step in campaign.Initial.Concat(campaign.Loop.Steps).Concat(campaign.Final))
        {
            switch (step)
            {
                case ExploreStep { Ensemble: not ("nvt" or "nve" or "npt") } explore:
                    problems.Add($"{At(step)}: ensemble {explore.Ensemble} is not one of nvt, nve, npt");
                    break;
                case GenerateStep generate when CampaignGenerators.Unsupported(generate.Generator) is { } why:
                    problems.Add($"{At(step)}: {why}");
                    break;
                case ValidateStep { Phonons: { } phonons } when PhononPrimitive(campaign, phonons) is null:
                    problems.Add($"{At(step)}: phonons: no primitive cell; give phonons.primitive or generate from one with kind ndsc in initial");
                    break;
                case ValidateStep { Phonons: not null } when campaign.Reference is not PotentialReference:
                    problems.Add($"{At(step)}: phonons are compared with a teacher potential only; this campaign's reference is {(campaign.Reference as CodeReference)?.Code ?? "not a potential"}");
                    break;
            }
        }

        foreach (var step in campaign.Initial.Where(s => s is ExploreStep or SelectStep or ValidateStep))
        {
            problems.Add($"{At(step)}: the {step.Keyword} step needs a model and runs only in loop.steps, not in initial");
        }

        problems.AddRange(CodeReferenceProblems(campaign, file));

        if ((campaign.Loop.StopWhen.EnergyRmse is not null || campaign.Loop.StopWhen.ForceRmse is not null)
            && !campaign.Loop.Steps.Any(s => s is ValidateStep))
        {
            problems.Add($"{file}: loop.stop_when: energy_rmse and force_rmse need a validate step in loop.steps");
        }

        problems.AddRange(SurvivalProblems(campaign, file));

        var loopSteps = campaign.Loop.Steps;
        for (var i = 0; i < loopSteps.Length; i++)
        {
            if (loopSteps[i] is SelectStep && !loopSteps.Take(i).Any(s => s is ExploreStep))
            {
                problems.Add($"{At(loopSteps[i])}: a select step needs an explore step before it in the same iteration");
            }
        }

        return problems;
    }

    /// <summary>Runs the campaign from where its store says it is, until it finishes, a step fails or it is cancelled.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; the running step is marked interrupted and resumes later.</exception>
    public async Task<EngineResult> RunAsync(CancellationToken cancellationToken)
    {
        var row = store.ReadCampaign();
        if (row.State == "finished")
        {
            return new EngineResult(true, row.StopReason ?? "finished");
        }

        if (row.State != "running")
        {
            store.SetCampaignState("running", $"resumed after {row.State}");
        }

        RemoveStaleTemporaryFiles();

        if (campaign.Initial.Length > 0 && await RunIterationAsync(0, campaign.Initial, "initial", cancellationToken) is { } failure)
        {
            return failure;
        }

        for (var iteration = 1; ; iteration++)
        {
            // Once the final steps have begun, the stop rule that started them stands: judged again, it would see their
            // results (a validation of this iteration, one more quiet iteration) instead of the loop's.
            var stop = store.Iterations().FirstOrDefault(i => i.Number == iteration)?.StopReason ?? StopReason(iteration);
            if (stop is not null)
            {
                return await FinishAsync(iteration, stop, cancellationToken);
            }

            if (await RunIterationAsync(iteration, campaign.Loop.Steps, "loop.steps", cancellationToken) is { } failed)
            {
                return failed;
            }
        }
    }

    private async Task<EngineResult> FinishAsync(int iteration, string stop, CancellationToken cancellationToken)
    {
        if (campaign.Final.Length > 0)
        {
            log.Information("Loop ended ({Reason}); the final steps run as iteration {Iteration}", stop, iteration);
            if (await RunIterationAsync(iteration, campaign.Final, "final", cancellationToken, stop) is { } failed)
            {
                return failed;
            }
        }

        store.SetCampaignState("finished", stop);
        log.Information("Campaign {Name} finished: {Reason}", campaign.Name, stop);
        return new EngineResult(true, stop);
    }

    // A process killed while writing an artifact leaves its temporary file (".NAME.GUID.tmp") beside the target; the
    // target itself is whole or absent, and the step that wrote it is rerun, so the leftovers are only litter.
    private void RemoveStaleTemporaryFiles()
    {
        var iterations = Path.Combine(store.Workdir, "iterations");
        if (!Directory.Exists(iterations))
        {
            return;
        }

        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(iterations, ".*.tmp", SearchOption.AllDirectories))
        {
            File.Delete(file);
            removed++;
        }

        if (removed > 0)
        {
            log.Information("Removed {Count} temporary files left by an interrupted run", removed);
        }
    }

    private string? StopReason(int nextIteration)
    {
        var loop = campaign.Loop;
        if (nextIteration > loop.MaxIterations)
        {
            return string.Create(CultureInfo.InvariantCulture, $"max_iterations {loop.MaxIterations} reached");
        }

        if ((loop.StopWhen.EnergyRmse is not null || loop.StopWhen.ForceRmse is not null) && store.LastValidation() is { } validation
            && validation.Iteration == nextIteration - 1)
        {
            var inv = CultureInfo.InvariantCulture;
            if (loop.StopWhen.EnergyRmse is { } energy && validation.EnergyRmseEVPerAtom is { } e && e <= energy)
            {
                return string.Create(inv, $"energy_rmse: validation energy RMSE {e * 1000:F2} meV/atom is within the target {energy * 1000:F2} meV/atom");
            }

            if (loop.StopWhen.ForceRmse is { } force && validation.ForceRmseEVPerAngstrom is { } f && f <= force)
            {
                return string.Create(inv, $"force_rmse: validation force RMSE {f:F4} eV/Å is within the target {force:F4} eV/Å");
            }
        }

        if (SurvivalStopReason(nextIteration) is { } survival)
        {
            return survival;
        }

        if (loop.StopWhen.QuietIterations is { } quiet)
        {
            var finished = store.Iterations().Where(i => i.Number >= 1 && i.Number < nextIteration && i.State == "finished").ToList();
            var trailing = 0;
            for (var i = finished.Count - 1; i >= 0 && finished[i].Added == 0; i--)
            {
                trailing++;
            }

            if (trailing >= quiet)
            {
                return string.Create(CultureInfo.InvariantCulture, $"quiet_iterations: the last {quiet} iterations added no structure");
            }
        }

        return null;
    }

    private async Task<EngineResult?> RunIterationAsync(
        int iteration, IReadOnlyList<CampaignStep> steps, string section, CancellationToken cancellationToken, string? stopReason = null)
    {
        var existing = store.Iterations().FirstOrDefault(i => i.Number == iteration);
        if (existing?.State == "finished")
        {
            return null;
        }

        store.BeginIteration(iteration, stopReason);
        log.Information("Iteration {Iteration} {What}", iteration, section switch { "initial" => "(initial steps)", "final" => "(final steps)", _ => "started" });
        for (var index = 0; index < steps.Count; index++)
        {
            var step = steps[index];
            var path = step.Location?.Path ?? string.Create(CultureInfo.InvariantCulture, $"{section}[{index}]");
            var previous = store.FindStepRun(iteration, index);
            if (previous?.State == "finished")
            {
                continue;
            }

            var paramsHash = CampaignJson.StepHash(step);
            if (previous is not null)
            {
                log.Information("Iteration {Iteration}: {Step} ({Keyword}) resumes after it was {State} (attempt {Attempt})",
                    iteration, path, step.Keyword, previous.State, previous.Attempt + 1);
            }

            var stepRun = store.StartStepRun(iteration, index, path, step.Keyword, paramsHash);
            using var heartbeat = store.StartHeartbeat(stepRun, HeartbeatInterval);
            using var progress = BeginProgress(path);
            var context = new ActivityContext(
                store.ForStep(stepRun, iteration), new IterationArtifacts(store.Workdir, iteration), time,
                progress, new SerilogActivityLog(log), path);
            try
            {
                await RunStepAsync(step, context, iteration, index, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                store.InterruptStepRun(stepRun, iteration);
                store.SetCampaignState("stopped", $"stopped on request during iteration {iteration}, {path}");
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var message = $"iteration {iteration}, {path} ({step.Keyword}) failed: {e.Message}";
                store.FailStepRun(stepRun, iteration, e.Message);
                store.SetCampaignState("failed", message);
                log.Error(e, "Iteration {Iteration}: {Step} failed", iteration, path);
                return new EngineResult(false, message);
            }
        }

        var added = store.FinishIteration(iteration);
        log.Information("Iteration {Iteration} finished: {Added} structures added", iteration, added);
        return null;
    }

    private async Task RunStepAsync(CampaignStep step, ActivityContext context, int iteration, int index, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case GenerateStep generate:
                var seed = StepSeeds.For(campaign.Seed, iteration, index);
                var candidates = CampaignGenerators.Generate(generate.Generator, campaign, iteration, seed);
                GenerateActivity.Run(context, candidates, string.Create(CultureInfo.InvariantCulture, $"generated-{index}.extxyz"), cancellationToken);
                break;
            case LabelStep when campaign.Reference is CodeReference code:
                await LabelWithCodeAsync(code, context, iteration, index, cancellationToken);
                break;
            case LabelStep:
                var (labelled, failed) = await LabelActivity.RunAsync(context, Labeller(), "labelled.extxyz", cancellationToken);
                log.Information("Iteration {Iteration}: {Step}: {Labelled} labelled, {Failed} failed", iteration, context.StepName, labelled, failed);
                break;
            case FitStep fitStep:
                var heldOut = ValidationStructures();
                var validation = Validation(heldOut);
                // The validation set is a slice of the initial structures, random cells included, whose energies per atom
                // swing with every refit while the forces improve: the guard judges by forces, which MD depends on.
                var guard = validation is null || iteration == 0 || !fitStep.Guard ? null : new FitGuardSettings(validation, CurrentModel() is { } current
                    ? new PreviousModel(current.Potential, current.FullPath) : null, ForcesOnly: true);
                var refineSteps = fitStep.RefineSteps ?? campaign.Fit.RefineSteps;
                // Refinement continues from the model in use, so a few steps per iteration add up over the campaign; a
                // linear fit alone always starts from the template's radial functions.
                var start = refineSteps > 0 && CurrentModel() is { } inUse && StudentModel.Of(inUse.Potential) == StudentModels.KindOf(campaign.Model)
                    ? inUse.Potential : InitialModel();
                FitActivity.Run(context, start, FitOptions(), cancellationToken, HashesOf(heldOut), guard, refineSteps);
                break;
            case ExploreStep explore:
                {
                    var model = CurrentModelOrThrow(step);
                    await ExploreActivity.RunAsync(context, model.Potential, TrainingSet(), ExplorationOptions(explore, StepSeeds.For(campaign.Seed, iteration, index)), cancellationToken);
                    break;
                }

            case SelectStep select:
                {
                    var model = CurrentModelOrThrow(step);
                    var options = SelectionOptions(select, StepSeeds.For(campaign.Seed, iteration, index));
                    var active = options.Method == SelectionMethod.MaxVol ? ExploreActivity.BuildActiveSet(model.Potential, TrainingSet(), options.GradeMode) : null;
                    SelectActivity.Run(context, model.Potential, active, ValidationHashes(), options, cancellationToken);
                    break;
                }

            case ValidateStep validate:
                {
                    var model = CurrentModelOrThrow(step);
                    var set = Validation() ?? throw new InvalidOperationException(
                        "the validation set is empty: the initial steps labelled no structure to hold out");
                    await ValidateActivity.RunAsync(context, model.Potential, model.Hash, set, Survival(validate, model.Potential, iteration, index), TeacherPhonons(validate, cancellationToken), cancellationToken);
                    break;
                }
            default:
                throw new NotSupportedException($"the {step.Keyword} step is not implemented yet");
        }
    }

    private (ILinearPotential Potential, string FullPath, string Hash)? CurrentModel()
    {
        if (store.LastModel(int.MaxValue) is not { } row)
        {
            return null;
        }

        var path = Path.Combine(store.Workdir, row.Path);
        return (StudentModel.OfFile(path).Load(path, species), path, row.Hash);
    }

    private (ILinearPotential Potential, string FullPath, string Hash) CurrentModelOrThrow(CampaignStep step) =>
        CurrentModel() ?? throw new InvalidOperationException($"the {step.Keyword} step needs a model: put a fit step in initial (or before it in the loop)");

    // The initial part of the validation set is fixed once the initial steps have labelled: the held-out fraction of
    // iteration 0's labelled structures, taken in order of content hash so that the choice depends on nothing but the
    // structures themselves. With loop_fraction every K-th structure the loop adds (by its id, the order of addition)
    // joins it, so the set also holds the kind of structure exploration finds; the choice never changes once made.
    private List<StoredStructure>? validationStructures;

    // labelled: the whole labelled data set when the caller has read it already (each read decodes every structure).
    private IReadOnlyList<StoredStructure> ValidationStructures(IReadOnlyList<StoredStructure>? labelled = null)
    {
        var initial = InitialValidationStructures();
        if (ValidationSettings()?.LoopFraction is not { } loopFraction)
        {
            return initial;
        }

        var every = Math.Max(2, (int)Math.Round(1 / loopFraction));
        return [.. initial, .. (labelled ?? store.LabelledDataset(int.MaxValue).Structures).Where(s => s.Iteration >= 1 && s.Id % every == 0)];
    }

    // A campaign validating only in its final steps still holds its validation set out of every fit from the start.
    private ValidateStep? ValidationSettings() => campaign.Loop.Steps.Concat(campaign.Final).OfType<ValidateStep>().FirstOrDefault();

    private List<StoredStructure> InitialValidationStructures()
    {
        if (validationStructures is not null)
        {
            return validationStructures;
        }

        var fraction = ValidationSettings()?.Fraction ?? 0;
        var initial = store.LabelledDataset(0).Structures;
        var initialLabelled = store.Iterations().Any(i => i.Number == 0 && i.State == "finished")
            || campaign.Initial.Length == 0;
        var count = fraction <= 0 ? 0 : (int)Math.Ceiling(fraction * initial.Count);
        var chosen = initial.OrderBy(s => s.Hash, StringComparer.Ordinal).Take(Math.Min(count, Math.Max(0, initial.Count - 1))).ToList();
        if (initialLabelled)
        {
            validationStructures = chosen;
        }

        return chosen;
    }

    private static HashSet<string> HashesOf(IReadOnlyList<StoredStructure> structures) => structures.Select(s => s.Hash).ToHashSet(StringComparer.Ordinal);

    private HashSet<string> ValidationHashes() => HashesOf(ValidationStructures());

    private static ValidationSet? Validation(IReadOnlyList<StoredStructure> structures) =>
        structures.Count == 0 ? null : new ValidationSet(structures.Select(s => s.Structure));

    private ValidationSet? Validation() => Validation(ValidationStructures());

    private List<Structure> TrainingSet()
    {
        var labelled = store.LabelledDataset(int.MaxValue).Structures;
        var excluded = HashesOf(ValidationStructures(labelled));
        return [.. labelled.Where(s => !excluded.Contains(s.Hash)).Select(s => s.Structure)];
    }

    private static ExplorationOptions ExplorationOptions(ExploreStep explore, int seed) => CampaignExploration.WithSchedules(explore, new()
    {
        Walkers = explore.Walkers,
        Ensemble = explore.Ensemble switch
        {
            "nve" => Ensemble.Nve,
            "npt" => Ensemble.NptIsotropic,
            _ => Ensemble.Langevin,
        },
        TemperatureLowK = explore.Temperature.Lo,
        TemperatureHighK = explore.Temperature.Hi,
        Steps = explore.Steps,
        TimestepFs = explore.Timestep,
        GammaSelect = explore.Grade.Select,
        GammaBreak = explore.Grade.Break,
        Seed = seed,
    });

    private static CandidateSelectionOptions SelectionOptions(SelectStep select, int seed) => new()
    {
        Method = select.Method switch
        {
            "random" => SelectionMethod.Random,
            "committee" => SelectionMethod.Committee,
            "fps" => SelectionMethod.FarthestPoint,
            _ => SelectionMethod.MaxVol,
        },
        Limit = select.Limit,
        Seed = seed,
    };

    private ILabeller Labeller()
    {
        if (labeller is not null)
        {
            return labeller;
        }

        var reference = campaign.Reference as PotentialReference
            ?? throw new NotSupportedException("only reference: { kind: potential } labels in the engine so far");
        var teacher = PotentialLibrary.Load(reference.Potential, species);
        labeller = new TeacherLabeller(teacher, $"potential={reference.Potential}");
        return labeller;
    }

    private ILinearPotential InitialModel() => StudentModels.Untrained(campaign.Model, species);

    // One thread: the fitter's sums are reproducible for a fixed thread count, and the model must not depend on the machine.
    private LinearFitOptions FitOptions() => new()
    {
        EnergyWeight = campaign.Fit.Weights.Energy,
        ForceWeight = campaign.Fit.Weights.Forces,
        StressWeight = campaign.Fit.Weights.Stress,
        Regularisation = campaign.Fit.Regularisation,
        Threads = 1,
    };

    private sealed class SerilogActivityLog(ILogger log) : IActivityLog
    {
        public void Information(string messageTemplate, params object?[] values) => log.Information(messageTemplate, values);

        public void Warning(string messageTemplate, params object?[] values) => log.Warning(messageTemplate, values);
    }
}
