namespace ActiveLearning.Atomistics.Potentials.Eam;

/// <summary>
/// A function tabulated on a uniform grid x_m = m·spacing (m = 0 … n−1), interpolated piecewise by cubics the way
/// LAMMPS' <c>pair_style eam</c> does, so that results agree with it to rounding: the slope at each knot is estimated from
/// the values (one-sided difference at the ends, central difference next to them, the five-point fourth-order stencil
/// inside), and each interval is the cubic Hermite polynomial through its two knots with those slopes.
/// </summary>
/// <remarks>
/// Positions are located with LAMMPS' arithmetic: p = x/spacing + 1 (computed as x·(1/spacing) + 1), the interval is
/// ⌊p⌋ limited to the last one, and the fraction within it is capped at 1, so beyond the last knot the table holds the last
/// value (and the last interval's end slope). Below the first knot (only the embedding function is asked there) the first
/// cubic is continued.
/// </remarks>
internal sealed class CubicTable
{
    // Per interval: value = ((c3·p + c2)·p + c1)·p + c0 and d/dx = (d2·p + d1)·p + d0 with p ∈ [0, 1] the fraction.
    private readonly double[] coefficients;

    public CubicTable(ReadOnlySpan<double> values, double spacing)
    {
        var n = values.Length;
        if (n < 5)
        {
            throw new ArgumentException("A table needs at least 5 values.", nameof(values));
        }

        Points = n;
        Spacing = spacing;
        InverseSpacing = 1.0 / spacing;

        // Slopes per grid step (not per unit x).
        var slope = new double[n];
        slope[0] = values[1] - values[0];
        slope[1] = 0.5 * (values[2] - values[0]);
        slope[n - 2] = 0.5 * (values[n - 1] - values[n - 3]);
        slope[n - 1] = values[n - 1] - values[n - 2];
        for (var m = 2; m < n - 2; m++)
        {
            slope[m] = ((values[m - 2] - values[m + 2]) + (8.0 * (values[m + 1] - values[m - 1]))) / 12.0;
        }

        coefficients = new double[Stride * n];
        for (var m = 0; m < n; m++)
        {
            double quadratic = 0, cubic = 0;
            if (m < n - 1)
            {
                var rise = values[m + 1] - values[m];
                quadratic = (3.0 * rise) - (2.0 * slope[m]) - slope[m + 1];
                cubic = slope[m] + slope[m + 1] - (2.0 * rise);
            }

            var c = coefficients.AsSpan(Stride * m, Stride);
            c[0] = values[m];
            c[1] = slope[m];
            c[2] = quadratic;
            c[3] = cubic;
            c[4] = slope[m] / spacing;
            c[5] = 2.0 * quadratic / spacing;
            c[6] = 3.0 * cubic / spacing;
        }
    }

    private const int Stride = 7;

    /// <summary>Number of tabulated values.</summary>
    public int Points { get; }

    /// <summary>Grid spacing.</summary>
    public double Spacing { get; }

    /// <summary>1/spacing, as the locating arithmetic uses it.</summary>
    public double InverseSpacing { get; }

    /// <summary>x at the last knot, (n − 1)·spacing.</summary>
    public double Extent => (Points - 1) * Spacing;

    /// <summary>
    /// The interval and fraction for <paramref name="x"/> (≥ 0 for distances). Tables on the same grid share the result,
    /// so a caller locates once and evaluates several tables.
    /// </summary>
    public static (int Interval, double Fraction) Locate(double x, double inverseSpacing, int points)
    {
        var p = (x * inverseSpacing) + 1.0;
        // LAMMPS truncates p to an int; capping first avoids overflow for absurdly large x.
        var m = p < points ? (int)p : points - 1;
        m = Math.Max(1, Math.Min(m, points - 1));
        p -= m;
        p = Math.Min(p, 1.0);
        return (m - 1, p);
    }

    /// <summary>The value at a located position.</summary>
    public double Value(int interval, double fraction)
    {
        var c = coefficients.AsSpan(Stride * interval, Stride);
        return (((((c[3] * fraction) + c[2]) * fraction) + c[1]) * fraction) + c[0];
    }

    /// <summary>The derivative d/dx at a located position.</summary>
    public double Derivative(int interval, double fraction)
    {
        var c = coefficients.AsSpan(Stride * interval, Stride);
        return (((c[6] * fraction) + c[5]) * fraction) + c[4];
    }

    /// <summary>The value and derivative d/dx at a located position.</summary>
    public double Evaluate(int interval, double fraction, out double derivative)
    {
        var c = coefficients.AsSpan(Stride * interval, Stride);
        derivative = (((c[6] * fraction) + c[5]) * fraction) + c[4];
        return (((((c[3] * fraction) + c[2]) * fraction) + c[1]) * fraction) + c[0];
    }
}
