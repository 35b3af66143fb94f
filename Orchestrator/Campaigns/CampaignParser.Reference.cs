using System.Collections.Immutable;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Drivers.Vasp;
using YamlDotNet.RepresentationModel;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>The <c>reference:</c> block (teacher potential or code with its settings), also readable on its own for <c>al label</c>.</summary>
public static partial class CampaignParser
{
    private static readonly string[] CommonReferenceKeys = ["kind", "potential", "on", "command", "mpi", "ranks", "environment", "max_corrections"];

    private static readonly string[] QuantumEspressoKeys =
    [
        "pseudopotentials", "pseudo_dir", "ecutwfc", "ecutrho", "kspacing", "kpoints", "occupations", "smearing", "degauss",
        "spin_polarized", "conv_thr", "mixing_beta", "mixing_mode", "electron_maxstep",
    ];

    private static readonly string[] VaspKeys =
    [
        "potcar_dir", "potcars", "encut", "kspacing", "kpoints", "ismear", "sigma", "ediff", "nelm", "algo", "prec", "amix",
        "spin_polarized", "magmom",
    ];

    private static readonly string[] Cp2kKeys =
    [
        "method", "dftb_parameters", "basis_sets", "potentials", "basis_set_file", "potential_file", "functional", "cutoff",
        "rel_cutoff", "kspacing", "kpoints", "eps_scf", "max_scf", "mixing_alpha",
    ];

