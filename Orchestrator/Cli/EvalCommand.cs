using System.CommandLine;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al eval --potential P IN OUT</c>: labels every structure with a potential's energy, forces and stress.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Structures to evaluate (any format al convert reads)." };
        var output = new Argument<string>("output") { Description = "Where to write them with their labels (replaced atomically)." };
        var potentialOption = PotentialOptions.Potential();
        var elementsOption = PotentialOptions.Elements();
        var threadsOption = PotentialOptions.Threads();
        var labels = new Option<LabelChoice>("--labels")
        {
            Description =
                "Store the results as reference labels (REF_energy, REF_forces, REF_stress: what a model is fitted to; the " +
                "teacher use) or as calculated results (energy, forces, stress: what ASE shows as the calculator's).",
            DefaultValueFactory = _ => LabelChoice.Reference,
            HelpName = "reference|calculated",
        };

        var command = new Command(
            "eval",
            """
            Label structures with a potential's energy, forces and stress.

            Energy (eV), forces (eV/Å) and, for 3-D periodic cells, stress (eV/Å³, ASE's sign) are written as labels. Structures the potential cannot evaluate (an element it does not describe,
            overlapping atoms, non-finite positions) stop the run with exit code 2, naming the structure.

            Examples:
              al eval -p sw rattled.extxyz labelled.extxyz
              al eval -p SiC.tersoff --elements Si,C random.xyz labelled.xyz
              al eval -p lj:Ar:0.0104:3.4:8.5 --labels calculated liquid.xyz out.xyz
            """)
        {
            input, output, potentialOption, elementsOption, threadsOption, labels,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output)!;
            var from = StructureFiles.ResolveFormat(inputPath, null);
            var to = StructureFiles.ResolveFormat(outputPath, null);
            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"{inputPath}: no such file.");
            }

            var potential = PotentialOptions.Load(parse.GetValue(potentialOption)!, parse.GetValue(elementsOption), inputPath, from);
            var evaluation = new Evaluation(parse.GetValue(threadsOption));
            var asReference = parse.GetValue(labels) switch
            {
                LabelChoice.Reference => true,
                LabelChoice.Calculated => false,
                _ => throw new BadInputException("--labels must be reference or calculated for al eval."),
            };
            var progress = new ProgressReporter(context, "structures evaluated");
            var index = 0;
            IEnumerable<Structure> Labelled()
            {
                foreach (var structure in StructureFiles.Read(inputPath, from))
                {
                    index++;
                    try
                    {
                        potential.Compute(structure, evaluation);
                    }
                    catch (PotentialException e)
                    {
                        throw new BadInputException($"{inputPath}: structure {index}: {e.Message}", e);
                    }

                    if (asReference)
                    {
                        structure.Reference = evaluation.ToLabels(structure);
                    }
                    else
                    {
                        structure.Calculated = evaluation.ToLabels(structure);
                    }

                    yield return structure;
                }
            }

            var count = StructureFiles.Write(outputPath, Labelled(), to, onWritten: progress.Report, cancellationToken: cancellationToken);
            context.Error.WriteLine($"Evaluated {count} structure{(count == 1 ? string.Empty : "s")} with {potential.Name}; wrote {outputPath}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
