using System.CommandLine;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al fit --init P.mtp --train DATA -o OUT.mtp</c>: fits an MTP's linear coefficients.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var init = new Option<string>("--init") { Description = "The starting .mtp (an untrained template from al mtp init, or a trained potential).", Required = true };
        var train = new Option<string>("--train") { Description = "Labelled training structures (any format al convert reads).", Required = true };
        var valid = new Option<string?>("--valid") { Description = "Labelled validation structures, reported but not fitted." };
        var species = new Option<string>("--species") { Description = "The elements of the .mtp's types in order, e.g. Si,O.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The fitted .mtp to write.", Required = true };
        var energyWeight = new Option<double>("--energy-weight") { Description = "Weight of energy residuals.", DefaultValueFactory = _ => 1 };
        var forceWeight = new Option<double>("--force-weight") { Description = "Weight of force-component residuals.", DefaultValueFactory = _ => 0.01 };
        var stressWeight = new Option<double>("--stress-weight") { Description = "Weight of virial residuals.", DefaultValueFactory = _ => 0.001 };
        var regularisation = new Option<double>("--regularisation") { Description = "Tikhonov λ relative to the normal matrix's diagonal.", DefaultValueFactory = _ => 1e-10 };
        var labels = new Option<LabelChoice>("--labels")
        {
            Description = "Which labels to fit: reference (REF_energy, …), calculated (energy=, … as ASE writes them), or auto: reference when present, else calculated.",
            DefaultValueFactory = _ => LabelChoice.Auto,
            HelpName = "auto|reference|calculated",
        };
        var refineSteps = new Option<int>("--refine-steps")
        {
            Description = "After the linear fit, refine the radial functions with this many L-BFGS steps (default 0: none). Never raises the training loss; each step costs about one linear fit per radial coefficient.",
            DefaultValueFactory = _ => 0,
        };
        var refineEvery = new Option<int>("--refine-every")
        {
            Description = "Refine on every K-th training structure only (cheaper); the linear coefficients are then refitted on all.",
            DefaultValueFactory = _ => 1,
        };
        var threads = PotentialOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print the error reports as JSON on standard output." };

        var command = new Command(
            "fit",
            """
            Fit a moment tensor potential to labelled structures.

            Weighted linear least squares for the species and moment coefficients
            (MLIP-2's loss; weights 1 : 0.01 : 0.001 for energy, forces, virial, energies normalised per √atoms), with the
            radial functions kept as they are (an untrained template gets Chebyshev-shaped ones), then optionally a
            non-linear refinement of the radial functions (--refine-steps). Prints energy (meV/atom),
            force (eV/Å) and stress (GPa) errors per config_type for the training and validation sets.

            Example:
              al mtp init --level 16 --species Si -o init.mtp
              al fit --init init.mtp --species Si --train train.extxyz --valid valid.extxyz -o si.mtp
              al fit --init init.mtp --species Si --train train.extxyz --refine-steps 5 --refine-every 4 -o si.mtp
            """)
        {
            init, train, valid, species, output, energyWeight, forceWeight, stressWeight, regularisation, labels, refineSteps, refineEvery, threads, json,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            var elements = ConvertCommand.ParseSpeciesMap(parse.GetValue(species)) ?? [];
            var model = MtpInitialisation.WithDefaultCoefficients(MtpFile.Read(parse.GetValue(init)!));
            MomentTensorPotential initial;
            try
            {
                initial = new MomentTensorPotential(model, elements);
            }
            catch (ArgumentException e)
            {
                throw new BadInputException($"--init/--species: {e.Message}", e);
            }

            var choice = parse.GetValue(labels);
            var options = new LinearFitOptions
            {
                EnergyWeight = parse.GetValue(energyWeight),
                ForceWeight = parse.GetValue(forceWeight),
                StressWeight = parse.GetValue(stressWeight),
                Regularisation = parse.GetValue(regularisation),
                Threads = parse.GetValue(threads),
            };
            BadInputException.Check(options.Validate);

            var trainPath = parse.GetValue(train)!;
            LinearFit fit;
            try
            {
                fit = LinearFitter.Fit(initial, Labelled(trainPath, choice), options, cancellationToken);
            }
            catch (Exception e) when (e is PotentialException or InvalidOperationException or ArgumentException)
            {
                throw new BadInputException($"{trainPath}: {e.Message}", e);
            }

            var fitted = (MomentTensorPotential)fit.Potential;
            if (parse.GetValue(refineSteps) is > 0 and var steps)
            {
                var every = Math.Max(1, parse.GetValue(refineEvery));
                List<Structure> subset = [.. Labelled(trainPath, choice).Where((_, i) => i % every == 0)];
                var refinement = MtpRefinement.Refine(fitted, subset, new MtpRefinementOptions { MaxIterations = steps, Fit = options }, cancellationToken);
                fitted = (MomentTensorPotential)LinearFitter.Fit(refinement.Potential, Labelled(trainPath, choice), options, cancellationToken).Potential;
                context.Error.WriteLine(FormattableString.Invariant(
                    $"Refined the radial functions on {subset.Count} structures: loss {refinement.LossHistory[0]:E4} → {refinement.LossHistory[^1]:E4} in {refinement.Iterations} steps ({refinement.LinearFits} linear fits); linear coefficients refitted on all."));
            }

            MtpFile.Write(fitted.ToModel(), parse.GetValue(output)!);
            var trainReport = ErrorReport.Compute(fitted, Labelled(trainPath, choice), parse.GetValue(threads), cancellationToken: cancellationToken);
            context.Error.WriteLine($"Fitted {fit.Potential.ParameterCount} coefficients to {fit.Structures} structures " +
                $"({fit.EnergyRows} energies, {fit.ForceRows} force components, {fit.StressRows} virial components; {fit.Solution.Solver}, rank {fit.Solution.Rank}).");
            context.Error.WriteLine("Training set:");
            context.Error.WriteLine(trainReport.ToTable());
            ErrorReport? validReport = null;
            if (parse.GetValue(valid) is { } validPath)
            {
                validReport = ErrorReport.Compute(fitted, Labelled(validPath, choice), parse.GetValue(threads), cancellationToken: cancellationToken);
                context.Error.WriteLine("Validation set:");
                context.Error.WriteLine(validReport.ToTable());
            }

            context.Error.WriteLine($"Wrote {parse.GetValue(output)}.");
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new { train = trainReport, valid = validReport }));
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>Streams a labelled file with the chosen label set moved into <see cref="Structure.Reference"/>, which the fitter reads.</summary>
    private static IEnumerable<Structure> Labelled(string path, LabelChoice choice)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.");
        }

        foreach (var structure in StructureFiles.Read(path, StructureFiles.ResolveFormat(path, null)))
        {
            structure.Reference = choice switch
            {
                LabelChoice.Reference => structure.Reference,
                LabelChoice.Calculated => structure.Calculated,
                _ => structure.Reference ?? structure.Calculated,
            };
            yield return structure;
        }
    }
}