    /// <summary>Reads a reference file: one mapping with what a campaign's <c>reference:</c> block holds (<c>on</c> optional).</summary>
    /// <exception cref="CampaignException">The file has errors (all of them are listed with line and column).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ReferenceSpec ParseReference(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such reference file.", path);
        }

        return ParseStandalone(File.ReadAllText(path), path, "a reference mapping with kind and its settings", (reader, node) => reader.ReadReference(node, null, null));
    }

    /// <summary>Reads a cluster file: one mapping with what one entry under a campaign's <c>clusters:</c> holds.</summary>
    /// <exception cref="CampaignException">The file has errors (all of them are listed with line and column).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ClusterSpec ParseCluster(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such cluster file.", path);
        }

        return ParseStandalone(File.ReadAllText(path), path, "a cluster mapping with kind local or slurm", (reader, node) => reader.ReadStandaloneCluster(node));
    }

    private static T ParseStandalone<T>(string text, string path, string expected, Func<Reader, YamlNode, T?> read)
        where T : class
    {
        var reader = new Reader(path);
        var result = reader.LoadDocument(text, expected) is { } document ? read(reader, document) : null;
        if (reader.Errors.Count > 0 || result is null)
        {
            throw new CampaignException([.. reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return result;
    }

    private sealed partial class Reader
    {
        /// <summary>Reads a cluster file's one cluster, named <c>cluster</c> in messages.</summary>
        public ClusterSpec? ReadStandaloneCluster(YamlNode node) => ReadCluster(node, "cluster");

        /// <summary>Reads a reference block; <paramref name="clusters"/> is null for a standalone reference file (no <c>on</c> check).</summary>
        public ReferenceSpec? ReadReference(YamlNode node, ImmutableSortedDictionary<string, ClusterSpec>? clusters, ImmutableArray<string>? species)
        {
            if (Open(node, "reference", [.. CommonReferenceKeys, .. QuantumEspressoKeys.Union(Cp2kKeys).Union(VaspKeys)]) is not { } map)
            {
                return null;
            }

            var kind = map.Required("kind", n => Choice(n, "reference.kind", "potential", "quantum-espresso", "cp2k", "vasp"));
            if (kind == "potential")
            {
                OnlyKeys(map, node, ["kind", "potential"], "with kind potential");
                var potential = map.Required("potential", n => Text(n, "reference.potential", s => s.Length > 0, "a potential such as sw"));
                if (potential is not null && species is not null)
                {
                    CheckPotential(map.Node("potential")!, potential, species.Value);
                }

                return potential is null ? null : new PotentialReference(potential);
            }

            if (kind is null)
            {
                return null;
            }

            var own = kind switch
            {
                "cp2k" => Cp2kKeys,
                "vasp" => VaspKeys,
                _ => QuantumEspressoKeys,
            };
            OnlyKeys(map, node, [.. CommonReferenceKeys.Where(k => k != "potential"), .. own], $"with kind {kind}");
            var on = clusters is null
                ? map.Optional("on", n => Text(n, "reference.on", s => s.Length > 0, "a cluster name")) ?? "local"
                : map.Required("on", n => ClusterName(n, "reference.on", clusters));
            codeRunsOverSsh = on is not null && clusters is not null && clusters.TryGetValue(on, out var cluster) && cluster.Ssh is not null;
            var profile = ReadProfile(map, node, kind);
            var maxCorrections = map.Optional("max_corrections", n => Int(n, "reference.max_corrections", 0, 100)) ?? 3;
            var reference = on is null ? null : new CodeReference(kind, on) { Profile = profile, MaxCorrections = maxCorrections };
            return reference is null ? null : kind switch
            {
                "cp2k" => reference with { Cp2k = ReadCp2k(map, node) },
                "vasp" => reference with { Vasp = ReadVasp(map, node) },
                _ => reference with { QuantumEspresso = ReadQuantumEspresso(map, node) },
            };
        }

        private void OnlyKeys(Fields map, YamlNode node, string[] allowed, string context)
        {
            if (node is not YamlMappingNode mapping)
            {
                return;
            }

            foreach (var key in mapping.Children.Keys)
            {
                // A key no kind knows is already reported as unknown; this names the keys that belong to another kind.
                if (key is YamlScalarNode { Value: { } name } && !allowed.Contains(name) && map.Node(name) is not null
                    && (CommonReferenceKeys.Contains(name) || QuantumEspressoKeys.Contains(name) || VaspKeys.Contains(name) || Cp2kKeys.Contains(name)))
                {
                    Error(key, $"reference: '{name}' does not apply {context}; expected {string.Join(", ", allowed.Where(k => k != "kind"))}");
                }
            }
        }

        private CodeProfile? ReadProfile(Fields map, YamlNode node, string kind)
        {
            var command = map.Optional("command", n => Text(n, "reference.command", s => s.Trim().Length > 0, "a program name or path such as pw.x"));
            var mpi = map.Optional("mpi", n => Text(n, "reference.mpi", s => s.Contains("{ranks}", StringComparison.Ordinal), "a launcher with {ranks}, e.g. \"mpirun -np {ranks}\""));
            var ranks = map.Optional("ranks", n => Int(n, "reference.ranks", 1, int.MaxValue));
            var environment = map.Optional("environment", n => StringMap(n, "reference.environment", "a variable name"));
            if (ranks is > 1 && mpi is null && map.KeyNode("ranks") is { } ranksKey)
            {
                Error(ranksKey, "reference: ranks above 1 need an MPI launcher; expected mpi: \"mpirun -np {ranks}\"");
            }

            if (command is null && mpi is null && ranks is null && environment is null)
            {
                return null;
            }

            _ = node;
            return new CodeProfile
            {
                Executable = command ?? kind switch
                {
                    "cp2k" => "cp2k",
                    "vasp" => "vasp_std",
                    _ => "pw.x",
                },
                MpiLauncher = mpi,
                Ranks = ranks ?? 1,
                Environment = environment ?? ImmutableSortedDictionary<string, string>.Empty,
            };
        }

        private QuantumEspressoSettings? ReadQuantumEspresso(Fields map, YamlNode node)
        {
            if (!QuantumEspressoKeys.Any(k => map.Node(k) is not null))
            {
                return null;
            }

            const string What = "reference";
            var pseudopotentials = map.Required("pseudopotentials", n => StringMap(n, What + ".pseudopotentials", "an element symbol", symbols: true));
            var pseudoDirectory = map.Required("pseudo_dir", n => CodeDirectoryOf(n, What + ".pseudo_dir"));
            var ecutwfc = map.Required("ecutwfc", n => Double(n, What + ".ecutwfc", 0, double.MaxValue, lowExclusive: true));
            var ecutrho = map.Optional("ecutrho", n => Double(n, What + ".ecutrho", 0, double.MaxValue, lowExclusive: true));
            var (spacing, grid) = ReadKPoints(map, node, required: true);
            var defaults = new QuantumEspressoSettings { Pseudopotentials = ImmutableSortedDictionary<string, string>.Empty, PseudoDirectory = ".", EcutWfc = 1 };
            var settings = defaults with
            {
                EcutRho = ecutrho,
                KPointSpacing = spacing,
                KPoints = grid,
                Occupations = map.Optional("occupations", n => Choice(n, What + ".occupations", "smearing", "fixed")) ?? defaults.Occupations,
                Smearing = map.Optional("smearing", n => Choice(n, What + ".smearing", "gaussian", "mp", "mv", "fd", "cold", "marzari-vanderbilt", "methfessel-paxton", "fermi-dirac")) ?? defaults.Smearing,
                Degauss = map.Optional("degauss", n => Double(n, What + ".degauss", 0, double.MaxValue, lowExclusive: true)) ?? defaults.Degauss,
                SpinPolarized = map.Optional("spin_polarized", n => Boolean(n, What + ".spin_polarized")) ?? false,
                ConvThr = map.Optional("conv_thr", n => Double(n, What + ".conv_thr", 0, double.MaxValue, lowExclusive: true)) ?? defaults.ConvThr,
                MixingBeta = map.Optional("mixing_beta", n => Double(n, What + ".mixing_beta", 0, 1, lowExclusive: true)) ?? defaults.MixingBeta,
                MixingMode = map.Optional("mixing_mode", n => Choice(n, What + ".mixing_mode", "plain", "TF", "local-TF")) ?? defaults.MixingMode,
                ElectronMaxStep = map.Optional("electron_maxstep", n => Int(n, What + ".electron_maxstep", 1, int.MaxValue)) ?? defaults.ElectronMaxStep,
            };
            if (pseudopotentials is null || pseudoDirectory is null || ecutwfc is null)
            {
                return null;
            }

            return settings with { Pseudopotentials = pseudopotentials, PseudoDirectory = pseudoDirectory, EcutWfc = ecutwfc.Value };
        }

        private VaspSettings? ReadVasp(Fields map, YamlNode node)
        {
            if (!VaspKeys.Any(k => map.Node(k) is not null))
            {
                return null;
            }

            const string What = "reference";
            var potcarDirectory = map.Required("potcar_dir", n => DirectoryOf(n, What + ".potcar_dir"));
            var encut = map.Required("encut", n => Double(n, What + ".encut", 0, double.MaxValue, lowExclusive: true));
            var (spacing, grid) = ReadKPoints(map, node, required: true);
            var defaults = new VaspSettings { PotcarDirectory = ".", Encut = 1 };
            var settings = defaults with
            {
                Potcars = (IReadOnlyDictionary<string, string>?)map.Optional("potcars", n => StringMap(n, What + ".potcars", "an element symbol", symbols: true)) ?? defaults.Potcars,
                KPointSpacing = spacing,
                KPoints = grid,
                Ismear = map.Optional("ismear", n => Int(n, What + ".ismear", -5, 2)) ?? defaults.Ismear,
                Sigma = map.Optional("sigma", n => Double(n, What + ".sigma", 0, double.MaxValue, lowExclusive: true)) ?? defaults.Sigma,
                Ediff = map.Optional("ediff", n => Double(n, What + ".ediff", 0, double.MaxValue, lowExclusive: true)) ?? defaults.Ediff,
                Nelm = map.Optional("nelm", n => Int(n, What + ".nelm", 1, int.MaxValue)) ?? defaults.Nelm,
                Algo = map.Optional("algo", n => Choice(n, What + ".algo", "Normal", "Fast", "VeryFast", "All", "Damped")) ?? defaults.Algo,
                Prec = map.Optional("prec", n => Choice(n, What + ".prec", "Normal", "Accurate")) ?? defaults.Prec,
                Amix = map.Optional("amix", n => Double(n, What + ".amix", 0, 1, lowExclusive: true)),
                SpinPolarized = map.Optional("spin_polarized", n => Boolean(n, What + ".spin_polarized")) ?? false,
                InitialMagneticMoment = map.Optional("magmom", n => Double(n, What + ".magmom", -100, 100)) ?? defaults.InitialMagneticMoment,
            };
            if (map.KeyNode("magmom") is { } magmomKey && settings.SpinPolarized is false)
            {
                Error(magmomKey, "reference: 'magmom' applies to spin-polarised runs only; expected spin_polarized: true with it");
            }

            return potcarDirectory is null || encut is null ? null : settings with { PotcarDirectory = potcarDirectory, Encut = encut.Value };
        }

        private Cp2kSettings? ReadCp2k(Fields map, YamlNode node)
        {
            if (!Cp2kKeys.Any(k => map.Node(k) is not null))
            {
                return null;
            }

            const string What = "reference";
            var method = map.Required("method", n => Choice(n, What + ".method", "dftb", "gfn1-xtb", "gpw")) switch
            {
                "dftb" => Cp2kMethod.DftbNonScc,
                "gfn1-xtb" => Cp2kMethod.Gfn1Xtb,
                "gpw" => Cp2kMethod.DftGpw,
                _ => (Cp2kMethod?)null,
            };
            var (spacing, grid) = ReadKPoints(map, node, required: false);
            var defaults = new Cp2kSettings();
            var settings = defaults with
            {
                DftbParameterDirectory = map.Optional("dftb_parameters", n => CodeDirectoryOf(n, What + ".dftb_parameters")) ?? defaults.DftbParameterDirectory,
                BasisSets = map.Optional("basis_sets", n => StringMap(n, What + ".basis_sets", "an element symbol", symbols: true)) ?? defaults.BasisSets,
                Potentials = map.Optional("potentials", n => StringMap(n, What + ".potentials", "an element symbol", symbols: true)) ?? defaults.Potentials,
                BasisSetFile = map.Optional("basis_set_file", n => Text(n, What + ".basis_set_file", s => s.Length > 0, "a file name such as BASIS_MOLOPT")) ?? defaults.BasisSetFile,
                PotentialFile = map.Optional("potential_file", n => Text(n, What + ".potential_file", s => s.Length > 0, "a file name such as GTH_POTENTIALS")) ?? defaults.PotentialFile,
                Functional = map.Optional("functional", n => Text(n, What + ".functional", s => s.Length > 0, "a functional such as PBE")) ?? defaults.Functional,
                Cutoff = map.Optional("cutoff", n => Double(n, What + ".cutoff", 0, double.MaxValue, lowExclusive: true)) ?? defaults.Cutoff,
                RelativeCutoff = map.Optional("rel_cutoff", n => Double(n, What + ".rel_cutoff", 0, double.MaxValue, lowExclusive: true)) ?? defaults.RelativeCutoff,
                KPointSpacing = spacing,
                KPoints = grid,
                EpsScf = map.Optional("eps_scf", n => Double(n, What + ".eps_scf", 0, double.MaxValue, lowExclusive: true)) ?? defaults.EpsScf,
                MaxScf = map.Optional("max_scf", n => Int(n, What + ".max_scf", 1, int.MaxValue)) ?? defaults.MaxScf,
                MixingAlpha = map.Optional("mixing_alpha", n => Double(n, What + ".mixing_alpha", 0, 1, lowExclusive: true)),
            };
            if (method is { } m && m != Cp2kMethod.DftGpw)
            {
                foreach (var key in (string[])["basis_sets", "potentials", "basis_set_file", "potential_file", "functional", "cutoff", "rel_cutoff"])
                {
                    if (map.KeyNode(key) is { } keyNode)
                    {
                        Error(keyNode, $"reference: '{key}' applies to method gpw only; expected no {key} with method {(m == Cp2kMethod.DftbNonScc ? "dftb" : "gfn1-xtb")}");
                    }
                }
            }

            return method is { } chosen ? settings with { Method = chosen } : null;
        }

        private (double? Spacing, KPointGrid? Grid) ReadKPoints(Fields map, YamlNode node, bool required)
        {
            var spacing = map.Optional("kspacing", n => Double(n, "reference.kspacing", 0, double.MaxValue, lowExclusive: true));
            var grid = map.Optional("kpoints", n => Grid(n, "reference.kpoints"));
            if (map.Node("kspacing") is not null && map.KeyNode("kpoints") is not null)
            {
                Error(map.KeyNode("kpoints")!, "reference: both kspacing and kpoints are given; expected one of them");
            }
            else if (required && map.Node("kspacing") is null && map.Node("kpoints") is null)
            {
                Error(node, "reference: no k-points; expected kspacing: 0.3 (1/Å, 2π included) or kpoints: [4, 4, 4]");
            }

            return (spacing, grid);
        }

        private KPointGrid? Grid(YamlNode node, string what)
        {
            if (node is not YamlSequenceNode { Children.Count: 3 } triple)
            {
                Error(node, $"{what}: found {Describe(node)}; expected three divisions such as [4, 4, 4]");
                return null;
            }

            var n1 = Int(triple.Children[0], what, 1, 1000);
            var n2 = Int(triple.Children[1], what, 1, 1000);
            var n3 = Int(triple.Children[2], what, 1, 1000);
            return n1 is null || n2 is null || n3 is null ? null : new KPointGrid(n1.Value, n2.Value, n3.Value);
        }

        private bool? Boolean(YamlNode node, string what)
        {
            var value = Scalar(node, what, "true or false");
            switch (value)
            {
                case null:
                    return null;
                case "true" or "True" or "TRUE":
                    return true;
                case "false" or "False" or "FALSE":
                    return false;
                default:
                    Error(node, $"{what}: '{value}' is not a Boolean; expected true or false");
                    return null;
            }
        }

        private string? DirectoryOf(YamlNode node, string what)
        {
            var value = Scalar(node, what, "a directory");
            if (value is null)
            {
                return null;
            }

            var path = Resolve(value).FullPath;
            if (!Directory.Exists(path))
            {
                Error(node, $"{what}: no such directory {path}; expected an existing directory (relative paths are taken from the file's directory)");
                return null;
            }

            return path;
        }

        private ImmutableSortedDictionary<string, string>? StringMap(YamlNode node, string what, string keyKind, bool symbols = false)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"{what}: found {Describe(node)}; expected a mapping such as {{ Si: … }}");
                return null;
            }

            var entries = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var name = symbols
                    ? Text(key, what, s => Elements.TryParseSymbol(s, out _), "a chemical element symbol such as Si")
                    : Text(key, what, s => s.Length > 0, keyKind);
                var text = Text(value, $"{what}.{name}", s => s.Length > 0, "a non-empty value");
                if (name is not null && text is not null)
                {
                    entries[name] = text;
                }
            }

            return entries.ToImmutable();
        }
    }
}
