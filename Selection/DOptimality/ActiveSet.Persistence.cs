using System.Buffers.Binary;
using System.Text;

namespace ActiveLearning.Selection.DOptimality;

/// <summary>
/// File format (little-endian binary, version 1): the 8 ASCII bytes <c>ALACTSET</c>; int32 version; int32 m; then for
/// each of the m positions int32 frame, int32 item and m float64 row values; then m·m float64 of A⁻¹ (stored so a
/// resumed campaign grades bit-identically without re-inverting); then the uint64 FNV-1a hash of every preceding byte.
/// The reader checks the magic, version, the exact file length implied by m, the hash and that A⁻¹ is finite.
/// </summary>
public sealed partial class ActiveSet
{
    private const string Magic = "ALACTSET";
    private const int FormatVersion = 1;

    /// <summary>Writes the active set to <paramref name="path"/> (via a temporary file and a rename, so a crash leaves the old file).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var m = Columns;
        var buffer = new byte[ExpectedLength(m)];
        var span = buffer.AsSpan();
        Encoding.ASCII.GetBytes(Magic, span);
        var offset = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[(offset + 4)..], m);
        offset += 8;
        for (var position = 0; position < m; position++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], ids[position].Frame);
            BinaryPrimitives.WriteInt32LittleEndian(span[(offset + 4)..], ids[position].Item);
            offset += 8;
            for (var k = 0; k < m; k++, offset += 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], rows[position * m + k]);
            }
        }

        foreach (var value in inverse)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], value);
            offset += 8;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], Fnv1a(span[..offset]));
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, buffer);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads an active set written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Wrong magic or version, truncated or padded file, hash mismatch, non-finite inverse; the message names the file.</exception>
    public static ActiveSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var data = File.ReadAllBytes(path);
        var span = data.AsSpan();
        const int header = 16;
        if (data.Length < header || Encoding.ASCII.GetString(data, 0, Magic.Length) != Magic)
        {
            throw new InvalidDataException($"{path}: not an active-set file (missing '{Magic}' header)");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path}: active-set format version {version} is not supported (expected {FormatVersion})");
        }

        var m = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        if (m < 1 || m > 100_000 || data.Length != ExpectedLength(m))
        {
            throw new InvalidDataException($"{path}: length {data.Length} bytes does not match an active set of {m} columns");
        }

        var end = data.Length - 8;
        if (BinaryPrimitives.ReadUInt64LittleEndian(span[end..]) != Fnv1a(span[..end]))
        {
            throw new InvalidDataException($"{path}: checksum mismatch (the file is corrupt)");
        }

        var rows = new double[m * m];
        var ids = new RowId[m];
        var offset = header;
        for (var position = 0; position < m; position++)
        {
            ids[position] = new RowId(BinaryPrimitives.ReadInt32LittleEndian(span[offset..]), BinaryPrimitives.ReadInt32LittleEndian(span[(offset + 4)..]));
            offset += 8;
            for (var k = 0; k < m; k++, offset += 8)
            {
                rows[position * m + k] = BinaryPrimitives.ReadDoubleLittleEndian(span[offset..]);
            }
        }

        var inverse = new double[m * m];
        for (var k = 0; k < inverse.Length; k++, offset += 8)
        {
            inverse[k] = BinaryPrimitives.ReadDoubleLittleEndian(span[offset..]);
            if (!double.IsFinite(inverse[k]))
            {
                throw new InvalidDataException($"{path}: non-finite value in the stored inverse");
            }
        }

        return new ActiveSet(m, rows, ids, inverse, converged: true);
    }

    private static long ExpectedLength(int m) => 16 + (long)m * (8 + 8L * m) + 8L * m * m + 8;

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
