using ActiveLearning.Atomistics.Formats;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Formats.Lammps;

/// <summary>Reads and writes format text in memory, as the CLI would through files.</summary>
internal static class LammpsTestText
{
    public static List<Structure> Read(StructureFormat format, string text, FormatOptions? options = null, string name = "test.file") =>
        [.. format.Read(new LineReader(new StringReader(text), name), options ?? FormatOptions.Default)];

    public static string Write(StructureFormat format, IEnumerable<Structure> structures, FormatOptions? options = null)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        var writer = format.CreateWriter(text, "out.file", options ?? FormatOptions.Default);
        foreach (var structure in structures)
        {
            writer.Write(structure);
        }

        return text.ToString();
    }

    /// <summary>The line-numbered error a malformed text raises.</summary>
    public static StructureFormatException ReadError(StructureFormat format, string text, FormatOptions? options = null)
    {
        var error = Assert.Throws<StructureFormatException>(() => Read(format, text, options, "bad.file"));
        error.Source.Should().Be("bad.file");
        error.Message.Should().StartWith($"bad.file:{error.Line}: ");
        return error;
    }

    /// <summary>Distances between all pairs of atoms (Å), without periodic images: what any rigid motion must keep.</summary>
    public static double[] PairDistances(Structure structure)
    {
        var distances = new List<double>();
        for (var i = 0; i < structure.Count; i++)
        {
            for (var j = i + 1; j < structure.Count; j++)
            {
                distances.Add((structure.Positions[i] - structure.Positions[j]).Length);
            }
        }

        return [.. distances];
    }

    /// <summary>Asserts two lists of numbers agree within a relative tolerance.</summary>
    public static void CloseAll(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relativeTolerance, string what)
    {
        actual.Should().HaveCount(expected.Count, what);
        for (var i = 0; i < expected.Count; i++)
        {
            StructureAssert.Close(expected[i], actual[i], relativeTolerance, $"{what}[{i}]");
        }
    }
}
