using System.CommandLine;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Generators;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al generate random|rattle|strain|scale</c>.</summary>
internal static partial class GenerateCommands
{
    static partial void AddMore(Command group, CliContext context)
    {
        group.Add(RandomStructures(context));
        group.Add(Perturb(context, "rattle", "Gaussian displacements of every atom (σ in Å), several copies of each input structure.",
            "al generate rattle --input relaxed.extxyz --amount 0.1 --copies 5 -o rattled.extxyz",
            (structure, amount, random) => Perturbations.Rattle(structure, amount, random)));
        group.Add(Perturb(context, "strain", "Random symmetric strains ε_ij ~ U(−a, a) of cell and positions, several copies of each input structure.",
            "al generate strain --input crystal.vasp --amount 0.02 --copies 10 -o strained.extxyz",
            (structure, amount, random) => Perturbations.RandomStrain(structure, amount, random)));
        group.Add(Scale(context));
    }

    private static Command RandomStructures(CliContext context)
    {
        var count = new Option<int>("--count") { Description = "How many structures.", DefaultValueFactory = _ => 20 };
        var atoms = new Option<string>("--atoms") { Description = "Atom count range MIN-MAX (or one number).", DefaultValueFactory = _ => "1-8" };
        var composition = new Option<string>("--composition")
        {
            Description = "Elements with stoichiometric weights, e.g. Si or Si:1,O:2 (whole formula units).",
            DefaultValueFactory = _ => "Si",
        };
        var free = new Option<bool>("--free-composition") { Description = "Draw each atom's element in proportion to the weights instead of whole formula units." };
        var volume = new Option<double>("--volume") { Description = "Target volume per atom, Å³.", DefaultValueFactory = _ => 20 };
        var spread = new Option<double>("--volume-spread") { Description = "Relative spread of the volume (VARVOL), the volume is uniform in v(1 ± s).", DefaultValueFactory = _ => 0.2 };
        var separation = new Option<double>("--min-separation") { Description = "Minimum distance between atoms, Å (MINSEP).", DefaultValueFactory = _ => 2.0 };
        var symmetry = new Option<int>("--symmetry") { Description = "At least this many symmetry operations (1–4, SYMMOPS).", DefaultValueFactory = _ => 1 };
        var mode = new Option<RandomStructureMode>("--mode") { Description = "bulk, slab (vacuum along c) or cluster (vacuum all round).", DefaultValueFactory = _ => RandomStructureMode.Bulk, HelpName = "bulk|slab|cluster" };
        var vacuum = new Option<double>("--vacuum") { Description = "Vacuum on each side for slab and cluster, Å.", DefaultValueFactory = _ => 6 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the structures.", Required = true };
        var command = new Command(
            "random",
            """
            Random structures in the style of AIRSS' buildcell: random cells within angle and length bounds, the target
            volume per atom, atoms pushed apart until the minimum separation holds, optional symmetry, bulk/slab/cluster.
            Impossible requests (a separation that cannot fit the volume) are refused at once.

            Examples:
              al generate random --count 50 --atoms 4-16 --volume 20 --min-separation 2.0 -o random.extxyz
              al generate random --composition Si:1,O:2 --atoms 3-12 --symmetry 2 --seed 7 -o sio2.extxyz
            """)
        {
            count, atoms, composition, free, volume, spread, separation, symmetry, mode, vacuum, seed, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var (min, max) = Range(parse.GetValue(atoms)!);
            var options = new RandomStructureOptions
            {
                MinAtoms = min,
                MaxAtoms = max,
                Composition = Composition(parse.GetValue(composition)!),
                FreeComposition = parse.GetValue(free),
                VolumePerAtom = parse.GetValue(volume),
                VolumeSpread = parse.GetValue(spread),
                MinimumSeparation = parse.GetValue(separation),
                SymmetryOperations = parse.GetValue(symmetry),
                Mode = parse.GetValue(mode),
                Vacuum = parse.GetValue(vacuum),
            };
            BadInputException.Check(options.Validate);
            IReadOnlyList<Structure> structures = [];
            try
            {
                structures = RandomStructureGenerator.Generate(options, parse.GetValue(seed), parse.GetValue(count));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new BadInputException(e.Message, e);
            }

            var path = parse.GetValue(output)!;
            var written = StructureFiles.Write(path, structures, StructureFiles.ResolveFormat(path, null), cancellationToken: cancellationToken);
            context.Error.WriteLine($"Wrote {written} random structures ({options.Describe()}) to {path}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Perturb(CliContext context, string name, string description, string example, Func<Structure, double, Random, Structure> perturb)
    {
        var input = new Option<string>("--input") { Description = "The structures to perturb.", Required = true };
        var amount = new Option<double>("--amount") { Description = name == "rattle" ? "σ in Å." : "Strain amplitude a.", Required = true };
        var copies = new Option<int>("--copies") { Description = "Copies per input structure.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the structures.", Required = true };
        var command = new Command(name, $"{description}\n\nExample:\n  {example}") { input, amount, copies, seed, output };
        command.SetAction((parse, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"{inputPath}: no such file.");
            }

            var random = new Random(parse.GetValue(seed));
            var copiesEach = parse.GetValue(copies);
            IEnumerable<Structure> Perturbed()
            {
                var index = 0;
                foreach (var structure in StructureFiles.Read(inputPath, StructureFiles.ResolveFormat(inputPath, null)))
                {
                    for (var copy = 0; copy < copiesEach; copy++)
                    {
                        Structure result = null!;
                        BadInputException.Check(() => result = perturb(structure, parse.GetValue(amount), random));
                        result.Info["parent"] = $"{Path.GetFileName(inputPath)}#{index}";
                        yield return result;
                    }

                    index++;
                }
            }

            var path = parse.GetValue(output)!;
            var written = StructureFiles.Write(path, Perturbed(), StructureFiles.ResolveFormat(path, null), cancellationToken: cancellationToken);
            context.Error.WriteLine($"Wrote {written} structures to {path}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Scale(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "The structure to scale (first frame).", Required = true };
        var factors = new Option<string>("--factors") { Description = "Linear scaling factors, e.g. 0.96,0.98,1,1.02,1.04 (volume scales by f³).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the series.", Required = true };
        var command = new Command(
            "scale",
            "An isotropic scaling series of one structure, e.g. for an equation of state.\n\nExample:\n  al generate scale --input si.vasp --factors 0.96,0.98,1,1.02,1.04 -o eos.extxyz")
        {
            input, factors, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var structure = InputStructure.Read(parse.GetValue(input)!, 0);
            IReadOnlyList<Structure> series = [];
            BadInputException.Check(() => series = Perturbations.ScalingSeries(structure, Numbers(parse.GetValue(factors)!, "--factors")));
            var path = parse.GetValue(output)!;
            var written = StructureFiles.Write(path, series, StructureFiles.ResolveFormat(path, null), cancellationToken: cancellationToken);
            context.Error.WriteLine($"Wrote {written} structures to {path}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static (int Min, int Max) Range(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], out var min) || !int.TryParse(parts[^1], out var max))
        {
            throw new BadInputException($"--atoms {text}: expected MIN-MAX or one number.");
        }

        return (min, max);
    }

    private static List<CompositionEntry> Composition(string text)
    {
        var entries = new List<CompositionEntry>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(':');
            var weight = 1;
            if (!Elements.TryParseSymbol(pieces[0], out _) || pieces.Length > 2 || (pieces.Length == 2 && !int.TryParse(pieces[1], out weight)))
            {
                throw new BadInputException($"--composition {text}: '{part}' is not ELEMENT or ELEMENT:WEIGHT.");
            }

            entries.Add(new CompositionEntry(pieces[0], weight));
        }

        return entries;
    }
}
