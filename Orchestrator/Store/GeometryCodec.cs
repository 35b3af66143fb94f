using System.Buffers.Binary;
using ActiveLearning.Atomistics;

namespace ActiveLearning.Orchestrator.Store;

/// <summary>Compact little-endian blobs for geometries and labels (exact doubles, so a stored structure hashes as it did).</summary>
internal static class GeometryCodec
{
    // Layout: int32 pbc flags, 9 doubles cell (row-major), int32 count, count × int32 atomic numbers, count × 3 doubles positions.
    public static byte[] EncodeGeometry(Structure structure)
    {
        var count = structure.Count;
        var bytes = new byte[4 + (9 * 8) + 4 + (count * 4) + (count * 24)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, (structure.Pbc.A ? 1 : 0) | (structure.Pbc.B ? 2 : 0) | (structure.Pbc.C ? 4 : 0));
        var offset = 4;
        foreach (var value in structure.Cell.Matrix.ToRowMajorArray())
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], value);
            offset += 8;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], count);
        offset += 4;
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], structure.AtomicNumbers[i]);
            offset += 4;
        }

        WriteVectors(span[offset..], structure.Positions);
        return bytes;
    }

    public static Structure DecodeGeometry(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        var flags = BinaryPrimitives.ReadInt32LittleEndian(span);
        Span<double> cell = stackalloc double[9];
        var offset = 4;
        for (var i = 0; i < 9; i++)
        {
            cell[i] = BinaryPrimitives.ReadDoubleLittleEndian(span[offset..]);
            offset += 8;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        offset += 4;
        var numbers = new int[count];
        for (var i = 0; i < count; i++)
        {
            numbers[i] = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            offset += 4;
        }

        var positions = ReadVectors(span[offset..], count);
        return new Structure(new Cell(Mat3.FromRowMajor(cell)), new Pbc((flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0), numbers, positions);
    }

    public static byte[] EncodeVectors(Vec3[] vectors)
    {
        var bytes = new byte[vectors.Length * 24];
        WriteVectors(bytes, vectors);
        return bytes;
    }

    public static Vec3[] DecodeVectors(byte[] bytes) => ReadVectors(bytes, bytes.Length / 24);

    public static byte[] EncodeMatrix(Mat3 matrix)
    {
        var bytes = new byte[72];
        var values = matrix.ToRowMajorArray();
        for (var i = 0; i < 9; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static Mat3 DecodeMatrix(byte[] bytes)
    {
        Span<double> values = stackalloc double[9];
        for (var i = 0; i < 9; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8));
        }

        return Mat3.FromRowMajor(values);
    }

    private static void WriteVectors(Span<byte> span, Vec3[] vectors)
    {
        var offset = 0;
        foreach (var v in vectors)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], v.X);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 8)..], v.Y);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 16)..], v.Z);
            offset += 24;
        }
    }

    private static Vec3[] ReadVectors(ReadOnlySpan<byte> span, int count)
    {
        var vectors = new Vec3[count];
        for (var i = 0; i < count; i++)
        {
            var at = i * 24;
            vectors[i] = new Vec3(
                BinaryPrimitives.ReadDoubleLittleEndian(span[at..]),
                BinaryPrimitives.ReadDoubleLittleEndian(span[(at + 8)..]),
                BinaryPrimitives.ReadDoubleLittleEndian(span[(at + 16)..]));
        }

        return vectors;
    }
}
