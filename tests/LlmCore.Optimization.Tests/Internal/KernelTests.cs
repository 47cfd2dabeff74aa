using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Internal;

/// <summary>The vectorised kernels perform the scalar reference's IEEE operations in the same order, so they agree bit for bit.</summary>
public class KernelTests
{
    public static TheoryData<int> Lengths() => [0, 1, 7, 33, 1025, 1 << 20];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AdamKernel_VectorizedEqualsScalar(int n)
    {
        foreach (var (decoupled, amsgrad) in new[] { (true, false), (false, true) })
        {
            var s = new AdamScalars<float>(1e-3, 0.9, 0.999, 1e-8, 0.01, decoupled, amsgrad, 3);
            var (p1, g, m1, v1, x1) = (Random(n, 1), Random(n, 2), Random(n, 3), Abs(Random(n, 4)), Abs(Random(n, 5)));
            var (p2, m2, v2, x2) = (Copy(p1), Copy(m1), Copy(v1), Copy(x1));

            AdamKernel.Scalar<float>(p1, g, m1, v1, x1, s);
            AdamKernel.Vectorized<float>(p2, g, m2, v2, x2, s);

            AssertSame(p1, p2);
            AssertSame(m1, m2);
            AssertSame(v1, v2);
            AssertSame(x1, x2);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SgdKernel_VectorizedEqualsScalar(int n)
    {
        foreach (var (first, nesterov) in new[] { (true, false), (false, true), (false, false) })
        {
            var (p1, g, b1) = (RandomD(n, 1), RandomD(n, 2), RandomD(n, 3));
            var (p2, b2) = (Copy(p1), Copy(b1));

            SgdKernel.Scalar<double>(p1, g, b1, -0.01, 1e-4, 0.9, 0.9, true, first, nesterov);
            SgdKernel.Vectorized<double>(p2, g, b2, -0.01, 1e-4, 0.9, 0.9, true, first, nesterov);

            AssertSame(p1, p2);
            AssertSame(b1, b2);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LionKernel_VectorizedEqualsScalar(int n)
    {
        var (p1, g, m1) = (Random(n, 1), Random(n, 2), Random(n, 3));
        var (p2, m2) = (Copy(p1), Copy(m1));

        LionKernel.Scalar<float>(p1, g, m1, 0.999f, true, 0.9f, 0.1f, 0.99f, 0.01f, -1e-4f);
        LionKernel.Vectorized<float>(p2, g, m2, 0.999f, true, 0.9f, 0.1f, 0.99f, 0.01f, -1e-4f);

        AssertSame(p1, p2);
        AssertSame(m1, m2);
    }

    [Fact]
    public void Adam_LargeTensorAcrossThreads_EqualsSingleThread()
    {
        var a = new Parameter<float>("w", Random(1 << 20, 7));
        var b = new Parameter<float>("w", Copy(a.Values.ToArray()));
        Random(1 << 20, 8).CopyTo(a.Gradient);
        a.Gradient.CopyTo(b.Gradient);
        var parallel = new AdamW<float>([a]) { ParallelThreshold = 1024 };
        var serial = new AdamW<float>([b]) { ParallelThreshold = int.MaxValue };

        parallel.Step();
        serial.Step();

        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
    }

    private static void AssertSame<T>(T[] expected, T[] actual)
        where T : IEquatable<T>
    {
        Assert.True(expected.AsSpan().SequenceEqual(actual), "The vectorised kernel differs from the scalar reference.");
    }

    private static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        var result = new float[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return result;
    }

    private static double[] RandomD(int n, int seed)
    {
        var random = new Random(seed);
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = (random.NextDouble() * 2) - 1;
        }

        return result;
    }

    private static float[] Abs(float[] values) => [.. values.Select(MathF.Abs)];

    private static T[] Copy<T>(T[] values) => (T[])values.Clone();
}
