using System.Globalization;
using System.Text;

namespace ActiveLearning.Atomistics.Formats.ExtendedXyz;

/// <summary>Writes frames in ASE's layout: count line, comment line (Lattice, Properties, info, results, pbc), atom lines.</summary>
internal sealed class ExtendedXyzWriter(TextWriter writer, string destination) : IStructureWriter
{
    private readonly string[] symbols = BuildSymbols();
    private long frame;

    public void Write(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        frame++;
        CheckWritable(structure);
        var calculated = structure.Calculated;
        var reference = structure.Reference;
        var velocities = structure.Velocities;

        writer.Write(structure.Count.ToString(CultureInfo.InvariantCulture));
        writer.Write('\n');
        WriteComment(structure, calculated, reference, velocities is not null);

        var momenta = velocities is null ? null : MomentaFromVelocities(structure, velocities);
        var forces = calculated?.Forces;
        var referenceForces = reference?.Forces;
        var numbers = structure.AtomicNumbers;
        var positions = structure.Positions;
        var arrays = structure.Arrays;
        for (var i = 0; i < numbers.Length; i++)
        {
            writer.Write(symbols[numbers[i]]);
            WriteVector(positions[i]);
            if (momenta is not null)
            {
                WriteVector(momenta[i]);
            }

            if (forces is not null)
            {
                WriteVector(forces[i]);
            }

            if (referenceForces is not null)
            {
                WriteVector(referenceForces[i]);
            }

            for (var a = 0; a < arrays.Count; a++)
            {
                WriteArrayRow(arrays[a], i);
            }

            writer.Write('\n');
        }
    }

    private void CheckWritable(Structure structure)
    {
        foreach (var key in structure.Info.Keys)
        {
            if (ExtendedXyzFormat.ReservedKeys.Contains(key))
            {
                throw Error($"info key '{key}' would clash with the format's own '{key}'; rename it");
            }

            if (key.Length == 0 || key.AsSpan().IndexOfAny(" \t\"'{}[]=\\") >= 0)
            {
                throw Error($"info key '{key}' is empty or contains white space, quotes, brackets or '='");
            }
        }

        foreach (var array in structure.Arrays)
        {
            if (ExtendedXyzFormat.ReservedColumns.Contains(array.Name) || array.Name.AsSpan().IndexOfAny(": \t") >= 0)
            {
                throw Error($"per-atom array '{array.Name}' clashes with a column the format writes itself or contains ':' or white space");
            }

            if (array.Data is string[] texts)
            {
                foreach (var text in texts)
                {
                    if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAny(" \t\n\r") >= 0)
                    {
                        throw Error($"per-atom array '{array.Name}' holds '{text}', which is empty or contains white space");
                    }
                }
            }
        }
    }

    private StructureFormatException Error(string detail) => new(destination, 0, $"frame {frame}: {detail}");

    private void WriteComment(Structure structure, LabelSet? calculated, LabelSet? reference, bool hasVelocities)
    {
        var cell = structure.Cell.Matrix;
        if (!cell.Equals(default(Mat3)))
        {
            writer.Write("Lattice=\"");
            WriteNumbers(cell.ToRowMajorArray());
            writer.Write("\" ");
        }

        writer.Write("Properties=");
        writer.Write(PropertiesText(structure, calculated?.Forces is not null, reference?.Forces is not null, hasVelocities));
        foreach (var (key, value) in structure.Info)
        {
            writer.Write(' ');
            writer.Write(key);
            writer.Write('=');
            writer.Write(InfoText.Quote(InfoText.Format(value)));
        }

        WriteLabels(string.Empty, calculated);
        WriteLabels("REF_", reference);
        writer.Write(" pbc=\"");
        writer.Write(structure.Pbc.ToString());
        writer.Write("\"\n");
    }

    private void WriteLabels(string prefix, LabelSet? labels)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Energy is { } energy)
        {
            WriteScalar(prefix + "energy", energy);
        }

        if (labels.FreeEnergy is { } freeEnergy)
        {
            WriteScalar(prefix + "free_energy", freeEnergy);
        }

        if (labels.Stress is { } s)
        {
            writer.Write(' ');
            writer.Write(prefix);
            writer.Write("stress=\"");
            // Fortran order, as ASE writes 3×3 keys.
            WriteNumbers([s.XX, s.YX, s.ZX, s.XY, s.YY, s.ZY, s.XZ, s.YZ, s.ZZ]);
            writer.Write('"');
        }
    }

    private void WriteScalar(string key, double value)
    {
        writer.Write(' ');
        writer.Write(key);
        writer.Write('=');
        NumberText.WriteRealTyped(writer, value);
    }

    private void WriteNumbers(ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                writer.Write(' ');
            }

            NumberText.WriteRealTyped(writer, values[i]);
        }
    }

    private static string PropertiesText(Structure structure, bool hasForces, bool hasReferenceForces, bool hasVelocities)
    {
        var text = new StringBuilder("species:S:1:pos:R:3");
        if (hasVelocities)
        {
            text.Append(":momenta:R:3");
        }

        if (hasForces)
        {
            text.Append(":forces:R:3");
        }

        if (hasReferenceForces)
        {
            text.Append(":REF_forces:R:3");
        }

        foreach (var array in structure.Arrays)
        {
            var type = array.Kind switch
            {
                AtomArrayKind.Real => 'R',
                AtomArrayKind.Integer => 'I',
                AtomArrayKind.String => 'S',
                _ => 'L',
            };
            text.Append(CultureInfo.InvariantCulture, $":{array.Name}:{type}:{array.Columns}");
        }

        return text.ToString();
    }

    private void WriteVector(Vec3 v)
    {
        Span<char> buffer = stackalloc char[96];
        var length = 0;
        Append(buffer, ref length, v.X);
        Append(buffer, ref length, v.Y);
        Append(buffer, ref length, v.Z);
        writer.Write(buffer[..length]);
    }

    private static void Append(Span<char> buffer, ref int length, double value)
    {
        buffer[length++] = ' ';
        value.TryFormat(buffer[length..], out var written, "R", CultureInfo.InvariantCulture);
        length += written;
    }

    private void WriteArrayRow(AtomArray array, int atom)
    {
        var offset = atom * array.Columns;
        for (var c = 0; c < array.Columns; c++)
        {
            writer.Write(' ');
            switch (array.Data)
            {
                case double[] reals:
                    NumberText.WriteReal(writer, reals[offset + c]);
                    break;
                case long[] integers:
                    writer.Write(integers[offset + c].ToString(CultureInfo.InvariantCulture));
                    break;
                case string[] texts:
                    writer.Write(texts[offset + c]);
                    break;
                case bool[] flags:
                    writer.Write(flags[offset + c] ? 'T' : 'F');
                    break;
            }
        }
    }

    private static Vec3[] MomentaFromVelocities(Structure structure, Vec3[] velocities)
    {
        var masses = structure.FindArray("masses") is { Kind: AtomArrayKind.Real, Columns: 1 } column
            ? (double[])column.Data
            : structure.Masses();
        var momenta = new Vec3[velocities.Length];
        for (var i = 0; i < momenta.Length; i++)
        {
            momenta[i] = velocities[i] * (masses[i] * Units.AseTime);
        }

        return momenta;
    }

    private static string[] BuildSymbols()
    {
        var table = new string[Elements.MaxAtomicNumber + 1];
        for (var z = 0; z < table.Length; z++)
        {
            table[z] = Elements.Symbol(z);
        }

        return table;
    }
}
