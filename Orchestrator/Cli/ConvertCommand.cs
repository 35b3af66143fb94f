using System.CommandLine;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al convert IN OUT</c>: streams structures from one file format to another.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "The file to read." };
        var output = new Argument<string>("output") { Description = "The file to write (replaced atomically; never left half-written)." };
        var format = new Option<string?>("--format", "-f")
        {
            Description = "Output format; by default taken from OUTPUT's name.",
        };
        var inputFormat = new Option<string?>("--input-format")
        {
            Description = "Input format; by default taken from INPUT's name.",
        };
        var speciesMap = new Option<string?>("--species-map")
        {
            Description =
                "Elements of the atom types in type order, e.g. Si,O: MLIP .cfg type 0 and LAMMPS type 1 are Si. " +
                "Needed to read type-only files that do not name their elements; when writing, fixes the type numbering.",
        };
        var labels = new Option<LabelChoice>("--labels")
        {
            Description =
                "For formats with room for one label set (.cfg, LAMMPS dump): write the reference labels (REF_energy, …), " +
                "the calculated results (energy, …), or auto: reference when present, else calculated. When reading such " +
                "formats, 'reference' stores their labels as reference labels.",
            DefaultValueFactory = _ => LabelChoice.Auto,
            HelpName = "auto|reference|calculated",
        };

        var command = new Command(
            "convert",
            $"""
            Convert structures between file formats, streaming frame by frame.

            Formats: {FormatList()}
            The format is taken from each file's name unless given. Malformed input stops with exit code 2 and a
            file:line message, and no output file is left behind.

            Examples:
              al convert dataset.extxyz train.cfg
              al convert train.cfg train.extxyz --species-map Si,O
              al convert dump.lammpstrj frames.xyz --species-map Si
            """)
        {
            input, output, format, inputFormat, speciesMap, labels,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output)!;
            var options = new FormatOptions
            {
                SpeciesMap = ParseSpeciesMap(parse.GetValue(speciesMap)),
                Labels = parse.GetValue(labels),
            };
            var from = StructureFiles.ResolveFormat(inputPath, parse.GetValue(inputFormat));
            var to = StructureFiles.ResolveFormat(outputPath, parse.GetValue(format));
            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"{inputPath}: no such file.");
            }

            var progress = new ProgressReporter(context, "structures converted");
            var count = StructureFiles.Write(
                outputPath, StructureFiles.Read(inputPath, from, options), to, options, progress.Report, cancellationToken);
            context.Error.WriteLine($"Wrote {count} structure{(count == 1 ? string.Empty : "s")} to {outputPath} ({to.Name}).");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string FormatList() =>
        string.Join(Environment.NewLine, StructureFormats.All.Select(f => $"  {f.Name,-12} {f.Description}"));

    /// <summary>Parses "Si,O" into atomic numbers.</summary>
    /// <exception cref="StructureFormatException">A name is not an element.</exception>
    internal static int[]? ParseSpeciesMap(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var symbols = text.Split(',', StringSplitOptions.TrimEntries);
        var map = new int[symbols.Length];
        for (var i = 0; i < symbols.Length; i++)
        {
            if (!Elements.TryParseSymbol(symbols[i], out map[i]))
            {
                throw new StructureFormatException("--species-map", 0, $"'{symbols[i]}' is not a chemical element symbol (expected e.g. Si,O)");
            }
        }

        return map;
    }
}
