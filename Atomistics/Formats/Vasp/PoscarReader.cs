namespace ActiveLearning.Atomistics.Formats.Vasp;

/// <summary>Parses one POSCAR/CONTCAR as <see cref="PoscarFormat"/> describes, failing with the line of any defect.</summary>
internal sealed class PoscarReader(LineReader reader, FormatOptions options)
{
    private const string ModeExpectation = "the coordinate mode line (Direct or Cartesian)";

    public Structure Read()
    {
        var comment = reader.ReadLine("the comment line").Trim().ToString();
        var scaling = ReadScaling();
        // With a target volume, the factor is known only once the lattice rows are read.
        var (lattice, factors) = ReadLattice(scaling);
        var atomicNumbers = ReadSpeciesAndCounts(comment);
        var count = atomicNumbers.Length;

        var line = reader.ReadLine("'Selective dynamics' or " + ModeExpectation);
        var selective = StartsWithAny(line, "sS");
        if (selective)
        {
            line = reader.ReadLine(ModeExpectation);
        }

        var cartesian = ParseMode(line);
        var positions = new Vec3[count];
        var moveMask = selective ? new bool[3 * count] : null;
        for (var atom = 0; atom < count; atom++)
        {
            var what = $"atom {atom + 1} of {count}";
            var tokens = new Tokens(reader.ReadLine($"the coordinates of {what}"));
            var coordinates = ParseVector(ref tokens, $"{what}: coordinates");
            positions[atom] = cartesian ? Scale(coordinates, factors) : coordinates * lattice;
            if (moveMask is not null)
            {
                ParseFlags(ref tokens, moveMask.AsSpan(3 * atom, 3), what);
            }
        }

        var structure = new Structure(new Cell(lattice), Pbc.All, atomicNumbers, positions)
        {
            Velocities = ReadOptionalVelocities(count, lattice),
        };
        if (comment.Length > 0)
        {
            structure.Info["comment"] = comment;
        }

        if (moveMask is not null)
        {
            structure.SetArray(AtomArray.OfBooleans(PoscarFormat.MoveMaskArrayName, 3, moveMask));
        }

        return structure;
    }

    /// <summary>The scaling line: per-axis factors, or a target volume whose factor depends on the lattice rows.</summary>
    private readonly record struct Scaling(Vec3 Factors, double? TargetVolume, long Line);

    private Scaling ReadScaling()
    {
        var line = reader.ReadLine("the scaling factor");
        var tokens = new Tokens(line);
        Span<double> values = stackalloc double[3];
        var found = 0;
        // Text after the numbers is a comment, as VASP's list-directed read ignores it.
        while (found < 4 && tokens.TryNext(out var token) && NumberText.TryParseReal(token, out var value))
        {
            if (found == 3)
            {
                throw reader.Error("the scaling line holds one factor or three per-axis factors, not more");
            }

            values[found++] = value;
        }

        switch (found)
        {
            case 1 when double.IsFinite(values[0]) && values[0] > 0:
                return new Scaling(new Vec3(values[0], values[0], values[0]), null, reader.LineNumber);
            case 1 when double.IsFinite(values[0]) && values[0] < 0:
                return new Scaling(default, -values[0], reader.LineNumber);
            case 1:
                throw reader.Error(
                    $"the scaling factor must be positive (or negative for a target volume in Å³), not {NumberText.FormatReal(values[0])}");
            case 3 when AllPositive(values):
                return new Scaling(new Vec3(values[0], values[1], values[2]), null, reader.LineNumber);
            case 3:
                throw reader.Error("three per-axis scaling factors must all be positive");
            default:
                throw reader.Error($"expected the scaling factor (one number, or three per-axis factors), found '{line.Trim()}'");
        }
    }

