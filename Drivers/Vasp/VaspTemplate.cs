using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.Vasp;

namespace ActiveLearning.Drivers.Vasp;

/// <summary>
/// Writes the VASP input set for a single point with forces and stress: INCAR, KPOINTS, POSCAR (with
/// <see cref="PoscarFormat"/>, atom order kept) and POTCAR (the user's POTCAR files concatenated in POSCAR's species order).
/// </summary>
/// <remarks>POSCAR has one species entry per run of equal consecutive elements (e.g. <c>Si O Si</c>), so the POTCAR holds one
/// potential per run in that order, which VASP requires; forces come back in the input atom order.</remarks>
public static class VaspTemplate
{
    /// <summary>The INCAR text.</summary>
    /// <param name="structure">The structure (its atom count sizes MAGMOM).</param>
    /// <param name="settings">The settings.</param>
    public static string Incar(Structure structure, VaspSettings settings)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder();
        void Tag(string name, string value) => text.Append(name).Append(" = ").Append(value).Append('\n');
        Tag("SYSTEM", structure.Formula);
        Tag("PREC", settings.Prec);
        Tag("ENCUT", NumberText.FormatReal(settings.Encut));
        Tag("EDIFF", NumberText.FormatReal(settings.Ediff));
        Tag("NELM", settings.Nelm.ToString(CultureInfo.InvariantCulture));
        Tag("ALGO", settings.Algo);
        Tag("ISMEAR", settings.Ismear.ToString(CultureInfo.InvariantCulture));
        Tag("SIGMA", NumberText.FormatReal(settings.Sigma));
        if (settings.Amix is { } amix)
        {
            Tag("AMIX", NumberText.FormatReal(amix));
        }

        if (settings.SpinPolarized)
        {
            Tag("ISPIN", "2");
            Tag("MAGMOM", string.Create(CultureInfo.InvariantCulture, $"{structure.Count}*{NumberText.FormatReal(settings.InitialMagneticMoment)}"));
        }

        // A single point with forces and the full stress tensor; no wavefunction or charge files to copy back.
        Tag("NSW", "0");
        Tag("IBRION", "-1");
        Tag("ISIF", "2");
        Tag("LWAVE", ".FALSE.");
        Tag("LCHARG", ".FALSE.");
        return text.ToString();
    }

    /// <summary>The KPOINTS text: an automatic grid, Γ-centred unless <see cref="QuantumEspresso.KPointGrid.Shifted"/>.</summary>
    public static string Kpoints(Structure structure, VaspSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var grid = settings.GridFor(structure);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"automatic grid\n0\n{(grid.Shifted ? "Monkhorst-Pack" : "Gamma")}\n{grid.N1} {grid.N2} {grid.N3}\n0 0 0\n");
    }

    /// <summary>The POSCAR text (VASP 5, Cartesian, atom order kept).</summary>
    public static string Poscar(Structure structure)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new PoscarFormat().CreateWriter(writer, "POSCAR", FormatOptions.Default).Write(structure);
        return writer.ToString();
    }

    /// <summary>The species of POSCAR's species line: one chemical symbol per run of equal consecutive elements.</summary>
    public static IReadOnlyList<string> SpeciesRuns(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var runs = new List<string>();
        for (var i = 0; i < structure.Count; i++)
        {
            if (i == 0 || structure.AtomicNumbers[i] != structure.AtomicNumbers[i - 1])
            {
                runs.Add(structure.Symbol(i));
            }
        }

        return runs;
    }

    /// <summary>The path of the POTCAR file used for a chemical symbol.</summary>
    public static string PotcarPath(VaspSettings settings, string symbol)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Path.Combine(settings.PotcarDirectory, settings.PotcarFolder(symbol), "POTCAR");
    }

    /// <summary>The POTCAR: the user's POTCAR files concatenated in <see cref="SpeciesRuns"/> order.</summary>
    /// <exception cref="FileNotFoundException">A POTCAR file is missing (check with <see cref="VaspSettings.FindProblems"/> and
    /// <see cref="VaspCode.FindProblems"/> first).</exception>
    public static string Potcar(Structure structure, VaspSettings settings)
    {
        var text = new StringBuilder();
        foreach (var symbol in SpeciesRuns(structure))
        {
            var potential = File.ReadAllText(PotcarPath(settings, symbol));
            text.Append(potential);
            if (!potential.EndsWith('\n'))
            {
                text.Append('\n');
            }
        }

        return text.ToString();
    }
}
