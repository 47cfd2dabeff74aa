using System.Numerics;
using System.Runtime.InteropServices;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// Fused one-pass update kernels: each has a scalar reference and a <see cref="Vector{T}"/> version that performs the
/// same IEEE operations in the same order (no FMA), so the two agree bit for bit.
/// </summary>
internal static class Kernels
{
    /// <summary>PyTorch's two-branch <c>lerp</c>: a + w(b − a) when |w| &lt; 0.5, else b − (b − a)(1 − w).</summary>
    public static T Lerp<T>(T a, T b, T w, T oneMinusW, bool low)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => low ? a + (w * (b - a)) : b - ((b - a) * oneMinusW);

    public static Vector<T> Lerp<T>(Vector<T> a, Vector<T> b, Vector<T> w, Vector<T> oneMinusW, bool low)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => low ? a + (w * (b - a)) : b - ((b - a) * oneMinusW);

    public static void Negate<T>(Span<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = -vectors[i];
        }

        for (var i = vectors.Length * Vector<T>.Count; i < values.Length; i++)
        {
            values[i] = -values[i];
        }
    }

    /// <summary>Runs <paramref name="body"/> over [0, length) inline, or over chunks on several threads above the threshold.</summary>
    public static void Run(int length, int threshold, Action<int, int> body)
    {
        if (length < threshold || Environment.ProcessorCount == 1)
        {
            body(0, length);
            return;
        }

        var chunks = Environment.ProcessorCount * 4;
        var chunk = ((length / chunks) + 63) & ~63;
        var count = (length + chunk - 1) / chunk;
        Parallel.For(0, count, k =>
        {
            var start = k * chunk;
            body(start, Math.Min(chunk, length - start));
        });
    }
}
