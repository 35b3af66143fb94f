using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Drivers.Cp2k;

/// <summary>
/// Writes CP2K input for a single point with forces and analytical stress: pure text generation, no files or processes.
/// </summary>
/// <remarks>
/// The cell is written as lattice vectors <c>A</c>, <c>B</c>, <c>C</c> in Å and the atoms as Cartesian <c>&amp;COORD</c> in Å,
/// so CP2K sees exactly our structure and reports forces and stress in the same Cartesian frame. Numbers are written with
/// shortest round-trip precision in the invariant culture. Kinds are listed in order of first appearance.
/// </remarks>
public static class Cp2kTemplate
{
    /// <summary>Writes the CP2K input for <paramref name="structure"/>.</summary>
    /// <param name="structure">A structure periodic along all three directions.</param>
    /// <param name="settings">The calculation settings; validated first.</param>
    /// <param name="writer">Where the input text goes (lines end with <c>\n</c>).</param>
    /// <exception cref="ArgumentException">The settings do not fit the structure (see <see cref="Cp2kSettings.Validate"/>).</exception>
    public static void WriteInput(Structure structure, Cp2kSettings settings, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(writer);
        settings.Validate(structure);
        var kinds = SpeciesInOrder(structure);
        var grid = settings.GridFor(structure);

        var text = new InputText(writer);
        text.Open("GLOBAL");
        text.Key("PROJECT", settings.Project);
        text.Key("RUN_TYPE", "ENERGY_FORCE");
        text.Key("PRINT_LEVEL", "MEDIUM");
        text.Close("GLOBAL");

        text.Open("FORCE_EVAL");
        text.Key("METHOD", "QS");
        text.Key("STRESS_TENSOR", "ANALYTICAL");
        text.Open("DFT");
        if (settings.Method == Cp2kMethod.DftGpw)
        {
            text.Key("BASIS_SET_FILE_NAME", settings.BasisSetFile);
            text.Key("POTENTIAL_FILE_NAME", settings.PotentialFile);
        }

        text.Open("QS");
        switch (settings.Method)
        {
            case Cp2kMethod.DftbNonScc:
                text.Key("METHOD", "DFTB");
                text.Open("DFTB");
                text.Key("SELF_CONSISTENT", "F");
                text.Key("DO_EWALD", "F");
                text.Key("DISPERSION", "F");
                text.Open("PARAMETER");
                text.Key("PARAM_FILE_PATH", settings.DftbParameterDirectory);
                text.Key("PARAM_FILE_NAME", "nonscc_parameter");
                text.Key("UFF_FORCE_FIELD", "uff_table");
                text.Close("PARAMETER");
                text.Close("DFTB");
                break;
            case Cp2kMethod.Gfn1Xtb:
                text.Key("METHOD", "xTB");
                text.Open("xTB");
                text.Key("DO_EWALD", "T");
                text.Close("xTB");
                break;
            default:
                text.Key("METHOD", "GPW");
                break;
        }

        text.Close("QS");
        if (settings.Method == Cp2kMethod.DftGpw)
        {
            text.Open("MGRID");
            text.Key("CUTOFF", NumberText.FormatReal(settings.Cutoff));
            text.Key("REL_CUTOFF", NumberText.FormatReal(settings.RelativeCutoff));
            text.Close("MGRID");
            text.Open("XC");
            text.Open("XC_FUNCTIONAL", settings.Functional);
            text.Close("XC_FUNCTIONAL");
            text.Close("XC");
        }

        if (grid is { } k)
        {
            text.Open("KPOINTS");
            text.Key("SCHEME", string.Create(CultureInfo.InvariantCulture, $"MONKHORST-PACK {k.N1} {k.N2} {k.N3}"));
            text.Close("KPOINTS");
        }

        text.Open("SCF");
        // CORE aborts with k-points; ATOMIC works for every method and grid.
        text.Key("SCF_GUESS", "ATOMIC");
        text.Key("EPS_SCF", NumberText.FormatReal(settings.EpsScf));
        text.Key("MAX_SCF", settings.MaxScf.ToString(CultureInfo.InvariantCulture));
        if (settings.MixingAlpha is { } alpha)
        {
            text.Open("MIXING");
            text.Key("ALPHA", NumberText.FormatReal(alpha));
            text.Close("MIXING");
        }

        text.Close("SCF");
        text.Close("DFT");

        text.Open("SUBSYS");
        text.Open("CELL");
        text.Vector("A", structure.Cell[0]);
        text.Vector("B", structure.Cell[1]);
        text.Vector("C", structure.Cell[2]);
        text.Key("PERIODIC", "XYZ");
        text.Close("CELL");
        text.Open("COORD");
        for (var i = 0; i < structure.Count; i++)
        {
            text.Vector(structure.Symbol(i), structure.Positions[i]);
        }

        text.Close("COORD");
        foreach (var kind in kinds)
        {
            text.Open("KIND", kind);
            if (settings.Method == Cp2kMethod.DftGpw)
            {
                text.Key("BASIS_SET", settings.BasisSets[kind]);
                text.Key("POTENTIAL", settings.Potentials[kind]);
            }

            text.Close("KIND");
        }

        text.Close("SUBSYS");
        text.Open("PRINT");
        text.Open("FORCES", "ON");
        text.Close("FORCES");
        text.Open("STRESS_TENSOR", "ON");
        text.Close("STRESS_TENSOR");
        text.Close("PRINT");
        text.Close("FORCE_EVAL");
    }

    /// <summary>The chemical symbols of a structure in order of first appearance: the order of the <c>&amp;KIND</c> sections.</summary>
    public static IReadOnlyList<string> SpeciesInOrder(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return Array.ConvertAll(structure.ElementsInOrder(), Elements.Symbol);
    }

    private sealed class InputText(TextWriter writer)
    {
        private int depth;

        public void Open(string section, string? parameter = null)
        {
            Line(parameter is null ? $"&{section}" : $"&{section} {parameter}");
            depth++;
        }

        public void Close(string section)
        {
            depth--;
            Line($"&END {section}");
        }

        public void Key(string keyword, string value) => Line($"{keyword} {value}");

        public void Vector(string label, Vec3 v) =>
            Line($"{label} {NumberText.FormatReal(v.X)} {NumberText.FormatReal(v.Y)} {NumberText.FormatReal(v.Z)}");

        private void Line(string line)
        {
            writer.Write(new string(' ', 2 * depth));
            writer.Write(line);
            writer.Write('\n');
        }
    }
}
