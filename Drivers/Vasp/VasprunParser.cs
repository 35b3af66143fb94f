using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Vasp;

/// <summary>Reads VASP's <c>vasprun.xml</c>: the last <c>&lt;calculation&gt;</c>'s energies, forces and stress.</summary>
/// <remarks>
/// <para>Free energy is the calculation's <c>e_fr_energy</c> (TOTEN). Energy is the free energy plus
/// <c>e_0_energy − e_fr_energy</c> of the last electronic step, as ASE computes it: some VASP versions write a wrong
/// <c>e_0_energy</c> in the calculation's own energy block. Forces are in eV/Å; the stress rows are in kB with VASP's
/// pressure sign and are converted with 1 kB = 0.1 GPa and negated into ASE's sign.</para>
/// <para>A file that is not well-formed XML (a run killed while writing) is <see cref="OutputStatus.Incomplete"/>; a number
/// that does not parse is <see cref="OutputStatus.Malformed"/> with its line; a last calculation with as many electronic
/// steps as <c>NELM</c> is <see cref="OutputStatus.NotConverged"/>.</para>
/// </remarks>
public static class VasprunParser
{
    private const double KiloBar = 0.1 * Units.GPa;

    /// <summary>Parses a vasprun.xml file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CodeResult ParseFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>Parses vasprun.xml from a stream (its XML declaration's encoding is honoured).</summary>
    /// <param name="stream">The bytes; read to the end, not disposed.</param>
    /// <param name="sourceName">Name used in messages, normally the file path.</param>
    public static CodeResult Parse(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        XDocument document;
        try
        {
            document = XDocument.Load(stream, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return Result(sourceName, OutputStatus.Incomplete, $"not complete XML ({e.Message})");
        }

        try
        {
            return Read(document, sourceName);
        }
        catch (StructureFormatException e)
        {
            return Result(sourceName, OutputStatus.Malformed, e.Message);
        }
    }

    private static CodeResult Read(XDocument document, string sourceName)
    {
        var root = document.Root!;
        var version = Item(root.Element("generator"), "version")?.Value.Trim();
        var atomsElement = root.Element("atominfo")?.Element("atoms");
        var nelmElement = root.Element("parameters")?.Descendants("i").FirstOrDefault(i => (string?)i.Attribute("name") == "NELM");
        var calculation = root.Elements("calculation").LastOrDefault();
        if (atomsElement is null || calculation is null)
        {
            return Result(sourceName, OutputStatus.Incomplete, "no <atominfo> or no <calculation>", version: version);
        }

        var atoms = Integer(atomsElement, sourceName, "number of atoms");
        var steps = calculation.Elements("scstep").ToList();
        var lastStep = steps.LastOrDefault()?.Element("energy");
        var energyBlock = calculation.Element("energy");
        double? freeEnergy = Item(energyBlock, "e_fr_energy") is { } fr ? Real(fr, sourceName, "e_fr_energy") : null;
        double? energy = null;
        if (freeEnergy is { } f && Item(lastStep, "e_0_energy") is { } e0 && Item(lastStep, "e_fr_energy") is { } efr)
        {
            energy = f + (Real(e0, sourceName, "e_0_energy") - Real(efr, sourceName, "e_fr_energy"));
        }

        var forces = Rows(calculation, "forces", sourceName);
        var stressRows = Rows(calculation, "stress", sourceName);
        if (forces is not null && forces.Length != atoms)
        {
            throw Error(calculation, sourceName, $"{forces.Length} force rows for {atoms} atoms");
        }

        if (stressRows is not null && stressRows.Length != 3)
        {
            throw Error(calculation, sourceName, $"{stressRows.Length} stress rows, expected 3");
        }

        Mat3? stress = stressRows is null ? null : -KiloBar * Mat3.FromRows(stressRows[0], stressRows[1], stressRows[2]);
        if (nelmElement is not null && steps.Count >= Integer(nelmElement, sourceName, "NELM"))
        {
            return new CodeResult("vasp", OutputStatus.NotConverged, sourceName,
                string.Create(CultureInfo.InvariantCulture, $"the last calculation used all NELM = {steps.Count} electronic steps"),
                energy, forces, stress, steps.Count, version, FreeEnergy: freeEnergy);
        }

        var missing = new List<string>();
        if (energy is null)
        {
            missing.Add("no energy");
        }

        if (forces is null)
        {
            missing.Add("no forces");
        }

        if (stress is null)
        {
            missing.Add("no stress");
        }

        return new CodeResult("vasp", missing.Count == 0 ? OutputStatus.Converged : OutputStatus.Incomplete, sourceName,
            missing.Count == 0 ? null : string.Join(", ", missing) + " in the last <calculation>",
            energy, forces, stress, steps.Count, version, FreeEnergy: freeEnergy);
    }

    private static XElement? Item(XElement? parent, string name) =>
        parent?.Elements("i").FirstOrDefault(i => (string?)i.Attribute("name") == name);

    private static Vec3[]? Rows(XElement calculation, string name, string sourceName)
    {
        var array = calculation.Elements("varray").FirstOrDefault(v => (string?)v.Attribute("name") == name);
        if (array is null)
        {
            return null;
        }

        var rows = new List<Vec3>();
        foreach (var v in array.Elements("v"))
        {
            var tokens = v.Value.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length != 3)
            {
                throw Error(v, sourceName, $"{name}: expected three numbers, found '{v.Value.Trim()}'");
            }

            rows.Add(new Vec3(Parse(tokens[0], v, sourceName, name), Parse(tokens[1], v, sourceName, name), Parse(tokens[2], v, sourceName, name)));
        }

        return [.. rows];
    }

    private static double Real(XElement element, string sourceName, string what) => Parse(element.Value.Trim(), element, sourceName, what);

    private static double Parse(string token, XElement element, string sourceName, string what) =>
        NumberText.TryParseReal(token, out var value) && double.IsFinite(value)
            ? value
            : throw Error(element, sourceName, $"{what}: '{token}' is not a finite number");

    private static int Integer(XElement element, string sourceName, string what) =>
        int.TryParse(element.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(element, sourceName, $"{what}: '{element.Value.Trim()}' is not an integer");

    private static StructureFormatException Error(XElement element, string sourceName, string detail) =>
        new(sourceName, ((IXmlLineInfo)element).LineNumber, detail);

    private static CodeResult Result(string sourceName, OutputStatus status, string detail, string? version = null) =>
        new("vasp", status, sourceName, detail, null, null, null, null, version);
}
