using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Fast continuous Gaussian noise by a vectorised Box–Muller transform: for simulations, benchmarks, tests and DP-SGD.
/// </summary>
/// <remarks>
/// <para>This type is stateless and thread-safe when its <see cref="IRandomSource"/> is.</para>
/// <para>Two 64-bit words give two independent N(0, σ²) samples (Box and Muller 1958): the radius
/// r = √(−2 ln u₁) from 52 bits of the first word (u₁ ∈ (0, 1], logarithm by <see cref="TensorPrimitives"/>), and the
/// angle from the second word. Profiling showed the double-precision sine/cosine of a general angle to cost three
/// quarters of the old sampler, so the angle is drawn by symmetry instead: 52 bits give φ uniform on [0, π/4), where
/// sin φ and cos φ are short polynomials (the fdlibm kernels, accurate to about one ulp), and three more bits pick
/// one of the eight symmetries of the square (swap the pair, flip either sign). The dihedral group of the square
/// maps the octant [0, π/4) onto the whole circle, each octant once, so the angle is uniform on [0, 2π) as
/// Box–Muller requires; no range reduction is needed. The whole transform runs in 256-bit vectors.</para>
/// <para>Like any floating-point sampler its low bits can leak the input (Mironov 2012); release values through
/// <see cref="Mechanisms.GaussianMechanism"/>, which snaps value and noise to a power-of-two grid.</para>
/// </remarks>
public static class GaussianSampler
{
    private const int Half = LaplaceSampler.ChunkLength / 2;
    private const ulong OneBits = 0x3FF0000000000000UL;
    private const double QuarterPi = Math.PI / 4;
    private const double Unit52 = 1.0 / (1UL << 52);

