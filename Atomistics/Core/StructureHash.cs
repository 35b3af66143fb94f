using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActiveLearning.Atomistics;

/// <summary>
/// Content hash of a structure's geometry: periodic flags, cell vectors, atomic numbers and positions, lengths rounded to
/// <see cref="ResolutionAngstrom"/>. Labels, velocities and info are left out, so the same configuration found again (in
/// another round, from another generator) gets the same hash and is recognised as a duplicate.
/// </summary>
public static class StructureHash
{
    /// <summary>Lengths are rounded to this many Å (1e-5 Å) before hashing, so round-trips through text formats keep the hash.</summary>
    public const double ResolutionAngstrom = 1e-5;

    /// <summary>The hash as 16 lowercase hex digits (the first 64 bits of a SHA-256).</summary>
    public static string Compute(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[8];
        void Add(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
            hash.AppendData(buffer);
        }

        void AddLength(double angstrom) => Add((long)Math.Round(angstrom / ResolutionAngstrom, MidpointRounding.AwayFromZero));

        Add((structure.Pbc.A ? 1 : 0) | (structure.Pbc.B ? 2 : 0) | (structure.Pbc.C ? 4 : 0));
        var cell = structure.Cell.Matrix;
        for (var row = 0; row < 3; row++)
        {
            var vector = cell.Row(row);
            AddLength(vector.X);
            AddLength(vector.Y);
            AddLength(vector.Z);
        }

        Add(structure.Count);
        for (var atom = 0; atom < structure.Count; atom++)
        {
            Add(structure.AtomicNumbers[atom]);
            var position = structure.Positions[atom];
            AddLength(position.X);
            AddLength(position.Y);
            AddLength(position.Z);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
