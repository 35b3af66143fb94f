using ActiveLearning.Selection.DOptimality;
using MathNet.Numerics.LinearAlgebra;

namespace ActiveLearning.Selection.Tests.DOptimality;

internal static class DOptimalityTestData
{
    /// <summary>n random rows of m columns (Gaussian, column j scaled by columnScale^j), ids (frame i / perFrame, item i % perFrame).</summary>
    public static FeatureRows Random(int seed, int n, int m, int perFrame = 5, double columnScale = 1.0, double scale = 1.0, int frameOffset = 0)
    {
        var random = new Random(seed);
        var values = new double[n * m];
        var ids = new RowId[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = new RowId(frameOffset + i / perFrame, i % perFrame);
            for (var k = 0; k < m; k++)
            {
                values[i * m + k] = scale * Gaussian(random) * Math.Pow(columnScale, k);
            }
        }

        return new FeatureRows(values, m, ids);
    }

    public static FeatureRows FromArray(double[,] rows, int frameOffset = 0)
    {
        int n = rows.GetLength(0), m = rows.GetLength(1);
        var values = new double[n * m];
        var ids = new RowId[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = new RowId(frameOffset + i, 0);
            for (var k = 0; k < m; k++)
            {
                values[i * m + k] = rows[i, k];
            }
        }

        return new FeatureRows(values, m, ids);
    }

    public static FeatureRows Single(double[] row, RowId id) => new((double[])row.Clone(), row.Length, [id]);

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static Matrix<double> ActiveMatrix(ActiveSet set) =>
        Matrix<double>.Build.DenseOfRowMajor(set.Columns, set.Columns, set.Rows.ToArray());

    /// <summary>γ by a dense solve per row: c solves Aᵀ cᵀ = xᵀ.</summary>
    public static double DenseGrade(Matrix<double> a, ReadOnlySpan<double> x) =>
        a.Transpose().Solve(Vector<double>.Build.DenseOfArray(x.ToArray())).AbsoluteMaximum();

    public static double LogAbsDet(Matrix<double> a)
    {
        var upper = a.LU().U;
        var sum = 0.0;
        for (var k = 0; k < a.RowCount; k++)
        {
            sum += Math.Log(Math.Abs(upper[k, k]));
        }

        return sum;
    }
}
