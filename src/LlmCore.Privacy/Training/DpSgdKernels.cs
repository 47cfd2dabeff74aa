using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>The arithmetic of a DP-SGD step, shared by <see cref="PrivateGradientTransform{T}"/> and <see cref="PrivateOptimizer{T}"/>.</summary>
internal static class DpSgdKernels
{
    /// <summary>
    /// The clipping weights wᵢ = min(1, C/(‖gᵢ‖ + 10⁻⁶)) (Opacus' factor: the 10⁻⁶ keeps ‖wᵢgᵢ‖ ≤ C despite
    /// rounding); returns how many are below 1. C = +∞ gives weights of 1.
    /// </summary>
    public static int ComputeClipWeights<T>(ReadOnlySpan<T> norms, T maxNorm, Span<T> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var clipped = 0;
        var tiny = T.CreateTruncating(1e-6);
        for (var i = 0; i < norms.Length; i++)
        {
            var norm = norms[i];
            if (norm + tiny > maxNorm)
            {
                weights[i] = maxNorm / (norm + tiny);
                clipped++;
            }
            else
            {
                weights[i] = T.One;
            }
        }

        return clipped;
    }

    /// <summary>
    /// destination = (sum + N(0, std²)) · scale, coordinate by coordinate, with the noise drawn from
    /// <paramref name="source"/> (no noise when std is 0). <paramref name="sum"/> and <paramref name="destination"/> may be the same span.
    /// </summary>
    public static void AddNoiseAndScale<T>(ReadOnlySpan<T> sum, Span<T> destination, IRandomSource source, double std, T scale, Span<double> noise, Span<T> noiseT)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (std > 0)
        {
            noise = noise[..sum.Length];
            noiseT = noiseT[..sum.Length];
            GaussianSampler.Fill(source, std, noise);
            for (var i = 0; i < noise.Length; i++)
            {
                noiseT[i] = T.CreateTruncating(noise[i]);
            }

            TensorPrimitives.Add(sum, noiseT, destination);
            TensorPrimitives.Multiply(destination, scale, destination);
        }
        else
        {
            TensorPrimitives.Multiply(sum, scale, destination);
        }
    }

    /// <summary>Checks σ ≥ 0 and C &gt; 0, allowing C = +∞ only with σ = 0 (no clipping is only for tests: it gives no privacy).</summary>
    public static void CheckNoiseAndClip(double noiseMultiplier, double maxGradNorm)
    {
        Guard.NonNegativeFinite(noiseMultiplier);
        if (!(maxGradNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxGradNorm), maxGradNorm, "The clipping bound C must be > 0 (+Infinity disables clipping).");
        }

        if (noiseMultiplier > 0 && double.IsPositiveInfinity(maxGradNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxGradNorm), maxGradNorm, "Noise σ·C is infinite: an unbounded C needs σ = 0.");
        }
    }
}
