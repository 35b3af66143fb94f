using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.QuantumEspresso;

namespace ActiveLearning.Drivers.Tests.Cp2k;

public sealed class Cp2kTemplateTests
{
    public static TheoryData<string> Cases => new(Cp2kCases.Names);

    private static string Input(Structure structure, Cp2kSettings settings)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Cp2kTemplate.WriteInput(structure, settings, writer);
        return writer.ToString();
    }

    private static string Input(string name)
    {
        var (structure, settings) = Cp2kCases.Get(name);
        return Input(structure, settings);
    }

    /// <summary>
    /// The captured inputs are the ones cp2k ran on to produce the captured outputs, so matching them byte for byte means
    /// cp2k accepted what we write. Set CP2K_WRITE_FIXTURES to a Fixtures directory to rewrite them (then rerun cp2k, see README).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_matches_the_one_cp2k_ran_on(string name)
    {
        var text = Input(name);
        var target = Environment.GetEnvironmentVariable("CP2K_WRITE_FIXTURES");
        if (!string.IsNullOrEmpty(target))
        {
            File.WriteAllText(Path.Combine(target, name + ".inp"), text);
        }

        text.Should().Be(File.ReadAllText(Cp2kCases.FixturePath(name + ".inp")));
    }
}
