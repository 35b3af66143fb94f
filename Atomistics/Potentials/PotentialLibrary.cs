using System.Globalization;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// Finds potentials by name or by file: the built-in ones, LAMMPS parameter files by path or by file name in the potential
/// directories, and Lennard-Jones from its parameters.
/// </summary>
/// <remarks>
/// Specifications:
/// <list type="bullet">
/// <item><c>sw</c> or <c>stillinger-weber</c>: the built-in Stillinger–Weber silicon; <c>tersoff</c>: the built-in
/// Tersoff (1988) silicon (no file needed).</item>
/// <item><c>lj:ELEMENT:EPSILON:SIGMA:CUTOFF</c>: Lennard-Jones for one element, ε in eV, σ and cutoff in Å.</item>
/// <item>A path or a bare file name of a LAMMPS parameter file, its kind told by the ending (<c>.sw</c>, …) or by a
/// prefix <c>KIND:FILE</c>; bare names are searched in <see cref="SearchDirectories"/>.</item>
/// <item><c>snap:NAME</c> or <c>NAME.snapcoeff</c>: a SNAP model from <c>NAME.snapcoeff</c> and the <c>NAME.snapparam</c> beside
/// it, e.g. <c>snap:Si_Zuo_JPCA2020</c>.</item>
/// </list>
/// </remarks>
public static class PotentialLibrary
{
    /// <summary>The environment variable with extra directories (separated by the path separator) searched first for potential files.</summary>
    public const string PathVariable = "AL_POTENTIALS_PATH";

    private sealed record FileKind(string Name, string[] Endings, Func<string, IReadOnlyList<int>, IPotential> Load);

    private static readonly FileKind[] FileKinds =
    [
        new("sw", [".sw"], (path, elements) => StillingerWeber.FromFile(path, elements)),
        new("tersoff", [".tersoff"], (path, elements) => Tersoff.FromFile(path, [.. elements.Select(Elements.Symbol)])),
        new("eam/alloy", [".eam.alloy", ".setfl"], (path, elements) => Eam.EmbeddedAtom.FromFile(path, [.. elements.Select(Elements.Symbol)], Eam.EamFileFormat.Setfl)),
        new("mtp", [".mtp"], (path, elements) => new Mtp.MomentTensorPotential(Mtp.MtpFile.Read(path), elements, $"mtp:{Path.GetFileName(path)}")),
        new("snap", [".snapcoeff"], (path, elements) => Snap.SnapPotential.FromFile(path, elements)),
        new("eam/fs", [".eam.fs"], (path, elements) => Eam.EmbeddedAtom.FromFile(path, [.. elements.Select(Elements.Symbol)], Eam.EamFileFormat.FinnisSinclair)),
    ];

    private static readonly Dictionary<string, Func<IPotential>> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sw"] = StillingerWeber.Silicon,
        ["stillinger-weber"] = StillingerWeber.Silicon,
        ["tersoff"] = Tersoff.Silicon,
    };

    /// <summary>The directories searched for a potential file given by bare name: <see cref="PathVariable"/>, then Debian's LAMMPS potentials.</summary>
    public static IReadOnlyList<string> SearchDirectories =>
    [
        .. (Environment.GetEnvironmentVariable(PathVariable) ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries),
        "/usr/share/lammps/potentials",
    ];

    /// <summary>What <see cref="Load"/> accepts, for help texts.</summary>
    public static string Help =>
        $"built-in: {string.Join(", ", BuiltIn.Keys)}; lj:ELEMENT:EPSILON_eV:SIGMA_A:CUTOFF_A; " +
        $"or a LAMMPS parameter file ({string.Join(", ", FileKinds.SelectMany(k => k.Endings))}) by path or by name in " +
        $"${PathVariable} or /usr/share/lammps/potentials, optionally as KIND:FILE with KIND one of {string.Join(", ", FileKinds.Select(k => k.Name))}";

    /// <summary>Loads a potential.</summary>
    /// <param name="specification">See the remarks of <see cref="PotentialLibrary"/>.</param>
    /// <param name="elements">For parameter files: the elements to take from the file, as LAMMPS' <c>pair_coeff * * FILE Si C</c>.</param>
    /// <exception cref="ArgumentException">The specification is not understood or elements are missing for a file.</exception>
    /// <exception cref="FileNotFoundException">A named file is not found.</exception>
    /// <param name="searchDirectories">Directories for bare file names; default <see cref="SearchDirectories"/>.</param>
    /// <exception cref="FormatException">A parameter file is malformed (the message names file and line).</exception>
    public static IPotential Load(string specification, IReadOnlyList<int>? elements, IReadOnlyList<string>? searchDirectories = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(specification);
        if (BuiltIn.TryGetValue(specification, out var builtIn))
        {
            return builtIn();
        }

        if (specification.StartsWith("lj:", StringComparison.OrdinalIgnoreCase))
        {
            return LennardJonesFromText(specification);
        }

        var (kind, file) = SplitKind(specification);
        kind ??= Array.Find(FileKinds, k => Array.Exists(k.Endings, e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            ?? throw new ArgumentException(
                $"'{specification}' is neither a built-in potential nor a file of a known kind. Use {Help}.", nameof(specification));
        if (elements is null || elements.Count == 0)
        {
            throw new ArgumentException($"Name the elements to take from {file} (as LAMMPS' pair_coeff does).", nameof(elements));
        }

        if (kind.Name == "snap" && !file.EndsWith(".snapcoeff", StringComparison.OrdinalIgnoreCase))
        {
            file += ".snapcoeff";
        }

        return kind.Load(Locate(file, searchDirectories ?? SearchDirectories), elements);
    }

    private static (FileKind? Kind, string File) SplitKind(string specification)
    {
        var colon = specification.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var kind = Array.Find(FileKinds, k => string.Equals(k.Name, specification[..colon], StringComparison.OrdinalIgnoreCase));
            if (kind is not null)
            {
                return (kind, specification[(colon + 1)..]);
            }
        }

        return (null, specification);
    }

    private static string Locate(string file, IReadOnlyList<string> searchDirectories)
    {
        if (File.Exists(file))
        {
            return file;
        }

        if (Path.GetFileName(file) == file)
        {
            foreach (var directory in searchDirectories)
            {
                var candidate = Path.Combine(directory, file);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"Potential file '{file}' not found (searched the working directory and {string.Join(", ", searchDirectories)}).", file);
    }

    private static LennardJones LennardJonesFromText(string specification)
    {
        var parts = specification.Split(':');
        if (parts.Length != 5 || !Elements.TryParseSymbol(parts[1], out var element)
            || !TryPositive(parts[2], out var epsilon) || !TryPositive(parts[3], out var sigma) || !TryPositive(parts[4], out var cutoff))
        {
            throw new ArgumentException(
                $"'{specification}' is not lj:ELEMENT:EPSILON:SIGMA:CUTOFF with an element symbol and positive numbers (eV, Å, Å), e.g. lj:Ar:0.0104:3.4:8.5.",
                nameof(specification));
        }

        return new LennardJones([new LennardJonesPair(element, element, epsilon, sigma)], cutoff);
    }

    private static bool TryPositive(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && double.IsFinite(value);
}
