using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>Reads campaign files: YAML walked node by node so every error names its line and column, and all are collected.</summary>
public static partial class CampaignParser
{
    /// <summary>Reads and validates a campaign file.</summary>
    /// <param name="path">The campaign file; relative paths inside it are taken against its directory.</param>
    /// <exception cref="CampaignException">The file has errors (all of them are listed).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Campaign Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such campaign file.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses campaign text as if read from <paramref name="path"/> (which names it in errors and anchors relative paths).</summary>
    /// <exception cref="CampaignException">The text has errors (all of them are listed).</exception>
    public static Campaign Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var reader = new Reader(path);
        var campaign = reader.Read(text);
        if (reader.Errors.Count > 0 || campaign is null)
        {
            throw new CampaignException(
                [.. reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return campaign;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();

    private sealed partial class Reader(string file)
    {
        private readonly string directory = Path.GetDirectoryName(Path.GetFullPath(file))!;

        public List<CampaignError> Errors { get; } = [];

        /// <summary>Loads the one YAML document of <paramref name="text"/>, or reports a syntax error and returns null.</summary>
        public YamlNode? LoadDocument(string text, string expected)
        {
            var stream = new YamlStream();
            var scanner = new Scanner(new StringReader(text));
            try
            {
                stream.Load(new Parser(scanner));
            }
            catch (YamlException e)
            {
                // The loader wraps the scanner's exception; the innermost one knows where the text went wrong.
                var innermost = e;
                while (innermost.InnerException is YamlException inner)
                {
                    innermost = inner;
                }

                // A scanner error may carry the start of the enclosing construct (a tab in line 6 is reported at the mapping in
                // line 1); the scanner's own position then points at the offending character.
                var at = innermost.Start.Line > 0 ? innermost.Start : e.Start;
                if (innermost is SyntaxErrorException && scanner.CurrentPosition.Index > at.Index)
                {
                    at = scanner.CurrentPosition;
                }
                Errors.Add(new CampaignError(
                    file, (int)at.Line, (int)at.Column, $"YAML syntax: {innermost.Message.TrimEnd('.')}; expected valid YAML"));
                return null;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner gives up this way on some malformed flow collections; where it stopped is the best position known.
                var at = scanner.CurrentPosition;
                Errors.Add(new CampaignError(
                    file, (int)at.Line, (int)at.Column, "YAML syntax: the text cannot be read here; expected valid YAML (is a '{' or '[' left unclosed?)"));
                return null;
            }

            if (stream.Documents.Count != 1)
            {
                Errors.Add(new CampaignError(file, 1, 1, $"the file is empty or has several documents; expected {expected}"));
                return null;
            }

            var root = stream.Documents[0].RootNode;
            Interpolate(root);
            return root;
        }

        public Campaign? Read(string text)
        {
            if (LoadDocument(text, "one mapping with name, species, model, reference, loop, …") is not { } document)
            {
                return null;
            }

            var top = Open(document, "the campaign", "name", "workdir", "seed", "species", "model", "reference", "clusters", "fit", "initial", "loop", "final");
            if (top is null)
            {
                return null;
            }

            var name = top.Required("name", n => Text(n, "name", NamePattern().IsMatch, "a name of letters, digits, '.', '_' or '-'"));
            var workdir = top.Optional("workdir", n => PathOf(n, "workdir", mustExist: false));
            var seed = top.Optional("seed", n => Long(n, "seed", 0, long.MaxValue)) ?? 1;
            var species = top.Required("species", ReadSpecies);
            var model = top.Required("model", n => ReadModel(n, species));
            var clusters = top.Optional("clusters", ReadClusters)
                ?? ImmutableSortedDictionary<string, ClusterSpec>.Empty.Add("local", new ClusterSpec { Kind = "local" });
            var reference = top.Required("reference", n => ReadReference(n, clusters, species));
            var fit = top.Optional("fit", ReadFit) ?? new FitSpec();
            var initial = top.Optional("initial", n => ReadSteps(n, "initial", clusters, species, loop: false)) ?? [];
            var loop = top.Required("loop", n => ReadLoop(n, clusters, species));
            var final = top.Optional("final", n => ReadSteps(n, "final", clusters, species, loop: false, final: true)) ?? [];
            if (Errors.Count > 0 || name is null || species is null || model is null || reference is null || loop is null)
            {
                return null;
            }

            return new Campaign
            {
                Name = name,
                Workdir = workdir ?? Resolve(Path.Combine("runs", name)),
                Seed = seed,
                Species = species.Value,
                Model = model,
                Reference = reference,
                Clusters = clusters,
                Fit = fit,
                Initial = initial,
                Loop = loop,
                Final = final,
            };
        }

        private ImmutableArray<string>? ReadSpecies(YamlNode node)
        {
            if (Sequence(node, "species", "a list of element symbols, e.g. [Si, O]") is not { } items)
            {
                return null;
            }

            if (items.Children.Count == 0)
            {
                Error(node, "species: the list is empty; expected at least one element symbol");
                return null;
            }

            var symbols = ImmutableArray.CreateBuilder<string>();
            foreach (var item in items.Children)
            {
                var symbol = Text(item, "species", s => Elements.TryParseSymbol(s, out _), "a chemical element symbol such as Si");
                if (symbol is null)
                {
                    continue;
                }

                if (symbols.Contains(symbol))
                {
                    Error(item, $"species: '{symbol}' is listed twice; expected each element once");
                }

                symbols.Add(symbol);
            }

            return symbols.ToImmutable();
        }

        // Loading the teacher now catches misspelt names, missing files and species the potential lacks before anything runs.
        private void CheckPotential(YamlNode node, string specification, ImmutableArray<string> species)
        {
            try
            {
                var elements = species.Select(Elements.AtomicNumber).ToArray();
                var potential = PotentialLibrary.Load(specification, elements, [directory, .. PotentialLibrary.SearchDirectories]);
                var missing = species.Where(s => !potential.Species.Contains(Elements.AtomicNumber(s))).ToList();
                if (missing.Count > 0)
                {
                    Error(node, $"reference.potential: {potential.Name} does not cover {string.Join(", ", missing)}; expected a potential for every species");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or PotentialException)
            {
                Error(node, $"reference.potential: '{specification}' cannot be loaded ({e.Message}); expected {PotentialLibrary.Help}");
            }
        }

        private ImmutableSortedDictionary<string, ClusterSpec>? ReadClusters(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"clusters: found {Describe(node)}; expected a mapping of cluster names to clusters");
                return null;
            }

            var clusters = ImmutableSortedDictionary.CreateBuilder<string, ClusterSpec>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var name = Text(key, "clusters", NamePattern().IsMatch, "a cluster name of letters, digits, '.', '_' or '-'");
                if (name is not null && ReadCluster(value, $"clusters.{name}") is { } cluster)
                {
                    clusters[name] = cluster;
                }
            }

            return clusters.ToImmutable();
        }

        private ClusterSpec? ReadCluster(YamlNode node, string what)
        {
            if (Open(node, what, "kind", "cores", "ssh", "remote_root", "partition", "max_queued", "tasks_per_job", "resources") is not { } map)
            {
                return null;
            }

            var kind = map.Required("kind", n => Choice(n, what + ".kind", "local", "slurm"));
            var cores = map.Optional("cores", n => Int(n, what + ".cores", 1, int.MaxValue));
            var ssh = map.Optional("ssh", n => ReadSsh(n, what + ".ssh"));
            var remoteRoot = map.Optional("remote_root", n => Text(n, what + ".remote_root", s => s.StartsWith('/'), "an absolute path on the cluster"));
            var partition = map.Optional("partition", n => Text(n, what + ".partition", s => s.Length > 0, "a partition name"));
            var maxQueued = map.Optional("max_queued", n => Int(n, what + ".max_queued", 1, int.MaxValue)) ?? 50;
            var tasksPerJob = map.Optional("tasks_per_job", n => Int(n, what + ".tasks_per_job", 1, int.MaxValue)) ?? 1;
            var resources = map.Optional("resources", n => ReadResources(n, what + ".resources"));
            if (kind == "local")
            {
                map.Forbid("ssh", "partition", "with kind local");
            }

            if (resources is not null)
            {
                try
                {
                    _ = ActiveLearning.Schedulers.Clusters.ClusterResources.Parse(resources);
                }
                catch (ArgumentException exception)
                {
                    Error(map.Node("resources")!, $"{what}.resources: {exception.Message}");
                }
            }

            if (ssh is not null && remoteRoot is null)
            {
                Error(map.KeyNode("ssh")!, $"{what}: ssh is given without remote_root; expected remote_root: /path/on/the/cluster");
            }

            return kind is null ? null : new ClusterSpec
            {
                Kind = kind,
                Cores = cores,
                Ssh = ssh,
                RemoteRoot = remoteRoot,
                Partition = partition,
                MaxQueued = maxQueued,
                TasksPerJob = tasksPerJob,
                Resources = resources ?? ImmutableSortedDictionary<string, string>.Empty,
            };
        }

        private SshSpec? ReadSsh(YamlNode node, string what)
        {
            if (Open(node, what, "host", "port", "user", "identity_file", "known_hosts_file", "config_file") is not { } map)
            {
                return null;
            }

            var host = map.Required("host", n => Text(n, what + ".host", s => s.Length > 0, "a host name"));
            var port = map.Optional("port", n => Int(n, what + ".port", 1, 65535)) ?? 22;
            var user = map.Optional("user", n => Text(n, what + ".user", s => s.Length > 0, "a user name"));
            var identity = map.Optional("identity_file", n => PathOf(n, what + ".identity_file", mustExist: false));
            var knownHosts = map.Optional("known_hosts_file", n => PathOf(n, what + ".known_hosts_file", mustExist: false));
            var config = map.Optional("config_file", n => PathOf(n, what + ".config_file", mustExist: false));
            return host is null ? null : new SshSpec
            {
                Host = host, Port = port, User = user, IdentityFile = identity, KnownHostsFile = knownHosts, ConfigFile = config,
            };
        }

        private ImmutableSortedDictionary<string, string>? ReadResources(YamlNode node, string what)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"{what}: found {Describe(node)}; expected a mapping such as {{ time: \"01:00:00\", nodes: 1 }}");
                return null;
            }

