namespace ActiveLearning.Atomistics.Formats;

/// <summary>The formats the product reads and writes, and guessing a format from a file name.</summary>
public static class StructureFormats
{
    // The built-in formats, in the order help texts list them.
    private static readonly List<StructureFormat> Registered =
    [
        new ExtendedXyz.ExtendedXyzFormat(),
        new Vasp.PoscarFormat(),
        new Mlip.MlipCfgFormat(),
        new Lammps.LammpsDataFormat(),
        new Lammps.LammpsDumpFormat(),
    ];

    /// <summary>All known formats.</summary>
    public static IReadOnlyList<StructureFormat> All => Registered;

    /// <summary>Adds a format (formats register themselves from this assembly; tests and plug-ins may add more).</summary>
    public static void Register(StructureFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        lock (Registered)
        {
            if (Registered.Exists(f => f.Name == format.Name))
            {
                throw new InvalidOperationException($"A format named '{format.Name}' is already registered.");
            }

            Registered.Add(format);
        }
    }

    /// <summary>The format with this name (case-insensitive), or <see langword="null"/>.</summary>
    public static StructureFormat? FindByName(string name) =>
        Registered.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The format a path's file name suggests, or <see langword="null"/>.</summary>
    public static StructureFormat? FindForPath(string path) => Registered.Find(f => f.MatchesFileName(Path.GetFileName(path)));

    /// <summary>The names of all formats, comma separated, for messages.</summary>
    public static string Names => string.Join(", ", Registered.Select(f => f.Name));
}
