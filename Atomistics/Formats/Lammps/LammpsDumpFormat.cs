namespace ActiveLearning.Atomistics.Formats.Lammps;

/// <summary>
/// The LAMMPS text dump of style <c>custom</c> (<c>dump ID group custom N file id type element x y z …</c>) in <c>metal</c>
/// units: positions Å, velocities Å/ps (converted to and from Å/fs), forces eV/Å. Many frames per file, read one at a time.
/// </summary>
/// <remarks>
/// <para>
/// Reading, per frame: <c>ITEM: TIMESTEP</c> becomes the integer info value <c>timestep</c>; the optional
/// <c>ITEM: TIME</c> becomes the real info value <c>time</c> in fs; <c>ITEM: UNITS</c>, when present, must be
/// <c>metal</c>. <c>ITEM: BOX BOUNDS</c> gives the periodicity (both flags <c>p</c> on an axis) and the box; for a
/// triclinic box the bounds are LAMMPS' bounding box, from which the box is recovered. Positions are shifted so that the
/// box origin (xlo, ylo, zlo) is at zero, as <see cref="Structure"/> has no cell origin. Columns:
/// <c>id</c> (rows are ordered by id, as MPI runs write them in any order), <c>element</c> (the element) or <c>type</c>
/// (with <see cref="FormatOptions.SpeciesMap"/>), coordinates as <c>xu yu zu</c>, <c>xsu ysu zsu</c>, <c>x y z</c> or
/// <c>xs ys zs</c> (preferred in this order; wrapped ones are unwrapped with <c>ix iy iz</c> when present), <c>vx vy vz</c>,
/// <c>fx fy fz</c> (stored by <see cref="FormatOptions.StoreLabels"/>), <c>q</c> (the real per-atom array <c>charges</c>);
/// any other column becomes a one-column per-atom array of its name, integer for LAMMPS' integer attributes
/// (<c>mol</c>, <c>proc</c>, <c>procp1</c>) and real otherwise.
/// </para>
/// <para>
/// Writing: a cell not in LAMMPS' standard orientation is rotated into it with positions, velocities and forces (see
/// <see cref="LammpsBox"/>); the box starts at 0. Each frame has <c>ITEM: TIMESTEP</c> (the info value <c>timestep</c> when
/// it is an integer, else the frame's index from 0), the box with <c>pp</c> or <c>ff</c> per axis, and the columns
/// <c>id type element x y z</c>, then <c>vx vy vz</c> with velocities, <c>fx fy fz</c> with the forces of the label set
/// <see cref="FormatOptions.PickLabels"/> chooses, <c>q</c> for the array <c>charges</c>, and every other one-column real
/// or integer per-atom array whose name is a single word. Numbers are written with full precision, positions unwrapped.
/// Types are numbered by the species map, else by first appearance in the file. Energy, stress, other info and
/// multi-column arrays cannot be held and are not written. A structure without a cell (a molecule) is refused: LAMMPS
/// needs a box.
/// </para>
/// </remarks>
public sealed class LammpsDumpFormat : StructureFormat
{
    /// <inheritdoc/>
    public override string Name => "lammps-dump";

    /// <inheritdoc/>
    public override string Description => "LAMMPS text dump, custom style (id type element x y z …), metal units";

    /// <inheritdoc/>
    public override bool HoldsManyFrames => true;