            var resources = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var name = Text(key, what, s => s.Length > 0, "a resource name");
                var text = Text(value, $"{what}.{name}", s => true, "a scalar value");
                if (name is not null && text is not null)
                {
                    resources[name] = text;
                }
            }

            return resources.ToImmutable();
        }

        private FitSpec? ReadFit(YamlNode node)
        {
            if (Open(node, "fit", "weights", "regularisation", "refine_steps") is not { } map)
            {
                return null;
            }

            var weights = map.Optional("weights", ReadWeights) ?? new FitWeights();
            var regularisation = map.Optional("regularisation", n => Double(n, "fit.regularisation", 0, double.MaxValue)) ?? 0;
            var refineSteps = map.Optional("refine_steps", n => Int(n, "fit.refine_steps", 0, 1000)) ?? 0;
            RefuseForSnap(map, "refine_steps", "fit");
            return new FitSpec { Weights = weights, Regularisation = regularisation, RefineSteps = refineSteps };
        }

        private FitWeights? ReadWeights(YamlNode node)
        {
            if (Open(node, "fit.weights", "energy", "forces", "stress") is not { } map)
            {
                return null;
            }

            var defaults = new FitWeights();
            var weights = new FitWeights(
                map.Optional("energy", n => Double(n, "fit.weights.energy", 0, double.MaxValue)) ?? defaults.Energy,
                map.Optional("forces", n => Double(n, "fit.weights.forces", 0, double.MaxValue)) ?? defaults.Forces,
                map.Optional("stress", n => Double(n, "fit.weights.stress", 0, double.MaxValue)) ?? defaults.Stress);
            if (weights is { Energy: 0, Forces: 0, Stress: 0 })
            {
                Error(node, "fit.weights: every weight is zero; expected at least one positive weight");
            }

            return weights;
        }

        private LoopSpec? ReadLoop(YamlNode node, ImmutableSortedDictionary<string, ClusterSpec> clusters, ImmutableArray<string>? species)
        {
            if (Open(node, "loop", "max_iterations", "steps", "stop_when") is not { } map)
            {
                return null;
            }

            var maxIterations = map.Optional("max_iterations", n => Int(n, "loop.max_iterations", 1, int.MaxValue)) ?? 20;
            var steps = map.Required("steps", n => ReadSteps(n, "loop.steps", clusters, species, loop: true));
            var stop = map.Optional("stop_when", ReadStop) ?? new StopRule();
            if (steps is { IsEmpty: true })
            {
                Error(map.Node("steps")!, "loop.steps: the list is empty; expected at least one step");
            }

            return steps is null ? null : new LoopSpec { MaxIterations = maxIterations, Steps = steps.Value, StopWhen = stop };
        }

        private StopRule? ReadStop(YamlNode node)
        {
            if (Open(node, "loop.stop_when", "quiet_iterations", "energy_rmse", "force_rmse", "survival") is not { } map)
            {
                return null;
            }

            return new StopRule
            {
                QuietIterations = map.Optional("quiet_iterations", n => Int(n, "loop.stop_when.quiet_iterations", 1, int.MaxValue)),
                EnergyRmse = map.Optional("energy_rmse", n => Double(n, "loop.stop_when.energy_rmse", 0, double.MaxValue, lowExclusive: true)),
                ForceRmse = map.Optional("force_rmse", n => Double(n, "loop.stop_when.force_rmse", 0, double.MaxValue, lowExclusive: true)),
                Survival = map.Optional("survival", n => Double(n, "loop.stop_when.survival", 0, 1, lowExclusive: true)),
            };
        }

        private ImmutableArray<CampaignStep>? ReadSteps(
            YamlNode node, string what, ImmutableSortedDictionary<string, ClusterSpec> clusters, ImmutableArray<string>? species, bool loop, bool final = false)
        {
            var expected = loop ? "generate, explore, select, label, fit or validate" : final ? "fit or validate" : "generate, label, fit or validate";
            if (Sequence(node, what, $"a list of steps ({expected})") is not { } items)
            {
                return null;
            }

            var steps = ImmutableArray.CreateBuilder<CampaignStep>();
            for (var i = 0; i < items.Children.Count; i++)
            {
                var item = items.Children[i];
                var where = Invariant($"{what}[{i}]");
                if (item is not YamlMappingNode { Children.Count: 1 } single)
                {
                    Error(item, $"{where}: found {Describe(item)}; expected one step as a single key ({expected}) with its settings");
                    continue;
                }

                var (keyNode, value) = single.Children.First();
                var keyword = (keyNode as YamlScalarNode)?.Value;
                string[] allowed = loop ? ["generate", "explore", "select", "label", "fit", "validate"] : final ? ["fit", "validate"] : ["generate", "label", "fit", "validate"];
                if (keyword is null || !allowed.Contains(keyword))
                {
                    Error(keyNode, $"{where}: '{keyword}' is not a step {(loop ? "of the loop" : final ? "of final" : "of initial")}; expected {expected}");
                    continue;
                }

                var step = keyword switch
                {
                    "generate" => (CampaignStep?)ReadGenerate(value, $"{where}.generate", species),
                    "explore" => ReadExplore(value, $"{where}.explore"),
                    "select" => ReadSelect(value, $"{where}.select"),
                    "label" => ReadLabel(value, $"{where}.label", clusters),
                    "fit" => ReadFitStep(value, $"{where}.fit"),
                    _ => ReadValidate(value, $"{where}.validate"),
                };
                if (step is not null)
                {
                    steps.Add(step with { Location = new StepLocation(where, (int)item.Start.Line, (int)item.Start.Column) });
                }
            }

            return steps.ToImmutable();
        }

        private GenerateStep? ReadGenerate(YamlNode node, string what, ImmutableArray<string>? species)
        {
            if (Open(node, what, "kind", "primitive", "grid", "rattle", "strain", "copies", "scales", "count", "atoms", "volume_per_atom", "min_separation", "symmetry", "composition", "source", "sigma") is not { } map)
            {
                return null;
            }

            var kind = map.Required("kind", n => Choice(n, what + ".kind", "ndsc", "non-diagonal-supercells", "random", "rattle"));
            string[] ndscKeys = ["primitive", "grid", "rattle", "strain", "copies", "scales"];
            string[] randomKeys = ["count", "atoms", "volume_per_atom", "min_separation", "symmetry", "composition"];
            string[] rattleKeys = ["source", "sigma", "copies"];
            GeneratorSpec? generator = null;
            switch (kind)
            {
                case "ndsc" or "non-diagonal-supercells":
                    map.OnlyFor(ndscKeys, "kind ndsc");
                    var primitive = map.Required("primitive", n => PathOf(n, what + ".primitive", mustExist: true));
                    var grid = map.Required("grid", n => Int(n, what + ".grid", 1, 64));
                    var ndsc = new NdscGenerator
                    {
                        Primitive = primitive!,
                        Grid = grid ?? 0,
                        Rattle = map.Optional("rattle", n => Double(n, what + ".rattle", 0, 2)) ?? 0,
                        Strain = map.Optional("strain", n => Double(n, what + ".strain", 0, 0.5)) ?? 0,
                        Copies = map.Optional("copies", n => Int(n, what + ".copies", 1, 100_000)) ?? 1,
                        Scales = map.Optional("scales", n => DoubleList(n, what + ".scales")) ?? [1.0],
                    };
                    generator = primitive is null || grid is null ? null : ndsc;
                    break;
                case "random":
                    map.OnlyFor(randomKeys, "kind random");
                    var count = map.Required("count", n => Int(n, what + ".count", 1, 10_000_000));
                    var atoms = map.Required("atoms", n => IntPair(n, what + ".atoms", 1, 10_000));
                    var volume = map.Required("volume_per_atom", n => DoublePair(n, what + ".volume_per_atom", allowSingle: false));
                    var random = new RandomGenerator
                    {
                        Count = count ?? 0,
                        Atoms = atoms!,
                        VolumePerAtom = volume!,
                        MinSeparation = map.Optional("min_separation", n => Double(n, what + ".min_separation", 0, 10, lowExclusive: true)) ?? 1.5,
                        Symmetry = map.Optional("symmetry", n => Int(n, what + ".symmetry", 1, 230)),
                        Composition = map.Optional("composition", n => ReadComposition(n, what + ".composition", species))
                            ?? ImmutableSortedDictionary<string, double>.Empty,
                    };
                    generator = count is null || atoms is null || volume is null ? null : random;
                    break;
                case "rattle":
                    map.OnlyFor(rattleKeys, "kind rattle");
                    var source = map.Required("source", n => PathOf(n, what + ".source", mustExist: true));
                    var sigma = map.Required("sigma", n => Double(n, what + ".sigma", 0, 2, lowExclusive: true));
                    var copies = map.Optional("copies", n => Int(n, what + ".copies", 1, 100_000)) ?? 1;
                    generator = source is null || sigma is null ? null : new RattleGenerator { Source = source, Sigma = sigma.Value, Copies = copies };
                    break;
            }

            return generator is null ? null : new GenerateStep(generator);
        }

        private ImmutableSortedDictionary<string, double>? ReadComposition(YamlNode node, string what, ImmutableArray<string>? species)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"{what}: found {Describe(node)}; expected a mapping of element symbols to weights, e.g. {{ Si: 1, O: 2 }}");
                return null;
            }

            var composition = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var symbol = Text(key, what, s => species is null || species.Value.Contains(s), $"one of the campaign's species ({string.Join(", ", species ?? [])})");
                var weight = Double(value, $"{what}.{symbol}", 0, double.MaxValue, lowExclusive: true);
                if (symbol is not null && weight is not null)
                {
                    composition[symbol] = weight.Value;
                }
            }

            return composition.ToImmutable();
        }

        private ExploreStep? ReadExplore(YamlNode node, string what)
        {
            if (Open(node, what, "walkers", "ensemble", "temperature", "steps", "timestep", "grade", "pressure", "temperature_schedule", "start_min_atoms") is not { } map)
            {
                return null;
            }

            var walkers = map.Optional("walkers", n => Int(n, what + ".walkers", 1, 10_000)) ?? 1;
            var ensemble = map.Optional("ensemble", n => Choice(n, what + ".ensemble", "nvt", "npt", "nve")) ?? "nvt";
            var schedules = ReadExploreSchedules(map, what, ensemble);
            var temperature = schedules.PointsGiven
                ? (schedules.Temperature as TemperaturePointsSchedule)?.Points is [var first, ..] ? new DoubleRange(first.Value, first.Value) : null
                : map.Required("temperature", n => DoublePair(n, what + ".temperature", allowSingle: true));
            var steps = map.Required("steps", n => Int(n, what + ".steps", 1, int.MaxValue));
            var timestep = map.Optional("timestep", n => Double(n, what + ".timestep", 0, 100, lowExclusive: true)) ?? 1.0;
            var grade = map.Optional("grade", n => ReadGrade(n, what + ".grade")) ?? new GradeThresholds();
            if (temperature is null || steps is null)
            {
                return null;
            }

            var explore = new ExploreStep
            {
                Walkers = walkers, Ensemble = ensemble, Temperature = temperature, Steps = steps.Value, Timestep = timestep, Grade = grade,
                Pressure = schedules.Pressure, TemperatureSchedule = schedules.Temperature, StartMinAtoms = schedules.StartMinAtoms,
            };
            CheckExploreSchedules(map, what, explore);
            return explore;
        }

        private GradeThresholds? ReadGrade(YamlNode node, string what)
        {
            if (Open(node, what, "select", "break") is not { } map)
            {
                return null;
            }

            var defaults = new GradeThresholds();
            var select = map.Optional("select", n => Double(n, what + ".select", 1, double.MaxValue)) ?? defaults.Select;
            var breakAt = map.Optional("break", n => Double(n, what + ".break", 1, double.MaxValue)) ?? defaults.Break;
            if (breakAt <= select)
            {
                Error(map.Node("break") ?? node, Invariant($"{what}.break: {breakAt} is not above select {select}; expected select < break"));
            }

            return new GradeThresholds(select, breakAt);
        }

        private SelectStep? ReadSelect(YamlNode node, string what)
        {
            if (Open(node, what, "method", "limit") is not { } map)
            {
                return null;
            }

            var method = map.Optional("method", n => Choice(n, what + ".method", "maxvol", "committee", "random", "fps")) ?? "maxvol";
            var limit = map.Required("limit", n => Int(n, what + ".limit", 1, int.MaxValue));
            return limit is null ? null : new SelectStep { Method = method, Limit = limit.Value };
        }

        private LabelStep? ReadLabel(YamlNode node, string what, ImmutableSortedDictionary<string, ClusterSpec> clusters)
        {
            if (Open(node, what, "on") is not { } map)
            {
                return null;
            }

            var on = map.Optional("on", n => ClusterName(n, what + ".on", clusters));
            if (on is null && map.Node("on") is null && !clusters.ContainsKey("local"))
            {
                Error(node, $"{what}: no 'on' and no cluster named local; expected on: one of {string.Join(", ", clusters.Keys)}");
            }

            return new LabelStep(on ?? "local");
        }

        private FitStep? ReadFitStep(YamlNode node, string what)
        {
            if (Open(node, what, "refine_steps", "guard") is not { } map)
            {
                return null;
            }

            RefuseForSnap(map, "refine_steps", what);

            return new FitStep(map.Optional("refine_steps", n => Int(n, what + ".refine_steps", 0, 1000)))
            {
                Guard = map.Optional("guard", n => Boolean(n, what + ".guard")) ?? true,
            };
        }

        private ValidateStep? ReadValidate(YamlNode node, string what)
        {
            if (Open(node, what, "fraction", "loop_fraction", "survival", "phonons") is not { } map)
            {
                return null;
            }

            var fraction = map.Optional("fraction", n => Double(n, what + ".fraction", 0, 1, lowExclusive: true, highExclusive: true)) ?? 0.1;
            return new ValidateStep(fraction)
            {
                LoopFraction = map.Optional("loop_fraction", n => Double(n, what + ".loop_fraction", 0, 0.5, lowExclusive: true)),
                Survival = map.Optional("survival", n => ReadSurvival(n, what + ".survival")),
                Phonons = map.Optional("phonons", n => ReadPhonons(n, what + ".phonons")),
            };
        }

        // ---- node helpers: each reports its own error and returns null on failure ----
        private Fields? Open(YamlNode node, string what, params string[] keys)
        {
            if (node is YamlScalarNode { Value: "" or "~" or "null" or null, Style: ScalarStyle.Plain } && keys.Length > 0)
            {
                // 'fit:' with nothing after it means "all defaults", like 'fit: {}'.
                return new Fields(this, new YamlMappingNode(), what);
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, $"{what}: found {Describe(node)}; expected a mapping with keys {string.Join(", ", keys)}");
                return null;
            }

            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value;
                if (name is null || !keys.Contains(name))
                {
                    Error(key, $"{what}: unknown key '{name ?? Describe(key)}'; expected one of {string.Join(", ", keys)}");
                }
            }

            return new Fields(this, map, what);
        }

        private YamlSequenceNode? Sequence(YamlNode node, string what, string expected)
        {
            if (node is YamlSequenceNode sequence)
            {
                return sequence;
            }

            Error(node, $"{what}: found {Describe(node)}; expected {expected}");
            return null;
        }

        private string? Scalar(YamlNode node, string what, string expected)
        {
            if (node is YamlScalarNode { Value: { } value } scalar && !(scalar.Style == ScalarStyle.Plain && value is "" or "~" or "null"))
            {
                return value;
            }

            Error(node, $"{what}: found {Describe(node)}; expected {expected}");
            return null;
        }

        private string? Text(YamlNode node, string what, Func<string, bool> valid, string expected)
        {
            var value = Scalar(node, what, expected);
            if (value is null)
            {
                return null;
            }

            if (!valid(value))
            {
                Error(node, $"{what}: '{value}' is not valid; expected {expected}");
                return null;
            }

            return value;
        }

        private string? Choice(YamlNode node, string what, params string[] choices)
        {
            var expected = choices.Length == 1 ? choices[0] : "one of " + string.Join(", ", choices);
            var value = Scalar(node, what, expected);
            if (value is not null && !choices.Contains(value))
            {
                Error(node, $"{what}: '{value}' is not a known choice; expected {expected}");
                return null;
            }

            return value;
        }

        private string? ClusterName(YamlNode node, string what, ImmutableSortedDictionary<string, ClusterSpec> clusters)
        {
            var expected = $"a cluster defined under clusters ({string.Join(", ", clusters.Keys)})";
            var value = Scalar(node, what, expected);
            if (value is not null && !clusters.ContainsKey(value))
            {
                Error(node, $"{what}: cluster '{value}' is not defined; expected {expected}");
                return null;
            }

            return value;
        }

        private CampaignPath? PathOf(YamlNode node, string what, bool mustExist)
        {
            var value = Scalar(node, what, "a path");
            if (value is null)
            {
                return null;
            }

            var path = Resolve(value);
            if (mustExist && !File.Exists(path.FullPath))
            {
                Error(node, $"{what}: no such file {path.FullPath}; expected an existing file (relative paths are taken from the campaign file's directory)");
                return null;
            }

            return path;
        }

        private CampaignPath Resolve(string written) => new(written, Path.GetFullPath(Path.Combine(directory, written)));

        private int? Int(YamlNode node, string what, int min, int max, bool mustBeEven = false)
        {
            var expected = (mustBeEven ? "an even integer" : "an integer") + RangeText(min, max);
            var value = Scalar(node, what, expected);
            if (value is null)
            {
                return null;
            }

            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                Error(node, $"{what}: '{value}' is not an integer; expected {expected}");
                return null;
            }

            if (number < min || number > max || (mustBeEven && number % 2 != 0))
            {
                Error(node, $"{what}: {value} is out of range; expected {expected}");
                return null;
            }

            return number;
        }

        private long? Long(YamlNode node, string what, long min, long max)
        {
            var expected = "an integer" + RangeText(min, max);
            var value = Scalar(node, what, expected);
            if (value is null)
            {
                return null;
            }

            if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                Error(node, $"{what}: '{value}' is not an integer; expected {expected}");
                return null;
            }

            if (number < min || number > max)
            {
                Error(node, $"{what}: {value} is out of range; expected {expected}");
                return null;
            }

            return number;
        }

        private double? Double(YamlNode node, string what, double min, double max, bool lowExclusive = false, bool highExclusive = false)
        {
            var low = lowExclusive ? $"> {Invariant(min)}" : $"≥ {Invariant(min)}";
            var expected = max == double.MaxValue ? $"a number {low}" : $"a number {low} and {(highExclusive ? "<" : "≤")} {Invariant(max)}";
            var value = Scalar(node, what, expected);
            if (value is null)
            {
                return null;
            }

            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            {
                Error(node, $"{what}: '{value}' is not a number; expected {expected}");
                return null;
            }

            if (number < min || (lowExclusive && number == min) || number > max || (highExclusive && number == max))
            {
                Error(node, $"{what}: {value} is out of range; expected {expected}");
                return null;
            }

            return number;
        }

        private ImmutableArray<double>? DoubleList(YamlNode node, string what)
        {
            if (Sequence(node, what, "a list of positive numbers, e.g. [0.98, 1.0, 1.02]") is not { } items)
            {
                return null;
            }

            var values = ImmutableArray.CreateBuilder<double>();
            foreach (var item in items.Children)
            {
                if (Double(item, what, 0, double.MaxValue, lowExclusive: true) is { } value)
                {
                    values.Add(value);
                }
            }

            if (values.Count == 0 && items.Children.Count == 0)
            {
                Error(node, $"{what}: the list is empty; expected at least one number");
            }

            return values.ToImmutable();
        }

        private IntRange? IntPair(YamlNode node, string what, int min, int max)
        {
            if (node is not YamlSequenceNode { Children.Count: 2 } pair)
            {
                Error(node, $"{what}: found {Describe(node)}; expected [lo, hi] with integers{RangeText(min, max)}");
                return null;
            }

            var lo = Int(pair.Children[0], what, min, max);
            var hi = Int(pair.Children[1], what, min, max);
            if (lo is null || hi is null)
            {
                return null;
            }

            if (hi < lo)
            {
                Error(pair.Children[1], Invariant($"{what}: {hi} is below {lo}; expected [lo, hi] with lo ≤ hi"));
                return null;
            }

            return new IntRange(lo.Value, hi.Value);
        }

        private DoubleRange? DoublePair(YamlNode node, string what, bool allowSingle)
        {
            if (allowSingle && node is YamlScalarNode)
            {
                return Double(node, what, 0, double.MaxValue, lowExclusive: true) is { } single ? new DoubleRange(single, single) : null;
            }

            if (node is not YamlSequenceNode { Children.Count: 2 } pair)
            {
                Error(node, $"{what}: found {Describe(node)}; expected {(allowSingle ? "a positive number or " : string.Empty)}[lo, hi] with 0 < lo ≤ hi");
                return null;
            }

            var lo = Double(pair.Children[0], what, 0, double.MaxValue, lowExclusive: true);
            var hi = Double(pair.Children[1], what, 0, double.MaxValue, lowExclusive: true);
            if (lo is null || hi is null)
            {
                return null;
            }

            if (hi < lo)
            {
                Error(pair.Children[1], Invariant($"{what}: {hi} is below {lo}; expected [lo, hi] with lo ≤ hi"));
                return null;
            }

            return new DoubleRange(lo.Value, hi.Value);
        }

        private static string RangeText(long min, long max) =>
            (min, max) switch
            {
                (_, int.MaxValue or long.MaxValue) => Invariant($" ≥ {min}"),
                _ => Invariant($" from {min} to {max}"),
            };

        private static string Describe(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode { Value: null or "" or "~" or "null", Style: ScalarStyle.Plain } => "nothing",
            YamlScalarNode scalar => $"'{scalar.Value}'",
            _ => "an alias",
        };

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

        public void Error(YamlNode node, string message) =>
            Errors.Add(new CampaignError(file, (int)node.Start.Line, (int)node.Start.Column, message));
    }

    /// <summary>A mapping being read: looks keys up and reports missing required ones at the mapping.</summary>
    private sealed class Fields(Reader reader, YamlMappingNode map, string what)
    {
        public YamlNode? Node(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public YamlNode? KeyNode(string key) => map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } v } && v == key);

        public T? Required<T>(string key, Func<YamlNode, T?> read)
            where T : class
        {
            if (Node(key) is { } node)
            {
                return read(node);
            }

            reader.Error(map, $"{what}: missing required key '{key}'; expected {key}: …");
            return null;
        }

        // The unused parameter lets the value-type overload exist beside the reference-type one (constraints alone do not overload).
        public T? Required<T>(string key, Func<YamlNode, T?> read, int unused = 0)
            where T : struct
        {
            _ = unused;
            if (Node(key) is { } node)
            {
                return read(node);
            }

            reader.Error(map, $"{what}: missing required key '{key}'; expected {key}: …");
            return null;
        }

        public T? Optional<T>(string key, Func<YamlNode, T?> read)
            where T : class => Node(key) is { } node ? read(node) : null;

        public T? Optional<T>(string key, Func<YamlNode, T?> read, int unused = 0)
            where T : struct
        {
            _ = unused;
            return Node(key) is { } node ? read(node) : null;
        }

        public void Forbid(string first, string? second, string context)
        {
            foreach (var key in second is null ? [first] : new[] { first, second })
            {
                if (KeyNode(key) is { } node)
                {
                    reader.Error(node, $"{what}: '{key}' does not apply {context}; expected no {key} here");
                }
            }
        }

        public void OnlyFor(string[] allowed, string context)
        {
            foreach (var key in map.Children.Keys)
            {
                if (key is YamlScalarNode { Value: { } name } && name != "kind" && !allowed.Contains(name) && IsGeneratorKey(name))
                {
                    reader.Error(key, $"{what}: '{name}' does not apply to {context}; expected kind and {string.Join(", ", allowed)}");
                }
            }
        }

        private static bool IsGeneratorKey(string name) => name is
            "primitive" or "grid" or "rattle" or "strain" or "copies" or "scales" or "count" or "atoms" or "volume_per_atom"
            or "min_separation" or "symmetry" or "composition" or "source" or "sigma";
    }
}
