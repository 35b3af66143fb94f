namespace ActiveLearning.Atomistics.Formats.Lammps;

/// <summary>
/// The LAMMPS data file (<c>read_data</c> / <c>write_data</c>) for atom styles <c>atomic</c> and <c>charge</c> in
/// <c>metal</c> units: positions Å, velocities Å/ps (converted to and from Å/fs), masses amu. One structure per file.
/// </summary>
/// <remarks>
/// <para>
/// Reading: the first line is a comment; the header gives the counts and the box (LAMMPS' defaults apply to missing box
/// lines); sections <c>Masses</c>, <c>Atoms</c> (style from its <c># atomic</c> / <c># charge</c> comment, atomic by
/// default), <c>Velocities</c> and <c>Atom Type Labels</c> are read, coefficient sections (<c>Pair Coeffs</c>, …) that
/// LAMMPS' <c>write_data</c> adds are skipped. Atoms come out ordered by id. Image flags are applied (position + n·lattice
/// vector), so unwrapped positions are kept. Positions are shifted so that the box origin (xlo, ylo, zlo) is at zero, as
/// <see cref="Structure"/> has no cell origin. The elements of the atom types come from, in this order,
/// <see cref="FormatOptions.SpeciesMap"/>, element names in <c>Atom Type Labels</c>, element comments in <c>Masses</c>
/// (<c>1 28.085 # Si</c>), or the element whose standard mass is within 0.05 amu of the type's mass. The structure is
/// periodic along all three directions (a data file does not record boundaries). Charges of atom style <c>charge</c> become
/// the real per-atom array <c>charges</c> (elementary charges).
/// </para>
/// <para>
/// Writing: atom style <c>atomic</c>. A cell that is not in LAMMPS' standard orientation is rotated into it together with
/// positions and velocities (see <see cref="LammpsBox"/>); the box starts at 0; tilts are written as they are, never
/// reduced, so the cell round-trips (older LAMMPS versions reject a tilt beyond half the box length unless the input
/// says <c>box tilt large</c>). Types are
/// numbered by <see cref="FormatOptions.SpeciesMap"/> when given, else in order of first appearance; <c>Masses</c> gives
/// each type's standard mass with its element as a comment. Positions are written with full precision and not wrapped, so
/// no image flags are needed. Labels, info, per-atom arrays (charges included) and periodicity cannot be held and are not
/// written.
/// </para>
/// </remarks>
public sealed class LammpsDataFormat : StructureFormat
{
    /// <inheritdoc/>
    public override string Name => "lammps-data";

    /// <inheritdoc/>
    public override string Description => "LAMMPS data file (atom style atomic; charge when reading), metal units";

    /// <inheritdoc/>
    public override bool HoldsManyFrames => false;

