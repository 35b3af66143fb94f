namespace ActiveLearning.Atomistics.Formats.Mlip;

/// <summary>Parses MLIP-2 <c>.cfg</c> frames as <see cref="MlipCfgFormat"/> describes, failing with the line of any defect.</summary>
internal sealed class MlipCfgReader(LineReader reader, FormatOptions options)
{
    private const string Keywords = "Size, Supercell, AtomData, Energy, PlusStress, Feature or END_CFG";

    /// <summary>The Voigt components a <c>PlusStress</c> header may name, in <see cref="Mat3.FromVoigt"/> order.</summary>
    private static readonly string[] VirialComponents = ["xx", "yy", "zz", "yz", "xz", "xy"];

    public IEnumerable<Structure> ReadAll()
    {
        while (SkipToNextFrame())
        {
            yield return ReadFrame();
        }
    }

    /// <summary>Skips blank lines up to the next <c>BEGIN_CFG</c>; false at the end of the file.</summary>
    private bool SkipToNextFrame()
    {
        while (reader.TryReadLine(out var line))
        {
            var trimmed = line.Trim();
            if (trimmed.IsEmpty)
            {
                continue;
            }

            if (trimmed.Equals("BEGIN_CFG", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            throw reader.Error($"expected BEGIN_CFG or the end of the file, found '{Shorten(trimmed)}'");
        }

        return false;
    }

    /// <summary>What one frame has said so far; turned into a structure at <c>END_CFG</c>.</summary>
    private sealed class Frame(long beginLine)
    {
        public long BeginLine { get; } = beginLine;

        public int? Size { get; set; }

        public long SizeLine { get; set; }

        public List<Vec3>? SupercellRows { get; set; }

        public AtomTable? Atoms { get; set; }

        public double? Energy { get; set; }

        public Mat3? Virial { get; set; }

        public long VirialLine { get; set; }

        public List<KeyValuePair<string, InfoValue>> Features { get; } = [];

        public int[]? SpeciesMap { get; set; }

        public long SpeciesMapLine { get; set; }
    }

    private enum ColumnRole
    {
        Id,
        Type,
        Coordinate,
        Force,
        Extra,
    }

    /// <summary>What an AtomData column holds: <paramref name="Index"/> is the axis or the extra column's number.</summary>
    private readonly record struct Column(ColumnRole Role, int Index);

    /// <summary>The AtomData section: raw coordinates (Cartesian or fractional) and types, mapped at the frame's end.</summary>
    private sealed record AtomTable(
        long HeaderLine, bool Direct, int[] Types, Vec3[] Coordinates, Vec3[]? Forces, string[] ExtraNames, double[][] Extras);

    private Structure ReadFrame()
    {
        var frame = new Frame(reader.LineNumber);
        while (true)
        {
            var line = reader.ReadLine($"END_CFG to close the frame begun on line {frame.BeginLine}");
            var tokens = new Tokens(line);
            if (!tokens.TryNext(out var keyword))
            {
                continue;
            }

            keyword = keyword.TrimEnd(':');
            if (Is(keyword, "END_CFG"))
            {
                return Build(frame);
            }
            else if (Is(keyword, "Size"))
            {
                RefuseRepeat(frame.Size is not null, "Size", frame);
                frame.SizeLine = reader.LineNumber;
                frame.Size = ReadSize();
            }
            else if (Is(keyword, "Supercell"))
            {
                RefuseRepeat(frame.SupercellRows is not null, "Supercell", frame);
                frame.SupercellRows = ReadSupercellRows();
            }
            else if (Is(keyword, "AtomData"))
            {
                RefuseRepeat(frame.Atoms is not null, "AtomData", frame);
                frame.Atoms = ReadAtomData(ref tokens, frame);
            }
            else if (Is(keyword, "Energy"))
            {
                RefuseRepeat(frame.Energy is not null, "Energy", frame);
                frame.Energy = ReadSingleReal("the energy (eV) after Energy", "Energy");
            }
            else if (Is(keyword, "PlusStress"))
            {
                RefuseRepeat(frame.Virial is not null, "PlusStress", frame);
                frame.VirialLine = reader.LineNumber;
                frame.Virial = ReadVirial(ref tokens);
            }
            else if (Is(keyword, "Feature"))
            {
                ReadFeature(ref tokens, frame);
            }
            else if (Is(keyword, "BEGIN_CFG"))
            {
                throw reader.Error($"BEGIN_CFG before the END_CFG of the frame begun on line {frame.BeginLine}");
            }
            else if (NumberText.TryParseReal(keyword, out _))
            {
                var hint = frame.Size is { } size ? $"; are there more AtomData rows than Size = {size} (line {frame.SizeLine})?" : string.Empty;
                throw reader.Error($"expected a keyword ({Keywords}), found a row of numbers{hint}");
            }
            else
            {
                throw reader.Error($"unknown keyword '{keyword}'; expected {Keywords}");
            }
        }
    }

    private static bool Is(ReadOnlySpan<char> keyword, string name) => keyword.Equals(name, StringComparison.OrdinalIgnoreCase);

    private void RefuseRepeat(bool seen, string section, Frame frame)
    {
        if (seen)
        {
            throw reader.Error($"a second {section} in the frame begun on line {frame.BeginLine}");
        }
    }

    private int ReadSize()
    {
        var tokens = new Tokens(reader.ReadLine("the number of atoms after Size"));
        if (!tokens.TryNext(out var token))
        {
            throw reader.Error("expected the number of atoms after Size, found an empty line");
        }

        var size = NumberText.ParseInteger(token, reader, "Size");
        if (tokens.TryNext(out _))
        {
            throw reader.Error("Size: expected one integer, the number of atoms");
        }

        if (size < 0 || size > Array.MaxLength / 3)
        {
            throw reader.Error($"Size: {size} is not a possible number of atoms");
        }

        return (int)size;
    }

    /// <summary>Reads the 0–3 lattice rows after <c>Supercell</c>: the lines that start with a number.</summary>
    private List<Vec3> ReadSupercellRows()
    {
        var rows = new List<Vec3>(3);
        while (rows.Count < 3 && reader.TryReadLine(out var line))
        {
            var tokens = new Tokens(line);
            if (!tokens.TryNext(out var first) || !NumberText.TryParseReal(first, out _))
            {
                reader.PushBack();
                break;
            }

            var what = $"Supercell row {rows.Count + 1}";
            if (Tokens.Count(line) != 3)
            {
                throw reader.Error($"{what}: expected three numbers (a lattice vector in Å), found {Tokens.Count(line)} values");
            }

            var x = NumberText.ParseReal(first, reader, what);
            tokens.TryNext(out var second);
            var y = NumberText.ParseReal(second, reader, what);
            tokens.TryNext(out var third);
            rows.Add(new Vec3(x, y, NumberText.ParseReal(third, reader, what)));
        }

        return rows;
    }

    private AtomTable ReadAtomData(ref Tokens header, Frame frame)
    {
        var headerLine = reader.LineNumber;
        var columns = ParseAtomDataHeader(ref header, out var direct, out var hasForces, out var extraNames);
        if (frame.Size is not { } size)
        {
            throw reader.Error("AtomData before Size: the number of atom rows is not known");
        }

        var types = new int[size];
        var coordinates = new Vec3[size];
        var forces = hasForces ? new Vec3[size] : null;
        var extras = new double[extraNames.Length][];
        for (var extra = 0; extra < extras.Length; extra++)
        {
            extras[extra] = new double[size];
        }

        var speciesMap = options.SpeciesMap;
        Span<double> coordinate = stackalloc double[3];
        Span<double> force = stackalloc double[3];
        for (var atom = 0; atom < size; atom++)
        {
            var line = reader.ReadLine($"AtomData row {atom + 1} of {size}");
            var count = Tokens.Count(line);
            if (count != columns.Length)
            {
                throw RowCountError(line, count, columns.Length, atom, size, frame.SizeLine, headerLine);
            }

            var what = $"AtomData row {atom + 1}";
            var tokens = new Tokens(line);
            foreach (var column in columns)
            {
                tokens.TryNext(out var token);
                switch (column.Role)
                {
                    case ColumnRole.Id:
                        NumberText.ParseInteger(token, reader, $"{what}: id");
                        break;
                    case ColumnRole.Type:
                        types[atom] = ParseType(token, speciesMap, what);
                        break;
                    case ColumnRole.Coordinate:
                        coordinate[column.Index] = NumberText.ParseReal(token, reader, $"{what}: coordinate");
                        break;
                    case ColumnRole.Force:
                        force[column.Index] = NumberText.ParseReal(token, reader, $"{what}: force");
                        break;
                    default:
                        extras[column.Index][atom] = NumberText.ParseReal(token, reader, $"{what}: {extraNames[column.Index]}");
                        break;
                }
            }

            coordinates[atom] = new Vec3(coordinate[0], coordinate[1], coordinate[2]);
            if (forces is not null)
            {
                forces[atom] = new Vec3(force[0], force[1], force[2]);
            }
        }

        return new AtomTable(headerLine, direct, types, coordinates, forces, extraNames, extras);
    }

    private StructureFormatException RowCountError(
        ReadOnlySpan<char> line, int count, int expected, int atom, int size, long sizeLine, long headerLine)
    {
        var first = new Tokens(line);
        if (!first.TryNext(out var token) || !NumberText.TryParseReal(token, out _))
        {
            var found = count == 0 ? "an empty line" : $"'{Shorten(line.Trim())}'";
            return reader.Error(
                $"expected AtomData row {atom + 1} of {size}, found {found}; the frame has fewer atom rows than Size (line {sizeLine})");
        }

        return reader.Error($"AtomData row {atom + 1}: expected {expected} values, as the header on line {headerLine} names, found {count}");
    }

    private int ParseType(ReadOnlySpan<char> token, IReadOnlyList<int>? speciesMap, string what)
    {
        var type = NumberText.ParseInteger(token, reader, $"{what}: type");
        if (type < 0 || type > int.MaxValue)
        {
            throw reader.Error($"{what}: type {type} is not a type (types count 0, 1, 2, …)");
        }

        if (speciesMap is not null && type >= speciesMap.Count)
        {
            throw reader.Error($"{what}: type {type} is outside the species map, which names types 0–{speciesMap.Count - 1} ({Symbols(speciesMap)})");
        }

        return (int)type;
    }

    private Column[] ParseAtomDataHeader(ref Tokens header, out bool direct, out bool hasForces, out string[] extraNames)
    {
        var columns = new List<Column>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var extras = new List<string>();
        int cartesianAxes = 0, directAxes = 0, forceAxes = 0;
        var hasType = false;
        while (header.TryNext(out var token))
        {
            var name = token.ToString();
            if (!names.Add(name))
            {
                throw reader.Error($"AtomData header: column '{name}' appears twice");
            }

            switch (name)
            {
                case "id":
                    columns.Add(new Column(ColumnRole.Id, 0));
                    break;
                case "type":
                    hasType = true;
                    columns.Add(new Column(ColumnRole.Type, 0));
                    break;
                case "cartes_x" or "cartes_y" or "cartes_z":
                    cartesianAxes |= AddAxis(columns, ColumnRole.Coordinate, name[^1]);
                    break;
                case "direct_x" or "direct_y" or "direct_z":
                    directAxes |= AddAxis(columns, ColumnRole.Coordinate, name[^1]);
                    break;
                case "fx" or "fy" or "fz":
                    forceAxes |= AddAxis(columns, ColumnRole.Force, name[^1]);
                    break;
                default:
                    columns.Add(new Column(ColumnRole.Extra, extras.Count));
                    extras.Add(name);
                    break;
            }
        }

        if (!hasType)
        {
            throw reader.Error("AtomData header: no 'type' column");
        }

        if (!((cartesianAxes == 0b111 && directAxes == 0) || (directAxes == 0b111 && cartesianAxes == 0)))
        {
            throw reader.Error("AtomData header: expected the columns cartes_x cartes_y cartes_z or direct_x direct_y direct_z");
        }

        if (forceAxes is not (0 or 0b111))
        {
            throw reader.Error("AtomData header: forces need all three columns fx fy fz");
        }

        direct = directAxes != 0;
        hasForces = forceAxes != 0;
        extraNames = [.. extras];
        return [.. columns];
    }

    private static int AddAxis(List<Column> columns, ColumnRole role, char axisLetter)
    {
        var axis = axisLetter - 'x';
        columns.Add(new Column(role, axis));
        return 1 << axis;
    }

    private double ReadSingleReal(string expected, string what)
    {
        var line = reader.ReadLine(expected);
        var tokens = new Tokens(line);
        if (!tokens.TryNext(out var token))
        {
            throw reader.Error($"expected {expected}, found an empty line");
        }

        var value = NumberText.ParseReal(token, reader, what);
        if (tokens.TryNext(out _))
        {
            throw reader.Error($"{what}: expected one number, found {Tokens.Count(line)} values");
        }

        return value;
    }

    /// <summary>Reads the <c>PlusStress</c> header's component order and the values line; returns the virial in eV.</summary>
    private Mat3 ReadVirial(ref Tokens header)
    {
        Span<int> componentOfColumn = stackalloc int[VirialComponents.Length];
        var seen = 0;
        var columns = 0;
        while (header.TryNext(out var token))
        {
            var component = VirialComponentIndex(token);
            if (columns == componentOfColumn.Length || component < 0 || (seen & (1 << component)) != 0)
            {
                throw reader.Error("PlusStress header: expected the six components xx yy zz yz xz xy, each once");
            }

            seen |= 1 << component;
            componentOfColumn[columns++] = component;
        }

        if (columns != VirialComponents.Length)
        {
            throw reader.Error("PlusStress header: expected the six components xx yy zz yz xz xy, each once");
        }

        var line = reader.ReadLine("the six PlusStress values (eV)");
        var count = Tokens.Count(line);
        if (count != VirialComponents.Length)
        {
            throw reader.Error($"PlusStress: expected six values (eV), found {count}");
        }

        Span<double> voigt = stackalloc double[VirialComponents.Length];
        var tokens = new Tokens(line);
        for (var column = 0; column < VirialComponents.Length; column++)
        {
            tokens.TryNext(out var token);
            voigt[componentOfColumn[column]] = NumberText.ParseReal(token, reader, "PlusStress");
        }

        return Mat3.FromVoigt(voigt[0], voigt[1], voigt[2], voigt[3], voigt[4], voigt[5]);
    }

    private static int VirialComponentIndex(ReadOnlySpan<char> name)
    {
        for (var component = 0; component < VirialComponents.Length; component++)
        {
            if (name.SequenceEqual(VirialComponents[component]))
            {
                return component;
            }
        }

        return -1;
    }

    private void ReadFeature(ref Tokens tokens, Frame frame)
    {
        if (!tokens.TryNext(out var nameToken))
        {
            throw reader.Error("Feature: expected a name and a value");
        }

        var name = nameToken.ToString();
        var value = tokens.Rest.ToString();
        if (name == MlipCfgFormat.SpeciesMapFeature)
        {
            frame.SpeciesMap = ParseSpeciesMap(value);
            frame.SpeciesMapLine = reader.LineNumber;
            return;
        }

        frame.Features.Add(KeyValuePair.Create(name, value.Length == 0 ? InfoValue.FromString(value) : InfoText.Parse(value)));
    }

    private int[] ParseSpeciesMap(string text)
    {
        var symbols = text.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var map = new int[symbols.Length];
        for (var type = 0; type < symbols.Length; type++)
        {
            if (!Elements.TryParseSymbol(symbols[type], out map[type]))
            {
                throw reader.Error($"Feature {MlipCfgFormat.SpeciesMapFeature}: '{symbols[type]}' is not a chemical element symbol (expected e.g. Si,O)");
            }
        }

        return map;
    }

    private Structure Build(Frame frame)
    {
        if (frame.Size is null)
        {
            throw reader.Error($"the frame begun on line {frame.BeginLine} has no Size");
        }

        var atoms = frame.Atoms ?? throw reader.Error($"the frame begun on line {frame.BeginLine} has no AtomData");
        var rows = frame.SupercellRows ?? [];
        var periodic = rows.Count;
        var cell = periodic == 0
            ? Cell.Empty
            : new Cell(Mat3.FromRows(rows[0], periodic > 1 ? rows[1] : Vec3.Zero, periodic > 2 ? rows[2] : Vec3.Zero));
        var positions = atoms.Coordinates;
        if (atoms.Direct)
        {
            if (periodic < 3 || cell.IsDegenerate)
            {
                throw reader.Error(atoms.HeaderLine, "direct coordinates need a Supercell of three lattice vectors that span a volume");
            }

            for (var atom = 0; atom < positions.Length; atom++)
            {
                positions[atom] = cell.ToCartesian(positions[atom]);
            }
        }

        var structure = new Structure(cell, new Pbc(periodic > 0, periodic > 1, periodic > 2), MapTypes(frame, atoms), positions);
        foreach (var (name, value) in frame.Features)
        {
            structure.Info[name] = value;
        }

        for (var extra = 0; extra < atoms.ExtraNames.Length; extra++)
        {
            structure.SetArray(AtomArray.OfReals(atoms.ExtraNames[extra], 1, atoms.Extras[extra]));
        }

        Mat3? stress = null;
        if (frame.Virial is { } virial)
        {
            if (periodic < 3 || cell.IsDegenerate)
            {
                throw reader.Error(frame.VirialLine,
                    $"PlusStress needs a 3-D periodic Supercell to become a stress (σ = −virial/V), but this frame is periodic along {periodic} lattice vector{(periodic == 1 ? string.Empty : "s")}");
            }

            stress = LabelSet.StressFromVirial(virial, cell.Volume);
        }

        options.StoreLabels(structure, new LabelSet(frame.Energy, atoms.Forces, stress));
        return structure;
    }

    private int[] MapTypes(Frame frame, AtomTable atoms)
    {
        var types = atoms.Types;
        var numbers = new int[types.Length];
        if (types.Length == 0)
        {
            return numbers;
        }

        // Types were checked against an explicit map as they were read; a map from the frame's feature is only known now.
        var map = (IReadOnlyList<int>?)options.SpeciesMap ?? frame.SpeciesMap ?? throw reader.Error(atoms.HeaderLine,
            $"the atom types have no elements: the frame has no 'Feature {MlipCfgFormat.SpeciesMapFeature}' and no species map was given; " +
            "name the element of each type in type order with --species-map (e.g. --species-map Si,O)");
        for (var atom = 0; atom < types.Length; atom++)
        {
            if (types[atom] >= map.Count)
            {
                throw reader.Error(atoms.HeaderLine + 1 + atom,
                    $"AtomData row {atom + 1}: type {types[atom]} is outside the species map of line {frame.SpeciesMapLine}, which names types 0–{map.Count - 1} ({Symbols(map)})");
            }

            numbers[atom] = map[types[atom]];
        }

        return numbers;
    }

    private static string Symbols(IReadOnlyList<int> map) => string.Join(',', map.Select(Elements.Symbol));

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "...");
}
