using ActiveLearning.Schedulers.Transport;

namespace ActiveLearning.Schedulers.Tests.Transport;

public sealed class ShellQuotingTests
{
    private static readonly string Marker = "/tmp/pwned-" + Guid.NewGuid().ToString("N");

    private static readonly string[] Nasty =
    [
        "plain",
        "",
        "with space",
        "it's",
        "''",
        "\"double\"",
        "$(touch " + Marker + ")",
        "`touch " + Marker + "`",
        "a; touch " + Marker,
        "a && touch " + Marker + " | cat",
        "line1\nline2\n",
        "back\\slash\\",
        "$HOME ${PATH} $1 $@ * ? [a] ~ #",
        "'; touch " + Marker + "; echo '",
        "tab\there",
        "-n",
    ];

    public static TheoryData<string> NastyStrings() => new(Nasty);

    [Fact]
    public void Quote_wraps_in_single_quotes_and_escapes_embedded_ones()
    {
        ShellQuoting.Quote("a'b").Should().Be("'a'\\''b'");
        ShellQuoting.Quote("").Should().Be("''");
        ShellQuoting.Join(["echo", "a b", "$x"]).Should().Be("'echo' 'a b' '$x'");
        RemoteCommand.InDirectory("/w d", ["ls"]).Should().Be("cd -- '/w d' && 'ls'");
    }

    [Fact]
    public void Nul_characters_and_empty_commands_are_refused()
    {
        FluentActions.Invoking(() => ShellQuoting.Quote("a\0b")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ShellQuoting.Join([])).Should().Throw<ArgumentException>();
    }

    [Theory]
    [MemberData(nameof(NastyStrings))]
    public async Task Quoted_argument_survives_a_real_shell_verbatim_and_injects_nothing(string nasty)
    {
        var line = "printf '%s\\n' " + ShellQuoting.Quote(nasty);
        var result = await ProcessRunner.RunTextAsync(["/bin/sh", "-c", line], null, TimeSpan.FromSeconds(20), CancellationToken.None);

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardOutput.Should().Be(nasty + "\n");
        File.Exists(Marker).Should().BeFalse();
    }

    [Fact]
    public async Task A_joined_command_line_passes_every_word_separately()
    {
        var words = Nasty.ToList();
        var line = ShellQuoting.Join(["printf", "<%s>\\n", .. words]);
        var result = await ProcessRunner.RunTextAsync(["/bin/sh", "-c", line], null, TimeSpan.FromSeconds(20), CancellationToken.None);

        result.StandardOutput.Should().Be(string.Concat(words.Select(w => "<" + w + ">\n")));
        File.Exists(Marker).Should().BeFalse();
    }
}