    /// <summary>Matches <c>*.data</c>, <c>*.lmp</c>, <c>*.lammps-data</c> and <c>data.*</c> (case-insensitive).</summary>
    public override bool MatchesFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return fileName.EndsWith(".data", StringComparison.OrdinalIgnoreCase)
            || fileName.EndsWith(".lmp", StringComparison.OrdinalIgnoreCase)
            || fileName.EndsWith(".lammps-data", StringComparison.OrdinalIgnoreCase)
            || (fileName.StartsWith("data.", StringComparison.OrdinalIgnoreCase) && fileName.Length > "data.".Length);
    }

    /// <summary>Reads the one structure of a data file.</summary>
    /// <exception cref="StructureFormatException">
    /// The file is malformed (raised while enumerating): a missing or unknown header line or section, a wrong number of
    /// values, a non-numeric value, an atom type outside the declared types, a duplicate or unknown atom id, fewer or more
    /// lines than the header declares, bonds or other molecular topology, or atom types whose element cannot be told.
    /// </exception>
    public override IEnumerable<Structure> Read(LineReader reader, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        return ReadLazily(reader, options);
    }

    private static IEnumerable<Structure> ReadLazily(LineReader reader, FormatOptions options)
    {
        yield return new DataFileReader(reader, options).Read();
    }

    /// <summary>Creates a writer that accepts exactly one structure.</summary>
    /// <remarks>
    /// Its <see cref="IStructureWriter.Write"/> throws <see cref="StructureFormatException"/> on a second structure, on a
    /// degenerate cell (LAMMPS needs a box) and on an element missing from <see cref="FormatOptions.SpeciesMap"/>.
    /// </remarks>
    protected override IStructureWriter CreateFormatWriter(TextWriter writer, string destinationName, FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        return new DataFileWriter(writer, destinationName, options);
    }

    private enum AtomStyle
    {
        Atomic,
        Charge,
    }

    /// <summary>Reads one data file; holds the atoms of the one structure, never the text.</summary>
    private sealed class DataFileReader(LineReader reader, FormatOptions options)
    {
        // Per-type tables are arrays indexed by type; this bound keeps a garbled count from allocating gigabytes.
        private const int MaxTypes = 1_000_000;

        // LAMMPS' defaults for a header that leaves them out.
        private long atomCount;
        private int typeCount;
        private long typeCountLine;
        private double xlo = -0.5, xhi = 0.5, ylo = -0.5, yhi = 0.5, zlo = -0.5, zhi = 0.5;
        private double xy, xz, yz;
        private LammpsBox? box;

        private long[] ids = [];
        private int[] types = [];
        private Vec3[] positions = [];
        private double[]? charges;
        private Vec3[]? velocities;
        private Dictionary<long, int>? indexOfId;
        private bool sawAtoms;

        // Per type (index 1..typeCount): where the element may come from and where to point errors.
        private double[] massOfType = [];
        private long[] massLine = [];
        private int[] elementFromMassComment = [];
        private int[] elementFromLabel = [];
        private long[] firstAtomLineOfType = [];

        public Structure Read()
        {
            if (!reader.TryReadLine(out _))
            {
                throw reader.Error(1, "empty file; expected a LAMMPS data file (a comment line, then the header)");
            }

            ReadHeader();
            ReadSections();
            return Assemble();
        }

        private void ReadHeader()
        {
            while (reader.TryReadLine(out var line))
            {
                var content = LammpsText.SplitComment(line, out _);
                if (content.IsEmpty)
                {
                    continue;
                }

                var first = new Tokens(content);
                first.TryNext(out var firstToken);
                if (!NumberText.TryParseReal(firstToken, out _))
                {
                    // A section keyword ends the header.
                    reader.PushBack();
                    break;
                }

                ParseHeaderLine(content);
            }

            box = CreateBox();
            massOfType = new double[typeCount + 1];
            Array.Fill(massOfType, double.NaN);
            massLine = new long[typeCount + 1];
            elementFromMassComment = new int[typeCount + 1];
            Array.Fill(elementFromMassComment, -1);
            elementFromLabel = new int[typeCount + 1];
            Array.Fill(elementFromLabel, -1);
            firstAtomLineOfType = new long[typeCount + 1];
        }

        private void ParseHeaderLine(ReadOnlySpan<char> content)
        {
            var parts = content.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var numberCount = 0;
            while (numberCount < parts.Length && NumberText.TryParseReal(parts[numberCount], out _))
            {
                numberCount++;
            }

            var keyword = string.Join(' ', parts[numberCount..]);
            var numbers = parts[..numberCount];
            switch (keyword)
            {
                case "atoms":
                    atomCount = Count(numbers, keyword);
                    if (atomCount > Array.MaxLength)
                    {
                        throw reader.Error($"{atomCount} atoms are more than one structure can hold");
                    }

                    break;
                case "atom types":
                    var declaredTypes = Count(numbers, keyword);
                    if (declaredTypes > MaxTypes)
                    {
                        throw reader.Error($"{declaredTypes} atom types is implausibly many (at most {MaxTypes} are read)");
                    }

                    typeCount = (int)declaredTypes;
                    typeCountLine = reader.LineNumber;
                    break;
                case "bonds" or "angles" or "dihedrals" or "impropers" or "crossterms"
                    or "ellipsoids" or "lines" or "triangles" or "bodies":
                    var count = Count(numbers, keyword);
                    if (count != 0)
                    {
                        throw reader.Error(
                            $"{count} {keyword}: only the atomic and charge atom styles can be read, without molecular topology " +
                            "or extended particles");
                    }

                    break;
                case "bond types" or "angle types" or "dihedral types" or "improper types"
                    or "extra bond per atom" or "extra angle per atom" or "extra dihedral per atom"
                    or "extra improper per atom" or "extra special per atom":
                    // Harmless without bonds, angles, … (LAMMPS' write_data leaves such counts in atomic files too).
                    Count(numbers, keyword);
                    break;
                case "xlo xhi":
                    (xlo, xhi) = Bounds(numbers, keyword);
                    break;
                case "ylo yhi":
                    (ylo, yhi) = Bounds(numbers, keyword);
                    break;
                case "zlo zhi":
                    (zlo, zhi) = Bounds(numbers, keyword);
                    break;
                case "xy xz yz":
                    ExpectNumbers(numbers, 3, keyword);
                    xy = Tilt(numbers[0], "xy");
                    xz = Tilt(numbers[1], "xz");
                    yz = Tilt(numbers[2], "yz");
                    break;
                case "avec" or "bvec" or "cvec" or "abc origin":
                    throw reader.Error(
                        $"'{keyword}': general triclinic boxes are not supported; write the data file with a restricted " +
                        "triclinic box (xlo xhi, ylo yhi, zlo zhi, xy xz yz)");
                default:
                    throw reader.Error(
                        $"unknown header line '{content}'; expected e.g. 'N atoms', 'N atom types', 'xlo xhi', 'xy xz yz', " +
                        "or a section name");
            }
        }

        private long Count(string[] numbers, string keyword)
        {
            ExpectNumbers(numbers, 1, keyword);
            var count = NumberText.ParseInteger(numbers[0], reader, $"the number of {keyword}");
            return count >= 0 ? count : throw reader.Error($"the number of {keyword} cannot be negative ({count})");
        }

        private (double Low, double High) Bounds(string[] numbers, string keyword)
        {
            ExpectNumbers(numbers, 2, keyword);
            var low = NumberText.ParseReal(numbers[0], reader, keyword);
            var high = NumberText.ParseReal(numbers[1], reader, keyword);
            if (!(high > low) || !double.IsFinite(high - low))
            {
                throw reader.Error(FormattableString.Invariant($"'{keyword}': the upper bound {high:R} must exceed the lower bound {low:R}"));
            }

            return (low, high);
        }

        private double Tilt(string number, string name)
        {
            var tilt = NumberText.ParseReal(number, reader, $"tilt {name}");
            return double.IsFinite(tilt) ? tilt : throw reader.Error(FormattableString.Invariant($"tilt {name} must be a finite number, not {tilt:R}"));
        }

        private void ExpectNumbers(string[] numbers, int expected, string keyword)
        {
            if (numbers.Length != expected)
            {
                throw reader.Error($"'{keyword}' needs {expected} number{(expected == 1 ? string.Empty : "s")} before it, found {numbers.Length}");
            }
        }

        private LammpsBox CreateBox()
        {
            try
            {
                return new LammpsBox(xhi - xlo, yhi - ylo, zhi - zlo, xy, xz, yz);
            }
            catch (ArgumentException e)
            {
                throw reader.Error(
                    FormattableString.Invariant($"the header's box is invalid (xlo xhi {xlo:R} {xhi:R}, ylo yhi {ylo:R} {yhi:R}, zlo zhi {zlo:R} {zhi:R}): {e.Message}"));
            }
        }

        private void ReadSections()
        {
            string? previous = null;
            long previousCount = 0;
            while (TryReadSectionHeader(previous, previousCount, out var name, out var comment))
            {
                switch (name)
                {
                    case "Atoms":
                        ReadAtoms(comment);
                        previousCount = atomCount;
                        break;
                    case "Velocities":
                        ReadVelocities();
                        previousCount = atomCount;
                        break;
                    case "Masses":
                        ReadMasses();
                        previousCount = typeCount;
                        break;
                    case "Atom Type Labels":
                        ReadTypeLabels();
                        previousCount = typeCount;
                        break;
                    case var coefficients when coefficients.EndsWith(" Coeffs", StringComparison.Ordinal):
                        SkipCoefficients();
                        break;
                    default:
                        throw reader.Error(
                            $"section '{name}' is not supported; a data file of atom style atomic or charge has Masses, Atoms, " +
                            "Velocities and coefficient sections");
                }

                previous = name;
            }
        }

        private bool TryReadSectionHeader(string? previous, long previousCount, out string name, out string comment)
        {
            while (reader.TryReadLine(out var line))
            {
                var content = LammpsText.SplitComment(line, out var commentText);
                if (content.IsEmpty)
                {
                    continue;
                }

                var tokens = new Tokens(content);
                tokens.TryNext(out var first);
                if (NumberText.TryParseReal(first, out _))
                {
                    throw previous is null
                        ? reader.Error($"expected a section name (Masses, Atoms, Velocities, …), found '{content}'")
                        : reader.Error(
                            $"expected a section name after the {previousCount} lines of the {previous} section, found '{content}'; " +
                            "the section has more lines than the header declares");
                }

                name = string.Join(' ', content.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                comment = commentText.ToString();
                return true;
            }

            name = comment = string.Empty;
            return false;
        }

        // The next non-blank data line of a counted section, without its comment.
        private ReadOnlySpan<char> ReadDataLine(string section, long index, long count, string what, out ReadOnlySpan<char> comment)
        {
            while (true)
            {
                var line = reader.ReadLine($"{what} {index + 1} of {count} in the {section} section");
                var content = LammpsText.SplitComment(line, out comment);
                if (content.IsEmpty)
                {
                    continue;
                }

                var tokens = new Tokens(content);
                tokens.TryNext(out var first);
                if (!NumberText.TryParseReal(first, out _))
                {
                    throw reader.Error(
                        $"expected {what} {index + 1} of {count} in the {section} section, found '{content}'; the section has " +
                        "fewer lines than the header declares");
                }

                return content;
            }
        }

        private void ReadAtoms(string styleComment)
        {
            var styleName = styleComment.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "atomic";
            var style = styleName switch
            {
                "atomic" => AtomStyle.Atomic,
                "charge" => AtomStyle.Charge,
                _ => throw reader.Error($"atom style '{styleName}' is not supported; the reader handles atomic and charge"),
            };
            if (sawAtoms)
            {
                throw reader.Error("a second Atoms section");
            }

            sawAtoms = true;
            var count = (int)atomCount;
            ids = new long[count];
            types = new int[count];
            positions = new Vec3[count];
            charges = style == AtomStyle.Charge ? new double[count] : null;
            indexOfId = new Dictionary<long, int>(count);
            var leading = style == AtomStyle.Charge ? 3 : 2;
            var layout = style == AtomStyle.Charge ? "id type q x y z" : "id type x y z";
            var cell = box!.Cell;
            var origin = new Vec3(xlo, ylo, zlo);
            for (var i = 0; i < count; i++)
            {
                var content = ReadDataLine("Atoms", i, count, "atom line", out _);
                var values = Tokens.Count(content);
                if (values != leading + 3 && values != leading + 6)
                {
                    var hint = style == AtomStyle.Atomic && values is 6 or 9
                        ? "; if the atoms carry charges, mark the section 'Atoms # charge'"
                        : string.Empty;
                    throw reader.Error(
                        $"expected {leading + 3} values ({layout}) or {leading + 6} with image flags ix iy iz for atom style " +
                        $"{styleName}, found {values}{hint}");
                }

                var tokens = new Tokens(content);
                var id = NumberText.ParseInteger(Next(ref tokens), reader, "atom id");
                if (id < 1)
                {
                    throw reader.Error($"atom id {id} is not positive");
                }

                if (!indexOfId.TryAdd(id, i))
                {
                    throw reader.Error($"atom id {id} appears twice in the Atoms section");
                }

                var type = NumberText.ParseInteger(Next(ref tokens), reader, "atom type");
                if (type < 1 || type > typeCount)
                {
                    throw reader.Error($"atom type {type} is outside the types 1–{typeCount} the header declares");
                }

                if (firstAtomLineOfType[type] == 0)
                {
                    firstAtomLineOfType[type] = reader.LineNumber;
                }

                if (charges is not null)
                {
                    charges[i] = NumberText.ParseReal(Next(ref tokens), reader, "charge q");
                }

                var position = new Vec3(
                    NumberText.ParseReal(Next(ref tokens), reader, "x"),
                    NumberText.ParseReal(Next(ref tokens), reader, "y"),
                    NumberText.ParseReal(Next(ref tokens), reader, "z")) - origin;
                if (values == leading + 6)
                {
                    var ix = NumberText.ParseInteger(Next(ref tokens), reader, "image flag ix");
                    var iy = NumberText.ParseInteger(Next(ref tokens), reader, "image flag iy");
                    var iz = NumberText.ParseInteger(Next(ref tokens), reader, "image flag iz");
                    position += (ix * cell.A) + (iy * cell.B) + (iz * cell.C);
                }

                ids[i] = id;
                types[i] = (int)type;
                positions[i] = position;
            }
        }

        private void ReadVelocities()
        {
            if (!sawAtoms || indexOfId is null)
            {
                throw reader.Error("the Velocities section must come after the Atoms section");
            }

            if (velocities is not null)
            {
                throw reader.Error("a second Velocities section");
            }

            var count = (int)atomCount;
            velocities = new Vec3[count];
            var seen = new bool[count];
            for (var i = 0; i < count; i++)
            {
                var content = ReadDataLine("Velocities", i, count, "velocity line", out _);
                var values = Tokens.Count(content);
                if (values != 4)
                {
                    throw reader.Error($"expected 4 values (id vx vy vz), found {values}");
                }

                var tokens = new Tokens(content);
                var id = NumberText.ParseInteger(Next(ref tokens), reader, "atom id");
                if (!indexOfId.TryGetValue(id, out var index))
                {
                    throw reader.Error($"atom id {id} has a velocity but is not in the Atoms section");
                }

                if (seen[index])
                {
                    throw reader.Error($"atom id {id} appears twice in the Velocities section");
                }

                seen[index] = true;
                velocities[index] = new Vec3(
                    NumberText.ParseReal(Next(ref tokens), reader, "vx"),
                    NumberText.ParseReal(Next(ref tokens), reader, "vy"),
                    NumberText.ParseReal(Next(ref tokens), reader, "vz")) / Units.Picosecond;
            }
        }

        private void ReadMasses()
        {
            for (var i = 0; i < typeCount; i++)
            {
                var content = ReadDataLine("Masses", i, typeCount, "mass line", out var comment);
                var values = Tokens.Count(content);
                if (values != 2)
                {
                    throw reader.Error($"expected 2 values (type mass), found {values}");
                }

                var tokens = new Tokens(content);
                var type = TypeOfLine(ref tokens, "Masses", massLine);
                var mass = NumberText.ParseReal(Next(ref tokens), reader, "mass");
                if (!(mass > 0) || !double.IsFinite(mass))
                {
                    throw reader.Error(FormattableString.Invariant($"the mass of type {type} must be positive, not {mass:R}"));
                }

                massOfType[type] = mass;
                var commentTokens = new Tokens(comment);
                if (commentTokens.TryNext(out var symbol) && Elements.TryParseSymbol(symbol, out var element))
                {
                    elementFromMassComment[type] = element;
                }
            }
        }

        private void ReadTypeLabels()
        {
            var labelLine = new long[typeCount + 1];
            for (var i = 0; i < typeCount; i++)
            {
                var content = ReadDataLine("Atom Type Labels", i, typeCount, "type label line", out _);
                var values = Tokens.Count(content);
                if (values != 2)
                {
                    throw reader.Error($"expected 2 values (type label), found {values}");
                }

                var tokens = new Tokens(content);
                var type = TypeOfLine(ref tokens, "Atom Type Labels", labelLine);
                if (Elements.TryParseSymbol(Next(ref tokens), out var element))
                {
                    elementFromLabel[type] = element;
                }
            }
        }

        // Parses the type number that starts a Masses or label line; each type may appear once.
        private int TypeOfLine(ref Tokens tokens, string section, long[] lineOfType)
        {
            var type = NumberText.ParseInteger(Next(ref tokens), reader, "atom type");
            if (type < 1 || type > typeCount)
            {
                throw reader.Error($"atom type {type} is outside the types 1–{typeCount} the header declares");
            }

            if (lineOfType[type] != 0)
            {
                throw reader.Error($"atom type {type} appears twice in the {section} section (first on line {lineOfType[type]})");
            }

            lineOfType[type] = reader.LineNumber;
            return (int)type;
        }

        private void SkipCoefficients()
        {
            while (reader.TryReadLine(out var line))
            {
                var content = LammpsText.SplitComment(line, out _);
                if (content.IsEmpty)
                {
                    continue;
                }

                var tokens = new Tokens(content);
                tokens.TryNext(out var first);
                if (!NumberText.TryParseReal(first, out _))
                {
                    reader.PushBack();
                    return;
                }
            }
        }

        private ReadOnlySpan<char> Next(ref Tokens tokens) =>
            tokens.TryNext(out var token) ? token : throw reader.Error("a value is missing");

        private Structure Assemble()
        {
            if (atomCount > 0 && !sawAtoms)
            {
                throw reader.Error(reader.LineNumber, $"the file has no Atoms section, but the header declares {atomCount} atoms");
            }

            var elementOfType = ResolveSpecies();
            var count = ids.Length;
            var order = new int[count];
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }

            Array.Sort((long[])ids.Clone(), order);
            var numbers = new int[count];
            var sortedPositions = new Vec3[count];
            var sortedVelocities = velocities is null ? null : new Vec3[count];
            var sortedCharges = charges is null ? null : new double[count];
            for (var i = 0; i < count; i++)
            {
                var from = order[i];
                numbers[i] = elementOfType[types[from]];
                sortedPositions[i] = positions[from];
                if (sortedVelocities is not null)
                {
                    sortedVelocities[i] = velocities![from];
                }

                if (sortedCharges is not null)
                {
                    sortedCharges[i] = charges![from];
                }
            }

            var structure = new Structure(box!.Cell, Pbc.All, numbers, sortedPositions) { Velocities = sortedVelocities };
            if (sortedCharges is not null)
            {
                structure.SetArray(AtomArray.OfReals("charges", 1, sortedCharges));
            }

            return structure;
        }

        // The element of every atom type that atoms use; types without atoms need none.
        private int[] ResolveSpecies()
        {
            var elementOfType = new int[typeCount + 1];
            var map = options.SpeciesMap;
            for (var type = 1; type <= typeCount; type++)
            {
                if (firstAtomLineOfType[type] == 0)
                {
                    continue;
                }

                if (map is not null)
                {
                    elementOfType[type] = type <= map.Count
                        ? map[type - 1]
                        : throw reader.Error(firstAtomLineOfType[type],
                            $"atom type {type} has no element: --species-map names only {map.Count} type{(map.Count == 1 ? string.Empty : "s")}" +
                            (typeCountLine > 0 ? $" (the header declares {typeCount} atom types on line {typeCountLine})" : string.Empty));
                }
                else if (elementFromLabel[type] >= 0)
                {
                    elementOfType[type] = elementFromLabel[type];
                }
                else if (elementFromMassComment[type] >= 0)
                {
                    elementOfType[type] = elementFromMassComment[type];
                }
                else if (!double.IsNaN(massOfType[type]))
                {
                    elementOfType[type] = LammpsText.ElementOfMass(massOfType[type], out var problem)
                        ?? throw reader.Error(massLine[type],
                            $"cannot tell the element of atom type {type}: {problem}; name the elements with --species-map " +
                            "(e.g. --species-map Si,O) or a comment after the mass (e.g. '1 28.0855 # Si')");
                }
                else
                {
                    throw reader.Error(firstAtomLineOfType[type],
                        $"cannot tell the element of atom type {type}: the file has no mass or element name for it; name the " +
                        "elements in type order with --species-map (e.g. --species-map Si,O)");
                }
            }

            return elementOfType;
        }
    }

    /// <summary>Writes the one structure of a data file.</summary>
    private sealed class DataFileWriter(TextWriter text, string destinationName, FormatOptions options) : IStructureWriter
    {
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

            var numbering = new LammpsTypeNumbering(options.SpeciesMap);
            var types = new int[structure.Count];
            for (var i = 0; i < types.Length; i++)
            {
                types[i] = numbering.TypeOf(structure.AtomicNumbers[i], destinationName);
            }

            text.Write(structure.Formula);
            text.Write(" (written by ActiveLearning; atom style atomic, units metal)\n\n");
            LammpsText.WriteInteger(text, structure.Count);
            text.Write(" atoms\n");
            LammpsText.WriteInteger(text, numbering.ElementOfType.Count);
            text.Write(" atom types\n\n");
            WriteBounds(box.Lx, "xlo xhi");
            WriteBounds(box.Ly, "ylo yhi");
            WriteBounds(box.Lz, "zlo zhi");
            if (!box.IsOrthogonal)
            {
                NumberText.WriteReal(text, box.Xy);
                text.Write(' ');
                NumberText.WriteReal(text, box.Xz);
                text.Write(' ');
                NumberText.WriteReal(text, box.Yz);
                text.Write(" xy xz yz\n");
            }

            text.Write("\nMasses\n\n");
            for (var type = 1; type <= numbering.ElementOfType.Count; type++)
            {
                var element = numbering.ElementOfType[type - 1];
                LammpsText.WriteInteger(text, type);
                text.Write(' ');
                NumberText.WriteReal(text, Elements.Mass(element));
                text.Write(" # ");
                text.Write(Elements.Symbol(element));
                text.Write('\n');
            }

            text.Write("\nAtoms # atomic\n\n");
            for (var i = 0; i < types.Length; i++)
            {
                LammpsText.WriteInteger(text, i + 1);
                text.Write(' ');
                LammpsText.WriteInteger(text, types[i]);
                text.Write(' ');
                WriteVector(box.Rotate(structure.Positions[i]));
            }

            if (structure.Velocities is { } velocities)
            {
                text.Write("\nVelocities\n\n");
                for (var i = 0; i < velocities.Length; i++)
                {
                    LammpsText.WriteInteger(text, i + 1);
                    text.Write(' ');
                    WriteVector(box.Rotate(velocities[i]) * Units.Picosecond);
                }
            }
        }

        private void WriteBounds(double length, string keyword)
        {
            text.Write("0 ");
            NumberText.WriteReal(text, length);
            text.Write(' ');
            text.Write(keyword);
            text.Write('\n');
        }

        private void WriteVector(Vec3 vector)
        {
            NumberText.WriteReal(text, vector.X);
            text.Write(' ');
            NumberText.WriteReal(text, vector.Y);
            text.Write(' ');
            NumberText.WriteReal(text, vector.Z);
            text.Write('\n');
        }
    }
}
