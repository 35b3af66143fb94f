using System.CommandLine;
using System.Globalization;
using ActiveLearning.Activities.Selection;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Selection.DOptimality;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al grade</c> and <c>al select</c>: D-optimality extrapolation grades and MaxVol selection with a linear potential.</summary>
internal static class SelectionCommands
{
    private sealed record Common(
        Option<string> Potential, Option<string?> Elements, Option<string?> Train, Option<string?> ActiveSetFile, Option<string?> SaveActiveSet,
        Option<FeatureMode> Mode);

    private static Common CommonOptions() => new(
        PotentialOptions.Potential(),
        PotentialOptions.Elements(),
        new Option<string?>("--train") { Description = "Training structures: the active set is built from their rows by MaxVol." },
        new Option<string?>("--active-set") { Description = "Load the active set from this file instead of building it from --train." },
        new Option<string?>("--save-active-set") { Description = "Save the active set (built or updated) to this file for later runs." },
        new Option<FeatureMode>("--mode")
        {
            Description = "neighbourhood: one row per atom, γ of a frame is the max over its atoms (default); configuration: one row per frame.",
            DefaultValueFactory = _ => FeatureMode.Neighbourhood,
            HelpName = "neighbourhood|configuration",
        });

    public static Command Grade(CliContext context)
    {
        var common = CommonOptions();
        var input = new Argument<string>("input") { Description = "Structures to grade." };
        var output = new Argument<string>("output") { Description = "The structures with info gamma (and per-atom gamma_atom in neighbourhood mode)." };
        var command = new Command(
            "grade",
            """
            Extrapolation grade γ of structures against a training set.

            D-optimality with a MaxVol active set: γ ≤ 1 interpolates, γ > 1
            extrapolates (MLIP-2 saves frames above 2.1 and stops MD above 10). The potential must be linear (an .mtp).

            Examples:
              al grade -p si.mtp --train train.extxyz md.extxyz graded.extxyz
              al grade -p si.mtp --train train.extxyz --save-active-set si.active md.extxyz graded.extxyz
              al grade -p si.mtp --active-set si.active more.extxyz graded.extxyz
            """)
        {
            input, output, common.Potential, common.Elements, common.Train, common.ActiveSetFile, common.SaveActiveSet, common.Mode,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            var (potential, active) = Prepare(parse, common, inputPath);
            var mode = parse.GetValue(common.Mode);
            var structures = ReadAll(inputPath);
            var rows = Features(potential, structures, mode, inputPath);
            var grades = active.Grades(rows);
            for (var r = 0; r < rows.Count; r++)
            {
                var id = rows.Ids[r];
                var structure = structures[id.Frame];
                structure.Info["gamma"] = structure.Info.TryGetValue("gamma", out var previous) ? Math.Max(previous.AsReal(), grades[r]) : grades[r];
                if (mode == FeatureMode.Neighbourhood)
                {
                    var perAtom = structure.FindArray("gamma_atom")?.Data as double[] ?? new double[structure.Count];
                    perAtom[id.Item] = grades[r];
                    structure.SetArray(AtomArray.OfReals("gamma_atom", 1, perAtom));
                }
            }

            StructureFiles.Write(parse.GetValue(output)!, structures, StructureFiles.ResolveFormat(parse.GetValue(output)!, null), cancellationToken: cancellationToken);
            var above = structures.Count(s => s.Info["gamma"].AsReal() > 1 + new MaxVolOptions().Tolerance);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Graded {structures.Count} structures: max γ {grades.DefaultIfEmpty(0).Max():G4}; {above} extrapolate (γ > 1); wrote {parse.GetValue(output)}."));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    public static Command Select(CliContext context)
    {
        var common = CommonOptions();
        var candidatesOption = new Option<string>("--candidates") { Description = "Candidate structures to choose from.", Required = true };
        var limit = new Option<int>("--limit") { Description = "Most structures to select.", DefaultValueFactory = _ => 10 };
        var threshold = new Option<double?>("--threshold") { Description = "Only candidates with γ above this (default: any that enlarges the active set, γ > 1 + δ)." };
        var output = new Argument<string>("output") { Description = "The selected structures, each with info gamma and selection_order." };
        var command = new Command(
            "select",
            """
            Choose the candidates most worth labelling.

            The candidates that enlarge the active set's volume most (MaxVol select-add by whole structures: each counts with all its rows, since labelling it adds them all), optionally only those above a γ threshold. The selected structures are what to label next.

            Example:
              al select -p si.mtp --train train.extxyz --candidates md.extxyz --limit 20 --threshold 2.1 to-label.extxyz
            """)
        {
            output, common.Potential, common.Elements, common.Train, common.ActiveSetFile, common.SaveActiveSet, common.Mode,
            candidatesOption, limit, threshold,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var candidatesPath = parse.GetValue(candidatesOption)!;
            var (potential, active) = Prepare(parse, common, candidatesPath);
            var candidates = ReadAll(candidatesPath);
            var rows = Features(potential, candidates, parse.GetValue(common.Mode), candidatesPath);
            var options = new SelectAddOptions { MaxCount = parse.GetValue(limit), MinimumGrade = parse.GetValue(threshold), WholeFrames = true };
            BadInputException.Check(() =>
            {
                if (options.MaxCount < 1)
                {
                    throw new ArgumentException($"--limit {options.MaxCount}: select at least one structure.");
                }
            });
            var result = active.SelectAdd(rows, options);
            var frameGrades = ActiveSet.MaxPerFrame([.. result.Grades], rows.Ids);
            var selected = new List<Structure>();
            foreach (var id in result.SelectedIds)
            {
                var structure = candidates[id.Frame];
                structure.Info["gamma"] = frameGrades[id.Frame];
                structure.Info["selection_order"] = (long)selected.Count;
                structure.Info["candidate_index"] = (long)id.Frame;
                selected.Add(structure);
            }

            var outputPath = parse.GetValue(output)!;
            StructureFiles.Write(outputPath, selected, StructureFiles.ResolveFormat(outputPath, null), cancellationToken: cancellationToken);
            if (parse.GetValue(common.SaveActiveSet) is { } save)
            {
                result.ActiveSet.Save(save);
            }

            context.Error.WriteLine($"Selected {selected.Count} of {candidates.Count} candidates; wrote {outputPath}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static (ILinearPotential Potential, ActiveSet Active) Prepare(ParseResult parse, Common common, string inputPath)
    {
        var trainPath = parse.GetValue(common.Train);
        var activePath = parse.GetValue(common.ActiveSetFile);
        if ((trainPath is null) == (activePath is null))
        {
            throw new BadInputException("Give exactly one of --train (build the active set) and --active-set (load it).");
        }

        var potential = PotentialOptions.Load(parse.GetValue(common.Potential)!, parse.GetValue(common.Elements), trainPath ?? inputPath, StructureFiles.ResolveFormat(trainPath ?? inputPath, null))
            as ILinearPotential ?? throw new BadInputException("D-optimality needs a potential linear in its parameters, such as an .mtp.");
        ActiveSet active;
        if (activePath is not null)
        {
            active = ActiveSet.Load(activePath);
            if (active.Columns != potential.ParameterCount)
            {
                throw new BadInputException($"{activePath} has {active.Columns} columns; the potential has {potential.ParameterCount} parameters.");
            }
        }
        else
        {
            active = ActiveSet.Build(Features(potential, ReadAll(trainPath!), parse.GetValue(common.Mode), trainPath!));
        }

        if (parse.GetValue(common.SaveActiveSet) is { } save && parse.CommandResult.Command.Name == "grade")
        {
            active.Save(save);
        }

        return (potential, active);
    }

    private static FeatureRows Features(ILinearPotential potential, List<Structure> structures, FeatureMode mode, string path)
    {
        if (structures.Count == 0)
        {
            throw new BadInputException($"{path} holds no structures.");
        }

        try
        {
            return StructureFeatures.From(potential, structures, mode);
        }
        catch (PotentialException e)
        {
            throw new BadInputException($"{path}: {e.Message}", e);
        }
    }

    private static List<Structure> ReadAll(string path) =>
        File.Exists(path) ? StructureFiles.ReadAll(path) : throw new FileNotFoundException($"{path}: no such file.");
}
