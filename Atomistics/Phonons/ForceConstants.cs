using System.Numerics;
using ActiveLearning.Atomistics.Generators.NonDiagonal;
using ActiveLearning.Atomistics.Potentials;
using MathNet.Numerics.LinearAlgebra;

namespace ActiveLearning.Atomistics.Phonons;

/// <summary>
/// Harmonic force constants of a crystal by finite displacements in a supercell, and the phonon frequencies they give at
/// any wave vector q (dynamical matrix, eigenvalues).
/// </summary>
/// <remarks>
/// <para>
/// Each atom κ of the primitive cell is displaced by ±h along x, y and z in the supercell (S · primitive rows), and the
/// central difference of the forces gives Φ(κα; jβ) = −∂F_jβ/∂u_κα in eV/Å² for every supercell atom j (6 evaluations
/// per primitive atom; no symmetry is used, so any potential and any crystal work).
/// </para>
/// <para>
/// The dynamical matrix is D_κα,κ'β(q) = Σ_j Φ(κα; jβ) / √(m_κ m_κ') · e^{2πi q·d}, summed over the supercell atoms j
/// that are images of κ', with d the vector from κ to j in fractional coordinates of the primitive cell. The supercell
/// makes d ambiguous by its lattice vectors; d is taken as the shortest image, and when several images are equally
/// short the phase is averaged over them, which keeps D Hermitian and the branches smooth between grid points. At a q
/// commensurate with the supercell (S·q integer) every image gives the same phase, so there the frequencies are exact
/// up to the finite-difference error and do not depend on which commensurate supercell was used.
/// </para>
/// <para>Units: positions Å, masses amu (the element table's), force constants eV/Å², frequencies THz (ν = ω/2π).</para>
/// </remarks>
public sealed class ForceConstants
{
    /// <summary>THz per √(eV/(Å²·amu)): ν = √λ · this / (2π) · 1000, since 1 eV/(Å²·amu) = 1/103.64 fs⁻².</summary>
    private static readonly double TerahertzPerRootEigenvalue =
        1000.0 / (2 * Math.PI) / Math.Sqrt(Units.AmuAngstromSquaredPerFemtosecondSquared);

    private readonly int primitiveCount;
    private readonly double[] masses;

    // One entry per (displaced primitive atom κ, supercell atom j): the 3×3 block Φ(κα; jβ) row-major, the primitive
    // atom κ' that j is an image of, and the shortest images of the vector κ → j (fractional, primitive cell).
    private readonly Pair[] pairs;

    private ForceConstants(Structure primitive, int[,] supercellMatrix, double displacement, Pair[] pairs)
    {
        Primitive = primitive;
        SupercellMatrix = supercellMatrix;
        DisplacementAngstrom = displacement;
        primitiveCount = primitive.Count;
        masses = primitive.Masses();
        this.pairs = pairs;
    }

    /// <summary>The primitive cell the force constants belong to (a copy; do not change it).</summary>
    public Structure Primitive { get; }

    /// <summary>The supercell matrix S (supercell rows = S · primitive rows).</summary>
    public int[,] SupercellMatrix { get; }

    /// <summary>The finite displacement h, Å.</summary>
    public double DisplacementAngstrom { get; }

    /// <summary>Number of phonon branches: 3 × atoms of the primitive cell.</summary>
    public int BranchCount => 3 * primitiveCount;

    private sealed record Pair(int Displaced, int Image, double[] Block, Vec3[] Vectors);

    /// <summary>Computes the force constants of <paramref name="primitive"/> with <paramref name="potential"/>.</summary>
    /// <param name="potential">Any potential covering the crystal's elements.</param>
    /// <param name="primitive">The primitive cell (periodic in all directions), usually at equilibrium; its atoms are the reference positions.</param>
    /// <param name="supercellMatrix">The 3×3 integer supercell matrix S (det S ≠ 0), e.g. 4·I for a 4×4×4 supercell.</param>
    /// <param name="displacement">The displacement h, Å (&gt; 0); default 0.01.</param>
    /// <param name="threads">Threads per force evaluation (0: one per processor); default 1.</param>
    /// <param name="cancellationToken">Checked between force evaluations.</param>
    /// <exception cref="ArgumentException">The crystal is not periodic, S is singular or not 3×3, or h is not positive and finite.</exception>
    /// <exception cref="PotentialException">The potential cannot evaluate the supercell.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ForceConstants Compute(
        IPotential potential, Structure primitive, int[,] supercellMatrix, double displacement = 0.01, int threads = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(primitive);
        ArgumentNullException.ThrowIfNull(supercellMatrix);
        if (!(displacement > 0) || !double.IsFinite(displacement))
        {
            throw new ArgumentException($"The displacement must be a positive number of Å, not {displacement}.", nameof(displacement));
        }

        if (supercellMatrix.GetLength(0) != 3 || supercellMatrix.GetLength(1) != 3)
        {
            throw new ArgumentException("The supercell matrix must be 3×3.", nameof(supercellMatrix));
        }

