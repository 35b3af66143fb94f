using System.Reflection;

namespace ActiveLearning.TestSupport;

/// <summary>The dependency rules of docs/architecture.md: which product assemblies each product assembly may use.</summary>
public static class Layering
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["ActiveLearning.Atomistics"] = [],
        ["ActiveLearning.Selection"] = [],
        ["ActiveLearning.Schedulers"] = [],
        ["ActiveLearning.Drivers"] = ["ActiveLearning.Atomistics", "ActiveLearning.Schedulers"],
        ["ActiveLearning.Activities"] =
            ["ActiveLearning.Atomistics", "ActiveLearning.Selection", "ActiveLearning.Drivers", "ActiveLearning.Schedulers"],
        ["al"] =
        [
            "ActiveLearning.Atomistics", "ActiveLearning.Selection", "ActiveLearning.Drivers", "ActiveLearning.Schedulers",
            "ActiveLearning.Activities",
        ],
    };

    /// <summary>The product assemblies that <paramref name="assemblyName"/> uses but may not, judged by the rules of <paramref name="rulesOf"/>.</summary>
    public static IReadOnlyList<string> ForbiddenReferences(string assemblyName, string? rulesOf = null)
    {
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        var allowed = Allowed[rulesOf ?? assemblyName];
        return assembly.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => (name.StartsWith("ActiveLearning.", StringComparison.Ordinal) || name == "al") && !allowed.Contains(name))
            .ToList();
    }
}
