using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Integer noise on a power-of-two grid g·ℤ, the kernels behind the floating-point-safe Laplace and Gaussian
/// mechanisms; each vectorised kernel has a scalar reference next to it.
/// </summary>
internal static class GridNoise
{
    /// <summary>
    /// Fills <paramref name="destination"/> with g·K, K two-sided geometric: P[K = k] = (1−q)/(1+q)·q^|k|, q = e^{−1/t}.
    /// |K| = ⌊t·E + c⌋ with E = −ln u exponential and c = t·ln(2/(1+q)), so P[|K| ≥ m] = 2q^m/(1+q) for m ≥ 1;
    /// the sign comes from an independent bit.
    /// </summary>
    public static void FillLaplace(IRandomSource source, double t, double granularity, Span<double> destination)
    {
        var c = LaplaceOffset(t);
        Span<ulong> words = stackalloc ulong[LaplaceSampler.ChunkLength];
        while (!destination.IsEmpty)
        {
            var n = Math.Min(LaplaceSampler.ChunkLength, destination.Length);
            var w = words[..n];
            var chunk = destination[..n];
            source.Fill(w);
            LaplaceSampler.WordsToOpenUnit(w, chunk);
            TensorPrimitives.Log(chunk, chunk);
            LaplaceFromLog(w, t, c, granularity, chunk);
            destination = destination[n..];
        }
    }

    /// <summary>Scalar reference of <see cref="FillLaplace"/>, drawing the same words in the same order.</summary>
    public static void FillLaplaceScalar(IRandomSource source, double t, double granularity, Span<double> destination)
    {
        var c = LaplaceOffset(t);
        Span<ulong> words = stackalloc ulong[LaplaceSampler.ChunkLength];
        while (!destination.IsEmpty)
        {
            var n = Math.Min(LaplaceSampler.ChunkLength, destination.Length);
            var w = words[..n];
            source.Fill(w);
            for (var i = 0; i < n; i++)
            {
                var k = Math.Floor((-t * Math.Log(LaplaceSampler.OpenUnit(w[i]))) + c) * granularity;
                destination[i] = ((w[i] & 1) == 1 ? -k : k) + 0.0;
            }

            destination = destination[n..];
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with g·round(σ/g · Z), Z standard normal (<see cref="GaussianSampler"/>): the
    /// grid rounding of a continuous Gaussian, i.e. post-processing of N(0, σ²) noise.
    /// </summary>
    public static void FillGaussian(IRandomSource source, double sigma, double granularity, Span<double> destination) =>
        FillGaussian(source, sigma, granularity, destination, vectorised: true);

    /// <summary>Scalar reference of <see cref="FillGaussian(IRandomSource, double, double, Span{double})"/>, drawing the same words in the same order.</summary>
    public static void FillGaussianScalar(IRandomSource source, double sigma, double granularity, Span<double> destination) =>
        FillGaussian(source, sigma, granularity, destination, vectorised: false);

    private static void FillGaussian(IRandomSource source, double sigma, double granularity, Span<double> destination, bool vectorised)
    {
        var factor = sigma / granularity;
        while (!destination.IsEmpty)
        {
            // Chunks of the sampler's own size keep the two passes in L1.
            var chunk = destination[..Math.Min(LaplaceSampler.ChunkLength, destination.Length)];
            GaussianSampler.FillScaled(source, factor, chunk, vectorised);
            if (vectorised)
            {
                RoundToGrid(chunk, 1.0, granularity, chunk);
            }
            else
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i] = Math.Floor(chunk[i] + 0.5) * granularity;
                }
            }

            destination = destination[chunk.Length..];
        }
    }

    internal static double LaplaceOffset(double t) => t * (Math.Log(2) - PrivacyMath.Log1p(Math.Exp(-1 / t)));

    /// <summary>destination[i] = ±g·⌊−t·destination[i] + c⌋ with the sign from bit 0 of words[i]; input holds ln u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LaplaceFromLog(ReadOnlySpan<ulong> words, double t, double c, double granularity, Span<double> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var negT = Vector256.Create(-t);
            var vc = Vector256.Create(c);
            var g = Vector256.Create(granularity);
            var zero = Vector256<double>.Zero;
            var bits = MemoryMarshal.Cast<double, ulong>(destination);
            for (; i <= words.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
            {
                var w = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(words), (nuint)i);
                var l = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i);
                var k = Vector256.Floor((negT * l) + vc) * g;
                var signed = (k.AsUInt64() ^ Vector256.ShiftLeft(w, 63)).AsDouble() + zero;
                signed.AsUInt64().StoreUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)i);
            }
        }

        for (; i < words.Length; i++)
        {
            var k = Math.Floor((-t * destination[i]) + c) * granularity;
            destination[i] = ((words[i] & 1) == 1 ? -k : k) + 0.0;
        }
    }

    /// <summary>destination[i] = g·⌊factor·z[i] + ½⌋.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RoundToGrid(ReadOnlySpan<double> z, double factor, double granularity, Span<double> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            var half = Vector256.Create(0.5);
            var g = Vector256.Create(granularity);
            for (; i <= z.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(z), (nuint)i);
                (Vector256.Floor((v * f) + half) * g).StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i);
            }
        }

        for (; i < z.Length; i++)
        {
            destination[i] = Math.Floor((z[i] * factor) + 0.5) * granularity;
        }
    }
}
