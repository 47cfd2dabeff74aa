using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization;
using LlmCore.Optimization.Layers;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>
/// The DP-SGD update around any <see cref="IOptimizer{T}"/>: clip each example's gradient to L2 norm C, sum,
/// add N(0, σ²C²) to every coordinate, divide by the expected batch size, then step the wrapped optimizer
/// (Abadi et al. 2016, "Deep learning with differential privacy", Algorithm 1).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>The private gradient is g̃ = (Σᵢ gᵢ·min(1, C/(‖gᵢ‖₂ + 10⁻⁶)) + N(0, σ²C²·I)) / (q·N). The denominator is the
/// <em>expected</em> batch size, not the sampled one, as Opacus does: the actual size of a Poisson batch depends on
/// who is in it and would leak membership.</para>
/// <para>Large logical batches can be fed in physical chunks: call <see cref="ClipAndAccumulate"/> once per chunk
/// (memory bounded by the chunk's per-example gradients) and <see cref="Step"/> once per logical batch — the idea
/// of Opacus' <c>BatchMemoryManager</c>. Noise is drawn once per logical step.</para>
/// <para>Noise comes from the given <see cref="IRandomSource"/>: <see cref="SecureRandomSource.Instance"/> by
/// default; a <see cref="SeededRandomSource"/> is an explicit opt-in for reproducible experiments.</para>
/// <para>This is the Opacus-style building block for a hand-written loop. The one training loop uses the same
/// arithmetic as <see cref="PrivateGradientTransform{T}"/> (see <see cref="PrivateTrainer{T}"/>).</para>
/// <para>This type is not thread-safe: one training loop uses it at a time.</para>
/// </remarks>
public sealed class PrivateOptimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly T[][] _sums;
    private readonly double[] _noise;
    private readonly T[] _noiseT;
    private readonly IRandomSource _source;
    private T[] _norms = [];
    private T[] _weights = [];

    /// <summary>Initializes a new instance of the <see cref="PrivateOptimizer{T}"/> class.</summary>
    /// <param name="optimizer">The optimizer to step with the private gradient.</param>
    /// <param name="parameters">The model's parameters, in the order of its <see cref="PerExampleGradients{T}"/>.</param>
    /// <param name="noiseMultiplier">σ, finite and ≥ 0 (0 adds no noise and gives no privacy: for tests only).</param>
    /// <param name="maxGradNorm">The clipping bound C, &gt; 0; <see cref="double.PositiveInfinity"/> disables clipping.</param>
    /// <param name="expectedBatchSize">The expected batch size q·N the sum is divided by, finite and &gt; 0.</param>
    /// <param name="randomSource">The noise source; <see langword="null"/> uses <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> or <paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is empty.</exception>
    public PrivateOptimizer(IOptimizer<T> optimizer, IEnumerable<Parameter<T>> parameters, double noiseMultiplier, double maxGradNorm, double expectedBatchSize, IRandomSource? randomSource = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        DpSgdKernels.CheckNoiseAndClip(noiseMultiplier, maxGradNorm);
        Guard.PositiveFinite(expectedBatchSize);
        _parameters = [.. parameters];
        if (_parameters.Length == 0)
        {
            throw new ArgumentException("At least one parameter is required.", nameof(parameters));
        }

        Optimizer = optimizer;
        NoiseMultiplier = noiseMultiplier;
        MaxGradNorm = maxGradNorm;
        ExpectedBatchSize = expectedBatchSize;
        _source = randomSource ?? SecureRandomSource.Instance;
        _sums = new T[_parameters.Length][];
        var longest = 0;
        for (var p = 0; p < _parameters.Length; p++)
        {
            _sums[p] = new T[_parameters[p].Length];
            longest = Math.Max(longest, _parameters[p].Length);
        }

        _noise = new double[longest];
        _noiseT = new T[longest];
    }

    /// <summary>Gets the wrapped optimizer.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>Gets the noise multiplier σ: the noise standard deviation is σ·C.</summary>
    public double NoiseMultiplier { get; }

    /// <summary>Gets the clipping bound C.</summary>
    public double MaxGradNorm { get; }

    /// <summary>Gets the expected batch size q·N the noisy sum is divided by.</summary>
    public double ExpectedBatchSize { get; }

    /// <summary>Gets the number of examples accumulated since the last <see cref="Step"/>.</summary>
    public int AccumulatedExamples { get; private set; }

    /// <summary>Gets the number of examples whose gradient was scaled down by clipping since the last <see cref="Step"/>.</summary>
    public int ClippedExamples { get; private set; }

    /// <summary>
    /// Clips each example gradient of <paramref name="perExample"/> to norm C and adds the clipped sum to this
    /// logical batch. Overwrites every <see cref="Parameter{T}.Gradient"/> (it holds this chunk's clipped sum after the call).
    /// </summary>
    /// <param name="perExample">The per-example gradients of one physical chunk, over the same parameters in the same order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="perExample"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The buffer's parameters are not this optimizer's.</exception>
    public void ClipAndAccumulate(PerExampleGradients<T> perExample)
    {
        ArgumentNullException.ThrowIfNull(perExample);
        if (perExample.Parameters.Count != _parameters.Length)
        {
            throw new ArgumentException("The per-example gradients are over other parameters.", nameof(perExample));
        }

        for (var p = 0; p < _parameters.Length; p++)
        {
            if (!ReferenceEquals(perExample.Parameters[p], _parameters[p]))
            {
                throw new ArgumentException("The per-example gradients are over other parameters.", nameof(perExample));
            }
        }

        var batch = perExample.BatchSize;
        if (batch == 0)
        {
            return;
        }

        if (_norms.Length < batch)
        {
            _norms = new T[perExample.Capacity];
            _weights = new T[perExample.Capacity];
        }

        var norms = _norms.AsSpan(0, batch);
        var weights = _weights.AsSpan(0, batch);
        perExample.ComputeNorms(norms);
        var clipped = ComputeClipWeights(norms, T.CreateTruncating(MaxGradNorm), weights);
        perExample.AccumulateWeighted(weights);
        for (var p = 0; p < _parameters.Length; p++)
        {
            TensorPrimitives.Add(_sums[p], _parameters[p].Gradient, _sums[p]);
        }

        AccumulatedExamples += batch;
        ClippedExamples += clipped;
    }

    /// <summary>
    /// Writes the private gradient (Σ clipped + N(0, σ²C²)) / (q·N) of the accumulated logical batch into every
    /// <see cref="Parameter{T}.Gradient"/> and starts a new logical batch, without stepping the optimizer.
    /// </summary>
    /// <remarks>With no accumulated example (an empty Poisson batch) the gradient is noise alone, as DP-SGD requires.</remarks>
    public void FinalizeGradients()
    {
        var scale = T.CreateTruncating(1.0 / ExpectedBatchSize);
        var std = NoiseMultiplier * MaxGradNorm;
        for (var p = 0; p < _parameters.Length; p++)
        {
            DpSgdKernels.AddNoiseAndScale<T>(_sums[p], _parameters[p].Gradient, _source, std, scale, _noise, _noiseT);
            Array.Clear(_sums[p]);
        }

        AccumulatedExamples = 0;
        ClippedExamples = 0;
    }

    /// <summary>Writes the private gradient (<see cref="FinalizeGradients"/>) and steps the wrapped optimizer.</summary>
    public void Step()
    {
        FinalizeGradients();
        Optimizer.Step();
    }

    /// <summary>Discards the accumulated logical batch.</summary>
    public void ZeroGrad()
    {
        foreach (var sum in _sums)
        {
            Array.Clear(sum);
        }

        AccumulatedExamples = 0;
        ClippedExamples = 0;
    }

    /// <summary>The clipping weights wᵢ = min(1, C/(‖gᵢ‖ + 10⁻⁶)); returns how many are below 1.</summary>
    internal static int ComputeClipWeights(ReadOnlySpan<T> norms, T maxNorm, Span<T> weights) =>
        DpSgdKernels.ComputeClipWeights(norms, maxNorm, weights);
}
