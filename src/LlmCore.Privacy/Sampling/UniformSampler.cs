namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Uniform doubles with the full 53 bits of precision of a binary64 mantissa.
/// </summary>
/// <remarks>
/// This type is stateless and thread-safe when its <see cref="IRandomSource"/> is (every LlmCore source is).
/// A draw takes the top 53 bits of one 64-bit word: <c>u = (w &gt;&gt; 11) · 2^−53</c>, so every one of the
/// 2^53 equally spaced values in [0, 1) has probability exactly 2^−53.
/// </remarks>
internal static class UniformSampler
{
    private const double Scale53 = 1.0 / (1UL << 53);

    /// <summary>Returns a uniform double in [0, 1) on the grid k · 2^−53.</summary>
    /// <param name="source">The random bits.</param>
    /// <returns>A value in [0, 1).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public static double NextDouble(IRandomSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return (source.NextUInt64() >> 11) * Scale53;
    }

    /// <summary>Fills <paramref name="destination"/> with uniform doubles in [0, 1) on the grid k · 2^−53.</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="destination">The values to overwrite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public static void Fill(IRandomSource source, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<ulong> words = stackalloc ulong[256];
        while (!destination.IsEmpty)
        {
            var n = Math.Min(words.Length, destination.Length);
            var chunk = words[..n];
            source.Fill(chunk);
            for (var i = 0; i < n; i++)
            {
                destination[i] = (chunk[i] >> 11) * Scale53;
            }

            destination = destination[n..];
        }
    }
}
