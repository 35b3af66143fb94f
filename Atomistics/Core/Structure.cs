using System.Text;

namespace ActiveLearning.Atomistics;

/// <summary>
/// An atomic configuration: cell, periodicity, species and positions, optional velocities, free-form info and per-atom
/// arrays, and up to two label sets — the reference labels a model is fitted to and the results of the last calculation.
/// </summary>
/// <remarks>
/// Units: positions Å, velocities Å/fs, energies eV, forces eV/Å, stress eV/Å³ (ASE's sign). The per-atom arrays are held
/// by reference and are mutable; a structure is not thread-safe. Use <see cref="Clone"/> before handing a structure to
/// code that changes it.
/// </remarks>
public sealed class Structure
{
    private Vec3[]? velocities;
    private LabelSet? reference;
    private LabelSet? calculated;

    /// <summary>Creates a structure.</summary>
    /// <param name="cell">Lattice vectors (Å); <see cref="Cell.Empty"/> for a molecule.</param>
    /// <param name="pbc">Periodic directions.</param>
    /// <param name="atomicNumbers">Atomic number per atom (0 is the dummy element X).</param>
    /// <param name="positions">Cartesian positions in Å, one per atom.</param>
    /// <exception cref="ArgumentException">Lengths differ, an atomic number is out of range, or a periodic direction has a zero lattice vector.</exception>
    public Structure(Cell cell, Pbc pbc, int[] atomicNumbers, Vec3[] positions)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(atomicNumbers);
        ArgumentNullException.ThrowIfNull(positions);
        if (atomicNumbers.Length != positions.Length)
        {
            throw new ArgumentException($"{atomicNumbers.Length} atomic numbers but {positions.Length} positions.");
        }

        foreach (var z in atomicNumbers)
        {
            if ((uint)z > (uint)Elements.MaxAtomicNumber)
            {
                throw new ArgumentException($"Atomic number {z} is not an element (0–{Elements.MaxAtomicNumber}).", nameof(atomicNumbers));
            }
        }

