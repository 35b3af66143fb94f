using System.CommandLine;
using ActiveLearning.Atomistics.Potentials.Mtp;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al mtp init</c>: writes an untrained MTP of a given level.</summary>
internal static class MtpInitCommand
{
    public static Command Create(CliContext context)
    {
        var level = new Option<int>("--level") { Description = "MTP level (2–28); the basis has every contraction of level ≤ L.", Required = true };
        var species = new Option<string>("--species")
        {
            Description = "The elements of the types in order, e.g. Si,O (sets species_count; keep the same order for al fit and al eval).",
            Required = true,
        };
        var minDist = new Option<double>("--min-dist") { Description = "Inner end of the radial basis, Å.", DefaultValueFactory = _ => 1.9 };
        var maxDist = new Option<double>("--max-dist") { Description = "Cutoff, Å.", DefaultValueFactory = _ => 5.0 };
        var basisSize = new Option<int>("--radial-basis-size") { Description = "Chebyshev polynomials per radial function.", DefaultValueFactory = _ => 8 };
        var output = new Option<string>("--output", "-o") { Description = "The .mtp file to write.", Required = true };

        var command = new Command(
            "init",
            """
            Write an untrained MLIP-2 .mtp of a level: the same numbers of basis functions and radial functions as MLIP-2's
            standard templates (level 8: 9 basis functions, 16: 92, 20: 288). Fit it with al fit.

            Example:
              al mtp init --level 16 --species Si -o init.mtp
            """)
        {
            level, species, minDist, maxDist, basisSize, output,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            var elements = ConvertCommand.ParseSpeciesMap(parse.GetValue(species)) ?? [];
            MtpModel model;
            try
            {
                model = MtpBasisGenerator.Generate(
                    parse.GetValue(level), elements.Length, parse.GetValue(minDist), parse.GetValue(maxDist), parse.GetValue(basisSize));
            }
            catch (ArgumentException e)
            {
                throw new BadInputException(e.Message, e);
            }

            var path = parse.GetValue(output)!;
            MtpFile.Write(model, path);
            context.Error.WriteLine(
                $"Wrote {path}: level {parse.GetValue(level)}, {elements.Length} species, {model.ScalarMomentsCount} basis functions, " +
                $"{model.RadialFuncsCount} radial functions, {model.AlphaMomentsCount} moments.");
            return Task.FromResult(ExitCodes.Ok);
        });

        var group = new Command("mtp", "Moment tensor potentials: create templates (al mtp init).");
        group.Add(command);
        return group;
    }
}
