using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Tests.Outputs;

/// <summary>The check every output parser must pass: a run cut short is never mistaken for a label.</summary>
internal static class TruncatedOutputs
{
    /// <summary>
    /// Cuts <paramref name="text"/> after every line and at 10 random characters; every cut before the end of
    /// <paramref name="endMarker"/> must parse as Incomplete or Malformed and refuse to give labels.
    /// </summary>
    public static void NeverGiveLabels(string text, string endMarker, Func<string, CodeResult> parse)
    {
        var cuts = new List<int>();
        for (var i = text.IndexOf('\n', StringComparison.Ordinal); i >= 0 && i < text.Length - 1; i = text.IndexOf('\n', i + 1))
        {
            cuts.Add(i + 1);
        }

        var random = new Random(8);
        for (var k = 0; k < 10; k++)
        {
            cuts.Add(random.Next(1, text.Length - 1));
        }

        var end = text.LastIndexOf(endMarker, StringComparison.Ordinal) + endMarker.Length;
        foreach (var cut in cuts)
        {
            var result = parse(text[..cut]);
            if (cut < end)
            {
                result.Status.Should().BeOneOf([OutputStatus.Incomplete, OutputStatus.Malformed], $"cut at {cut}");
                result.Invoking(r => r.ToLabels()).Should().Throw<CodeOutputException>();
            }
        }
    }
}
