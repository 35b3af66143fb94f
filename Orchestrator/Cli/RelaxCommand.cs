using System.CommandLine;
using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Relaxation;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al relax --potential P IN OUT</c>: FIRE relaxation of every structure.</summary>
internal static class RelaxCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Structures to relax." };
        var output = new Argument<string>("output") { Description = "The relaxed structures with their labels and info relax_steps, relax_converged." };
        var potentialOption = PotentialOptions.Potential();
        var elementsOption = PotentialOptions.Elements();
        var threadsOption = PotentialOptions.Threads();
        var fmax = new Option<double>("--fmax") { Description = "Converged when every force component is below this (eV/Å).", DefaultValueFactory = _ => 0.01 };
        var cell = new Option<bool>("--cell") { Description = "Relax the cell too (3-D periodic structures), towards --pressure." };
        var pressure = new Option<double>("--pressure", "-P") { Description = "Target pressure in GPa with --cell.", DefaultValueFactory = _ => 0 };
        var smax = new Option<double>("--smax") { Description = "With --cell, converged when every stress component is within this of the target (GPa).", DefaultValueFactory = _ => 0.01 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Give up after this many FIRE steps.", DefaultValueFactory = _ => 1000 };

        var command = new Command(
            "relax",
            """
            Relax structures with FIRE.

            Positions, and with --cell also the cell under a target pressure. Every structure is
            written, with info relax_converged (T/F) and relax_steps; the exit code is 1 if any did not converge.

            Examples:
              al relax -p sw rattled.extxyz relaxed.extxyz
              al relax -p Si.tersoff --cell -P 2 --fmax 0.001 random.xyz relaxed.xyz
            """)
        {
            input, output, potentialOption, elementsOption, threadsOption, fmax, cell, pressure, smax, maxSteps,
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
            var options = new FireOptions
            {
                MaxForce = parse.GetValue(fmax),
                RelaxCell = parse.GetValue(cell),
                TargetPressureGPa = parse.GetValue(pressure),
                MaxStressGPa = parse.GetValue(smax),
                MaxSteps = parse.GetValue(maxSteps),
                Threads = MdCommand.ResolveThreads(parse.GetValue(threadsOption)),
            };
            BadInputException.Check(options.Validate);

            var unconverged = 0;
            var index = 0;
            IEnumerable<Structure> Relaxed()
            {
                foreach (var structure in StructureFiles.Read(inputPath, from))
                {
                    index++;
                    FireResult result;
                    try
                    {
                        result = Fire.Relax(structure, potential, options, cancellationToken);
                    }
                    catch (PotentialException e)
                    {
                        throw new BadInputException($"{inputPath}: structure {index}: {e.Message}", e);
                    }

                    structure.Info["relax_converged"] = result.Converged;
                    structure.Info["relax_steps"] = (long)result.Steps;
                    unconverged += result.Converged ? 0 : 1;
                    context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  structure {index}: {(result.Converged ? "converged" : "NOT converged")} in {result.Steps} steps, " +
                        $"E {result.Energy / structure.Count:F6} eV/atom, max force {result.MaxForce:E2} eV/Å"));
                    yield return structure;
                }
            }

            var count = StructureFiles.Write(outputPath, Relaxed(), to, cancellationToken: cancellationToken);
            context.Error.WriteLine($"Relaxed {count} structure{(count == 1 ? string.Empty : "s")}; {unconverged} did not converge; wrote {outputPath}.");
            return Task.FromResult(unconverged == 0 ? ExitCodes.Ok : ExitCodes.Failed);
        });
        return command;
    }
}