    /// <summary>Matches <c>*.dump</c>, <c>*.lammpstrj</c> and <c>dump.*</c> (case-insensitive).</summary>
    public override bool MatchesFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return fileName.EndsWith(".dump", StringComparison.OrdinalIgnoreCase)
            || fileName.EndsWith(".lammpstrj", StringComparison.OrdinalIgnoreCase)
            || (fileName.StartsWith("dump.", StringComparison.OrdinalIgnoreCase) && fileName.Length > "dump.".Length);
    }

    /// <summary>Reads the frames one at a time.</summary>
    /// <exception cref="StructureFormatException">
    /// A frame is malformed (raised while enumerating, at the frame): a missing or out-of-order <c>ITEM:</c> line, a
    /// truncated frame, a row with the wrong number of values, a non-numeric value, a duplicate id, an unknown element or
    /// type, an incomplete coordinate triple, units other than metal, or types without a species map.
    /// </exception>
    public override IEnumerable<Structure> Read(LineReader reader, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        return ReadLazily(reader, options);
    }

    private static IEnumerable<Structure> ReadLazily(LineReader reader, FormatOptions options)
    {
        var frames = new DumpReader(reader, options);
        while (frames.ReadFrame() is { } structure)
        {
            yield return structure;
        }
    }

    /// <summary>Creates a writer that appends one frame per structure.</summary>
    /// <remarks>
    /// Its <see cref="IStructureWriter.Write"/> throws <see cref="StructureFormatException"/> for a degenerate cell and for an
    /// element missing from <see cref="FormatOptions.SpeciesMap"/>.
    /// </remarks>
    protected override IStructureWriter CreateFormatWriter(TextWriter writer, string destinationName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        return new DumpWriter(writer, destinationName, options);
    }

    // The columns the format interprets itself; a per-atom array of such a name is not written, to keep files readable.
    private static readonly HashSet<string> ReservedColumns =
    [
        "id", "type", "element", "x", "y", "z", "xu", "yu", "zu", "xs", "ys", "zs", "xsu", "ysu", "zsu",
        "ix", "iy", "iz", "vx", "vy", "vz", "fx", "fy", "fz", "q",
    ];

    // LAMMPS' per-atom attributes that are integers (ids and types are read separately).
    private static readonly HashSet<string> IntegerColumns = ["mol", "proc", "procp1"];

    private enum ValueKind
    {
        Real,
        Integer,
        Element,
    }

    private enum CoordinateKind
    {
        Unwrapped,
        ScaledUnwrapped,
        Wrapped,
        ScaledWrapped,
    }

    /// <summary>What the columns of an <c>ITEM: ATOMS</c> line mean; shared by consecutive frames with the same line.</summary>
    private sealed class DumpColumns
    {
        private static readonly (string X, string Y, string Z, CoordinateKind Kind)[] CoordinateSets =
        [
            ("xu", "yu", "zu", CoordinateKind.Unwrapped),
            ("xsu", "ysu", "zsu", CoordinateKind.ScaledUnwrapped),
            ("x", "y", "z", CoordinateKind.Wrapped),
            ("xs", "ys", "zs", CoordinateKind.ScaledWrapped),
        ];

        private DumpColumns(string text, string[] names)
        {
            Text = text;
            Names = names;
            Kinds = new ValueKind[names.Length];
        }

        public string Text { get; }

        public string[] Names { get; }

        public ValueKind[] Kinds { get; }

        public int Id { get; private set; } = -1;

        public int Type { get; private set; } = -1;

        public int Element { get; private set; } = -1;

        public int[] Coordinates { get; private set; } = [];

        public CoordinateKind CoordinateKind { get; private set; }

        public int[]? Images { get; private set; }

        public int[]? Velocities { get; private set; }

        public int[]? Forces { get; private set; }

        public int Charge { get; private set; } = -1;

        public List<int> Extras { get; } = [];

        /// <summary>Interprets the column names after <c>ITEM: ATOMS</c>.</summary>
        /// <exception cref="StructureFormatException">Duplicate names, no coordinates, an incomplete triple, or no way to tell the species.</exception>
        public static DumpColumns Parse(string text, LineReader reader, FormatOptions options)
        {
            var names = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var columns = new DumpColumns(text, names);
            var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                if (!indexOf.TryAdd(names[i], i))
                {
                    throw reader.Error($"column '{names[i]}' appears twice in the ATOMS line");
                }
            }

            var used = new bool[names.Length];
            int Take(string name)
            {
                if (!indexOf.TryGetValue(name, out var index))
                {
                    return -1;
                }

                used[index] = true;
                return index;
            }

            int[]? Triple(string x, string y, string z, string what)
            {
                int[] found = [Take(x), Take(y), Take(z)];
                var present = (found[0] >= 0 ? 1 : 0) + (found[1] >= 0 ? 1 : 0) + (found[2] >= 0 ? 1 : 0);
                return present switch
                {
                    0 => null,
                    3 => found,
                    _ => throw reader.Error($"the {what} columns {x} {y} {z} must come together, but only some are in the ATOMS line"),
                };
            }

            columns.Id = Take("id");
            columns.Type = Take("type");
            columns.Element = Take("element");
            foreach (var (x, y, z, kind) in CoordinateSets)
            {
                var triple = Triple(x, y, z, "coordinate");
                if (triple is not null && columns.Coordinates.Length == 0)
                {
                    columns.Coordinates = triple;
                    columns.CoordinateKind = kind;
                }
            }

            if (columns.Coordinates.Length == 0)
            {
                throw reader.Error("the ATOMS line has no coordinates; expected x y z, xu yu zu, xs ys zs or xsu ysu zsu");
            }

            columns.Images = Triple("ix", "iy", "iz", "image flag");
            columns.Velocities = Triple("vx", "vy", "vz", "velocity");
            columns.Forces = Triple("fx", "fy", "fz", "force");
            columns.Charge = Take("q");
            if (columns.Element < 0 && columns.Type < 0)
            {
                throw reader.Error("the ATOMS line has neither an element nor a type column, so the atoms' elements are unknown");
            }

            if (columns.Element < 0 && options.SpeciesMap is null)
            {
                throw reader.Error(
                    "the dump names no elements (no 'element' column); give the elements of the atom types in order with " +
                    "--species-map (e.g. --species-map Si,O)");
            }

            for (var i = 0; i < names.Length; i++)
            {
                columns.Kinds[i] = ValueKind.Real;
                if (!used[i])
                {
                    columns.Extras.Add(i);
                }
            }

            foreach (var index in (int[])[columns.Id, columns.Type, .. columns.Images ?? []])
            {
                if (index >= 0)
                {
                    columns.Kinds[index] = ValueKind.Integer;
                }
            }

            foreach (var extra in columns.Extras)
            {
                if (IntegerColumns.Contains(names[extra]))
                {
                    columns.Kinds[extra] = ValueKind.Integer;
                }
            }

            if (columns.Element >= 0)
            {
                columns.Kinds[columns.Element] = ValueKind.Element;
            }

            return columns;
        }
    }

    /// <summary>Reads frames one at a time; holds one frame's values, never the file.</summary>
    private sealed class DumpReader(LineReader reader, FormatOptions options)
    {
        private DumpColumns? columns;

        // Per-column value buffers of the current frame (only the one matching the column's kind is used).
        private double[][] reals = [];
        private long[][] integers = [];
        private int[][] elements = [];

        public Structure? ReadFrame()
        {
            if (!TryReadNonBlank(out var line))
            {
                return null;
            }

            double? timeInFemtoseconds = null;
            while (true)
            {
                var item = ItemOf(line);
                if (item.SequenceEqual("TIMESTEP"))
                {
                    break;
                }

                if (item.SequenceEqual("UNITS"))
                {
                    var units = ReadValueLine("the units name").ToString();
                    if (units != "metal")
                    {
                        throw reader.Error($"units '{units}': the reader handles LAMMPS metal units only");
                    }
                }
                else if (item.SequenceEqual("TIME"))
                {
                    timeInFemtoseconds = NumberText.ParseReal(ReadValueLine("the simulation time"), reader, "time") * Units.Picosecond;
                }
                else
                {
                    var hint = !IsItemLine(line) && columns is not null
                        ? "; does the previous frame have more atom rows than its NUMBER OF ATOMS?"
                        : string.Empty;
                    throw reader.Error($"expected 'ITEM: TIMESTEP' to start a frame, found '{line}'{hint}");
                }

                line = reader.ReadLine("'ITEM: TIMESTEP'");
            }

            var timestep = NumberText.ParseInteger(ReadValueLine("the timestep"), reader, "timestep");
            ExpectItem("NUMBER OF ATOMS");
            var atomCount = NumberText.ParseInteger(ReadValueLine("the number of atoms"), reader, "number of atoms");
            if (atomCount < 0 || atomCount > Array.MaxLength)
            {
                throw reader.Error($"the number of atoms must be between 0 and {Array.MaxLength}, not {atomCount}");
            }

            var (box, origin, pbc) = ReadBox();
            var atomsItem = ExpectItem("ATOMS");
            var columnText = atomsItem["ATOMS".Length..].Trim();
            if (columns is null || !columnText.SequenceEqual(columns.Text))
            {
                columns = DumpColumns.Parse(columnText.ToString(), reader, options);
            }

            var count = (int)atomCount;
            var firstRowLine = reader.LineNumber + 1;
            ReadRows(count);
            var structure = Assemble(count, firstRowLine, box, origin, pbc);
            structure.Info["timestep"] = timestep;
            if (timeInFemtoseconds is { } time)
            {
                structure.Info["time"] = time;
            }

            return structure;
        }

        private bool TryReadNonBlank(out ReadOnlySpan<char> line)
        {
            while (reader.TryReadLine(out line))
            {
                if (!line.IsWhiteSpace())
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsItemLine(ReadOnlySpan<char> line) => line.TrimStart().StartsWith("ITEM:", StringComparison.Ordinal);

        // The text after "ITEM:", or empty when the line is not an item line.
        private static ReadOnlySpan<char> ItemOf(ReadOnlySpan<char> line) =>
            IsItemLine(line) ? line.Trim()["ITEM:".Length..].Trim() : default;

        private ReadOnlySpan<char> ExpectItem(string name)
        {
            var line = reader.ReadLine($"'ITEM: {name}'");
            var item = ItemOf(line);
            if (!item.StartsWith(name, StringComparison.Ordinal)
                || (item.Length > name.Length && !char.IsWhiteSpace(item[name.Length])))
            {
                throw reader.Error($"expected 'ITEM: {name}', found '{line}'");
            }

            return item;
        }

        // The single value on the line after an item.
        private ReadOnlySpan<char> ReadValueLine(string what)
        {
            var line = reader.ReadLine(what);
            var tokens = new Tokens(line);
            if (!tokens.TryNext(out var value) || tokens.TryNext(out _) || value.StartsWith("ITEM:", StringComparison.Ordinal))
            {
                throw reader.Error($"expected {what} alone on the line, found '{line}'");
            }

            return value;
        }

        private (LammpsBox Box, Vec3 Origin, Pbc Pbc) ReadBox()
        {
            var item = ExpectItem("BOX BOUNDS");
            var tokens = new Tokens(item["BOX BOUNDS".Length..]);
            var triclinic = false;
            Span<bool> periodic = stackalloc bool[3];
            var axis = 0;
            while (tokens.TryNext(out var token))
            {
                if (axis == 0 && !triclinic && token.SequenceEqual("xy"))
                {
                    if (!tokens.TryNext(out var second) || !second.SequenceEqual("xz") || !tokens.TryNext(out var third) || !third.SequenceEqual("yz"))
                    {
                        throw reader.Error("expected the tilt names 'xy xz yz' in the BOX BOUNDS line");
                    }

                    triclinic = true;
                    continue;
                }

                if (token.SequenceEqual("abc"))
                {
                    throw reader.Error("general triclinic boxes (BOX BOUNDS abc origin) are not supported; dump the restricted triclinic box");
                }

                if (axis == 3 || token.Length != 2 || "pfsm".IndexOf(token[0]) < 0 || "pfsm".IndexOf(token[1]) < 0)
                {
                    throw reader.Error($"'{token}' is not a boundary flag pair; expected three like 'pp pp pp' (p, f, s or m for each side)");
                }

                if ((token[0] == 'p') != (token[1] == 'p'))
                {
                    throw reader.Error($"boundary '{token}' is periodic on one side only");
                }

                periodic[axis++] = token[0] == 'p';
            }

            if (axis != 3)
            {
                throw reader.Error("the BOX BOUNDS line needs three boundary flag pairs, e.g. 'pp pp pp'");
            }

            var pbc = new Pbc(periodic[0], periodic[1], periodic[2]);
            var (xloBound, xhiBound, xy) = ReadBoundsLine("x", triclinic, "xy");
            var (yloBound, yhiBound, xz) = ReadBoundsLine("y", triclinic, "xz");
            var (zlo, zhi, yz) = ReadBoundsLine("z", triclinic, "yz");

            // LAMMPS writes the bounding box of a tilted box; its faces are the box's plus the extremes of the tilts.
            var xlo = xloBound - Math.Min(Math.Min(0, xy), Math.Min(xz, xy + xz));
            var xhi = xhiBound - Math.Max(Math.Max(0, xy), Math.Max(xz, xy + xz));
            var ylo = yloBound - Math.Min(0, yz);
            var yhi = yhiBound - Math.Max(0, yz);
            try
            {
                return (new LammpsBox(xhi - xlo, yhi - ylo, zhi - zlo, xy, xz, yz), new Vec3(xlo, ylo, zlo), pbc);
            }
            catch (ArgumentException e)
            {
                throw reader.Error($"the box bounds do not form a box: {e.Message}");
            }
        }

        private (double Low, double High, double Tilt) ReadBoundsLine(string axis, bool triclinic, string tiltName)
        {
            var line = reader.ReadLine($"the {axis} bounds of the box");
            var values = Tokens.Count(line);
            var expected = triclinic ? 3 : 2;
            if (values != expected)
            {
                throw reader.Error(triclinic
                    ? $"expected 3 values ({axis}lo_bound {axis}hi_bound {tiltName}) for a triclinic box, found {values}"
                    : $"expected 2 values ({axis}lo {axis}hi), found {values}");
            }

            var tokens = new Tokens(line);
            tokens.TryNext(out var low);
            tokens.TryNext(out var high);
            var tilt = 0.0;
            if (triclinic)
            {
                tokens.TryNext(out var tiltText);
                tilt = NumberText.ParseReal(tiltText, reader, $"tilt {tiltName}");
            }

            return (NumberText.ParseReal(low, reader, $"{axis}lo"), NumberText.ParseReal(high, reader, $"{axis}hi"), tilt);
        }

        private void ReadRows(int count)
        {
            var names = columns!.Names;
            var kinds = columns.Kinds;
            EnsureBuffers(count);
            for (var row = 0; row < count; row++)
            {
                var line = reader.ReadLine($"atom row {row + 1} of {count}");
                if (IsItemLine(line))
                {
                    throw reader.Error($"the frame ends after {row} of its {count} atom rows: found '{line}'");
                }

                var tokens = new Tokens(line);
                for (var column = 0; column < names.Length; column++)
                {
                    if (!tokens.TryNext(out var token))
                    {
                        throw WrongValueCount(line);
                    }

                    switch (kinds[column])
                    {
                        case ValueKind.Real:
                            reals[column][row] = NumberText.ParseReal(token, reader, names[column]);
                            break;
                        case ValueKind.Integer:
                            integers[column][row] = NumberText.ParseInteger(token, reader, names[column]);
                            break;
                        default:
                            elements[column][row] = Elements.TryParseSymbol(token, out var element)
                                ? element
                                : throw reader.Error($"element: '{token}' is not a chemical element symbol");
                            break;
                    }
                }

                if (tokens.TryNext(out _))
                {
                    throw WrongValueCount(line);
                }
            }
        }

        private StructureFormatException WrongValueCount(ReadOnlySpan<char> line) =>
            reader.Error($"expected {columns!.Names.Length} values ({columns.Text}), found {Tokens.Count(line)}");

        private void EnsureBuffers(int count)
        {
            var names = columns!.Names;
            if (reals.Length < names.Length)
            {
                Array.Resize(ref reals, names.Length);
                Array.Resize(ref integers, names.Length);
                Array.Resize(ref elements, names.Length);
            }

            for (var column = 0; column < names.Length; column++)
            {
                switch (columns.Kinds[column])
                {
                    case ValueKind.Real:
                        Ensure(ref reals[column], count);
                        break;
                    case ValueKind.Integer:
                        Ensure(ref integers[column], count);
                        break;
                    default:
                        Ensure(ref elements[column], count);
                        break;
                }
            }
        }

        private static void Ensure<T>(ref T[] buffer, int count)
        {
            if (buffer is null || buffer.Length < count)
            {
                buffer = new T[count];
            }
        }

        private Structure Assemble(int count, long firstRowLine, LammpsBox box, Vec3 origin, Pbc pbc)
        {
            var c = columns!;
            var order = RowOrder(count, firstRowLine);
            var numbers = new int[count];
            var positions = new Vec3[count];
            var cell = box.Cell;
            var coordinates = c.Coordinates;
            var scaled = c.CoordinateKind is CoordinateKind.ScaledUnwrapped or CoordinateKind.ScaledWrapped;
            var applyImages = c.Images is not null && c.CoordinateKind is CoordinateKind.Wrapped or CoordinateKind.ScaledWrapped;
            for (var i = 0; i < count; i++)
            {
                var row = order[i];
                numbers[i] = ElementOfRow(row, firstRowLine);
                var raw = new Vec3(reals[coordinates[0]][row], reals[coordinates[1]][row], reals[coordinates[2]][row]);
                var position = scaled ? cell.ToCartesian(raw) : raw - origin;
                if (applyImages)
                {
                    var images = c.Images!;
                    position += (integers[images[0]][row] * cell.A) + (integers[images[1]][row] * cell.B) + (integers[images[2]][row] * cell.C);
                }

                positions[i] = position;
            }

            var structure = new Structure(cell, pbc, numbers, positions);
            if (c.Velocities is { } velocityColumns)
            {
                structure.Velocities = Vectors(velocityColumns, order, Units.Picosecond);
            }

            if (c.Forces is { } forceColumns)
            {
                options.StoreLabels(structure, new LabelSet(Forces: Vectors(forceColumns, order, 1)));
            }

            if (c.Charge >= 0)
            {
                structure.SetArray(AtomArray.OfReals("charges", 1, Reals(c.Charge, order)));
            }

            foreach (var extra in c.Extras)
            {
                structure.SetArray(c.Kinds[extra] == ValueKind.Integer
                    ? AtomArray.OfIntegers(c.Names[extra], 1, Integers(extra, order))
                    : AtomArray.OfReals(c.Names[extra], 1, Reals(extra, order)));
            }

            return structure;
        }

        // Rows in increasing id, or in file order without an id column.
        private int[] RowOrder(int count, long firstRowLine)
        {
            var order = new int[count];
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }

            if (columns!.Id < 0)
            {
                return order;
            }

            var ids = integers[columns.Id].AsSpan(0, count).ToArray();
            Array.Sort(ids, order);
            for (var i = 1; i < count; i++)
            {
                if (ids[i] == ids[i - 1])
                {
                    var (first, second) = (Math.Min(order[i], order[i - 1]), Math.Max(order[i], order[i - 1]));
                    throw reader.Error(firstRowLine + second, $"atom id {ids[i]} appears twice in the frame (also on line {firstRowLine + first})");
                }
            }

            return order;
        }

        private int ElementOfRow(int row, long firstRowLine)
        {
            var c = columns!;
            if (c.Element >= 0)
            {
                return elements[c.Element][row];
            }

            var type = integers[c.Type][row];
            var map = options.SpeciesMap!;
            return type >= 1 && type <= map.Count
                ? map[(int)type - 1]
                : throw reader.Error(firstRowLine + row,
                    $"atom type {type} has no element: --species-map names types 1–{map.Count}");
        }

        // The vectors of three columns in row order, each component divided by the unit conversion.
        private Vec3[] Vectors(int[] columnsOfAxes, int[] order, double divisor)
        {
            var (x, y, z) = (reals[columnsOfAxes[0]], reals[columnsOfAxes[1]], reals[columnsOfAxes[2]]);
            var vectors = new Vec3[order.Length];
            for (var i = 0; i < order.Length; i++)
            {
                var row = order[i];
                vectors[i] = new Vec3(x[row] / divisor, y[row] / divisor, z[row] / divisor);
            }

            return vectors;
        }

        private double[] Reals(int column, int[] order)
        {
            var source = reals[column];
            var values = new double[order.Length];
            for (var i = 0; i < order.Length; i++)
            {
                values[i] = source[order[i]];
            }

            return values;
        }

        private long[] Integers(int column, int[] order)
        {
            var source = integers[column];
            var values = new long[order.Length];
            for (var i = 0; i < order.Length; i++)
            {
                values[i] = source[order[i]];
            }

            return values;
        }
    }

    /// <summary>Appends one frame per structure, numbering types consistently across the file.</summary>
    private sealed class DumpWriter(TextWriter text, string destinationName, FormatOptions options) : IStructureWriter
    {
        private readonly LammpsTypeNumbering numbering = new(options.SpeciesMap);
        private long frameIndex;

        public void Write(Structure structure)
        {
            ArgumentNullException.ThrowIfNull(structure);
            LammpsBox box;
            try
            {
                box = LammpsBox.FromCell(structure.Cell);
            }
            catch (ArgumentException e)
            {
                throw new StructureFormatException(destinationName, 0, e.Message, e);
            }

            var types = new int[structure.Count];
            for (var i = 0; i < types.Length; i++)
            {
                types[i] = numbering.TypeOf(structure.AtomicNumbers[i], destinationName);
            }

            var forces = options.PickLabels(structure)?.Forces;
            var extras = WritableArrays(structure);
            var timestep = structure.Info.TryGetValue("timestep", out var value) && value.Kind == InfoKind.Integer
                ? value.AsInteger()
                : frameIndex;

            text.Write("ITEM: TIMESTEP\n");
            LammpsText.WriteInteger(text, timestep);
            text.Write("\nITEM: NUMBER OF ATOMS\n");
            LammpsText.WriteInteger(text, structure.Count);
            text.Write('\n');
            WriteBox(box, structure.Pbc);
            text.Write("ITEM: ATOMS id type element x y z");
            if (structure.Velocities is not null)
            {
                text.Write(" vx vy vz");
            }

            if (forces is not null)
            {
                text.Write(" fx fy fz");
            }

            foreach (var extra in extras)
            {
                text.Write(' ');
                text.Write(extra.Name == "charges" ? "q" : extra.Name);
            }

            text.Write('\n');
            for (var i = 0; i < types.Length; i++)
            {
                LammpsText.WriteInteger(text, i + 1);
                text.Write(' ');
                LammpsText.WriteInteger(text, types[i]);
                text.Write(' ');
                text.Write(structure.Symbol(i));
                WriteVector(box.Rotate(structure.Positions[i]));
                if (structure.Velocities is { } velocities)
                {
                    WriteVector(box.Rotate(velocities[i]) * Units.Picosecond);
                }

                if (forces is not null)
                {
                    WriteVector(box.Rotate(forces[i]));
                }

                foreach (var extra in extras)
                {
                    text.Write(' ');
                    if (extra.Kind == AtomArrayKind.Integer)
                    {
                        LammpsText.WriteInteger(text, ((long[])extra.Data)[i]);
                    }
                    else
                    {
                        NumberText.WriteReal(text, ((double[])extra.Data)[i]);
                    }
                }

                text.Write('\n');
            }

            frameIndex++;
        }

        // One-column real or integer arrays whose name can be a column; charges first, as LAMMPS' q.
        private static List<AtomArray> WritableArrays(Structure structure)
        {
            var writable = new List<AtomArray>();
            if (structure.FindArray("charges") is { Kind: AtomArrayKind.Real, Columns: 1 } charges)
            {
                writable.Add(charges);
            }

            foreach (var array in structure.Arrays)
            {
                if (array.Columns == 1
                    && array.Kind is AtomArrayKind.Real or AtomArrayKind.Integer
                    && array.Name != "charges"
                    && !ReservedColumns.Contains(array.Name)
                    && !array.Name.StartsWith("ITEM", StringComparison.Ordinal)
                    && array.Name.AsSpan().IndexOfAny(" \t\r\n") < 0)
                {
                    writable.Add(array);
                }
            }

            return writable;
        }

        private void WriteBox(LammpsBox box, Pbc pbc)
        {
            if (box.IsOrthogonal)
            {
                text.Write("ITEM: BOX BOUNDS ");
                WriteFlags(pbc);
                WriteBoundsLine(0, box.Lx, null);
                WriteBoundsLine(0, box.Ly, null);
                WriteBoundsLine(0, box.Lz, null);
                return;
            }

            // LAMMPS' dump gives the bounding box of the tilted box, with the tilts on the same lines.
            var (xy, xz, yz) = (box.Xy, box.Xz, box.Yz);
            text.Write("ITEM: BOX BOUNDS xy xz yz ");
            WriteFlags(pbc);
            WriteBoundsLine(Math.Min(Math.Min(0, xy), Math.Min(xz, xy + xz)), box.Lx + Math.Max(Math.Max(0, xy), Math.Max(xz, xy + xz)), xy);
            WriteBoundsLine(Math.Min(0, yz), box.Ly + Math.Max(0, yz), xz);
            WriteBoundsLine(0, box.Lz, yz);
        }

        private void WriteFlags(Pbc pbc)
        {
            text.Write(pbc.A ? "pp " : "ff ");
            text.Write(pbc.B ? "pp " : "ff ");
            text.Write(pbc.C ? "pp\n" : "ff\n");
        }

        private void WriteBoundsLine(double low, double high, double? tilt)
        {
            NumberText.WriteReal(text, low);
            text.Write(' ');
            NumberText.WriteReal(text, high);
            if (tilt is { } value)
            {
                text.Write(' ');
                NumberText.WriteReal(text, value);
            }

            text.Write('\n');
        }

        private void WriteVector(Vec3 vector)
        {
            text.Write(' ');
            NumberText.WriteReal(text, vector.X);
            text.Write(' ');
            NumberText.WriteReal(text, vector.Y);
            text.Write(' ');
            NumberText.WriteReal(text, vector.Z);
        }
    }
}
