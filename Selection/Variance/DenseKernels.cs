using System.Numerics;
using System.Runtime.InteropServices;

namespace ActiveLearning.Selection.Variance;

/// <summary>The few vector kernels the hot loops need, vectorised by hand because the JIT does not auto-vectorise.</summary>
internal static class DenseKernels
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var i = 0;
        var sum = 0.0;
        if (Vector.IsHardwareAccelerated && n >= 2 * Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
            var accumulator = Vector<double>.Zero;
            for (var v = 0; v < va.Length; v++)
            {
                accumulator += va[v] * vb[v];
            }

            sum = Vector.Sum(accumulator);
            i = va.Length * Vector<double>.Count;
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>target += factor · source.</summary>
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double factor)
    {
        var n = source.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated && n >= 2 * Vector<double>.Count)
        {
            var vt = MemoryMarshal.Cast<double, Vector<double>>(target[..n]);
            var vs = MemoryMarshal.Cast<double, Vector<double>>(source);
            var vf = new Vector<double>(factor);
            for (var v = 0; v < vs.Length; v++)
            {
                vt[v] += vf * vs[v];
            }

            i = vs.Length * Vector<double>.Count;
        }

        for (; i < n; i++)
        {
            target[i] += factor * source[i];
        }
    }

    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var i = 0;
        var sum = 0.0;
        if (Vector.IsHardwareAccelerated && n >= 2 * Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
            var accumulator = Vector<double>.Zero;
            for (var v = 0; v < va.Length; v++)
            {
                var difference = va[v] - vb[v];
                accumulator += difference * difference;
            }

            sum = Vector.Sum(accumulator);
            i = va.Length * Vector<double>.Count;
        }

        for (; i < n; i++)
        {
            var difference = a[i] - b[i];
            sum += difference * difference;
        }

        return sum;
    }
}
