using System.Globalization;

namespace ActiveLearning.Atomistics.Generators;

/// <summary>The lattice a space group needs: which cell angles must be 90°.</summary>
internal enum CrystalSystem
{
    Triclinic,

    /// <summary>Unique axis b: α = γ = 90°.</summary>
    Monoclinic,

    Orthorhombic,
}

/// <summary>One symmetry operation on fractional coordinates: x' = W·x + w.</summary>
internal readonly record struct SymmetryOperation(Mat3 Rotation, Vec3 Translation)
{
    public Vec3 Apply(Vec3 fractional) => (Rotation * fractional) + Translation;

    public Vec3 ApplyInverse(Vec3 fractional) => Rotation.Inverse() * (fractional - Translation);

    /// <summary>
    /// Parses the International Tables notation, e.g. <c>-x,y+1/2,-z+1/2</c>. A position with fixed coordinates
    /// (<c>x,0,z</c>) parses the same way; its free variables are then substituted by random numbers.
    /// </summary>
    public static SymmetryOperation Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 3)
        {
            throw new FormatException($"'{text}' is not a symmetry operation of three components.");
        }

        Span<double> w = stackalloc double[9];
        Span<double> t = stackalloc double[3];
        for (var row = 0; row < 3; row++)
        {
            var component = parts[row].Trim();
            var position = 0;
            while (position < component.Length)
            {
                var sign = 1.0;
                if (component[position] is '+' or '-')
                {
                    sign = component[position] == '-' ? -1 : 1;
                    position++;
                }

                var c = component[position];
                if (c is 'x' or 'y' or 'z')
                {
                    w[(row * 3) + (c - 'x')] += sign;
                    position++;
                    continue;
                }

                var end = position;
                while (end < component.Length && component[end] is not ('+' or '-'))
                {
                    end++;
                }

                var number = component[position..end];
                var slash = number.IndexOf('/', StringComparison.Ordinal);
                t[row] += sign * (slash < 0
                    ? double.Parse(number, CultureInfo.InvariantCulture)
                    : double.Parse(number[..slash], CultureInfo.InvariantCulture) / double.Parse(number[(slash + 1)..], CultureInfo.InvariantCulture));
                position = end;
            }
        }

        return new SymmetryOperation(Mat3.FromRowMajor(w), new Vec3(t[0], t[1], t[2]));
    }
}

/// <summary>
/// A space group of the small built-in set used for SYMMOPS-style random structures: its operations (one per coset of
/// the lattice translations) and its special Wyckoff positions, from the International Tables (standard settings,
/// monoclinic unique axis b).
/// </summary>
internal sealed class SymmetryGroup
{
    private SymmetryGroup(int number, string symbol, CrystalSystem system, string[] operations, string[] specialPositions)
    {
        Number = number;
        Symbol = symbol;
        System = system;
        Operations = Array.ConvertAll(operations, SymmetryOperation.Parse);
        SpecialPositions = Array.ConvertAll(specialPositions, SymmetryOperation.Parse);
        SpecialPositionIsFixed = Array.ConvertAll(SpecialPositions, p => p.Rotation == default);
    }

    public int Number { get; }

    public string Symbol { get; }

    public CrystalSystem System { get; }

    public SymmetryOperation[] Operations { get; }

    /// <summary>Representatives of the special Wyckoff positions; free coordinates appear as x, y, z.</summary>
    public SymmetryOperation[] SpecialPositions { get; }

    /// <summary>Whether a special position has no free coordinate (so only one atom can sit there).</summary>
    public bool[] SpecialPositionIsFixed { get; }

    public int Order => Operations.Length;

    private static readonly string[] InversionCentres =
        ["0,0,0", "1/2,0,0", "0,1/2,0", "0,0,1/2", "1/2,1/2,0", "1/2,0,1/2", "0,1/2,1/2", "1/2,1/2,1/2"];

    /// <summary>P1, P-1, P2, P2_1, Pm, P2/m, P2_1/c, P2_12_12_1 and Pmm2.</summary>
    public static IReadOnlyList<SymmetryGroup> BuiltIn { get; } =
    [
        new(1, "P1", CrystalSystem.Triclinic, ["x,y,z"], []),
        new(2, "P-1", CrystalSystem.Triclinic, ["x,y,z", "-x,-y,-z"], InversionCentres),
        new(3, "P2", CrystalSystem.Monoclinic, ["x,y,z", "-x,y,-z"], ["0,y,0", "0,y,1/2", "1/2,y,0", "1/2,y,1/2"]),
        new(4, "P2_1", CrystalSystem.Monoclinic, ["x,y,z", "-x,y+1/2,-z"], []),
        new(6, "Pm", CrystalSystem.Monoclinic, ["x,y,z", "x,-y,z"], ["x,0,z", "x,1/2,z"]),
        new(10, "P2/m", CrystalSystem.Monoclinic, ["x,y,z", "-x,y,-z", "-x,-y,-z", "x,-y,z"],
            ["x,0,z", "x,1/2,z", "0,y,0", "1/2,y,0", "0,y,1/2", "1/2,y,1/2", .. InversionCentres]),
        new(14, "P2_1/c", CrystalSystem.Monoclinic, ["x,y,z", "-x,y+1/2,-z+1/2", "-x,-y,-z", "x,-y+1/2,z+1/2"],
            ["0,0,0", "1/2,0,0", "0,0,1/2", "1/2,0,1/2"]),
        new(19, "P2_12_12_1", CrystalSystem.Orthorhombic, ["x,y,z", "-x+1/2,-y,z+1/2", "-x,y+1/2,-z+1/2", "x+1/2,-y+1/2,-z"], []),
        new(25, "Pmm2", CrystalSystem.Orthorhombic, ["x,y,z", "-x,-y,z", "x,-y,z", "-x,y,z"],
            ["x,0,z", "x,1/2,z", "0,y,z", "1/2,y,z", "0,0,z", "0,1/2,z", "1/2,0,z", "1/2,1/2,z"]),
    ];
}
