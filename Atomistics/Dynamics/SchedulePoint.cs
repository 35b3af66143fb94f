namespace ActiveLearning.Atomistics.Dynamics;

/// <summary>One corner of a piecewise-linear schedule of a target (temperature in K, pressure in GPa): its value after <paramref name="Step"/> steps.</summary>
/// <param name="Step">Steps done (≥ 0).</param>
/// <param name="Value">The target there (K or GPa).</param>
public readonly record struct SchedulePoint(int Step, double Value)
{
    /// <summary>
    /// The target after <paramref name="step"/> steps on the schedule <paramref name="points"/> (steps strictly increasing,
    /// the first at 0): linear between neighbouring points, the last point's value after it.
    /// </summary>
    /// <exception cref="ArgumentException">The schedule is empty.</exception>
    public static double Interpolate(IReadOnlyList<SchedulePoint> points, int step)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("A schedule needs at least one point.", nameof(points));
        }

        if (step <= points[0].Step)
        {
            return points[0].Value;
        }

        for (var i = 1; i < points.Count; i++)
        {
            var (from, to) = (points[i - 1], points[i]);
            if (step <= to.Step)
            {
                return from.Value + ((to.Value - from.Value) * (step - from.Step) / (to.Step - from.Step));
            }
        }

        return points[^1].Value;
    }
}
