using ActiveLearning.Atomistics;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>The per-structure halves of <see cref="ICodeTemplate{TSettings}.FindProblems"/> that every code shares.</summary>
internal static class StructureProblems
{
    /// <summary>The problems <paramref name="findProblems"/> reports for any of the structures, each once, in the order first
    /// seen (many structures usually share one problem, which the user needs to read only once).</summary>
    public static List<string> Distinct(IReadOnlyList<Structure> structures, Func<Structure, IReadOnlyList<string>> findProblems)
    {
        ArgumentNullException.ThrowIfNull(structures);
        var problems = new List<string>();
        foreach (var structure in structures)
        {
            foreach (var problem in findProblems(structure))
            {
                if (!problems.Contains(problem))
                {
                    problems.Add(problem);
                }
            }
        }

        return problems;
    }

    /// <summary>The element symbols present in any of the structures, in ordinal order.</summary>
    public static SortedSet<string> Symbols(IReadOnlyList<Structure> structures)
    {
        ArgumentNullException.ThrowIfNull(structures);
        var symbols = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var structure in structures)
        {
            foreach (var z in structure.AtomicNumbers)
            {
                symbols.Add(Elements.Symbol(z));
            }
        }

        return symbols;
    }
}