        var reference = new Structure(primitive.Cell, primitive.Pbc, (int[])primitive.AtomicNumbers.Clone(), (Vec3[])primitive.Positions.Clone());
        var supercell = NonDiagonalSupercells.BuildSupercell(reference, supercellMatrix);
        var images = ImageOf(reference, supercell);
        var origins = new int[reference.Count];
        for (var k = 0; k < reference.Count; k++)
        {
            origins[k] = Array.IndexOf(images, k);
        }

        var vectors = ShortestVectors(reference, supercell, origins);
        var evaluation = new Evaluation(threads);
        var plus = new Vec3[supercell.Count];
        var pairs = new Pair[reference.Count * supercell.Count];
        for (var k = 0; k < reference.Count; k++)
        {
            var blocks = new double[supercell.Count][];
            for (var j = 0; j < blocks.Length; j++)
            {
                blocks[j] = new double[9];
            }

            var origin = supercell.Positions[origins[k]];
            for (var alpha = 0; alpha < 3; alpha++)
            {
                var step = Axis(alpha) * displacement;
                cancellationToken.ThrowIfCancellationRequested();
                supercell.Positions[origins[k]] = origin + step;
                potential.Compute(supercell, evaluation);
                Array.Copy(evaluation.Forces, plus, plus.Length);
                cancellationToken.ThrowIfCancellationRequested();
                supercell.Positions[origins[k]] = origin - step;
                potential.Compute(supercell, evaluation);
                supercell.Positions[origins[k]] = origin;
                var minus = evaluation.Forces;
                for (var j = 0; j < supercell.Count; j++)
                {
                    var derivative = (plus[j] - minus[j]) / (-2 * displacement);
                    blocks[j][(3 * alpha) + 0] = derivative.X;
                    blocks[j][(3 * alpha) + 1] = derivative.Y;
                    blocks[j][(3 * alpha) + 2] = derivative.Z;
                }
            }

            for (var j = 0; j < supercell.Count; j++)
            {
                pairs[(k * supercell.Count) + j] = new Pair(k, images[j], blocks[j], vectors[k][j]);
            }
        }

