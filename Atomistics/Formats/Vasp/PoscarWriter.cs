namespace ActiveLearning.Atomistics.Formats.Vasp;

/// <summary>Writes the one structure of a POSCAR in VASP 5 layout, as <see cref="PoscarFormat"/> describes.</summary>
internal sealed class PoscarWriter(TextWriter writer, string destinationName) : IStructureWriter
{
    public void Write(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        if (structure.Cell.IsDegenerate)
        {
            throw new StructureFormatException(destinationName, 0,
                $"POSCAR needs a 3-D cell, but the lattice vectors of {structure} span no volume");
        }

        if (structure.Count == 0)
        {
            throw new StructureFormatException(destinationName, 0, "POSCAR needs at least one atom; the structure has none");
        }

        var moveMask = FindMoveMask(structure);

        writer.Write(Comment(structure));
        writer.WriteLine();
        writer.WriteLine("1.0");
        for (var row = 0; row < 3; row++)
        {
            WriteVector(structure.Cell[row]);
            writer.WriteLine();
        }

        WriteSpeciesRuns(structure.AtomicNumbers);
        if (moveMask is not null)
        {
            writer.WriteLine("Selective dynamics");
        }

        // Cartesian with scale 1.0 reads back the very doubles written; direct coordinates would not.
        writer.WriteLine("Cartesian");
        var flags = moveMask is null ? null : (bool[])moveMask.Data;
        for (var atom = 0; atom < structure.Count; atom++)
        {
            WriteVector(structure.Positions[atom]);
            if (flags is not null)
            {
                var columns = moveMask!.Columns;
                for (var axis = 0; axis < 3; axis++)
                {
                    writer.Write(flags[(atom * columns) + (columns == 1 ? 0 : axis)] ? " T" : " F");
                }
            }

            writer.WriteLine();
        }

        if (structure.Velocities is { } velocities)
        {
            // CONTCAR's layout: a blank line, then Cartesian velocities in Å/fs.
            writer.WriteLine();
            foreach (var velocity in velocities)
            {
                WriteVector(velocity);
                writer.WriteLine();
            }
        }
    }

    private AtomArray? FindMoveMask(Structure structure)
    {
        var moveMask = structure.FindArray(PoscarFormat.MoveMaskArrayName);
        if (moveMask is not null && (moveMask.Kind != AtomArrayKind.Boolean || moveMask.Columns is not (1 or 3)))
        {
            throw new StructureFormatException(destinationName, 0,
                $"the '{PoscarFormat.MoveMaskArrayName}' array of {structure} is {moveMask.Kind} with {moveMask.Columns} columns; " +
                "selective dynamics needs booleans with one or three columns");
        }

        return moveMask;
    }

    private static string Comment(Structure structure)
    {
        var comment = structure.Info.TryGetValue("comment", out var value) && value.Kind == InfoKind.String
            ? value.AsString()
            : string.Empty;
        if (string.IsNullOrWhiteSpace(comment))
        {
            return structure.Formula;
        }

        // The comment is one line of the file.
        return comment.ReplaceLineEndings(" ").Trim();
    }

    // One species entry per run of equal consecutive elements keeps the atom order exactly (Si O Si stays Si O Si).
    private void WriteSpeciesRuns(int[] atomicNumbers)
    {
        var counts = new List<int>();
        for (var atom = 0; atom < atomicNumbers.Length; atom++)
        {
            if (atom > 0 && atomicNumbers[atom] == atomicNumbers[atom - 1])
            {
                counts[^1]++;
                continue;
            }

            if (atom > 0)
            {
                writer.Write(' ');
            }

            writer.Write(Elements.Symbol(atomicNumbers[atom]));
            counts.Add(1);
        }

        writer.WriteLine();
        for (var run = 0; run < counts.Count; run++)
        {
            if (run > 0)
            {
                writer.Write(' ');
            }

            writer.Write(counts[run].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        writer.WriteLine();
    }

    private void WriteVector(Vec3 v)
    {
        for (var axis = 0; axis < 3; axis++)
        {
            writer.Write(' ');
            NumberText.WriteReal(writer, v[axis]);
        }
    }
}