        CheckPeriodicVectors(cell, pbc);
        this.cell = cell;
        this.pbc = pbc;
        AtomicNumbers = atomicNumbers;
        Positions = positions;
    }

    /// <summary>The cell (Å).</summary>
    /// <exception cref="ArgumentException">A periodic direction would get a zero lattice vector.</exception>
    public Cell Cell
    {
        get => cell;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckPeriodicVectors(value, pbc);
            cell = value;
        }
    }

    /// <summary>Periodic directions.</summary>
    /// <exception cref="ArgumentException">A periodic direction would have a zero lattice vector.</exception>
    public Pbc Pbc
    {
        get => pbc;
        set
        {
            CheckPeriodicVectors(cell, value);
            pbc = value;
        }
    }

    private Cell cell;
    private Pbc pbc;

    private static void CheckPeriodicVectors(Cell cell, Pbc pbc)
    {
        for (var axis = 0; axis < 3; axis++)
        {
            if (pbc[axis] && cell[axis].LengthSquared == 0)
            {
                throw new ArgumentException($"Lattice vector {"abc"[axis]} is zero but the structure is periodic along it.");
            }
        }
    }

    /// <summary>Number of atoms.</summary>
    public int Count => Positions.Length;

    /// <summary>Atomic number of each atom.</summary>
    public int[] AtomicNumbers { get; }

    /// <summary>Cartesian positions in Å.</summary>
    public Vec3[] Positions { get; }

    /// <summary>Velocities in Å/fs, or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">The length differs from the number of atoms.</exception>
    public Vec3[]? Velocities
    {
        get => velocities;
        set => velocities = CheckLength(value, nameof(Velocities));
    }

    /// <summary>Reference labels (what a model is fitted to), or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">The forces' length differs from the number of atoms.</exception>
    public LabelSet? Reference
    {
        get => reference;
        set => reference = CheckLabels(value, nameof(Reference));
    }

    /// <summary>Results of the last calculation on this structure (ASE's calculator results), or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">The forces' length differs from the number of atoms.</exception>
    public LabelSet? Calculated
    {
        get => calculated;
        set => calculated = CheckLabels(value, nameof(Calculated));
    }

    /// <summary>Free-form per-structure values, in insertion order (file order when read).</summary>
    public OrderedDictionary<string, InfoValue> Info { get; } = new(StringComparer.Ordinal);

    /// <summary>Additional per-atom arrays, in insertion order. Use <see cref="SetArray"/> to add one with its length checked.</summary>
    public IReadOnlyList<AtomArray> Arrays => arrays;

    private readonly List<AtomArray> arrays = [];

    /// <summary>Adds or replaces a per-atom array.</summary>
    /// <exception cref="ArgumentException">The array covers a different number of atoms.</exception>
    public void SetArray(AtomArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.AtomCount != Count)
        {
            throw new ArgumentException($"Array '{array.Name}' covers {array.AtomCount} atoms; the structure has {Count}.");
        }

        var index = arrays.FindIndex(a => a.Name == array.Name);
        if (index >= 0)
        {
            arrays[index] = array;
        }
        else
        {
            arrays.Add(array);
        }
    }

    /// <summary>The per-atom array of that name, or <see langword="null"/>.</summary>
    public AtomArray? FindArray(string name) => arrays.Find(a => a.Name == name);

    /// <summary>Removes the per-atom array of that name; returns whether it existed.</summary>
    public bool RemoveArray(string name) => arrays.RemoveAll(a => a.Name == name) > 0;

    /// <summary>Chemical symbol of atom <paramref name="index"/>.</summary>
    public string Symbol(int index) => Elements.Symbol(AtomicNumbers[index]);

    /// <summary>The atomic numbers present, each once, in order of first appearance (the type order codes such as pw.x and CP2K use).</summary>
    public int[] ElementsInOrder()
    {
        var seen = new bool[Elements.MaxAtomicNumber + 1];
        var elements = new List<int>();
        foreach (var z in AtomicNumbers)
        {
            if (!seen[z])
            {
                seen[z] = true;
                elements.Add(z);
            }
        }

        return [.. elements];
    }

    /// <summary>Atomic masses in amu from the element table.</summary>
    public double[] Masses()
    {
        var masses = new double[Count];
        for (var i = 0; i < masses.Length; i++)
        {
            masses[i] = Elements.Mass(AtomicNumbers[i]);
        }

        return masses;
    }

    /// <summary>
    /// The chemical formula in ASE's default ("hill" for organics is not applied): each element with its count in order of
    /// first appearance, e.g. <c>Si8</c>, <c>SiC</c> for one of each.
    /// </summary>
    public string Formula
    {
        get
        {
            var counts = new OrderedDictionary<int, int>();
            foreach (var z in AtomicNumbers)
            {
                counts[z] = counts.TryGetValue(z, out var n) ? n + 1 : 1;
            }

            var text = new StringBuilder();
            foreach (var (z, n) in counts)
            {
                text.Append(Elements.Symbol(z));
                if (n > 1)
                {
                    text.Append(n);
                }
            }

            return text.ToString();
        }
    }

    /// <summary>A deep copy (arrays, info and labels are copied).</summary>
    public Structure Clone()
    {
        var copy = new Structure(Cell, Pbc, (int[])AtomicNumbers.Clone(), (Vec3[])Positions.Clone())
        {
            velocities = (Vec3[]?)velocities?.Clone(),
            reference = CloneLabels(reference),
            calculated = CloneLabels(calculated),
        };
        foreach (var (key, value) in Info)
        {
            copy.Info[key] = value;
        }

        foreach (var array in arrays)
        {
            copy.arrays.Add(array.Clone());
        }

        return copy;
    }

    private static LabelSet? CloneLabels(LabelSet? labels) =>
        labels is null ? null : labels with { Forces = (Vec3[]?)labels.Forces?.Clone() };

    private Vec3[]? CheckLength(Vec3[]? values, string what)
    {
        if (values is not null && values.Length != Count)
        {
            throw new ArgumentException($"{what} has {values.Length} entries; the structure has {Count} atoms.");
        }

        return values;
    }

    private LabelSet? CheckLabels(LabelSet? labels, string what)
    {
        CheckLength(labels?.Forces, what + ".Forces");
        return labels;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Formula} ({Count} atoms, pbc {Pbc})";
}
