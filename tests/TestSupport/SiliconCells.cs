using ActiveLearning.Atomistics;

namespace ActiveLearning.TestSupport;

/// <summary>
/// The hand-made silicon cells of the code-driver tests. Positions are literal numbers, not random draws, so the captured
/// inputs under the drivers' Fixtures/ stay reproducible text and the integration tests run the same cells.
/// </summary>
public static class SiliconCells
{
    /// <summary>Fractional positions of the 8 atoms of the conventional cubic diamond cell.</summary>
    public static IReadOnlyList<Vec3> ConventionalFractional { get; } =
    [
        new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0),
        new(0.25, 0.25, 0.25), new(0.25, 0.75, 0.75), new(0.75, 0.25, 0.75), new(0.75, 0.75, 0.25),
    ];

    /// <summary>The displacements (Å) of <see cref="Si8Rattled"/>, one per atom of <see cref="ConventionalFractional"/>.</summary>
    public static IReadOnlyList<Vec3> Si8Displacements { get; } =
    [
        new(0.04, -0.03, 0.02), new(-0.05, 0.01, 0.03), new(0.02, 0.06, -0.04), new(-0.01, -0.02, 0.05),
        new(0.03, 0.02, -0.06), new(-0.04, 0.05, 0.01), new(0.06, -0.01, -0.02), new(-0.02, -0.04, 0.03),
    ];

    /// <summary>A strained triclinic 2-atom cell with displaced atoms: non-zero forces and shear stress.</summary>
    public static Structure Si2Rattled() => Si(
        [new Vec3(0.05, 2.76, 2.70), new Vec3(2.69, -0.03, 2.74), new Vec3(2.72, 2.75, 0.04)],
        [new Vec3(0.03, -0.02, 0.01), new Vec3(1.40, 1.33, 1.37)]);

    /// <summary>The conventional 8-atom cubic cell (a = 5.43 Å) with <see cref="Si8Displacements"/>, then everything
    /// (cell and positions) scaled by <paramref name="scale"/>; 1 leaves the numbers exactly as written.</summary>
    public static Structure Si8Rattled(double scale = 1.0)
    {
        const double a = 5.43;
        var positions = new Vec3[8];
        for (var i = 0; i < 8; i++)
        {
            positions[i] = scale * ((a * ConventionalFractional[i]) + Si8Displacements[i]);
        }

        return Si([new Vec3(scale * a, 0, 0), new Vec3(0, scale * a, 0), new Vec3(0, 0, scale * a)], positions);
    }

    /// <summary>Silicon atoms at Cartesian <paramref name="positions"/> (Å) in the periodic cell with rows
    /// <paramref name="cell"/> (Å).</summary>
    public static Structure Si(Vec3[] cell, Vec3[] positions)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(positions);
        var numbers = new int[positions.Length];
        Array.Fill(numbers, 14);
        return new Structure(new Cell(cell[0], cell[1], cell[2]), Pbc.All, numbers, positions);
    }
}
