using System.Numerics.Tensors;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Fast continuous Gaussian noise by the Box–Muller transform, vectorised: for simulations, benchmarks and tests.
/// </summary>
/// <remarks>
/// <para>This type is stateless and thread-safe when its <see cref="IRandomSource"/> is.</para>
/// <para>Two 64-bit words give two independent N(0, σ²) samples: r = √(−2 ln u₁), θ = 2π u₂, z = σ·(r cos θ, r sin θ)
/// (Box and Muller 1958), with <see cref="TensorPrimitives"/> doing the logarithm, square root and sine/cosine.
/// Like any floating-point sampler its low bits can leak the input (Mironov 2012); release values through
/// <see cref="Mechanisms.GaussianMechanism"/>, which snaps value and noise to a power-of-two grid.</para>
/// </remarks>
public static class GaussianSampler
{
    private const int Half = LaplaceSampler.ChunkLength / 2;

    /// <summary>Fills <paramref name="destination"/> with independent N(0, σ²) samples.</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="sigma">The standard deviation σ, finite and &gt; 0.</param>
    /// <param name="destination">The values to overwrite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not finite and positive.</exception>
    public static void Fill(IRandomSource source, double sigma, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        Guard.PositiveFinite(sigma);
        Span<ulong> words = stackalloc ulong[LaplaceSampler.ChunkLength];
        Span<double> radius = stackalloc double[Half];
        Span<double> angle = stackalloc double[Half];
        Span<double> sin = stackalloc double[Half];
        Span<double> cos = stackalloc double[Half];
        while (!destination.IsEmpty)
        {
            var pairs = Math.Min(Half, (destination.Length + 1) / 2);
            var w = words[..(2 * pairs)];
            source.Fill(w);
            StandardPairs(w, radius[..pairs], angle[..pairs], sin[..pairs], cos[..pairs]);
            var first = Math.Min(pairs, destination.Length);
            TensorPrimitives.Multiply(cos[..first], sigma, destination[..first]);
            var second = Math.Min(pairs, destination.Length - first);
            TensorPrimitives.Multiply(sin[..second], sigma, destination.Slice(first, second));
            destination = destination[(first + second)..];
        }
    }

    /// <summary>
    /// Turns 2·n words into n pairs of standard normals: <paramref name="cos"/> and <paramref name="sin"/> receive
    /// r·cos θ and r·sin θ. <paramref name="radius"/> and <paramref name="angle"/> are scratch.
    /// </summary>
    internal static void StandardPairs(ReadOnlySpan<ulong> words, Span<double> radius, Span<double> angle, Span<double> sin, Span<double> cos)
    {
        var n = radius.Length;
        LaplaceSampler.WordsToOpenUnit(words[..n], radius);
        LaplaceSampler.WordsToOpenUnit(words.Slice(n, n), angle);
        TensorPrimitives.Log(radius, radius);
        TensorPrimitives.Multiply(radius, -2.0, radius);
        TensorPrimitives.Sqrt(radius, radius);
        TensorPrimitives.Multiply(angle, 2 * Math.PI, angle);
        TensorPrimitives.SinCos(angle, sin, cos);
        TensorPrimitives.Multiply(sin, radius, sin);
        TensorPrimitives.Multiply(cos, radius, cos);
    }
}
