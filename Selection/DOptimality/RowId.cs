using System.Globalization;

namespace ActiveLearning.Selection.DOptimality;

/// <summary>
/// Caller-chosen identity of one feature row: the frame (configuration) it belongs to and an item inside the frame
/// (an atom index in neighbourhood mode, a force component, or anything else the caller numbers). Grades are grouped by
/// <see cref="Frame"/>; error messages name the row by both numbers.
/// </summary>
/// <param name="Frame">Frame (configuration) index; negative values are reserved for regularisation rows.</param>
/// <param name="Item">Index of the row inside its frame.</param>
public readonly record struct RowId(int Frame, int Item)
{
    /// <summary>Identity of the regularisation row that anchors column <paramref name="column"/> (see <see cref="ActiveSet"/>).</summary>
    public static RowId Regularisation(int column) => new(-1, column);

    /// <summary>True for the regularisation rows that stand in for directions the training data do not span.</summary>
    public bool IsRegularisation => Frame < 0;

    /// <inheritdoc />
    public override string ToString() => IsRegularisation
        ? string.Create(CultureInfo.InvariantCulture, $"regularisation row for column {Item}")
        : string.Create(CultureInfo.InvariantCulture, $"frame {Frame}, item {Item}");
}
