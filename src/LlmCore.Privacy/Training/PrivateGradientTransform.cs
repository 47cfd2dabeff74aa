using System.Numerics;
using LlmCore.Optimization;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>
/// DP-SGD's gradient as a transform of the one training loop (<see cref="Trainer{T}.GradientTransform"/>): each
/// example's gradient clipped to L2 norm C, the clipped gradients summed over the logical batch, N(0, σ²C²) added to
/// every coordinate of every trainable parameter, and the result divided by the expected batch size
/// (Abadi et al. 2016, "Deep learning with differential privacy", Algorithm 1).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>The private gradient is g̃ = (Σᵢ wᵢgᵢ + N(0, σ²C²·I)) / (q·N) with wᵢ = min(1, C/(‖gᵢ‖₂ + 10⁻⁶)) (Opacus'
/// clip factor). The per-example norms come from the model (<see cref="IModel{T}.ComputeWeightedGradients"/>, ghost
/// norms or materialised per-example gradients by <see cref="ClippingMode"/>), over the trainable parameters only;
/// frozen parameters get no gradient and no noise. The denominator is the sampler's <em>expected</em> batch size
/// (<see cref="GradientTransformContext.ExpectedBatchSize"/>), not the sampled one, as Opacus does: the size of a
/// Poisson batch depends on who is in it. An empty batch still gets its noise: that step is noise alone.</para>
/// <para>The trainer sums the weighted gradients of all physical chunks of a logical batch before
/// <see cref="Apply"/>, so noise is drawn once per logical step (virtual steps). Noise comes from the given
/// <see cref="IRandomSource"/>: <see cref="SecureRandomSource.Instance"/> by default; a
/// <see cref="SeededRandomSource"/> is an explicit opt-in for reproducible experiments. The noise of each parameter
/// is drawn in the model's parameter order.</para>
/// <para>This type is not thread-safe: one training loop uses it at a time.</para>
/// </remarks>
public sealed class PrivateGradientTransform<T> : IGradientTransform<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ClipWeighting _weighting;
    private double[] _noise = [];
    private T[] _noiseT = [];

    /// <summary>Initializes a new instance of the <see cref="PrivateGradientTransform{T}"/> class.</summary>
    /// <param name="noiseMultiplier">σ, finite and ≥ 0 (0 adds no noise and gives no privacy: for tests only).</param>
    /// <param name="maxGradNorm">The clipping bound C, &gt; 0; <see cref="double.PositiveInfinity"/> disables clipping (only with σ = 0).</param>
    /// <param name="randomSource">The noise source; <see langword="null"/> uses <see cref="SecureRandomSource.Instance"/>.</param>
    /// <param name="clippingMode">How the model computes per-example norms; default <see cref="ClippingMode.Automatic"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or <paramref name="clippingMode"/> is undefined.</exception>
    public PrivateGradientTransform(double noiseMultiplier, double maxGradNorm, IRandomSource? randomSource = null, ClippingMode clippingMode = ClippingMode.Automatic)
    {
        DpSgdKernels.CheckNoiseAndClip(noiseMultiplier, maxGradNorm);
        if (!Enum.IsDefined(clippingMode))
        {
            throw new ArgumentOutOfRangeException(nameof(clippingMode), clippingMode, "Unknown clipping mode.");
        }

        NoiseMultiplier = noiseMultiplier;
        MaxGradNorm = maxGradNorm;
        RandomSource = randomSource ?? SecureRandomSource.Instance;
        ClippingMode = clippingMode;
        _weighting = new ClipWeighting(T.CreateTruncating(maxGradNorm));
    }

    /// <summary>Gets the noise multiplier σ: the noise standard deviation is σ·C.</summary>
    public double NoiseMultiplier { get; }

    /// <summary>Gets the clipping bound C.</summary>
    public double MaxGradNorm { get; }

    /// <summary>Gets the source the noise is drawn from.</summary>
    public IRandomSource RandomSource { get; }

    /// <inheritdoc />
    public ClippingMode ClippingMode { get; }

    /// <inheritdoc />
    /// <value>The clip factors min(1, C/(‖gᵢ‖ + 10⁻⁶)).</value>
    public IExampleWeighting<T>? ExampleWeighting => _weighting;

    /// <summary>Gets the number of examples whose gradient clipping scaled down in the last step.</summary>
    public int LastClippedExamples { get; private set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The context's expected batch size is not finite and positive.</exception>
    public void Apply(IReadOnlyList<Parameter<T>> parameters, in GradientTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(double.IsFinite(context.ExpectedBatchSize) && context.ExpectedBatchSize > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(context), context.ExpectedBatchSize, "The expected batch size must be finite and > 0.");
        }

        var scale = T.CreateTruncating(1.0 / context.ExpectedBatchSize);
        var std = NoiseMultiplier * MaxGradNorm;
        for (var p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            if (!parameter.RequiresGrad)
            {
                continue;
            }

            if (_noise.Length < parameter.Length)
            {
                _noise = new double[parameter.Length];
                _noiseT = new T[parameter.Length];
            }

            var gradient = parameter.Gradient;
            DpSgdKernels.AddNoiseAndScale(gradient, gradient, RandomSource, std, scale, _noise, _noiseT);
        }

        LastClippedExamples = _weighting.Clipped;
        _weighting.Clipped = 0;
    }

    /// <summary>The clip factors, counting the examples they scale down.</summary>
    private sealed class ClipWeighting(T maxNorm) : IExampleWeighting<T>
    {
        public int Clipped { get; set; }

        public void ComputeWeights(ReadOnlySpan<T> norms, Span<T> weights) =>
            Clipped += DpSgdKernels.ComputeClipWeights(norms, maxNorm, weights);
    }
}
