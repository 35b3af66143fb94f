namespace ActiveLearning.Atomistics;

/// <summary>Periodic boundary conditions along the three lattice vectors.</summary>
public readonly record struct Pbc(bool A, bool B, bool C)
{
    /// <summary>Periodic along all three lattice vectors (a bulk crystal).</summary>
    public static Pbc All => new(true, true, true);

    /// <summary>Not periodic at all (a molecule or cluster).</summary>
    public static Pbc None => new(false, false, false);

    /// <summary>Periodicity of lattice vector 0, 1 or 2.</summary>
    public bool this[int axis] => axis switch
    {
        0 => A,
        1 => B,
        2 => C,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "There are three lattice vectors: 0, 1 and 2."),
    };

    /// <summary>Whether any direction is periodic.</summary>
    public bool Any => A || B || C;

    /// <inheritdoc/>
    public override string ToString() => $"{(A ? 'T' : 'F')} {(B ? 'T' : 'F')} {(C ? 'T' : 'F')}";
}
