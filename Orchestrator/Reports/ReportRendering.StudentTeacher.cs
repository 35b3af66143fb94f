using System.Text;

namespace ActiveLearning.Orchestrator.Reports;

/// <summary>The page's student-versus-teacher section.</summary>
public static partial class ReportRendering
{
    // A table, not a plot: two speeds and two errors read better as numbers, and the page's plots stay one per figure per iteration.
    private static void StudentTeacherSection(StringBuilder page, StudentTeacherComparison? comparison)
    {
        if (comparison is null)
        {
            return;
        }

        page.Append(Inv($"<h2 id=\"student-teacher\">Student against teacher</h2>\n<p>Student: the model of iteration {comparison.ModelIteration}; teacher: {Escape(comparison.Teacher)}.</p>\n<table class=\"student-teacher\">\n"));
        if (comparison.ValidationIteration is { } iteration)
        {
            page.Append(Inv($"<tr><th>validation energy RMSE (iteration {iteration})</th><td data-value=\"{comparison.EnergyRmseMeVPerAtom:R}\">{comparison.EnergyRmseMeVPerAtom:F2} meV/atom</td></tr>\n"));
            page.Append(Inv($"<tr><th>validation force RMSE (iteration {iteration})</th><td data-value=\"{comparison.ForceRmseEVPerAngstrom:R}\">{comparison.ForceRmseEVPerAngstrom:F4} eV/Å</td></tr>\n"));
        }

        if (comparison.Speed is { } speed)
        {
            page.Append(Inv($"<tr><th>student MD speed ({speed.Atoms} atoms, 1 thread)</th><td data-value=\"{speed.StudentAtomStepsPerSecond:R}\">{speed.StudentAtomStepsPerSecond:N0} atom-steps/s</td></tr>\n"));
            page.Append(Inv($"<tr><th>teacher MD speed ({speed.Atoms} atoms, 1 thread)</th><td data-value=\"{speed.TeacherAtomStepsPerSecond:R}\">{speed.TeacherAtomStepsPerSecond:N0} atom-steps/s</td></tr>\n"));
            page.Append(Inv($"<tr><th>speed-up</th><td data-value=\"{speed.SpeedUp:R}\">{speed.SpeedUp:G2}×</td></tr>\n"));
        }
        else
        {
            page.Append(Inv($"<tr><th>MD speed</th><td>{Escape(comparison.SpeedNote ?? string.Empty)}</td></tr>\n"));
        }

        page.Append("</table>\n");
    }
}
