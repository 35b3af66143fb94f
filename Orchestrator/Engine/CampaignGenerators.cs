using System.Globalization;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Generators;
using ActiveLearning.Atomistics.Generators.NonDiagonal;
using ActiveLearning.Orchestrator.Campaigns;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>Turns a campaign's generator specification into structures with the Atomistics generators, deterministically for a seed.</summary>
internal static class CampaignGenerators
{
    /// <summary>What the built-in generators cannot do of a specification, or <see langword="null"/>.</summary>
    public static string? Unsupported(GeneratorSpec spec) => spec switch
    {
        RandomGenerator { Symmetry: not null } =>
            "random structures with a space group ('symmetry') are not implemented yet; the built-in generator imposes 1–4 symmetry operations, not space groups",
        RandomGenerator r when r.Composition.Values.Any(w => w != Math.Floor(w)) =>
            "random structures need whole-number composition weights (formula units)",
        _ => null,
    };

    public static IReadOnlyList<NewStructure> Generate(GeneratorSpec spec, Campaign campaign, int iteration, int seed)
    {
        var why = iteration == 0 ? "initial data set" : string.Create(CultureInfo.InvariantCulture, $"generated in iteration {iteration}");
        return spec switch
        {
            RattleGenerator rattle => Rattle(rattle, seed, why),
            NdscGenerator ndsc => Ndsc(ndsc, seed, why),
            RandomGenerator random => Random(random, campaign, seed, why),
            _ => throw new InvalidOperationException($"Unknown generator {spec.GetType().Name}."),
        };
    }

    private static List<NewStructure> Rattle(RattleGenerator spec, int seed, string why)
    {
        var random = new Random(seed);
        var name = Path.GetFileName(spec.Source.FullPath);
        var parameters = Invariant($"sigma={spec.Sigma:R} copies={spec.Copies} seed={seed}");
        var result = new List<NewStructure>();
        var index = 0;
        foreach (var source in StructureFiles.Read(spec.Source.FullPath, StructureFiles.ResolveFormat(spec.Source.FullPath, null)))
        {
            for (var copy = 0; copy < spec.Copies; copy++)
            {
                var parent = Invariant($"{name}#{index}");
                var structure = Perturbations.Rattle(source, spec.Sigma, random, parent: parent);
                result.Add(new NewStructure(structure, new StructureOrigin { Source = "generate:rattle", Parameters = parameters, Parent = parent }, $"{why} (rattled {parent})"));
            }

            index++;
        }

        return result;
    }

    private static List<NewStructure> Ndsc(NdscGenerator spec, int seed, string why)
    {
        var primitive = StructureFiles.ReadAll(spec.Primitive.FullPath, StructureFiles.ResolveFormat(spec.Primitive.FullPath, null))[0];
        var options = new NonDiagonalOptions
        {
            Scalings = [.. spec.Scales],
            DisplacementSigma = spec.Rattle,
            StrainAmplitude = spec.Strain,
            CopiesPerSupercell = spec.Copies,
        };
        var parameters = Invariant($"grid={spec.Grid} rattle={spec.Rattle:R} strain={spec.Strain:R} copies={spec.Copies} scales={string.Join(',', spec.Scales.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))} seed={seed}");
        var parent = Path.GetFileName(spec.Primitive.FullPath);
        return [.. NonDiagonalSupercells.Generate(primitive, spec.Grid, spec.Grid, spec.Grid, options, seed)
            .Select(s => new NewStructure(s, new StructureOrigin { Source = "generate:ndsc", Parameters = parameters, Parent = parent }, $"{why} (non-diagonal supercell of {parent})"))];
    }

    private static List<NewStructure> Random(RandomGenerator spec, Campaign campaign, int seed, string why)
    {
        IReadOnlyList<CompositionEntry> composition = spec.Composition.IsEmpty
            ? [.. campaign.Species.Select(s => new CompositionEntry(s, 1))]
            : [.. spec.Composition.Select(c => new CompositionEntry(c.Key, (int)c.Value))];
        var (lo, hi) = (spec.VolumePerAtom.Lo, spec.VolumePerAtom.Hi);
        var options = new RandomStructureOptions
        {
            MinAtoms = spec.Atoms.Lo,
            MaxAtoms = spec.Atoms.Hi,
            Composition = composition,
            VolumePerAtom = (lo + hi) / 2,
            VolumeSpread = (hi - lo) / (hi + lo),
            MinimumSeparation = spec.MinSeparation,
        };
        options.Validate();
        var parameters = Invariant($"count={spec.Count} atoms={spec.Atoms.Lo}-{spec.Atoms.Hi} volume_per_atom={lo:R}-{hi:R} min_separation={spec.MinSeparation:R} seed={seed}");
        return [.. RandomStructureGenerator.Generate(options, seed, spec.Count)
            .Select(s => new NewStructure(s, new StructureOrigin { Source = "generate:random", Parameters = parameters }, $"{why} (random structure)"))];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
