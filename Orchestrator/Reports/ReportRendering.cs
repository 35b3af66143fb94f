using System.Globalization;
using System.Text;

namespace ActiveLearning.Orchestrator.Reports;

/// <summary>
/// Renders a <see cref="CampaignReport"/>: a self-contained HTML page (well-formed XML, inline SVG plots, no scripts, no
/// external files) and a plain-text table for the terminal. Every plotted datum is an element of class <c>point</c> with
/// <c>data-iteration</c> and <c>data-value</c>, so the page can be checked against the store.
/// </summary>
public static partial class ReportRendering
{
    private const double Width = 640, Height = 260, Left = 64, Right = 16, Top = 34, Bottom = 40;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    /// <summary>The ids of the page's plots, in order (<c>phonon-rmse</c> follows them when a validate step compared phonons).</summary>
    public static readonly IReadOnlyList<string> PlotIds = ["labels", "gamma", "energy-rmse", "force-rmse", "survival"];

    /// <summary>Writes the HTML page.</summary>
    public static void WriteHtml(CampaignReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var rows = report.Iterations;
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        page.Append(Inv($"<title>Campaign {Escape(report.Campaign)}</title>\n"));
        page.Append("""
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; font-size: 0.9em; }
            th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
            svg { display: block; margin: 1em 0; }
            svg text { font-size: 11px; }
            </style>
            </head>
            <body>

            """);
        page.Append(Inv($"<h1>Campaign {Escape(report.Campaign)}</h1>\n<p>State: {Escape(report.State)}{(report.StopReason is null ? string.Empty : ": " + Escape(report.StopReason))}; {rows.Count} iterations (0: the initial steps).</p>\n"));
        var phonons = HasPhonons(report);
        page.Append("<table>\n<tr><th>iteration</th><th>state</th><th>added</th><th>labelled</th><th>failed</th><th>candidates</th><th>max γ</th><th>energy RMSE (meV/atom)</th><th>force RMSE (eV/Å)</th><th>survival</th>")
            .Append(phonons ? "<th>phonon RMSE (THz)</th><th>phonon max error (THz)</th>" : string.Empty).Append("<th>model</th></tr>\n");
        foreach (var row in rows)
        {
            var cells = Cells(row, phonons);
            page.Append("<tr>");
            foreach (var cell in cells)
            {
                page.Append("<td>").Append(Escape(cell)).Append("</td>");
            }

            page.Append("</tr>\n");
        }

        page.Append("</table>\n");
        var guards = rows.Where(r => r.Guard is not null).ToList();
        if (guards.Count > 0)
        {
            page.Append("<h2>Fit guard</h2>\n<ul>\n");
            foreach (var row in guards)
            {
                page.Append(Inv($"<li>iteration {row.Iteration}: {Escape(row.Guard!)}</li>\n"));
            }

            page.Append("</ul>\n");
        }

        StudentTeacherSection(page, report.StudentTeacher);
        page.Append("<h2>Plots</h2>\n");
        Bars(page, "labels", "Labels per iteration (red: failed)", "labels", rows,
            [.. rows.Select(r => ((double?)r.Labelled, (double)r.Failed))]);
        GammaBoxes(page, rows);
        Points(page, "energy-rmse", "Validation energy RMSE per iteration", "meV/atom", rows, [.. rows.Select(r => r.Validation?.EnergyRmseMeVPerAtom)]);
        Points(page, "force-rmse", "Validation force RMSE per iteration", "eV/Å", rows, [.. rows.Select(r => r.Validation?.ForceRmseEVPerAngstrom)]);
        Points(page, "survival", "Survival per iteration (share of hot MD runs that finished)", "survival", rows, [.. rows.Select(r => r.Validation?.Survival)], fixedMax: 1);
        if (phonons)
        {
            Points(page, "phonon-rmse", "Phonon frequency RMSE against the teacher per iteration", "THz", rows, [.. rows.Select(r => r.Validation?.PhononRmseTHz)]);
        }

        page.Append("</body>\n</html>\n");
        writer.Write(page.ToString());
    }