    // fdlibm's __kernel_sin / __kernel_cos minimax coefficients on [−π/4, π/4] (Sun Microsystems, freely
    // distributable): sin x ≈ x + x³·S(x²), cos x ≈ 1 − x²/2 + x⁴·C(x²).
    private const double S1 = -1.66666666666666324348e-01;
    private const double S2 = 8.33333333332248946124e-03;
    private const double S3 = -1.98412698298579493134e-04;
    private const double S4 = 2.75573137070700676789e-06;
    private const double S5 = -2.50507602534068634195e-08;
    private const double S6 = 1.58969099521155010221e-10;
    private const double C1 = 4.16666666666666019037e-02;
    private const double C2 = -1.38888888888741095749e-03;
    private const double C3 = 2.48015872894767294178e-05;
    private const double C4 = -2.75573143513906633035e-07;
    private const double C5 = 2.08757232129817482790e-09;
    private const double C6 = -1.13596475577881948265e-11;

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
        FillScaled(source, sigma, destination, vectorised: true);
    }

    /// <summary>Fills <paramref name="destination"/> with independent N(0, σ²) samples in single precision.</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="sigma">The standard deviation σ, finite and &gt; 0.</param>
    /// <param name="destination">The values to overwrite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not finite and positive.</exception>
    public static void Fill(IRandomSource source, double sigma, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        Guard.PositiveFinite(sigma);
        Span<double> chunk = stackalloc double[LaplaceSampler.ChunkLength];
        while (!destination.IsEmpty)
        {
            var n = Math.Min(chunk.Length, destination.Length);
            FillScaled(source, sigma, chunk[..n], vectorised: true);
            TensorPrimitives.ConvertTruncating<double, float>(chunk[..n], destination[..n]);
            destination = destination[n..];
        }
    }

    /// <summary>Scalar reference of <see cref="Fill(IRandomSource, double, Span{double})"/>: the same words, the same arithmetic, one value at a time.</summary>
    internal static void FillScalar(IRandomSource source, double sigma, Span<double> destination) =>
        FillScaled(source, sigma, destination, vectorised: false);

    /// <summary>
    /// Fills <paramref name="destination"/> with N(0, scale²) values, drawing 2·⌈n/2⌉ words in chunks of
    /// <see cref="LaplaceSampler.ChunkLength"/>; each chunk of p pairs writes the first values of the pairs, then the second.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FillScaled(IRandomSource source, double scale, Span<double> destination, bool vectorised)
    {
        Span<ulong> words = stackalloc ulong[LaplaceSampler.ChunkLength];
        Span<double> head = stackalloc double[Half];
        Span<double> tail = stackalloc double[Half];
        while (!destination.IsEmpty)
        {
            var pairs = Math.Min(Half, (destination.Length + 1) / 2);
            var w = words[..(2 * pairs)];
            source.Fill(w);
            if (destination.Length >= 2 * pairs)
            {
                Pairs(w, scale, destination[..pairs], destination.Slice(pairs, pairs), vectorised);
                destination = destination[(2 * pairs)..];
            }
            else
            {
                // The last chunk has an odd length: the second value of the last pair is dropped.
                Pairs(w, scale, head[..pairs], tail[..pairs], vectorised);
                head[..pairs].CopyTo(destination);
                tail[..(destination.Length - pairs)].CopyTo(destination[pairs..]);
                destination = [];
            }
        }
    }

    /// <summary>
    /// Turns 2·n words into n pairs of N(0, scale²) values: the first n words give the radii, the next n the angles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pairs(ReadOnlySpan<ulong> words, double scale, Span<double> first, Span<double> second, bool vectorised)
    {
        var n = first.Length;
        var radiusWords = words[..n];
        var angleWords = words.Slice(n, n);

        // ln u₁ into `first` (scratch), by the vectorised logarithm or Math.Log.
        LaplaceSampler.WordsToOpenUnit(radiusWords, first);
        if (vectorised)
        {
            TensorPrimitives.Log(first, first);
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                first[i] = Math.Log(first[i]);
            }
        }

        var k = 0;
        if (vectorised && Vector256.IsHardwareAccelerated)
        {
            ref var logRef = ref MemoryMarshal.GetReference(first);
            ref var secondRef = ref MemoryMarshal.GetReference(second);
            ref var wordRef = ref MemoryMarshal.GetReference(angleWords);
            var minusTwo = Vector256.Create(-2.0);
            var scaleVector = Vector256.Create(scale);
            for (; k <= n - Vector256<double>.Count; k += Vector256<double>.Count)
            {
                var w = Vector256.LoadUnsafe(ref wordRef, (nuint)k);
                var log = Vector256.LoadUnsafe(ref logRef, (nuint)k);
                var radius = Vector256.Sqrt(log * minusTwo) * scaleVector;
                var (a, b) = Angle(w);
                (radius * a).StoreUnsafe(ref logRef, (nuint)k);
                (radius * b).StoreUnsafe(ref secondRef, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            var radius = Math.Sqrt(first[k] * -2.0) * scale;
            var (a, b) = Angle(angleWords[k]);
            first[k] = radius * a;
            second[k] = radius * b;
        }
    }

    /// <summary>(cos θ, sin θ) for the uniform angle θ that <paramref name="word"/> encodes (see the type's remarks).</summary>
    internal static (double Cos, double Sin) Angle(ulong word)
    {
        var phi = (BitConverter.UInt64BitsToDouble((word >> 12) | OneBits) - 1.0) * QuarterPi;
        var z = phi * phi;
        var s = phi + (phi * z * Polynomial(z, S1, S2, S3, S4, S5, S6));
        var c = 1.0 - (0.5 * z) + (z * z * Polynomial(z, C1, C2, C3, C4, C5, C6));
        var (a, b) = (word & 1) == 1 ? (s, c) : (c, s);
        a = BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(a) ^ ((word << 62) & 0x8000000000000000UL));
        b = BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(b) ^ ((word << 61) & 0x8000000000000000UL));
        return (a, b);
    }

    /// <summary>sin φ and cos φ for φ ∈ [0, π/4] by the polynomial kernels (exposed for the accuracy test).</summary>
    internal static (double Sin, double Cos) OctantSinCos(double phi)
    {
        var z = phi * phi;
        return (phi + (phi * z * Polynomial(z, S1, S2, S3, S4, S5, S6)), 1.0 - (0.5 * z) + (z * z * Polynomial(z, C1, C2, C3, C4, C5, C6)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> A, Vector256<double> B) Angle(Vector256<ulong> w)
    {
        var t = (Vector256.ShiftRightLogical(w, 12) | Vector256.Create(OneBits)).AsDouble() - Vector256<double>.One;
        var phi = t * Vector256.Create(QuarterPi);
        var z = phi * phi;
        var sinPoly = Polynomial(z, S1, S2, S3, S4, S5, S6);
        var cosPoly = Polynomial(z, C1, C2, C3, C4, C5, C6);
        var s = phi + (phi * z * sinPoly);
        var c = Vector256<double>.One - (Vector256.Create(0.5) * z) + (z * z * cosPoly);
        var swap = Vector256.Equals(w & Vector256<ulong>.One, Vector256<ulong>.One).AsDouble();
        var a = Vector256.ConditionalSelect(swap, s, c);
        var b = Vector256.ConditionalSelect(swap, c, s);
        var signBit = Vector256.Create(0x8000000000000000UL);
        a = (a.AsUInt64() ^ (Vector256.ShiftLeft(w, 62) & signBit)).AsDouble();
        b = (b.AsUInt64() ^ (Vector256.ShiftLeft(w, 61) & signBit)).AsDouble();
        return (a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Polynomial(double z, double p1, double p2, double p3, double p4, double p5, double p6) =>
        p1 + (z * (p2 + (z * (p3 + (z * (p4 + (z * (p5 + (z * p6)))))))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Polynomial(Vector256<double> z, double p1, double p2, double p3, double p4, double p5, double p6) =>
        Vector256.Create(p1) + (z * (Vector256.Create(p2) + (z * (Vector256.Create(p3) + (z * (Vector256.Create(p4) + (z * (Vector256.Create(p5) + (z * Vector256.Create(p6))))))))));
}
