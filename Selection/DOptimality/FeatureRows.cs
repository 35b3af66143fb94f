namespace ActiveLearning.Selection.DOptimality;

/// <summary>
/// A block of feature rows (configurations, neighbourhoods or force rows — the caller decides) stored row-major in one
/// array, each row with its <see cref="RowId"/>. The values are not copied: the caller must not change them while an
/// operation runs.
/// </summary>
public sealed class FeatureRows
{
    private readonly RowId[] ids;

    /// <summary>Wraps <paramref name="values"/> (row-major, <c>ids.Length × columns</c>).</summary>
    /// <exception cref="ArgumentException">Fewer than one column, or a length that is not <c>ids.Length × columns</c>.</exception>
    public FeatureRows(double[] values, int columns, RowId[] ids)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(ids);
        if (columns < 1)
        {
            throw new ArgumentException($"feature rows need at least one column, got {columns}", nameof(columns));
        }

        if ((long)ids.Length * columns != values.Length)
        {
            throw new ArgumentException(
                $"{values.Length} values do not make {ids.Length} rows of {columns} columns", nameof(values));
        }

        Values = values;
        Columns = columns;
        this.ids = ids;
    }

    /// <summary>Builds a block from separate rows; every row must have the same length.</summary>
    /// <exception cref="ArgumentException">Counts differ, no rows, or a row whose length differs from the first (named by its id).</exception>
    public static FeatureRows FromRows(IReadOnlyList<double[]> rows, IReadOnlyList<RowId> ids)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(ids);
        if (rows.Count != ids.Count)
        {
            throw new ArgumentException($"{rows.Count} rows but {ids.Count} ids", nameof(ids));
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException("no rows given; the column count is unknown", nameof(rows));
        }

        var columns = rows[0].Length;
        var values = new double[(long)rows.Count * columns];
        var idArray = new RowId[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != columns)
            {
                throw new ArgumentException(
                    $"row {ids[i]} has {rows[i].Length} columns but the first row has {columns}", nameof(rows));
            }

            rows[i].CopyTo(values, (long)i * columns);
            idArray[i] = ids[i];
        }

        return new FeatureRows(values, columns, idArray);
    }

    /// <summary>Row-major values, <see cref="Count"/> × <see cref="Columns"/>.</summary>
    public double[] Values { get; }

    /// <summary>Number of columns (basis functions), m.</summary>
    public int Columns { get; }

    /// <summary>Number of rows.</summary>
    public int Count => ids.Length;

    /// <summary>Row identities, one per row.</summary>
    public IReadOnlyList<RowId> Ids => ids;

    /// <summary>The values of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Row(int index) => Values.AsSpan(index * Columns, Columns);

    internal RowId[] IdArray => ids;

    /// <summary>Throws unless every value is finite, naming the first offending row.</summary>
    internal void EnsureFinite(string what)
    {
        for (var i = 0; i < Count; i++)
        {
            foreach (var value in Row(i))
            {
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException($"{what} row {ids[i]} contains a non-finite value ({value})");
                }
            }
        }
    }

    internal void EnsureColumns(int expected, string what)
    {
        if (Columns != expected)
        {
            var first = Count > 0 ? $" (first row {ids[0]})" : string.Empty;
            throw new ArgumentException($"{what} rows have {Columns} columns but the active set has {expected}{first}");
        }
    }
}
