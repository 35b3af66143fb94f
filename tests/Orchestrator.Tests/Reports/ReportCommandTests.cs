using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Orchestrator.Store;
using ActiveLearning.Orchestrator.Tests.Cli;
using ActiveLearning.Orchestrator.Tests.Engine;
using ActiveLearning.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActiveLearning.Orchestrator.Tests.Reports;

/// <summary><c>al report</c> on a small exploring campaign: the page's plots and the terminal table show the store's figures.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_report_of_an_exploring_campaign_plots_and_tabulates_the_stores_figures_per_iteration()
    {
        var file = SmallCampaign.Write(folder.Path, iterations: 2, explore: true, survival: "{ runs: 2, steps: 60, temperature: 600, grade_break: 1000 }");
        var run = await AlRunner.Run("run", file);
        run.ExitCode.Should().Be(0, run.StandardError);
        var workdir = SmallCampaign.Workdir(folder.Path);

        var report = await AlRunner.Run("report", workdir);

        report.ExitCode.Should().Be(0, report.StandardError);
        var page = Path.Combine(workdir, "report.html");
        report.StandardError.Should().Contain(page);
        var html = ParseXml(page);
        var store = ReadStore(workdir);
        store.Iterations.Should().Equal([0, 1, 2], "the campaign ran its initial steps and two iterations");
        var svgs = html.Descendants().Where(e => e.Name.LocalName == "svg").ToList();
        svgs.Select(s => (string?)s.Attribute("id")).Should().Equal("labels", "gamma", "energy-rmse", "force-rmse", "survival");

        var labels = Points(svgs[0]);
        labels.Select(p => p.Iteration).Should().Equal(store.Iterations, "one bar per iteration");
        labels.Select(p => p.Value).Should().Equal(store.Iterations.Select(i => (double)store.Labelled[i]));

        var gamma = Points(svgs[1]);
        gamma.Select(p => p.Iteration).Should().Equal([1, 2], "iterations 1 and 2 explored, the initial steps did not");
        foreach (var point in svgs[1].Descendants().Where(e => (string?)e.Attribute("class") == "point"))
        {
            var iteration = int.Parse((string)point.Attribute("data-iteration")!, CultureInfo.InvariantCulture);
            var candidates = StructureFiles.ReadAll(Path.Combine(workdir, "iterations", iteration.ToString("000", CultureInfo.InvariantCulture), "candidates.extxyz"));
            ((string)point.Attribute("data-candidates")!).Should().Be(candidates.Count.ToString(CultureInfo.InvariantCulture));
            if (candidates.Count > 0)
            {
                double.Parse((string)point.Attribute("data-value")!, CultureInfo.InvariantCulture)
                    .Should().BeGreaterThanOrEqualTo(candidates.Max(c => c.Info["gamma"].AsReal()), "the maximum γ covers every candidate");
            }
        }

        store.Validations.Keys.Should().Equal([1, 2], "each iteration validated once");
        Points(svgs[2]).Should().Equal(store.Validations.Select(v => (v.Key, v.Value.Energy * 1000)), "energies are plotted in meV/atom");
        Points(svgs[3]).Should().Equal(store.Validations.Select(v => (v.Key, v.Value.Force)));
        store.Validations.Values.Should().OnlyContain(v => v.Survival != null, "every validate step ran the survival test");
        Points(svgs[4]).Should().Equal(store.Validations.Where(v => v.Value.Survival is not null).Select(v => (v.Key, v.Value.Survival!.Value)));

        // The table, then after a blank line the student against its teacher (the reference is the SW potential).
        var sections = report.StandardOutput.Split("\n\n");
        sections.Should().HaveCount(2).And.Subject.Last().Should().StartWith("Student (model of iteration 2) against its teacher sw:");
        var table = sections[0].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        table.Should().HaveCount(1 + store.Iterations.Count, "a header and one row per iteration");
        table[0].Should().StartWith("iter").And.Contain("max γ").And.Contain("model");
        foreach (var iteration in store.Iterations)
        {
            var cells = table[1 + iteration].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            cells[0].Should().Be(iteration.ToString(CultureInfo.InvariantCulture));
            cells[2..5].Should().Equal(
                [store.Added[iteration].ToString(CultureInfo.InvariantCulture), store.Labelled[iteration].ToString(CultureInfo.InvariantCulture), store.Failed[iteration].ToString(CultureInfo.InvariantCulture)],
                "added, labelled and failed of iteration {0} are the store's", iteration);
            if (store.Validations.TryGetValue(iteration, out var validation))
            {
                cells[7].Should().Be((validation.Energy * 1000).ToString("F2", CultureInfo.InvariantCulture));
                cells[8].Should().Be(validation.Force.ToString("F4", CultureInfo.InvariantCulture));
            }

            cells[^1].Should().BeOneOf(iteration == 0 ? ["new"] : ["kept", "replaced"]);
        }
    }

    [Fact]
    public async Task The_report_goes_where_output_says_and_a_directory_without_a_campaign_is_refused_with_exit_2()
    {
        var file = SmallCampaign.Write(folder.Path, initialCopies: 4, loopCopies: 2, iterations: 1);
        (await AlRunner.Run("run", file)).ExitCode.Should().Be(0);
        var target = folder.File("elsewhere/si.html");

        var report = await AlRunner.Run("report", SmallCampaign.Workdir(folder.Path), "-o", target);

        report.ExitCode.Should().Be(0, report.StandardError);
        var html = ParseXml(target);
        Points(html.Descendants().Single(e => (string?)e.Attribute("id") == "gamma")).Should().BeEmpty("this campaign generates instead of exploring");
        html.Descendants().Single(e => (string?)e.Attribute("id") == "gamma").Value.Should().Contain("no explore step ran");
        File.Exists(Path.Combine(SmallCampaign.Workdir(folder.Path), "report.html")).Should().BeFalse();
        Directory.GetFiles(Path.GetDirectoryName(target)!).Should().ContainSingle("the page is written through a temporary file that is renamed");

        var empty = folder.File("not-a-campaign");
        Directory.CreateDirectory(empty);
        var refused = await AlRunner.Run("report", empty);

        refused.ExitCode.Should().Be(2);
        refused.StandardError.Should().Contain("no campaign here").And.Contain(CampaignStore.FileName);
        Directory.GetFiles(empty).Should().BeEmpty("nothing is written for a directory that holds no campaign");
    }

    private static XDocument ParseXml(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static List<(int Iteration, double Value)> Points(XElement svg) =>
        [.. svg.Descendants().Where(e => (string?)e.Attribute("class") == "point").Select(e => (
            int.Parse((string)e.Attribute("data-iteration")!, CultureInfo.InvariantCulture),
            double.Parse((string)e.Attribute("data-value")!, CultureInfo.InvariantCulture)))];

    private sealed record StoreFigures(
        List<int> Iterations, Dictionary<int, long> Added, Dictionary<int, long> Labelled, Dictionary<int, long> Failed,
        SortedDictionary<int, (double Energy, double Force, double? Survival)> Validations);

    // Straight from the database, independently of the report's own queries.
    private static StoreFigures ReadStore(string workdir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(workdir, CampaignStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        List<(long A, long B)> Pairs(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<(long, long)>();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }

            return rows;
        }

        var iterations = Pairs("SELECT number, 0 FROM iterations ORDER BY number").Select(p => (int)p.A).ToList();
        Dictionary<int, long> PerIteration(string sql)
        {
            var found = Pairs(sql).ToDictionary(p => (int)p.A, p => p.B);
            return iterations.ToDictionary(i => i, i => found.GetValueOrDefault(i));
        }

        var validations = new SortedDictionary<int, (double, double, double?)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT iteration, energy_rmse, force_rmse, survival FROM validations ORDER BY id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                validations[reader.GetInt32(0)] = (reader.GetDouble(1), reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetDouble(3));
            }
        }

        return new StoreFigures(
            iterations,
            PerIteration("SELECT iteration, COUNT(*) FROM structures GROUP BY iteration"),
            PerIteration("SELECT iteration, COUNT(*) FROM labels WHERE status = 'ok' GROUP BY iteration"),
            PerIteration("SELECT iteration, COUNT(*) FROM labels WHERE status = 'failed' GROUP BY iteration"),
            validations);
    }
}
