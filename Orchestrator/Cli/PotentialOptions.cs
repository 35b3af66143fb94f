using System.CommandLine;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary>The options that choose a potential, shared by the commands that compute with one.</summary>
internal static class PotentialOptions
{
    public static Option<string> Potential() => new("--potential", "-p")
    {
        Description = $"The potential: {PotentialLibrary.Help}.",
        Required = true,
    };

    public static Option<string?> Elements() => new("--elements")
    {
        Description = "Elements to take from a multi-element parameter file, e.g. Si,C (default: the elements of the input).",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for force evaluation (default: one per processor).",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Loads the potential; without --elements, takes the elements present in the input file.</summary>
    /// <exception cref="BadInputException">The specification or the elements are not usable.</exception>
    public static IPotential Load(string specification, string? elementsText, string inputPath, StructureFormat inputFormat)
    {
        IReadOnlyList<int> elements = elementsText is null
            ? ElementsIn(inputPath, inputFormat)
            : ConvertCommand.ParseSpeciesMap(elementsText) ?? [];
        if (elementsText is null && elements.Count > 1 && specification.EndsWith(".mtp", StringComparison.OrdinalIgnoreCase))
        {
            // The order of first appearance in the input is no safe guess for which element each MTP type is.
            throw new BadInputException(
                $"--potential {specification}: a .mtp file does not record which element each type is; name them in type order with --elements (e.g. --elements Si,O).");
        }

        try
        {
            return PotentialLibrary.Load(specification, elements);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"--potential {specification}: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw new BadInputException(e.Message, e);
        }
    }

    private static List<int> ElementsIn(string path, StructureFormat format)
    {
        var elements = new List<int>();
        foreach (var structure in StructureFiles.Read(path, format))
        {
            foreach (var z in structure.ElementsInOrder())
            {
                if (!elements.Contains(z))
                {
                    elements.Add(z);
                }
            }
        }

        return elements;
    }
}