    /// <summary>The terminal table: one line per iteration, columns as on the page.</summary>
    public static string SummaryTable(CampaignReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var phonons = HasPhonons(report);
        string[] header = phonons
            ? ["iter", "state", "added", "labelled", "failed", "candidates", "max γ", "E RMSE meV/atom", "F RMSE eV/Å", "survival", "ph RMSE THz", "ph max THz", "model"]
            : ["iter", "state", "added", "labelled", "failed", "candidates", "max γ", "E RMSE meV/atom", "F RMSE eV/Å", "survival", "model"];
        var table = new List<string[]> { header };
        table.AddRange(report.Iterations.Select(r => Cells(r, phonons)));
        var widths = new int[header.Length];
        foreach (var line in table)
        {
            for (var c = 0; c < line.Length; c++)
            {
                widths[c] = Math.Max(widths[c], line[c].Length);
            }
        }

        var text = new StringBuilder();
        foreach (var line in table)
        {
            text.Append(string.Join("  ", line.Select((cell, c) => c == 1 || c == line.Length - 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    // The phonon columns and plot appear only when some validate step compared phonons, so other reports stay as they were.
    private static bool HasPhonons(CampaignReport report) => report.Iterations.Any(r => r.Validation?.PhononRmseTHz is not null);

    private static string[] Cells(ReportIteration row, bool phonons) =>
    [
        Inv($"{row.Iteration}{(row.Final ? " (final)" : string.Empty)}"), row.State, Inv($"{row.Added}"), Inv($"{row.Labelled}"), Inv($"{row.Failed}"),
        row.Exploration is { } e ? Inv($"{e.Gammas.Count}") : "–",
        row.Exploration is { } x ? Inv($"{x.MaxGamma:F2}") : "–",
        row.Validation?.EnergyRmseMeVPerAtom is { } energy ? Inv($"{energy:F2}") : "–",
        row.Validation?.ForceRmseEVPerAngstrom is { } force ? Inv($"{force:F4}") : "–",
        row.Validation?.Survival is { } survival ? Inv($"{survival:F2}") : "–",
        .. phonons
            ? (string[])[row.Validation?.PhononRmseTHz is { } rmse ? Inv($"{rmse:F3}") : "–", row.Validation?.PhononMaxErrorTHz is { } max ? Inv($"{max:F3}") : "–"]
            : [],
        row.Model ?? "–",
    ];

    private static double X(int index, int count) => Left + ((index + 0.5) * PlotWidth / Math.Max(count, 1));

    private static void Open(StringBuilder page, string id, string title, string unit, IReadOnlyList<ReportIteration> rows)
    {
        page.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(title)}\">\n"));
        page.Append(Inv($"<title>{Escape(title)}</title>\n<text x=\"{Left}\" y=\"18\" font-weight=\"bold\">{Escape(title)}</text>\n"));
        page.Append(Inv($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + PlotHeight}\" stroke=\"#444\"/>\n"));
        page.Append(Inv($"<line x1=\"{Left}\" y1=\"{Top + PlotHeight}\" x2=\"{Left + PlotWidth}\" y2=\"{Top + PlotHeight}\" stroke=\"#444\"/>\n"));
        page.Append(Inv($"<text x=\"14\" y=\"{Top + (PlotHeight / 2)}\" transform=\"rotate(-90 14 {Top + (PlotHeight / 2)})\" text-anchor=\"middle\">{Escape(unit)}</text>\n"));
        for (var i = 0; i < rows.Count; i++)
        {
            page.Append(Inv($"<text x=\"{X(i, rows.Count):0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\">{rows[i].Iteration}</text>\n"));
        }

        page.Append(Inv($"<text x=\"{Left + (PlotWidth / 2)}\" y=\"{Height - 6}\" text-anchor=\"middle\">iteration</text>\n"));
    }

    private static void YTicks(StringBuilder page, IEnumerable<double> ticks, Func<double, double> y)
    {
        foreach (var tick in ticks)
        {
            var position = y(tick);
            page.Append(Inv($"<line x1=\"{Left - 4}\" y1=\"{position:0.##}\" x2=\"{Left + PlotWidth}\" y2=\"{position:0.##}\" stroke=\"#ddd\"/>\n"));
            page.Append(Inv($"<text x=\"{Left - 6}\" y=\"{position + 4:0.##}\" text-anchor=\"end\">{tick:G4}</text>\n"));
        }
    }

    private static void Empty(StringBuilder page, string what) =>
        page.Append(Inv($"<text x=\"{Left + (PlotWidth / 2)}\" y=\"{Top + (PlotHeight / 2)}\" text-anchor=\"middle\" fill=\"#888\">{Escape(what)}</text>\n"));

    private static void Bars(StringBuilder page, string id, string title, string unit, IReadOnlyList<ReportIteration> rows, IReadOnlyList<(double? Value, double Failed)> values)
    {
        Open(page, id, title, unit, rows);
        var max = NiceMax(values.Max(v => (v.Value ?? 0) + v.Failed));
        double Y(double v) => Top + PlotHeight - (v / max * PlotHeight);
        YTicks(page, LinearTicks(max), Y);
        var barWidth = PlotWidth / Math.Max(rows.Count, 1) * 0.6;
        for (var i = 0; i < rows.Count; i++)
        {
            var value = values[i].Value ?? 0;
            var x = X(i, rows.Count) - (barWidth / 2);
            page.Append(Inv($"<rect class=\"point\" data-iteration=\"{rows[i].Iteration}\" data-value=\"{value:R}\" x=\"{x:0.##}\" y=\"{Y(value):0.##}\" width=\"{barWidth:0.##}\" height=\"{Top + PlotHeight - Y(value):0.##}\" fill=\"#4a7ab5\"><title>iteration {rows[i].Iteration}: {value:R}</title></rect>\n"));
            if (values[i].Failed > 0)
            {
                page.Append(Inv($"<rect class=\"failed\" data-iteration=\"{rows[i].Iteration}\" data-value=\"{values[i].Failed:R}\" x=\"{x:0.##}\" y=\"{Y(value + values[i].Failed):0.##}\" width=\"{barWidth:0.##}\" height=\"{Y(value) - Y(value + values[i].Failed):0.##}\" fill=\"#c44\"/>\n"));
            }
        }

        page.Append("</svg>\n");
    }

    private static void Points(StringBuilder page, string id, string title, string unit, IReadOnlyList<ReportIteration> rows, IReadOnlyList<double?> values, double? fixedMax = null)
    {
        Open(page, id, title, unit, rows);
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (present.Count == 0)
        {
            Empty(page, "no values recorded");
            page.Append("</svg>\n");
            return;
        }

        var max = fixedMax ?? NiceMax(present.Max());
        double Y(double v) => Top + PlotHeight - (Math.Clamp(v / max, 0, 1) * PlotHeight);
        YTicks(page, LinearTicks(max), Y);
        var line = new StringBuilder();
        var marks = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }

            var x = X(i, rows.Count);
            line.Append(Inv($"{x:0.##},{Y(value):0.##} "));
            marks.Append(Inv($"<circle class=\"point\" data-iteration=\"{rows[i].Iteration}\" data-value=\"{value:R}\" cx=\"{x:0.##}\" cy=\"{Y(value):0.##}\" r=\"4\" fill=\"#4a7ab5\"><title>iteration {rows[i].Iteration}: {value:G6}</title></circle>\n"));
        }

