using System.CommandLine;
using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Generators.NonDiagonal;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al generate …</c>: structures made without hand-crafting.</summary>
internal static partial class GenerateCommands
{
    public static Command Create(CliContext context)
    {
        var group = new Command("generate", "Generate structures: non-diagonal supercells, random structures, perturbations.");
        group.Add(NonDiagonal(context));
        AddMore(group, context);
        return group;
    }

    // The other generators register here (see the partial part next to this file).
    static partial void AddMore(Command group, CliContext context);

    private static Command NonDiagonal(CliContext context)
    {
        var primitive = new Option<string>("--primitive") { Description = "The primitive cell (any structure format).", Required = true };
        var grid = new Option<string>("--grid") { Description = "q-point grid N or N1,N2,N3.", Required = true };
        var scalings = new Option<string>("--scales") { Description = "Isotropic scaling factors of the lattice, e.g. 0.98,1,1.02.", DefaultValueFactory = _ => "1" };
        var sigma = new Option<double>("--rattle") { Description = "Gaussian displacement σ in Å (0: none).", DefaultValueFactory = _ => 0.1 };
        var strain = new Option<double>("--strain") { Description = "Random symmetric strain amplitude a: ε_ij ~ U(−a, a) (0: none).", DefaultValueFactory = _ => 0.01 };
        var copies = new Option<int>("--copies") { Description = "Copies per supercell and scaling.", DefaultValueFactory = _ => 1 };
        var noSymmetry = new Option<bool>("--no-symmetry") { Description = "Do not reduce the grid by the crystal's point group (only q ≡ −q)." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the structures.", Required = true };
        var command = new Command(
            "ndsc",
            """
            Non-diagonal supercells (Lloyd-Williams & Monserrat) that together sample an N1×N2×N3 q-point grid with at most
            N primitive cells each, then Allen & Bartók's recipe: scalings, random strains and Gaussian displacements.
            Prints the plan (cells, q-points covered, total atoms against the diagonal supercell).

            Examples:
              al generate ndsc --primitive si-primitive.vasp --grid 4 -o ndsc.extxyz
              al generate ndsc --primitive mg.vasp --grid 4,4,3 --scales 0.97,1,1.03 --copies 2 --seed 7 -o ndsc.extxyz
            """)
        {
            primitive, grid, scalings, sigma, strain, copies, noSymmetry, seed, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var cell = InputStructure.Read(parse.GetValue(primitive)!, 0);
            var (n1, n2, n3) = Grid(parse.GetValue(grid)!);
            var options = new NonDiagonalOptions
            {
                Scalings = Numbers(parse.GetValue(scalings)!, "--scales"),
                DisplacementSigma = parse.GetValue(sigma),
                StrainAmplitude = parse.GetValue(strain),
                CopiesPerSupercell = parse.GetValue(copies),
                UseSymmetry = !parse.GetValue(noSymmetry),
            };
            NonDiagonalPlan plan = null!;
            IReadOnlyList<Structure> structures = [];
            BadInputException.Check(() =>
            {
                plan = NonDiagonalSupercells.Plan(cell, n1, n2, n3, options);
                structures = NonDiagonalSupercells.Generate(cell, n1, n2, n3, options, parse.GetValue(seed));
            });
            foreach (var supercell in plan.Supercells)
            {
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {supercell.Size} primitive cells for q = {supercell.Target.ToText(n1, n2, n3)}; covers {supercell.Commensurate.Count} q-points"));
            }

            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Supercells.Count} supercells for the {n1}×{n2}×{n3} grid ({plan.IrreducibleQPointCount} irreducible q-points, point group order {plan.PointGroupOrder}): " +
                $"{plan.TotalSize * cell.Count} atoms in all against {plan.DiagonalSize * cell.Count} in the diagonal supercell."));
            var path = parse.GetValue(output)!;
            var count = StructureFiles.Write(path, structures, StructureFiles.ResolveFormat(path, null), cancellationToken: cancellationToken);
            context.Error.WriteLine($"Wrote {count} structures to {path}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    internal static (int N1, int N2, int N3) Grid(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new BadInputException($"--grid {text}: expected N or N1,N2,N3 with whole numbers.");
            }
        }

        return values.Length switch
        {
            1 => (values[0], values[0], values[0]),
            3 => (values[0], values[1], values[2]),
            _ => throw new BadInputException($"--grid {text}: expected N or N1,N2,N3."),
        };
    }

    internal static double[] Numbers(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new BadInputException($"{option} {text}: '{parts[i]}' is not a number.");
            }
        }

        return values;
    }
}
