using ActiveLearning.Atomistics.Formats;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests.Engine;

/// <summary>A small looped campaign that the engine runs in about a second: rattled silicon, Stillinger–Weber labels, a low-level MTP.</summary>
internal static class SmallCampaign
{
    /// <summary>Writes <c>si8.extxyz</c> (the 8-atom diamond cell) and <c>c.yaml</c> into the folder; returns the campaign file.</summary>
    /// <remarks>With <paramref name="explore"/> each iteration explores with two short MD walkers and selects by MaxVol
    /// instead of generating rattled copies, and validates on the held-out share of the initial structures.</remarks>
    /// <remarks>With <paramref name="survival"/> (a flow mapping) the validate step of the exploring loop also runs the survival test.</remarks>
    /// <remarks>With <paramref name="model"/> (a flow mapping) another student than the level-8 MTP.</remarks>
    public static string Write(
        string folder, int initialCopies = 6, int loopCopies = 4, int iterations = 3, string? extra = null, bool explore = false, string? survival = null,
        string? model = null)
    {
        var crystal = Zincblende.Conventional(5.431, 14, 14);
        StructureFiles.Write(Path.Combine(folder, "si8.extxyz"), [crystal], StructureFiles.ResolveFormat("si8.extxyz", null));
        var text = $"""
            name: small
            seed: 11
            species: [Si]
            model: {model ?? "{ kind: mtp, level: 8, min_dist: 2.0, max_dist: 4.5, radial_basis_size: 6 }"}
            reference: {"{"} kind: potential, potential: sw {"}"}
            initial:
              - generate: {"{"} kind: rattle, source: si8.extxyz, sigma: 0.1, copies: {initialCopies} {"}"}
              - label: {"{"} on: local {"}"}
              - fit: {"{"}{"}"}
            loop:
              max_iterations: {iterations}
              steps:
            {(explore ? ExploreSteps(loopCopies, survival) : RattleSteps(loopCopies))}
            {extra ?? string.Empty}
            """;
        var path = Path.Combine(folder, "c.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static string RattleSteps(int copies) => $"""
                - generate: {"{"} kind: rattle, source: si8.extxyz, sigma: 0.06, copies: {copies} {"}"}
                - label: {"{"}{"}"}
                - fit: {"{"}{"}"}
            """;

    private static string ExploreSteps(int limit, string? survival) => $"""
                - explore: {"{"} walkers: 2, temperature: [600, 1200], steps: 300, grade: {"{"} select: 1.1, break: 50 {"}"} {"}"}
                - select: {"{"} method: maxvol, limit: {limit} {"}"}
                - label: {"{"}{"}"}
                - fit: {"{"}{"}"}
                - validate: {"{"} fraction: 0.2{(survival is null ? string.Empty : ", survival: " + survival)} {"}"}
            """;

    public static string Workdir(string folder) => Path.Combine(folder, "runs", "small");
}
