using ActiveLearning.Atomistics;

namespace ActiveLearning.Atomistics.Tests.Generators.NonDiagonal;

/// <summary>The four primitive crystals of Allen &amp; Bartók: fcc Al, bcc W, diamond Si, hcp Mg.</summary>
internal static class PrimitiveCrystals
{
    public static Structure Fcc()
    {
        var h = 4.04 / 2;
        return new Structure(new Cell(new Vec3(0, h, h), new Vec3(h, 0, h), new Vec3(h, h, 0)), Pbc.All, [13], [Vec3.Zero]);
    }

    public static Structure Bcc()
    {
        var h = 3.17 / 2;
        return new Structure(new Cell(new Vec3(-h, h, h), new Vec3(h, -h, h), new Vec3(h, h, -h)), Pbc.All, [74], [Vec3.Zero]);
    }

    public static Structure Diamond()
    {
        var a = 5.43;
        var h = a / 2;
        return new Structure(
            new Cell(new Vec3(0, h, h), new Vec3(h, 0, h), new Vec3(h, h, 0)), Pbc.All, [14, 14], [Vec3.Zero, new Vec3(a / 4, a / 4, a / 4)]);
    }

    public static Structure Hcp()
    {
        double a = 3.21, c = 5.21;
        var cell = new Cell(new Vec3(a, 0, 0), new Vec3(-a / 2, a * Math.Sqrt(3) / 2, 0), new Vec3(0, 0, c));
        return new Structure(
            cell, Pbc.All, [12, 12], [cell.ToCartesian(new Vec3(1.0 / 3, 2.0 / 3, 0.25)), cell.ToCartesian(new Vec3(2.0 / 3, 1.0 / 3, 0.75))]);
    }

    public static Structure ByName(string name) => name switch
    {
        "fcc" => Fcc(),
        "bcc" => Bcc(),
        "diamond" => Diamond(),
        "hcp" => Hcp(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown crystal"),
    };
}
