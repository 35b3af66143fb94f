using System.Globalization;

namespace ActiveLearning.Selection.Variance;

/// <summary>Where a frame's committee deviation falls relative to a <see cref="TrustWindow"/>.</summary>
public enum TrustClass
{
    /// <summary>ε ≤ lower: the models agree; the frame needs no label.</summary>
    Accurate,

    /// <summary>lower &lt; ε &lt; upper: worth labelling.</summary>
    Candidate,

    /// <summary>ε ≥ upper: the models disagree so much that the frame is probably unphysical; not labelled.</summary>
    Broken,
}

/// <summary>
/// DP-GEN's trust levels on the committee force deviation ε_F (eV/Å; 0.05 / 0.15 are typical): frames with
/// lower &lt; ε_F &lt; upper are candidates for labelling; a deviation exactly at a level is not a candidate — ε_F = lower is
/// accurate, ε_F = upper is broken.
/// </summary>
public sealed record TrustWindow
{
    /// <summary>Creates a window.</summary>
    /// <param name="lower">trust_lo ≥ 0, finite.</param>
    /// <param name="upper">trust_hi &gt; trust_lo; +∞ to never call a frame broken.</param>
    /// <exception cref="ArgumentOutOfRangeException">The levels are NaN, negative, or not lower &lt; upper.</exception>
    public TrustWindow(double lower, double upper)
    {
        if (!double.IsFinite(lower) || lower < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lower), lower, "The lower trust level must be finite and ≥ 0.");
        }

        if (double.IsNaN(upper) || !(upper > lower))
        {
            throw new ArgumentOutOfRangeException(
                nameof(upper), upper, string.Create(CultureInfo.InvariantCulture, $"The upper trust level must exceed the lower one ({lower})."));
        }

        Lower = lower;
        Upper = upper;
    }

    /// <summary>trust_lo, eV/Å.</summary>
    public double Lower { get; }

    /// <summary>trust_hi, eV/Å.</summary>
    public double Upper { get; }

    /// <summary>The class of one deviation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The deviation is NaN or negative.</exception>
    public TrustClass Classify(double deviation)
    {
        if (double.IsNaN(deviation) || deviation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(deviation), deviation, "A deviation must be ≥ 0.");
        }

        return deviation <= Lower ? TrustClass.Accurate : deviation < Upper ? TrustClass.Candidate : TrustClass.Broken;
    }

    /// <summary>Classifies a set of frames by their force deviation <see cref="FrameDeviation.MaxForce"/>.</summary>
    /// <exception cref="ArgumentException">The set is empty, or a frame's deviation is NaN or negative (named by its id).</exception>
    public TrustReport Classify(IReadOnlyList<FrameDeviation> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("There are no frames to classify.", nameof(frames));
        }

        var accurate = new List<int>();
        var candidates = new List<int>();
        var broken = new List<int>();
        for (var f = 0; f < frames.Count; f++)
        {
            var frame = frames[f] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Frame {f} is null."), nameof(frames));
            if (double.IsNaN(frame.MaxForce) || frame.MaxForce < 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Frame '{frame.FrameId}' has an invalid force deviation ({frame.MaxForce})."), nameof(frames));
            }

            (Classify(frame.MaxForce) switch
            {
                TrustClass.Accurate => accurate,
                TrustClass.Candidate => candidates,
                _ => broken,
            }).Add(f);
        }

        return new TrustReport(accurate, candidates, broken);
    }
}

/// <summary>The outcome of classifying frames with a <see cref="TrustWindow"/>; indices refer to the classified list, in its order.</summary>
/// <param name="Accurate">Frames with ε_F ≤ trust_lo.</param>
/// <param name="Candidates">Frames with trust_lo &lt; ε_F &lt; trust_hi.</param>
/// <param name="Broken">Frames with ε_F ≥ trust_hi.</param>
public sealed record TrustReport(IReadOnlyList<int> Accurate, IReadOnlyList<int> Candidates, IReadOnlyList<int> Broken)
{
    /// <summary>Number of frames classified.</summary>
    public int Total => Accurate.Count + Candidates.Count + Broken.Count;

    /// <summary>Share of accurate frames, DP-GEN's convergence measure (it stops when this reaches e.g. 0.9–0.99).</summary>
    public double AccurateFraction => Total == 0 ? 0 : (double)Accurate.Count / Total;
}
