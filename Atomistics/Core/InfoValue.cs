using System.Globalization;

namespace ActiveLearning.Atomistics;

/// <summary>The type of a per-structure info value, following extended XYZ's typing.</summary>
public enum InfoKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A 64-bit integer.</summary>
    Integer,

    /// <summary>A double.</summary>
    Real,

    /// <summary>T or F.</summary>
    Boolean,

    /// <summary>A vector of integers.</summary>
    IntegerArray,

    /// <summary>A vector of doubles.</summary>
    RealArray,

    /// <summary>A vector of booleans.</summary>
    BooleanArray,
}

/// <summary>
/// One free-form value in a structure's info (provenance, config_type, γ, …), typed as extended XYZ types it so that it
/// round-trips through ASE unchanged.
/// </summary>
public sealed class InfoValue : IEquatable<InfoValue>
{
    private readonly object value;

    private InfoValue(InfoKind kind, object value)
    {
        Kind = kind;
        this.value = value;
    }

    /// <summary>The value's type.</summary>
    public InfoKind Kind { get; }

    /// <summary>A text value.</summary>
    public static InfoValue FromString(string text) => new(InfoKind.String, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>An integer value.</summary>
    public static InfoValue FromInteger(long number) => new(InfoKind.Integer, number);

    /// <summary>A real value.</summary>
    public static InfoValue FromReal(double number) => new(InfoKind.Real, number);

    /// <summary>A boolean value.</summary>
    public static InfoValue FromBoolean(bool flag) => new(InfoKind.Boolean, flag);

    /// <summary>An integer vector (copied).</summary>
    public static InfoValue FromIntegers(ReadOnlySpan<long> numbers) => new(InfoKind.IntegerArray, numbers.ToArray());

    /// <summary>A real vector (copied).</summary>
    public static InfoValue FromReals(ReadOnlySpan<double> numbers) => new(InfoKind.RealArray, numbers.ToArray());

    /// <summary>A boolean vector (copied).</summary>
    public static InfoValue FromBooleans(ReadOnlySpan<bool> flags) => new(InfoKind.BooleanArray, flags.ToArray());

    /// <summary>Implicit text.</summary>
    public static implicit operator InfoValue(string text) => FromString(text);

    /// <summary>Implicit integer.</summary>
    public static implicit operator InfoValue(long number) => FromInteger(number);

    /// <summary>Implicit real.</summary>
    public static implicit operator InfoValue(double number) => FromReal(number);

    /// <summary>Implicit boolean.</summary>
    public static implicit operator InfoValue(bool flag) => FromBoolean(flag);

    /// <summary>The text of a <see cref="InfoKind.String"/> value.</summary>
    /// <exception cref="InvalidOperationException">The value has another kind.</exception>
    public string AsString() => Kind == InfoKind.String ? (string)value : throw WrongKind(InfoKind.String);

    /// <summary>The number of an <see cref="InfoKind.Integer"/> value.</summary>
    /// <exception cref="InvalidOperationException">The value has another kind.</exception>
    public long AsInteger() => Kind == InfoKind.Integer ? (long)value : throw WrongKind(InfoKind.Integer);

    /// <summary>The number of a <see cref="InfoKind.Real"/> or <see cref="InfoKind.Integer"/> value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a scalar number.</exception>
    public double AsReal() => Kind switch
    {
        InfoKind.Real => (double)value,
        InfoKind.Integer => (long)value,
        _ => throw WrongKind(InfoKind.Real),
    };

    /// <summary>The flag of a <see cref="InfoKind.Boolean"/> value.</summary>
    /// <exception cref="InvalidOperationException">The value has another kind.</exception>
    public bool AsBoolean() => Kind == InfoKind.Boolean ? (bool)value : throw WrongKind(InfoKind.Boolean);

    /// <summary>The elements of an <see cref="InfoKind.IntegerArray"/>.</summary>
    /// <exception cref="InvalidOperationException">The value has another kind.</exception>
    public IReadOnlyList<long> AsIntegers() => Kind == InfoKind.IntegerArray ? (long[])value : throw WrongKind(InfoKind.IntegerArray);

    /// <summary>The elements of a <see cref="InfoKind.RealArray"/> (or an integer array, converted).</summary>
    /// <exception cref="InvalidOperationException">The value is not a numeric vector.</exception>
    public IReadOnlyList<double> AsReals() => Kind switch
    {
        InfoKind.RealArray => (double[])value,
        InfoKind.IntegerArray => Array.ConvertAll((long[])value, x => (double)x),
        _ => throw WrongKind(InfoKind.RealArray),
    };

    /// <summary>The elements of a <see cref="InfoKind.BooleanArray"/>.</summary>
    /// <exception cref="InvalidOperationException">The value has another kind.</exception>
    public IReadOnlyList<bool> AsBooleans() => Kind == InfoKind.BooleanArray ? (bool[])value : throw WrongKind(InfoKind.BooleanArray);

    private InvalidOperationException WrongKind(InfoKind wanted) => new($"The info value is {Kind}, not {wanted}.");

    /// <inheritdoc/>
    public bool Equals(InfoValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            InfoKind.IntegerArray => ((long[])value).AsSpan().SequenceEqual((long[])other.value),
            InfoKind.RealArray => ((double[])value).AsSpan().SequenceEqual((double[])other.value),
            InfoKind.BooleanArray => ((bool[])value).AsSpan().SequenceEqual((bool[])other.value),
            _ => value.Equals(other.value),
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as InfoValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Kind switch
    {
        InfoKind.IntegerArray => ((long[])value).Length,
        InfoKind.RealArray => ((double[])value).Length,
        InfoKind.BooleanArray => ((bool[])value).Length,
        _ => value.GetHashCode(),
    });

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        InfoKind.String => (string)value,
        InfoKind.Boolean => (bool)value ? "T" : "F",
        InfoKind.IntegerArray => string.Join(' ', (long[])value),
        InfoKind.RealArray => string.Join(' ', Array.ConvertAll((double[])value, x => x.ToString("R", CultureInfo.InvariantCulture))),
        InfoKind.BooleanArray => string.Join(' ', Array.ConvertAll((bool[])value, x => x ? "T" : "F")),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