        page.Append(Inv($"<polyline points=\"{line.ToString().TrimEnd()}\" fill=\"none\" stroke=\"#4a7ab5\"/>\n")).Append(marks);
        page.Append("</svg>\n");
    }

    // Box per iteration that explored: whiskers at the smallest candidate γ and the largest γ any walker saw, the box from
    // the 25th to the 75th percentile of the candidates, a line at the median; log scale, since γ spans decades.
    private static void GammaBoxes(StringBuilder page, IReadOnlyList<ReportIteration> rows)
    {
        Open(page, "gamma", "Extrapolation grade γ of the candidates per iteration (box: 25–75%, line: median, whiskers: min–max)", "γ", rows);
        var explored = rows.Where(r => r.Exploration is not null).ToList();
        var all = explored.SelectMany(r => r.Exploration!.Gammas.Append(r.Exploration.MaxGamma)).Where(g => g > 0).ToList();
        if (all.Count == 0)
        {
            Empty(page, explored.Count == 0 ? "no explore step ran" : "no frame was graded");
            page.Append("</svg>\n");
            return;
        }

        var low = Math.Pow(10, Math.Floor(Math.Log10(all.Min())));
        var high = Math.Pow(10, Math.Ceiling(Math.Log10(all.Max() * 1.0001)));
        double Y(double v) => Top + PlotHeight - ((Math.Log10(Math.Max(v, low)) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)) * PlotHeight);
        var ticks = new List<double>();
        for (var decade = low; decade < high * 1.01; decade *= 10)
        {
            ticks.AddRange(new[] { decade, 2 * decade, 5 * decade }.Where(t => t <= high * 1.0001));
        }

        YTicks(page, ticks, Y);
        var boxWidth = PlotWidth / Math.Max(rows.Count, 1) * 0.5;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Exploration is not { } exploration)
            {
                continue;
            }

            var x = X(i, rows.Count);
            var g = exploration.Gammas;
            page.Append(Inv($"<g class=\"point\" data-iteration=\"{rows[i].Iteration}\" data-value=\"{exploration.MaxGamma:R}\" data-candidates=\"{g.Count}\">"));
            page.Append(Inv($"<title>iteration {rows[i].Iteration}: {g.Count} candidates, max γ {exploration.MaxGamma:F2}</title>"));
            if (g.Count > 0)
            {
                double q1 = Percentile(g, 0.25), median = Percentile(g, 0.5), q3 = Percentile(g, 0.75);
                page.Append(Inv($"<line x1=\"{x:0.##}\" y1=\"{Y(g[0]):0.##}\" x2=\"{x:0.##}\" y2=\"{Y(exploration.MaxGamma):0.##}\" stroke=\"#444\"/>"));
                page.Append(Inv($"<rect x=\"{x - (boxWidth / 2):0.##}\" y=\"{Y(q3):0.##}\" width=\"{boxWidth:0.##}\" height=\"{Math.Max(Y(q1) - Y(q3), 1):0.##}\" fill=\"#9bbbe0\" stroke=\"#444\"/>"));
                page.Append(Inv($"<line x1=\"{x - (boxWidth / 2):0.##}\" y1=\"{Y(median):0.##}\" x2=\"{x + (boxWidth / 2):0.##}\" y2=\"{Y(median):0.##}\" stroke=\"#222\" stroke-width=\"2\"/>"));
            }

            page.Append(Inv($"<circle cx=\"{x:0.##}\" cy=\"{Y(exploration.MaxGamma):0.##}\" r=\"3\" fill=\"#c44\"/></g>\n"));
        }

        page.Append("</svg>\n");
    }

    // Linear interpolation between order statistics of an ascending list.
    private static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    private static double NiceMax(double max)
    {
        if (!(max > 0) || double.IsInfinity(max))
        {
            return 1;
        }

        var decade = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var factor in new[] { 1.0, 2, 5, 10 })
        {
            if (factor * decade >= max)
            {
                return factor * decade;
            }
        }

        return 10 * decade;
    }

    private static IEnumerable<double> LinearTicks(double max) => Enumerable.Range(0, 5).Select(i => max * i / 4);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
