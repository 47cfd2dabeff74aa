using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Tests.Internal;

/// <summary>
/// The matrix product against the naive triple loop. Float results are checked against a double-precision product of
/// the same inputs within the standard forward error bound of a length-k dot product,
/// |ĉ − c| ≤ γ_(k+2)·(|α|·Σ_p |a_ip·b_pj| + |β·c_ij|) with γ_j = j·u/(1 − j·u) and u the unit roundoff
/// (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1, eq. 3.5): a worst-case bound, so these
/// tests cannot fail by chance.
/// </summary>
public class GemmTests
{
    private static readonly int[] s_special = [0, 1, 2, 7, 16, 17, 31, 33, 64, 65, 100, 257];

    private static readonly GemmKernel[] s_kernels = [GemmKernel.Vector512, GemmKernel.Vector256, GemmKernel.Vector128, GemmKernel.Scalar];

    public static TheoryData<int> Seeds() => [1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Multiply_RandomShapesFloat_WithinErrorBoundOfDoubleReference(int seed)
    {
        // 4 seeds × 60 shapes = 240 random products: sizes from 0 to 300 with the special sizes (0, 1, 7, 17, 257, ...)
        // drawn often, all four transpose combinations, padded row strides, α ∈ {1, −0.5, 2.5}, β ∈ {0 (C full of NaN), 1, 0.3}.
        var random = new Random(seed);
        for (var trial = 0; trial < 60; trial++)
        {
            var shape = Shape.Random(random);
            var (a, b, c) = shape.Operands<float>(random);
            var expected = shape.ReferenceInDouble(a, b, c, out var bound);

            Gemm.Multiply(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, (float)shape.Alpha, a, shape.Lda, b, shape.Ldb, (float)shape.Beta, c, shape.Ldc);

            AssertWithin(shape, expected, c, bound, Math.ScaleB(1, -24));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Multiply_RandomShapesDouble_WithinErrorBoundOfReference(int seed)
    {
        var random = new Random(100 + seed);
        for (var trial = 0; trial < 15; trial++)
        {
            var shape = Shape.Random(random);
            var (a, b, c) = shape.Operands<double>(random);
            var expected = shape.ReferenceInDouble(a, b, c, out var bound);

            Gemm.Multiply(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, shape.Alpha, a, shape.Lda, b, shape.Ldb, shape.Beta, c, shape.Ldc);

            // The reference loop rounds too: allow both errors.
            AssertWithin(shape, expected, c, bound, 2 * Math.ScaleB(1, -53));
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 7, 7)]
    [InlineData(17, 33, 7)]
    [InlineData(13, 1, 257)]
    [InlineData(1, 65, 300)]
    [InlineData(37, 29, 513)]
    [InlineData(130, 70, 33)]
    public void Multiply_EveryKernel_BitIdentical(int m, int n, int k)
    {
        // Every kernel performs one in-order fma chain per element and the same commits, so they agree bit for bit.
        foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            foreach (var beta in new[] { 0.0, 1.0, -0.7 })
            {
                var shape = new Shape(m, n, k, transA, transB, 1.5, beta, 1);
                var random = new Random(m + n + k);
                var (a, b, c0) = shape.Operands<float>(random);
                var (ad, bd, cd0) = shape.Operands<double>(random);
                float[]? first = null;
                double[]? firstD = null;
                foreach (var kernel in s_kernels)
                {
                    var c = (float[])c0.Clone();
                    Gemm.Multiply(transA, transB, m, n, k, 1.5f, a, shape.Lda, b, shape.Ldb, (float)beta, c, shape.Ldc, kernel, GemmThreading.Serial);
                    first ??= c;
                    Assert.Equal(first, c);

                    var cd = (double[])cd0.Clone();
                    Gemm.Multiply(transA, transB, m, n, k, 1.5, ad, shape.Lda, bd, shape.Ldb, beta, cd, shape.Ldc, kernel, GemmThreading.Serial);
                    firstD ??= cd;
                    Assert.Equal(firstD, cd);
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 300, 5)]
    [InlineData(25, 3, 40)]
    [InlineData(97, 101, 257)]
    [InlineData(300, 200, 600)]
    public void Multiply_ParallelAndSerial_BitIdentical(int m, int n, int k)
    {
        foreach (var kernel in new[] { GemmKernel.Auto, GemmKernel.Vector256, GemmKernel.Scalar })
        {
            foreach (var (transA, transB) in new[] { (false, false), (true, true), (false, true) })
            {
                var shape = new Shape(m, n, k, transA, transB, 0.9, 0.5, 3);
                var (a, b, c0) = shape.Operands<float>(new Random(k));
                var serial = (float[])c0.Clone();
                var parallel = (float[])c0.Clone();

                Gemm.Multiply(transA, transB, m, n, k, 0.9f, a, shape.Lda, b, shape.Ldb, 0.5f, serial, shape.Ldc, kernel, GemmThreading.Serial);
                Gemm.Multiply(transA, transB, m, n, k, 0.9f, a, shape.Lda, b, shape.Ldb, 0.5f, parallel, shape.Ldc, kernel, GemmThreading.Parallel);

                Assert.Equal(serial, parallel);
            }
        }
    }

    [Fact]
    public void Multiply_SameInputTwice_BitIdenticalOutput()
    {
        // Above the parallel threshold, so that the second call may be split differently among threads.
        const int M = 200, N = 190, K = 700;
        var shape = new Shape(M, N, K, false, true, 1, 0, 0);
        var (a, b, _) = shape.Operands<float>(new Random(5));
        var first = new float[M * N];
        var second = new float[M * N];

        Gemm.Multiply(false, true, M, N, K, 1f, a, K, b, K, 0f, first, N);
        Gemm.Multiply(false, true, M, N, K, 1f, a, K, b, K, 0f, second, N);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(0, 5, 3)]
    [InlineData(5, 0, 3)]
    [InlineData(0, 0, 0)]
    public void Multiply_EmptyResult_LeavesSpansAlone(int m, int n, int k)
    {
        var c = new[] { float.NaN, 3f };

        Gemm.Multiply(false, false, m, n, k, 1f, ReadOnlySpan<float>.Empty, Math.Max(1, k), ReadOnlySpan<float>.Empty, Math.Max(1, n), 0f, c, Math.Max(1, n));

        Assert.True(float.IsNaN(c[0]));
        Assert.Equal(3f, c[1]);
    }

    [Fact]
    public void Multiply_KZero_ScalesCByBeta()
    {
        var c = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var zeroed = new[] { float.NaN, 2f, 3f, 4f, 5f, float.PositiveInfinity };

        Gemm.Multiply(false, false, 2, 3, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 3, 0.5f, c, 3);
        Gemm.Multiply(false, false, 2, 3, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 3, 0f, zeroed, 3);

        Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f, 2.5f, 3f }, c);
        Assert.Equal(new float[6], zeroed);
    }

    [Fact]
    public void Multiply_AlphaZero_DoesNotReadAOrB()
    {
        // BLAS: with α = 0, A and B are not referenced, so NaN there does not reach C.
        var a = new[] { float.NaN, float.NaN };
        var b = new[] { float.NaN, float.NaN };
        var c = new[] { 2f, 4f, 6f, 8f };

        Gemm.Multiply(false, false, 2, 2, 1, 0f, a, 1, b, 2, 0.5f, c, 2);

        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, c);
    }

    [Fact]
    public void Multiply_BetaZero_OverwritesNaNInC()
    {
        var a = new[] { 1.0, 2.0 };
        var b = new[] { 3.0, 4.0 };
        var c = new[] { double.NaN, double.NaN, double.NaN, double.NaN };

        Gemm.Multiply(false, false, 2, 2, 1, 1.0, a, 1, b, 2, 0.0, c, 2);

        // [1; 2]·[3 4] = [3 4; 6 8].
        Assert.Equal(new[] { 3.0, 4.0, 6.0, 8.0 }, c);
    }

    [Fact]
    public void Multiply_HeadSliceOfFusedBuffer_UsesStridesInPlace()
    {
        // A (T × 3C) fused QKV buffer, C = 8, T = 5; head 1 of 2 (width 4): scores = Q_h·K_hᵀ read in place.
        const int T = 5, Width = 8, Head = 4;
        var qkv = new float[T * 3 * Width];
        var random = new Random(9);
        for (var i = 0; i < qkv.Length; i++)
        {
            qkv[i] = (float)random.NextDouble();
        }

        var scores = new float[T * T];
        Gemm.Multiply(false, true, T, T, Head, 1f, qkv.AsSpan(Head), 3 * Width, qkv.AsSpan(Width + Head), 3 * Width, 0f, scores, T);

        for (var t = 0; t < T; t++)
        {
            for (var s = 0; s < T; s++)
            {
                var expected = 0.0;
                for (var d = 0; d < Head; d++)
                {
                    expected += (double)qkv[(t * 3 * Width) + Head + d] * qkv[(s * 3 * Width) + Width + Head + d];
                }

                Assert.Equal(expected, scores[(t * T) + s], 1e-5);
            }
        }
    }

    [Fact]
    public void MultiplyScaled_EqualsProductWithScaledTerms()
    {
        // Aᵀ·diag(d)·G, the clipped weight gradient of a linear layer: A (K × M) activations, G (K × N) output gradients.
        const int M = 19, N = 23, K = 300;
        var random = new Random(11);
        var a = Fill(new float[K * M], random);
        var g = Fill(new float[K * N], random);
        var d = Fill(new float[K], random);
        var scaledA = new float[K * M];
        for (var p = 0; p < K; p++)
        {
            for (var i = 0; i < M; i++)
            {
                scaledA[(p * M) + i] = a[(p * M) + i] * d[p];
            }
        }

        var expected = new float[M * N];
        var actual = new float[M * N];

        Gemm.Multiply(true, false, M, N, K, 1f, scaledA, M, g, N, 0f, expected, N);
        Gemm.MultiplyScaled(true, false, M, N, K, 1f, a, M, d, g, N, 0f, actual, N);

        // The scale is applied in the same rounding step in both, so they agree bit for bit.
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyBatched_AttentionLayout_EqualsOneProductPerItem(bool parallel)
    {
        var threading = parallel ? GemmThreading.Parallel : GemmThreading.Serial;
        // Scores of B = 3 sequences × H = 4 heads, T = 9, head width 5, from a fused (B, T, 3C) buffer (C = 20),
        // into a (B, H, T, T) buffer: item (b, h) reads Q at b·T·3C + h·5 and K at b·T·3C + C + h·5.
        const int B = 3, H = 4, T = 9, D = 5, C = H * D;
        var random = new Random(13);
        var qkv = Fill(new float[B * T * 3 * C], random);
        var scores = new float[B * H * T * T];
        var stride = new BatchStride(T * 3 * C, D);

        Gemm.MultiplyBatched(false, true, T, T, D, 0.5f, qkv, 3 * C, stride, qkv.AsSpan(C), 3 * C, stride, 0f, scores, T, new BatchStride(H * T * T, T * T), B, H, GemmKernel.Auto, threading);

        for (var b = 0; b < B; b++)
        {
            for (var h = 0; h < H; h++)
            {
                var expected = new float[T * T];
                var offset = (b * T * 3 * C) + (h * D);
                Gemm.Multiply(false, true, T, T, D, 0.5f, qkv.AsSpan(offset), 3 * C, qkv.AsSpan(offset + C), 3 * C, 0f, expected, T);
                Assert.Equal(expected, scores.AsSpan(((b * H) + h) * T * T, T * T).ToArray());
            }
        }
    }

    [Fact]
    public void Multiply_Half_MatchesReference()
    {
        // Element types other than float and double run the scalar kernel.
        var a = new[] { (Half)1, (Half)2, (Half)3, (Half)4, (Half)5, (Half)6 };
        var b = new[] { (Half)0.5, (Half)(-1), (Half)2 };
        var c = new Half[2];

        Gemm.Multiply(false, false, 2, 1, 3, Half.One, a, 3, b, 1, Half.Zero, c, 1);

        // [1 2 3; 4 5 6]·[0.5; −1; 2] = [4.5; 9].
        Assert.Equal(new[] { (Half)4.5, (Half)9 }, c);
    }

    [Fact]
    public void Multiply_SteadyState_AllocatesNothing()
    {
        const int M = 70, N = 90, K = 300;
        var a = Fill(new float[M * K], new Random(1));
        var b = Fill(new float[K * N], new Random(2));
        var c = new float[M * N];
        Gemm.Multiply(false, false, M, N, K, 1f, a, K, b, N, 0f, c, N, GemmKernel.Auto, GemmThreading.Serial);
        Gemm.Multiply(false, false, M, N, K, 1f, a, K, b, N, 0f, c, N, GemmKernel.Auto, GemmThreading.Parallel);

        // Over several rounds (a CI run once saw 7,920 bytes in a single measured pair, with the test assemblies running
        // side by side on two cores).
        Assert.Equal(0, SteadyStateAllocation.Fewest(() =>
        {
            Gemm.Multiply(false, false, M, N, K, 1f, a, K, b, N, 0f, c, N, GemmKernel.Auto, GemmThreading.Serial);
            Gemm.Multiply(false, false, M, N, K, 1f, a, K, b, N, 0f, c, N, GemmKernel.Auto, GemmThreading.Parallel);
        }));
    }

    [Fact]
    public void Multiply_BadArguments_ThrowNamingTheParameter()
    {
        var four = new float[4];

        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 2, 2, 1f, four, 2, four, 2, 0f, four, 2)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, -1, 1f, four, 2, four, 2, 0f, four, 2)).ParamName);
        Assert.Equal("lda", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, four, 1, four, 2, 0f, four, 2)).ParamName);
        Assert.Equal("ldc", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, four, 2, four, 2, 0f, four, 1)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, four.AsSpan(0, 3), 2, four, 2, 0f, four, 2)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, true, 2, 2, 2, 1f, four, 2, four, 3, 0f, four, 2)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, four, 2, four, 2, 0f, four.AsSpan(1), 2)).ParamName);
        Assert.Equal("d", Assert.Throws<ArgumentException>(() => Gemm.MultiplyScaled(false, false, 2, 2, 2, 1f, four, 2, four.AsSpan(0, 1), four, 2, 0f, new float[4], 2)).ParamName);
    }

    private static void AssertWithin<T>(Shape shape, double[] expected, T[] actual, double[] bound, double unitRoundoff)
        where T : System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var j = shape.K + 2;
        var gamma = j * unitRoundoff / (1 - (j * unitRoundoff));
        for (var i = 0; i < actual.Length; i++)
        {
            var value = double.CreateTruncating(actual[i]);
            if (double.IsNaN(expected[i]))
            {
                // Padding outside the matrix keeps whatever it held.
                Assert.True(double.IsNaN(value), $"{shape}: element {i} is {value}, expected it untouched (NaN).");
                continue;
            }

            // The output rounding to T adds one more unit roundoff of the result.
            var allowed = (gamma * bound[i]) + (unitRoundoff * Math.Abs(expected[i])) + double.Epsilon;
            Assert.True(Math.Abs(value - expected[i]) <= allowed, $"{shape}: element {i} is {value}, expected {expected[i]} ± {allowed}.");
        }
    }

    private static T[] Fill<T>(T[] values, Random random)
        where T : System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((2 * random.NextDouble()) - 1);
        }

        return values;
    }

    /// <summary>A product's shape, transposes, scalars and padded strides.</summary>
    private sealed record Shape(int M, int N, int K, bool TransA, bool TransB, double Alpha, double Beta, int Padding)
    {
        public int Lda => (TransA ? M : K) + Padding;

        public int Ldb => (TransB ? K : N) + Padding;

        public int Ldc => N + Padding;

        private int RowsA => TransA ? K : M;

        private int RowsB => TransB ? N : K;

        public static Shape Random(Random random)
        {
            while (true)
            {
                var shape = new Shape(
                    Size(random),
                    Size(random),
                    Size(random),
                    random.Next(2) == 1,
                    random.Next(2) == 1,
                    new[] { 1.0, -0.5, 2.5 }[random.Next(3)],
                    new[] { 0.0, 1.0, 0.3 }[random.Next(3)],
                    random.Next(3) == 0 ? random.Next(1, 5) : 0);
                if ((long)shape.M * shape.N * shape.K <= 1_500_000)
                {
                    return shape;
                }
            }
        }

        /// <summary>Random A, B, C with C's padding (and all of C when β = 0) set to NaN.</summary>
        public (T[] A, T[] B, T[] C) Operands<T>(Random random)
            where T : System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            var a = Fill(new T[Math.Max(0, (RowsA * Lda) - Padding)], random);
            var b = Fill(new T[Math.Max(0, (RowsB * Ldb) - Padding)], random);
            var c = Fill(new T[M * Ldc], random);
            for (var i = 0; i < M; i++)
            {
                for (var j = 0; j < Ldc; j++)
                {
                    if (j >= N || Beta == 0)
                    {
                        c[(i * Ldc) + j] = T.NaN;
                    }
                }
            }

            return (a, b, c);
        }

        /// <summary>α·op(A)·op(B) + β·C in double (NaN on C's padding), and Σ_p |α·a_ip·b_pj| + |β·c_ij| per element.</summary>
        public double[] ReferenceInDouble<T>(T[] a, T[] b, T[] c, out double[] bound)
            where T : System.Numerics.IBinaryFloatingPointIeee754<T>
        {
            var expected = new double[c.Length];
            bound = new double[c.Length];
            for (var i = 0; i < M; i++)
            {
                for (var j = 0; j < Ldc; j++)
                {
                    var index = (i * Ldc) + j;
                    if (j >= N)
                    {
                        expected[index] = double.NaN;
                        continue;
                    }

                    double sum = 0, abs = 0;
                    for (var p = 0; p < K; p++)
                    {
                        var x = double.CreateTruncating(TransA ? a[(p * Lda) + i] : a[(i * Lda) + p]);
                        var y = double.CreateTruncating(TransB ? b[(j * Ldb) + p] : b[(p * Ldb) + j]);
                        sum += x * y;
                        abs += Math.Abs(x * y);
                    }

                    var old = Beta == 0 ? 0 : double.CreateTruncating(c[index]);
                    expected[index] = (Alpha * sum) + (Beta * old);
                    bound[index] = (Math.Abs(Alpha) * abs) + Math.Abs(Beta * old);
                }
            }

            return expected;
        }

        public override string ToString() => $"m={M} n={N} k={K} opA={(TransA ? "T" : "N")} opB={(TransB ? "T" : "N")} α={Alpha} β={Beta} padding={Padding}";

        private static int Size(Random random) => random.Next(3) switch
        {
            0 => s_special[random.Next(s_special.Length)],
            1 => random.Next(0, 40),
            _ => random.Next(0, 300),
        };
    }
}
