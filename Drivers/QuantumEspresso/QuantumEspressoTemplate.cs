using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;

namespace ActiveLearning.Drivers.QuantumEspresso;

/// <summary>
/// Writes pw.x input for a single-point SCF calculation with forces and stress: pure text generation, no files or processes.
/// </summary>
/// <remarks>
/// The cell is written as <c>ibrav = 0</c> with <c>CELL_PARAMETERS angstrom</c> and Cartesian <c>ATOMIC_POSITIONS angstrom</c>,
/// so pw.x sees exactly our structure (no reorientation); forces and stress come back in the same Cartesian frame. Numbers are
/// written with shortest round-trip precision in the invariant culture. Species are listed in order of first appearance.
/// </remarks>
public static class QuantumEspressoTemplate
{
    /// <summary>Writes the pw.x input for <paramref name="structure"/>.</summary>
    /// <param name="structure">A structure periodic along all three directions.</param>
    /// <param name="settings">The calculation settings; validated first.</param>
    /// <param name="writer">Where the input text goes (lines end with <c>\n</c>).</param>
    /// <exception cref="ArgumentException">The settings do not fit the structure (see <see cref="QuantumEspressoSettings.Validate"/>).</exception>
    public static void WriteInput(Structure structure, QuantumEspressoSettings settings, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(writer);
        settings.Validate(structure);
        var species = SpeciesInOrder(structure);
        var grid = settings.GridFor(structure);

        var text = new InputText(writer);
        text.Line("&CONTROL");
        text.String("calculation", "scf");
        text.String("prefix", settings.Prefix);
        text.String("outdir", settings.OutputDirectory);
        text.String("pseudo_dir", settings.PseudoDirectory);
        text.Logical("tprnfor", true);
        text.Logical("tstress", true);
        text.Line("/");

        text.Line("&SYSTEM");
        text.Integer("ibrav", 0);
        text.Integer("nat", structure.Count);
        text.Integer("ntyp", species.Count);
        text.Real("ecutwfc", settings.EcutWfc);
        if (settings.EcutRho is { } ecutRho)
        {
            text.Real("ecutrho", ecutRho);
        }

        text.String("occupations", settings.Occupations);
        if (settings.Occupations == "smearing")
        {
            text.String("smearing", settings.Smearing);
            text.Real("degauss", settings.Degauss);
        }

        if (settings.SpinPolarized)
        {
            text.Integer("nspin", 2);
            for (var type = 0; type < species.Count; type++)
            {
                var magnetization = settings.StartingMagnetization.TryGetValue(species[type], out var m) ? m : settings.DefaultStartingMagnetization;
                text.Real(string.Create(CultureInfo.InvariantCulture, $"starting_magnetization({type + 1})"), magnetization);
            }
        }

        text.Line("/");

        text.Line("&ELECTRONS");
        text.Real("conv_thr", settings.ConvThr);
        text.Real("mixing_beta", settings.MixingBeta);
        text.String("mixing_mode", settings.MixingMode);
        text.Integer("electron_maxstep", settings.ElectronMaxStep);
        text.Line("/");

        text.Line("ATOMIC_SPECIES");
        foreach (var symbol in species)
        {
            text.Items(symbol, NumberText.FormatReal(Elements.Mass(Elements.AtomicNumber(symbol))), settings.Pseudopotentials[symbol]);
        }

        text.Line("CELL_PARAMETERS angstrom");
        for (var axis = 0; axis < 3; axis++)
        {
            text.Vector(null, structure.Cell[axis]);
        }

        text.Line("ATOMIC_POSITIONS angstrom");
        for (var i = 0; i < structure.Count; i++)
        {
            text.Vector(structure.Symbol(i), structure.Positions[i]);
        }

        text.Line("K_POINTS automatic");
        var shift = grid.Shifted ? 1 : 0;
        text.Line(string.Create(CultureInfo.InvariantCulture, $"{grid.N1} {grid.N2} {grid.N3} {shift} {shift} {shift}"));
    }

    /// <summary>The chemical symbols of a structure in order of first appearance: pw.x's species (type) order.</summary>
    public static IReadOnlyList<string> SpeciesInOrder(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return Array.ConvertAll(structure.ElementsInOrder(), Elements.Symbol);
    }

    private readonly struct InputText(TextWriter writer)
    {
        public void Line(string line)
        {
            writer.Write(line);
            writer.Write('\n');
        }

        public void String(string name, string value)
        {
            if (value.Contains('\'', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The pw.x input value of {name} cannot hold quotes or line breaks: {value}");
            }

            Line($"  {name} = '{value}'");
        }

        public void Logical(string name, bool value) => Line($"  {name} = {(value ? ".true." : ".false.")}");

        public void Integer(string name, int value) => Line(string.Create(CultureInfo.InvariantCulture, $"  {name} = {value}"));

        public void Real(string name, double value) => Line($"  {name} = {NumberText.FormatReal(value)}");

        public void Items(params string[] items) => Line(string.Join(' ', items));

        public void Vector(string? label, Vec3 v)
        {
            var numbers = $"{NumberText.FormatReal(v.X)} {NumberText.FormatReal(v.Y)} {NumberText.FormatReal(v.Z)}";
            Line(label is null ? numbers : $"{label} {numbers}");
        }
    }
}
