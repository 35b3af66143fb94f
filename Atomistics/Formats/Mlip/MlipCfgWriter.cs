using System.Globalization;

namespace ActiveLearning.Atomistics.Formats.Mlip;

/// <summary>Writes MLIP-2 <c>.cfg</c> frames as <see cref="MlipCfgFormat"/> describes, numbering types stably over the stream.</summary>
internal sealed class MlipCfgWriter : IStructureWriter
{
    private static readonly HashSet<string> ReservedColumns = new(StringComparer.Ordinal)
    {
        "id", "type", "cartes_x", "cartes_y", "cartes_z", "direct_x", "direct_y", "direct_z", "fx", "fy", "fz",
    };

    private readonly TextWriter writer;
    private readonly string destinationName;
    private readonly FormatOptions options;
    private readonly List<int> elementOfType = [];
    private readonly Dictionary<int, int> typeOfElement = [];
    private readonly bool typesFixed;
    private string speciesMapText = string.Empty;
    private long frames;

    public MlipCfgWriter(TextWriter writer, string destinationName, FormatOptions options)
    {
        this.writer = writer;
        this.destinationName = destinationName;
        this.options = options;
        if (options.SpeciesMap is { } map)
        {
            typesFixed = true;
            foreach (var element in map)
            {
                typeOfElement.TryAdd(element, elementOfType.Count);
                elementOfType.Add(element);
            }

            speciesMapText = string.Join(',', elementOfType.Select(Elements.Symbol));
        }
    }

    public void Write(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        frames++;
        // Everything that can refuse the structure is checked before any of its text is written.
        var periodic = PeriodicVectorCount(structure);
        var extras = ExtraColumns(structure);
        var features = Features(structure);
        var types = AssignTypes(structure);
        var labels = options.PickLabels(structure);
        var forces = labels?.Forces;

        writer.WriteLine("BEGIN_CFG");
        writer.WriteLine(" Size");
        writer.Write("    ");
        writer.WriteLine(structure.Count.ToString(CultureInfo.InvariantCulture));
        if (periodic > 0)
        {
            writer.WriteLine(" Supercell");
            for (var row = 0; row < periodic; row++)
            {
                writer.Write("   ");
                WriteVector(structure.Cell[row]);
                writer.WriteLine();
            }
        }

        writer.Write(" AtomData:  id type cartes_x cartes_y cartes_z");
        if (forces is not null)
        {
            writer.Write(" fx fy fz");
        }

        foreach (var extra in extras)
        {
            writer.Write(' ');
            writer.Write(extra.Name);
        }

        writer.WriteLine();
        for (var atom = 0; atom < structure.Count; atom++)
        {
            writer.Write("    ");
            writer.Write((atom + 1).ToString(CultureInfo.InvariantCulture));
            writer.Write(' ');
            writer.Write(types[atom].ToString(CultureInfo.InvariantCulture));
            WriteVector(structure.Positions[atom]);
            if (forces is not null)
            {
                WriteVector(forces[atom]);
            }

            foreach (var extra in extras)
            {
                writer.Write(' ');
                NumberText.WriteReal(writer, ((double[])extra.Data)[atom]);
            }

            writer.WriteLine();
        }

        if (labels?.Energy is { } energy)
        {
            writer.WriteLine(" Energy");
            writer.Write("    ");
            NumberText.WriteReal(writer, energy);
            writer.WriteLine();
        }

        if (periodic == 3 && labels?.Stress is { } stress)
        {
            var virial = LabelSet.VirialFromStress(stress, structure.Cell.Volume);
            writer.WriteLine(" PlusStress:  xx yy zz yz xz xy");
            writer.Write("   ");
            WriteVector(new Vec3(virial.XX, virial.YY, virial.ZZ));
            WriteVector(new Vec3(virial.YZ, virial.XZ, virial.XY));
            writer.WriteLine();
        }

        foreach (var (name, text) in features)
        {
            WriteFeature(name, text);
        }

        WriteFeature(MlipCfgFormat.SpeciesMapFeature, speciesMapText);
        writer.WriteLine("END_CFG");
        writer.WriteLine();
    }

    /// <summary>The number of leading periodic lattice vectors: the only periodicity the format can state.</summary>
    private int PeriodicVectorCount(Structure structure) => structure.Pbc switch
    {
        (false, false, false) => 0,
        (true, false, false) => 1,
        (true, true, false) => 2,
        (true, true, true) => 3,
        _ => throw Refuse(structure,
            $"is periodic along {structure.Pbc}, but a .cfg Supercell can only make the first 1, 2 or 3 lattice vectors periodic"),
    };

    private int[] AssignTypes(Structure structure)
    {
        var types = new int[structure.Count];
        var before = elementOfType.Count;
        for (var atom = 0; atom < types.Length; atom++)
        {
            var element = structure.AtomicNumbers[atom];
            if (!typeOfElement.TryGetValue(element, out var type))
            {
                if (typesFixed)
                {
                    throw Refuse(structure,
                        $"has {Elements.Symbol(element)}, which the species map ({speciesMapText}) does not name; add it to --species-map");
                }

                type = elementOfType.Count;
                typeOfElement.Add(element, type);
                elementOfType.Add(element);
            }

            types[atom] = type;
        }

        if (elementOfType.Count != before)
        {
            speciesMapText = string.Join(',', elementOfType.Select(Elements.Symbol));
        }

        return types;
    }

    /// <summary>The per-atom arrays the format can hold: one-column reals, written as extra AtomData columns.</summary>
    private List<AtomArray> ExtraColumns(Structure structure)
    {
        var extras = new List<AtomArray>();
        foreach (var array in structure.Arrays)
        {
            if (array.Kind != AtomArrayKind.Real || array.Columns != 1)
            {
                continue;
            }

            if (ReservedColumns.Contains(array.Name) || array.Name.AsSpan().ContainsAny(" \t\r\n"))
            {
                throw Refuse(structure, $"has a per-atom array '{array.Name}', which cannot be an AtomData column of that name");
            }

            extras.Add(array);
        }

        return extras;
    }

    private List<(string Name, string Text)> Features(Structure structure)
    {
        var features = new List<(string, string)>(structure.Info.Count);
        foreach (var (name, value) in structure.Info)
        {
            if (name == MlipCfgFormat.SpeciesMapFeature)
            {
                throw Refuse(structure, $"has an info entry '{name}', a feature name this writer reserves for the elements of the types");
            }

            if (name.Length == 0 || name.AsSpan().ContainsAny(" \t\r\n"))
            {
                throw Refuse(structure, $"has an info key '{name}', which cannot be a feature name (it must be one word)");
            }

            var text = InfoText.Format(value);
            if (text.AsSpan().ContainsAny('\r', '\n'))
            {
                throw Refuse(structure, $"has an info value '{name}' that spans several lines, which a feature cannot hold");
            }

            features.Add((name, text));
        }

        return features;
    }

    private void WriteFeature(string name, string text)
    {
        writer.Write(" Feature   ");
        writer.Write(name);
        writer.Write('\t');
        writer.WriteLine(text);
    }

    private void WriteVector(Vec3 v)
    {
        for (var axis = 0; axis < 3; axis++)
        {
            writer.Write(' ');
            NumberText.WriteReal(writer, v[axis]);
        }
    }

    private StructureFormatException Refuse(Structure structure, string detail) =>
        new(destinationName, 0, $"structure {frames} ({structure}) {detail}");
}