    private static bool AllPositive(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the lattice rows; returns the scaled lattice and the per-axis factors that scaled it.</summary>
    private (Mat3 Lattice, Vec3 Factors) ReadLattice(Scaling scaling)
    {
        Span<Vec3> rows = stackalloc Vec3[3];
        for (var row = 0; row < 3; row++)
        {
            var what = $"lattice vector {row + 1}";
            var tokens = new Tokens(reader.ReadLine(what));
            rows[row] = ParseVector(ref tokens, what);
        }

        var raw = Mat3.FromRows(rows[0], rows[1], rows[2]);
        var factors = scaling.Factors;
        if (scaling.TargetVolume is { } volume)
        {
            var rawVolume = Math.Abs(raw.Determinant);
            if (!(rawVolume > 0))
            {
                throw reader.Error(scaling.Line, "a target volume is given, but the lattice vectors span no volume");
            }

            var factor = Math.Cbrt(volume / rawVolume);
            factors = new Vec3(factor, factor, factor);
        }

        var lattice = Mat3.FromRows(Scale(rows[0], factors), Scale(rows[1], factors), Scale(rows[2], factors));
        if (new Cell(lattice).IsDegenerate)
        {
            throw reader.Error("the three lattice vectors span no volume; POSCAR needs a 3-D cell");
        }

        return (lattice, factors);
    }

    // Scaling multiplies Cartesian components, which is what VASP does with three factors (and one factor is the same
    // multiplication on every axis).
    private static Vec3 Scale(Vec3 v, Vec3 factors) => new(v.X * factors.X, v.Y * factors.Y, v.Z * factors.Z);

    /// <summary>Reads the optional VASP 5 species line and the counts line; returns the atomic number of every atom.</summary>
    private int[] ReadSpeciesAndCounts(string comment)
    {
        var line = reader.ReadLine("the species names or the atom counts");
        var first = new Tokens(line);
        if (!first.TryNext(out var firstToken))
        {
            throw reader.Error("expected the species names (VASP 5) or the atom counts (VASP 4), found an empty line");
        }

        List<int> counts;
        List<int> species;
        if (NumberText.TryParseInteger(firstToken, out _))
        {
            counts = ParseCounts(line);
            species = Vasp4Species(comment, counts.Count);
        }
        else
        {
            species = ParseSpeciesNames(line);
            var speciesLine = reader.LineNumber;
            counts = ParseCounts(reader.ReadLine("the atom counts (one integer per species)"));
            if (counts.Count != species.Count)
            {
                throw reader.Error(
                    $"line {speciesLine} names {species.Count} species but this line gives {counts.Count} atom counts; they must match one to one");
            }
        }

        long total = 0;
        foreach (var n in counts)
        {
            total += n;
        }

        if (total > Array.MaxLength / 3)
        {
            throw reader.Error($"{total} atoms are more than this reader can hold");
        }

        var atomicNumbers = new int[total];
        var next = 0;
        for (var group = 0; group < counts.Count; group++)
        {
            atomicNumbers.AsSpan(next, counts[group]).Fill(species[group]);
            next += counts[group];
        }

        return atomicNumbers;
    }

    private List<int> ParseSpeciesNames(ReadOnlySpan<char> line)
    {
        var species = new List<int>();
        var tokens = new Tokens(line);
        while (tokens.TryNext(out var token) && !IsCommentStart(token))
        {
            // POTCAR-derived names carry a flavour or hash suffix: Fe_pv, Si/1a2b3c.
            var cut = token.IndexOfAny('_', '/');
            var symbol = cut > 0 ? token[..cut] : token;
            if (!Elements.TryParseSymbol(symbol, out var atomicNumber))
            {
                throw reader.Error($"species names: '{token}' is not a chemical element symbol");
            }

            species.Add(atomicNumber);
        }

        return species;
    }

    private List<int> ParseCounts(ReadOnlySpan<char> line)
    {
        var counts = new List<int>();
        var tokens = new Tokens(line);
        while (tokens.TryNext(out var token) && !IsCommentStart(token))
        {
            if (!NumberText.TryParseInteger(token, out var count) || count < 0 || count > int.MaxValue)
            {
                throw reader.Error($"atom counts: '{token}' is not a non-negative integer");
            }

            counts.Add((int)count);
        }

        if (counts.Count == 0)
        {
            throw reader.Error("expected the atom counts (one integer per species), found none");
        }

        return counts;
    }

    private static bool IsCommentStart(ReadOnlySpan<char> token) => token[0] is '!' or '#';

    /// <summary>The elements of a VASP 4 file, which has no species line: from the species map, else the comment.</summary>
    private List<int> Vasp4Species(string comment, int groups)
    {
        if (options.SpeciesMap is { } map)
        {
            if (map.Count < groups)
            {
                throw reader.Error(
                    $"the file has {groups} atom groups but the species map names only {map.Count} element{(map.Count == 1 ? string.Empty : "s")}");
            }

            return [.. map.Take(groups)];
        }

        // ASE's convention: VASP 4 files often start the comment with the element of each group.
        var species = new List<int>(groups);
        var tokens = new Tokens(comment);
        while (species.Count < groups && tokens.TryNext(out var token) && Elements.TryParseSymbol(token, out var atomicNumber))
        {
            species.Add(atomicNumber);
        }

        if (species.Count < groups)
        {
            throw reader.Error(
                $"this VASP 4 file has no species line, and its comment does not start with the {groups} element symbol{(groups == 1 ? string.Empty : "s")} " +
                "of its atom groups; name the elements in group order with --species-map (e.g. --species-map Si,O)");
        }

        return species;
    }

    private bool ParseMode(ReadOnlySpan<char> line)
    {
        if (StartsWithAny(line, "cCkK"))
        {
            return true;
        }

        if (StartsWithAny(line, "dD"))
        {
            return false;
        }

        throw reader.Error($"expected {ModeExpectation}, found '{line.Trim()}'");
    }

    private static bool StartsWithAny(ReadOnlySpan<char> line, string letters)
    {
        var trimmed = line.TrimStart();
        return trimmed.Length > 0 && letters.Contains(trimmed[0], StringComparison.Ordinal);
    }

    private Vec3 ParseVector(ref Tokens tokens, string what)
    {
        Span<double> values = stackalloc double[3];
        for (var axis = 0; axis < 3; axis++)
        {
            if (!tokens.TryNext(out var token))
            {
                throw reader.Error($"{what}: expected three numbers, found {axis}");
            }

            values[axis] = NumberText.ParseReal(token, reader, what);
        }

        return new Vec3(values[0], values[1], values[2]);
    }

    private void ParseFlags(ref Tokens tokens, Span<bool> moveMask, string what)
    {
        for (var axis = 0; axis < 3; axis++)
        {
            if (!tokens.TryNext(out var token))
            {
                throw reader.Error($"{what}: expected three selective-dynamics flags (T or F) after the coordinates, found {axis}");
            }

            moveMask[axis] = token switch
            {
                "T" or "t" => true,
                "F" or "f" => false,
                _ => throw reader.Error($"{what}: '{token}' is not a selective-dynamics flag (T or F)"),
            };
        }
    }

    /// <summary>
    /// Reads what CONTCAR may hold after the coordinates: a lattice-velocity block (skipped) and ion velocities, which
    /// follow a blank line (Cartesian) or a mode line. Returns the velocities in Å/fs, or null when there are none.
    /// </summary>
    private Vec3[]? ReadOptionalVelocities(int count, Mat3 lattice)
    {
        var afterBlank = false;
        var coordinatesEnd = reader.LineNumber;
        while (true)
        {
            if (!reader.TryReadLine(out var line))
            {
                return null;
            }

            var trimmed = line.Trim();
            if (trimmed.IsEmpty)
            {
                afterBlank = true;
                continue;
            }

            if (trimmed[0] is 'L' or 'l')
            {
                // "Lattice velocities and vectors", an initialisation flag, three velocity rows, three lattice rows.
                for (var skipped = 0; skipped < 7; skipped++)
                {
                    reader.ReadLine("the rest of the 8-line lattice-velocity block");
                }

                continue;
            }

            bool cartesian;
            if (trimmed[0] is 'C' or 'c' or 'K' or 'k' or 'D' or 'd')
            {
                cartesian = trimmed[0] is not ('D' or 'd');
            }
            else if (afterBlank)
            {
                reader.PushBack();
                cartesian = true;
            }
            else
            {
                throw reader.Error(
                    $"expected a blank line or the end of the file after the {count} atom coordinates (line {coordinatesEnd}), found " +
                    $"'{trimmed}'; do the atom counts match the coordinate lines?");
            }

            return ReadVelocities(count, cartesian, lattice);
        }
    }

    private Vec3[] ReadVelocities(int count, bool cartesian, Mat3 lattice)
    {
        var velocities = new Vec3[count];
        for (var atom = 0; atom < count; atom++)
        {
            var what = $"velocity of atom {atom + 1} of {count}";
            var tokens = new Tokens(reader.ReadLine($"the {what}"));
            var velocity = ParseVector(ref tokens, what);
            // Direct velocities are lattice fractions per fs.
            velocities[atom] = cartesian ? velocity : velocity * lattice;
        }

        return velocities;
    }
}
