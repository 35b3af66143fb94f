using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class CampaignErrorTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, string, string, int, int, string> Cases => new()
    {
        // what, replace, with, line, column, message fragment
        { "unknown top-level key", "name: t", "name: t\ncolour: red", 2, 1, "unknown key 'colour'; expected one of name, workdir" },
        { "unknown nested key", "level: 16", "levle: 16", 3, 21, "model: unknown key 'levle'" },
        { "string for a number", "level: 16", "level: sixteen", 3, 28, "model.level: 'sixteen' is not an integer; expected an even integer from 2 to 28" },
        { "level above range", "level: 16", "level: 30", 3, 28, "model.level: 30 is out of range; expected an even integer from 2 to 28" },
        { "odd level", "level: 16", "level: 15", 3, 28, "expected an even integer from 2 to 28" },
        { "max_dist below min_dist", "level: 16", "level: 16, min_dist: 3, max_dist: 2.5", 3, 55, "model.max_dist: 2.5 Å is not above min_dist 3 Å" },
        { "missing required key", "species: [Si]\n", "", 1, 1, "the campaign: missing required key 'species'" },
        { "list expected", "species: [Si]", "species: Si", 2, 10, "species: found 'Si'; expected a list of element symbols" },
        { "not an element", "species: [Si]", "species: [Si, Xx]", 2, 15, "species: 'Xx' is not valid; expected a chemical element symbol" },
        { "undefined cluster", "    - fit: {}", "    - fit: {}\n    - label: { on: hpc }", 9, 20, "cluster 'hpc' is not defined; expected a cluster defined under clusters (local)" },
        { "unknown step", "    - fit: {}", "    - fit: {}\n    - explor: { steps: 5 }", 9, 7, "loop.steps[2]: 'explor' is not a step of the loop" },
        { "explore in initial", "loop:", "initial:\n  - explore: { temperature: 300, steps: 5 }\nloop:", 6, 5, "initial[0]: 'explore' is not a step of initial" },
        { "unknown choice", "method: maxvol", "method: best", 7, 25, "loop.steps[0].select.method: 'best' is not a known choice; expected one of maxvol, committee, random, fps" },
        { "probability out of range", "    - fit: {}", "    - fit: {}\n    - validate: { fraction: 1.5 }", 9, 29, "fraction: 1.5 is out of range; expected a number > 0 and < 1" },
        { "reversed range", "    - fit: {}", "    - fit: {}\n    - explore: { temperature: [1500, 300], steps: 5 }", 9, 38, "temperature: 300 is below 1500; expected [lo, hi] with lo ≤ hi" },
        { "grid below 1", "loop:", "initial:\n  - generate: { kind: ndsc, primitive: c.yaml, grid: 0 }\nloop:", 6, 54, "initial[0].generate.grid: 0 is out of range; expected an integer from 1 to 64" },
        { "missing file", "loop:", "initial:\n  - generate: { kind: ndsc, primitive: nowhere.vasp, grid: 2 }\nloop:", 6, 40, "primitive: no such file" },
        { "key of another generator", "loop:", "initial:\n  - generate: { kind: random, count: 2, atoms: [2, 4], volume_per_atom: [15, 20], grid: 2 }\nloop:", 6, 83, "'grid' does not apply to kind random" },
        { "unknown potential", "potential: sw", "potential: nonsense", 4, 42, "reference.potential: 'nonsense' cannot be loaded" },
        { "empty loop", "  steps:\n    - select: { method: maxvol, limit: 5 }\n    - fit: {}", "  steps: []", 6, 10, "loop.steps: the list is empty" },
        { "unclosed flow mapping", "level: 16 }", "level: 16", 4, 1, "YAML syntax: the text cannot be read here; expected valid YAML (is a '{' or '[' left unclosed?)" },
        { "YAML syntax", "name: t", "name: t: u", 1, 8, "YAML syntax" },
        { "tab indentation", "  steps:", "\tsteps:", 6, 1, "YAML syntax" },
        { "port out of range", "reference: { kind: potential, potential: sw }", "reference: { kind: potential, potential: sw }\nclusters:\n  hpc: { kind: slurm, ssh: { host: h, port: 70000 }, remote_root: /s }", 6, 45, "clusters.hpc.ssh.port: 70000 is out of range; expected an integer from 1 to 65535" },
        { "ssh without remote_root", "reference: { kind: potential, potential: sw }", "reference: { kind: potential, potential: sw }\nclusters:\n  hpc: { kind: slurm, ssh: { host: h } }", 6, 23, "clusters.hpc: ssh is given without remote_root; expected remote_root:" },
        { "partition on a local cluster", "reference: { kind: potential, potential: sw }", "reference: { kind: potential, potential: sw }\nclusters:\n  local: { kind: local, partition: std }", 6, 25, "'partition' does not apply with kind local" },
        { "composition outside the species", "loop:", "initial:\n  - generate: { kind: random, count: 2, atoms: [2, 4], volume_per_atom: [15, 20], composition: { O: 1 } }\nloop:", 6, 98, "'O' is not valid; expected one of the campaign's species (Si)" },
        { "select not below break", "    - fit: {}", "    - fit: {}\n    - explore: { temperature: 300, steps: 5, grade: { select: 5, break: 3 } }", 9, 73, "grade.break: 3 is not above select 5; expected select < break" },
        { "code reference on an undefined cluster", "reference: { kind: potential, potential: sw }", "reference: { kind: cp2k, on: hpc }", 4, 30, "reference.on: cluster 'hpc' is not defined" },
        { "a mapping where a number belongs", "limit: 5", "limit: { n: 5 }", 7, 40, "limit: found a mapping; expected an integer ≥ 1" },
        { "null value", "name: t", "name:", 1, 6, "name: found nothing; expected a name" },
        { "duplicate key", "name: t", "name: t\nname: u", 2, 1, "YAML syntax" },
        { "unknown resource", "reference: { kind: potential, potential: sw }", "reference: { kind: potential, potential: sw }\nclusters:\n  hpc: { kind: slurm, resources: { gpus: 1 } }", 6, 34, "clusters.hpc.resources: unknown resource 'gpus'; expected one of partition, nodes" },
        { "malformed wall time", "reference: { kind: potential, potential: sw }", "reference: { kind: potential, potential: sw }\nclusters:\n  hpc: { kind: slurm, resources: { time: soon } }", 6, 34, "resource 'time' is 'soon'; expected minutes or HH:MM:SS" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_error_names_the_line_and_column_and_what_was_expected(
        string what, string replace, string with, int line, int column, string fragment)
    {
        Minimal.Should().Contain(replace, what);

        var errors = Errors(folder, Minimal.Replace(replace, with));

        errors.Should().ContainSingle(what);
        var error = errors[0];
        error.ToString().Should().StartWith($"{folder.File("c.yaml")}:{line}:{column}: ", what).And.Contain(fragment, what);
    }

    [Fact]
    public void All_errors_of_a_file_are_collected_in_file_order()
    {
        var text = Minimal
            .Replace("name: t", "name: t\nseed: -1")
            .Replace("level: 16", "level: x")
            .Replace("limit: 5", "limit: 0, colour: red");

        var errors = Errors(folder, text);

        errors.Select(e => (e.Line, e.Column)).Should().Equal((2, 7), (4, 28), (8, 40), (8, 43));
        errors[0].Message.Should().Contain("seed: -1 is out of range");
        errors[3].Message.Should().Contain("unknown key 'colour'");
    }

    [Fact]
    public void Every_message_says_what_was_expected()
    {
        foreach (var row in Cases)
        {
            var errors = Errors(folder, Minimal.Replace((string)row[1], (string)row[2]));

            errors.Should().OnlyContain(e => e.Message.Contains("; expected ", StringComparison.Ordinal), (string)row[0]);
        }
    }
}
