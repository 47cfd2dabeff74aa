using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Fast continuous Laplace noise by inversion, vectorised: for simulations, benchmarks and tests.
/// </summary>
/// <remarks>
/// <para>This type is stateless and thread-safe when its <see cref="IRandomSource"/> is.</para>
/// <para>Each sample uses one 64-bit word: 52 bits make u ∈ (0, 1], the lowest bit the sign, and the magnitude is
/// −b·ln(u) (an exponential), evaluated by <c>TensorPrimitives.Log</c>.
/// This is a plain floating-point inverse CDF: its outputs are not safe to release as differentially private
/// (Mironov 2012, "On significance of the least significant bits for differential privacy"). Release values
/// through <see cref="Mechanisms.LaplaceMechanism"/>, which puts input and noise on a power-of-two grid.</para>
/// </remarks>
public static class LaplaceSampler
{
    internal const int ChunkLength = 512;
    private const ulong OneBits = 0x3FF0000000000000UL;

    /// <summary>Fills <paramref name="destination"/> with independent Laplace(0, b) samples, density exp(−|x|/b)/(2b).</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="scale">The scale b, finite and &gt; 0.</param>
    /// <param name="destination">The values to overwrite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not finite and positive.</exception>
    public static void Fill(IRandomSource source, double scale, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        Guard.PositiveFinite(scale);
        Span<ulong> words = stackalloc ulong[ChunkLength];
        while (!destination.IsEmpty)
        {
            var n = Math.Min(ChunkLength, destination.Length);
            var chunkWords = words[..n];
            var chunk = destination[..n];
            source.Fill(chunkWords);
            WordsToOpenUnit(chunkWords, chunk);
            TensorPrimitives.Log(chunk, chunk);
            ApplySignAndScale(chunkWords, -scale, chunk);
            destination = destination[n..];
        }
    }

    /// <summary>Returns one Laplace(0, b) sample.</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="scale">The scale b, finite and &gt; 0.</param>
    /// <returns>The sample.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not finite and positive.</exception>
    public static double Next(IRandomSource source, double scale)
    {
        ArgumentNullException.ThrowIfNull(source);
        Guard.PositiveFinite(scale);
        var word = source.NextUInt64();
        var u = OpenUnit(word);
        var magnitude = -scale * Math.Log(u);
        return (word & 1) == 1 ? -magnitude : magnitude;
    }

    /// <summary>u = 2 − (1.m) ∈ (0, 1] from the top 52 bits of a word; exact.</summary>
    internal static double OpenUnit(ulong word) => 2.0 - BitConverter.UInt64BitsToDouble((word >> 12) | OneBits);

    /// <summary>Vectorised <see cref="OpenUnit(ulong)"/> over a span, with a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WordsToOpenUnit(ReadOnlySpan<ulong> words, Span<double> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256.Create(OneBits);
            var two = Vector256.Create(2.0);
            var bits = MemoryMarshal.Cast<double, ulong>(destination);
            for (; i <= words.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
            {
                var w = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(words), (nuint)i);
                var d = (two - (Vector256.ShiftRightLogical(w, 12) | one).AsDouble()).AsUInt64();
                d.StoreUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)i);
            }
        }

        for (; i < words.Length; i++)
        {
            destination[i] = OpenUnit(words[i]);
        }
    }

    /// <summary>destination[i] = factor · destination[i], negated when bit 0 of words[i] is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ApplySignAndScale(ReadOnlySpan<ulong> words, double factor, Span<double> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            var bits = MemoryMarshal.Cast<double, ulong>(destination);
            for (; i <= words.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
            {
                var w = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(words), (nuint)i);
                var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i) * f;
                var signed = v.AsUInt64() ^ Vector256.ShiftLeft(w, 63);
                signed.StoreUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)i);
            }
        }

        for (; i < words.Length; i++)
        {
            var v = destination[i] * factor;
            destination[i] = (words[i] & 1) == 1 ? -v : v;
        }
    }
}