        return new ForceConstants(reference, (int[,])supercellMatrix.Clone(), displacement, pairs);
    }

    /// <summary>The dynamical matrix at <paramref name="q"/>, eV/(Å²·amu), Hermitian, rows and columns ordered (atom, axis).</summary>
    /// <param name="q">The wave vector in fractional coordinates of the reciprocal lattice (2π included), e.g. (½, 0, ½) for X of fcc.</param>
    public Complex[,] DynamicalMatrix(Vec3 q)
    {
        var n = BranchCount;
        var d = new Complex[n, n];
        foreach (var pair in pairs)
        {
            var phase = Complex.Zero;
            foreach (var v in pair.Vectors)
            {
                var angle = 2 * Math.PI * q.Dot(v);
                phase += new Complex(Math.Cos(angle), Math.Sin(angle));
            }

            phase /= pair.Vectors.Length * Math.Sqrt(masses[pair.Displaced] * masses[pair.Image]);
            for (var alpha = 0; alpha < 3; alpha++)
            {
                for (var beta = 0; beta < 3; beta++)
                {
                    d[(3 * pair.Displaced) + alpha, (3 * pair.Image) + beta] += pair.Block[(3 * alpha) + beta] * phase;
                }
            }
        }

        // Finite differences break the exact symmetry Φ(κα; jβ) = Φ(jβ; κα) slightly; its Hermitian part is the harmonic one.
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                var mean = (d[i, j] + Complex.Conjugate(d[j, i])) / 2;
                d[i, j] = mean;
                d[j, i] = Complex.Conjugate(mean);
            }
        }

        return d;
    }

    /// <summary>
    /// The phonon frequencies at <paramref name="q"/>, THz, ascending, one per branch; an unstable (imaginary) mode is
    /// reported as minus the magnitude of its imaginary frequency.
    /// </summary>
    /// <param name="q">The wave vector in fractional coordinates of the reciprocal lattice.</param>
    public double[] FrequenciesTHz(Vec3 q)
    {
        var d = DynamicalMatrix(q);
        var n = BranchCount;
        var matrix = Matrix<Complex>.Build.Dense(n, n, (i, j) => d[i, j]);
        var eigenvalues = matrix.Evd(Symmetricity.Hermitian).EigenValues;
        var frequencies = new double[n];
        for (var i = 0; i < n; i++)
        {
            var lambda = eigenvalues[i].Real;
            frequencies[i] = Math.Sign(lambda) * Math.Sqrt(Math.Abs(lambda)) * TerahertzPerRootEigenvalue;
        }

        Array.Sort(frequencies);
        return frequencies;
    }

    /// <summary>
    /// The wave vectors commensurate with a supercell (S·q integer), in [0, 1) fractional coordinates of the reciprocal
    /// lattice, with q and −q counted once (the first in lexicographic order is kept): the points where finite-displacement
    /// frequencies are exact. |det S| points before the reduction; Γ first.
    /// </summary>
    /// <param name="supercellMatrix">The 3×3 integer supercell matrix (det S ≠ 0, |det S| ≤ 4096).</param>
    /// <exception cref="ArgumentException">S is not 3×3, is singular or too large.</exception>
    public static IReadOnlyList<Vec3> CommensurateQPoints(int[,] supercellMatrix)
    {
        ArgumentNullException.ThrowIfNull(supercellMatrix);
        if (supercellMatrix.GetLength(0) != 3 || supercellMatrix.GetLength(1) != 3)
        {
            throw new ArgumentException("The supercell matrix must be 3×3.", nameof(supercellMatrix));
        }

        var s = new long[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                s[i, j] = supercellMatrix[i, j];
            }
        }

        var det = Math.Abs((s[0, 0] * ((s[1, 1] * s[2, 2]) - (s[1, 2] * s[2, 1])))
            - (s[0, 1] * ((s[1, 0] * s[2, 2]) - (s[1, 2] * s[2, 0])))
            + (s[0, 2] * ((s[1, 0] * s[2, 1]) - (s[1, 1] * s[2, 0]))));
        if (det is 0 or > 4096)
        {
            throw new ArgumentException($"The supercell matrix must have 1 ≤ |det| ≤ 4096, not {det}.", nameof(supercellMatrix));
        }

        // q = k/det with integer k in [0, det)³; keep those with S·k divisible by det.
        var found = new List<(long, long, long)>();
        var seen = new HashSet<(long, long, long)>();
        for (long a = 0; a < det; a++)
        {
            for (long b = 0; b < det; b++)
            {
                for (long c = 0; c < det; c++)
                {
                    var commensurate = true;
                    for (var i = 0; i < 3 && commensurate; i++)
                    {
                        commensurate = ((s[i, 0] * a) + (s[i, 1] * b) + (s[i, 2] * c)) % det == 0;
                    }

                    if (!commensurate || seen.Contains(((det - a) % det, (det - b) % det, (det - c) % det)))
                    {
                        continue;
                    }

                    seen.Add((a, b, c));
                    found.Add((a, b, c));
                }
            }
        }

        return [.. found.Select(k => new Vec3((double)k.Item1 / det, (double)k.Item2 / det, (double)k.Item3 / det))];
    }

    private static Vec3 Axis(int alpha) => alpha switch
    {
        0 => new Vec3(1, 0, 0),
        1 => new Vec3(0, 1, 0),
        _ => new Vec3(0, 0, 1),
    };

    // Which primitive atom each supercell atom is a lattice translate of.
    private static int[] ImageOf(Structure primitive, Structure supercell)
    {
        var images = new int[supercell.Count];
        for (var j = 0; j < supercell.Count; j++)
        {
            images[j] = -1;
            for (var k = 0; k < primitive.Count && images[j] < 0; k++)
            {
                if (primitive.AtomicNumbers[k] != supercell.AtomicNumbers[j])
                {
                    continue;
                }

                var f = primitive.Cell.ToFractional(supercell.Positions[j] - primitive.Positions[k]);
                if (Math.Abs(f.X - Math.Round(f.X)) < 1e-6 && Math.Abs(f.Y - Math.Round(f.Y)) < 1e-6 && Math.Abs(f.Z - Math.Round(f.Z)) < 1e-6)
                {
                    images[j] = k;
                }
            }

            if (images[j] < 0)
            {
                throw new InvalidOperationException($"Supercell atom {j} is no lattice translate of a primitive atom.");
            }
        }

        return images;
    }

    // For each displaced atom and supercell atom: the shortest vectors between them over the supercell's lattice
    // translations (ties within 1e-5 Å kept), as fractional coordinates of the primitive cell.
    private static Vec3[][][] ShortestVectors(Structure primitive, Structure supercell, int[] origins)
    {
        const int Range = 3;
        var result = new Vec3[origins.Length][][];
        var candidates = new List<Vec3>();
        for (var k = 0; k < origins.Length; k++)
        {
            result[k] = new Vec3[supercell.Count][];
            for (var j = 0; j < supercell.Count; j++)
            {
                var delta = supercell.Positions[j] - supercell.Positions[origins[k]];
                var fractional = supercell.Cell.ToFractional(delta);
                fractional = new Vec3(fractional.X - Math.Round(fractional.X), fractional.Y - Math.Round(fractional.Y), fractional.Z - Math.Round(fractional.Z));
                candidates.Clear();
                var shortest = double.MaxValue;
                for (var a = -Range; a <= Range; a++)
                {
                    for (var b = -Range; b <= Range; b++)
                    {
                        for (var c = -Range; c <= Range; c++)
                        {
                            var v = supercell.Cell.ToCartesian(fractional + new Vec3(a, b, c));
                            candidates.Add(v);
                            shortest = Math.Min(shortest, v.Length);
                        }
                    }
                }

                result[k][j] = [.. candidates.Where(v => v.Length - shortest < 1e-5).Select(primitive.Cell.ToFractional)];
            }
        }

        return result;
    }
}
