using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.TestSupport;
using static ActiveLearning.Orchestrator.Tests.Campaigns.CampaignFiles;

namespace ActiveLearning.Orchestrator.Tests.Campaigns;

public sealed class CampaignParserTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_sample_campaign_is_valid_and_read_completely()
    {
        var campaign = CampaignParser.Parse(SamplePath);
        var samples = Path.GetDirectoryName(SamplePath)!;

        campaign.Name.Should().Be("si-embedded");
        campaign.Workdir.FullPath.Should().Be(Path.Combine(samples, "runs", "si-embedded"));
        campaign.Seed.Should().Be(1);
        campaign.Species.Should().Equal("Si");
        campaign.Model.Should().Be(new ModelSpec { Level = 16, MinDist = 2.0, MaxDist = 5.0, RadialBasisSize = 8 });
        campaign.Reference.Should().Be(new PotentialReference("sw"));
        campaign.Clusters.Should().ContainSingle().Which.Value.Should().BeEquivalentTo(new ClusterSpec { Kind = "local", Cores = 2 });
        campaign.Fit.Should().BeEquivalentTo(new FitSpec { Weights = new FitWeights(1.0, 0.1, 0.001), RefineSteps = 0 });

        campaign.Initial.Should().HaveCount(5);
        var ndsc = campaign.Initial[0].Should().BeOfType<GenerateStep>().Which.Generator.Should().BeOfType<NdscGenerator>().Subject;
        ndsc.Primitive.FullPath.Should().Be(Path.Combine(samples, "structures", "si-diamond.vasp"));
        ndsc.Primitive.Written.Should().Be("structures/si-diamond.vasp");
        (ndsc.Grid, ndsc.Rattle, ndsc.Strain, ndsc.Copies).Should().Be((3, 0.1, 0.02, 2));
        ndsc.Scales.Should().Equal(0.97, 1.0, 1.03);
        var random = campaign.Initial[1].Should().BeOfType<GenerateStep>().Which.Generator.Should().BeOfType<RandomGenerator>().Subject;
        (random.Count, random.Atoms, random.VolumePerAtom, random.MinSeparation)
            .Should().Be((6, new IntRange(8, 16), new DoubleRange(18, 22), 2.2));
        var rattle = campaign.Initial[2].Should().BeOfType<GenerateStep>().Which.Generator.Should().BeOfType<RattleGenerator>().Subject;
        (rattle.Source.Written, rattle.Sigma, rattle.Copies).Should().Be(("structures/si-64.vasp", 0.05, 4));
        campaign.Initial[3].Should().Be(new LabelStep("local"));
        campaign.Initial[4].Should().Be(new FitStep(null));

        campaign.Loop.MaxIterations.Should().Be(20);
        campaign.Loop.StopWhen.QuietIterations.Should().Be(2);
        campaign.Loop.Steps.Select(s => s.Keyword).Should().Equal("explore", "select", "label", "fit", "validate");
        campaign.Loop.Steps[0].Should().BeEquivalentTo(new ExploreStep
        {
            Walkers = 4, Ensemble = "nvt", Temperature = new DoubleRange(300, 1500), Steps = 10000, Grade = new GradeThresholds(2.1, 10),
        }, options => options.Excluding(step => step.Location));
        campaign.Loop.Steps[0].Location.Should().Be(new StepLocation("loop.steps[0]", 38, 7), "steps remember where they are written");
        campaign.Loop.Steps[1].Should().Be(new SelectStep { Method = "maxvol", Limit = 10 });
        campaign.Loop.Steps[4].Should().Be(new ValidateStep(0.1));
    }

    [Fact]
    public void Omitted_options_take_their_documented_defaults()
    {
        var campaign = Parse(folder, Minimal);

        campaign.Workdir.FullPath.Should().Be(Path.Combine(folder.Path, "runs", "t"));
        campaign.Seed.Should().Be(1);
        campaign.Model.Should().Be(new ModelSpec { Level = 16 });
        campaign.Clusters.Keys.Should().Equal("local");
        campaign.Fit.Should().BeEquivalentTo(new FitSpec());
        campaign.Initial.Should().BeEmpty();
        campaign.Loop.MaxIterations.Should().Be(20);
        campaign.Loop.StopWhen.Should().Be(new StopRule());
    }

    [Fact]
    public void A_single_temperature_is_a_range_of_one_value()
    {
        var campaign = Parse(folder, Minimal + "\n    - explore: { temperature: 600, steps: 100 }\n");

        campaign.Loop.Steps[2].Should().BeOfType<ExploreStep>().Which.Temperature.Should().Be(new DoubleRange(600, 600));
    }

    [Fact]
    public void Relative_paths_are_taken_from_the_campaign_files_directory_not_the_working_directory()
    {
        Directory.CreateDirectory(folder.File("structures"));
        File.Copy(Path.Combine(Path.GetDirectoryName(SamplePath)!, "structures", "si-diamond.vasp"), folder.File("structures/si.vasp"));
        var text = Minimal.Replace("name: t", "name: t\nworkdir: ../elsewhere/run\ninitial:\n  - generate: { kind: rattle, source: structures/si.vasp, sigma: 0.05 }");

        var campaign = Parse(folder, text);

        campaign.Workdir.FullPath.Should().Be(Path.GetFullPath(Path.Combine(folder.Path, "..", "elsewhere", "run")));
        var rattle = campaign.Initial[0].Should().BeOfType<GenerateStep>().Which.Generator.Should().BeOfType<RattleGenerator>().Subject;
        rattle.Source.FullPath.Should().Be(folder.File("structures/si.vasp"));
        Environment.CurrentDirectory.Should().NotBe(folder.Path);
    }

    [Fact]
    public void Clusters_with_ssh_and_a_code_reference_on_them_are_read()
    {
        var text = Minimal.Replace(
            "reference: { kind: potential, potential: sw }",
            """
            reference: { kind: quantum-espresso, on: hpc }
            clusters:
              local: { kind: local }
              hpc:
                kind: slurm
                ssh: { host: login.example.org, port: 2222, user: me, identity_file: keys/id_ed25519 }
                remote_root: /scratch/me/al
                partition: std
                max_queued: 10
                tasks_per_job: 4
                resources: { time: "01:00:00", nodes: 1 }
            """);

        var campaign = Parse(folder, text);

        campaign.Reference.Should().Be(new CodeReference("quantum-espresso", "hpc"));
        var hpc = campaign.Clusters["hpc"];
        hpc.Ssh!.Host.Should().Be("login.example.org");
        hpc.Ssh.Port.Should().Be(2222);
        hpc.Ssh.IdentityFile!.FullPath.Should().Be(folder.File("keys/id_ed25519"));
        (hpc.RemoteRoot, hpc.Partition, hpc.MaxQueued, hpc.TasksPerJob).Should().Be(("/scratch/me/al", "std", 10, 4));
        hpc.Resources.Should().Equal(new Dictionary<string, string> { ["nodes"] = "1", ["time"] = "01:00:00" });
    }
}
