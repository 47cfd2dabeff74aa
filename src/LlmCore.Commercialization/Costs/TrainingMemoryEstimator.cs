using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Costs;

/// <summary>Memory per GPU of a training layout under data, tensor and pipeline parallelism and ZeRO.</summary>
/// <remarks>
/// <para>Model states (Rajbhandari et al. 2020, arXiv:1910.02054, §3.1 and §5): with N parameters split over t·p
/// model-parallel ranks and d data-parallel ranks, weights N·b_w/(t·p) (÷ d under ZeRO-3), gradients N·b_g/(t·p)
/// (÷ d under ZeRO-2 and 3), optimizer states N·k/(t·p) (÷ d under ZeRO-1, 2 and 3), k = 12 for mixed-precision Adam.</para>
/// <para>Activations (Korthikanti et al. 2022, arXiv:2205.05198, Eq. 1–2 and Table 2; 16-bit, a = heads, b = micro-batch):
/// per layer s·b·d·(34 + 5·a·s/d)/t with sequence parallelism, s·b·d·(10 + 24/t + 5·a·s/(d·t)) without; selective
/// recomputation drops the 5·a·s/d term; full recomputation keeps 2·s·b·d/t per layer (the layer inputs) plus one
/// layer's working set. Under the 1F1B pipeline schedule the first stage holds p micro-batches of L/p layers, so the
/// stored activations are those of L layers whatever p is (§4.2.3). Embedding, logits and framework buffers are left out.</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class TrainingMemoryEstimator
{
    /// <summary>Estimates the memory one GPU needs.</summary>
    /// <param name="request">The layout.</param>
    /// <param name="gpu">The GPU, for its capacity.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException">An argument or the request's model is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or degree is out of range.</exception>
    public static TrainingMemoryEstimate Estimate(TrainingMemoryRequest request, GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(request.Model, nameof(request));
        Guard.Positive(request.MicroBatchSize, nameof(request.MicroBatchSize));
        Guard.Positive(request.SequenceLength, nameof(request.SequenceLength));
        Guard.Positive(request.TensorParallel, nameof(request.TensorParallel));
        Guard.Positive(request.PipelineParallel, nameof(request.PipelineParallel));
        Guard.Positive(request.DataParallel, nameof(request.DataParallel));
        Guard.PositiveFinite(request.WeightBytes, nameof(request.WeightBytes));
        Guard.PositiveFinite(request.GradientBytes, nameof(request.GradientBytes));
        Guard.NonNegativeFinite(request.OptimizerBytesPerParameter, nameof(request.OptimizerBytesPerParameter));
        Guard.Fraction(request.UsableMemoryFraction, nameof(request.UsableMemoryFraction));
        if (!Enum.IsDefined(request.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Zero, "must be a ZeRO stage in [0, 3].");
        }

        var model = request.Model;
        var modelParallel = (double)request.TensorParallel * request.PipelineParallel;
        var perRank = model.Parameters / modelParallel;
        var dp = (double)request.DataParallel;
        var stage = (int)request.Zero;

        var weights = perRank * request.WeightBytes / (stage >= 3 ? dp : 1.0);
        var gradients = perRank * request.GradientBytes / (stage >= 2 ? dp : 1.0);
        var optimizer = perRank * request.OptimizerBytesPerParameter / (stage >= 1 ? dp : 1.0);
        var activations = ActivationBytes(request);
        return new TrainingMemoryEstimate(weights, gradients, optimizer, activations, gpu.MemoryBytes * request.UsableMemoryFraction);
    }

    /// <summary>Gets the activation bytes stored per GPU (see the remarks of <see cref="TrainingMemoryEstimator"/>).</summary>
    /// <param name="request">The layout.</param>
    /// <returns>Bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The recomputation is not a defined value.</exception>
    public static double ActivationBytes(TrainingMemoryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model;
        double s = request.SequenceLength;
        double b = request.MicroBatchSize;
        double d = model.HiddenSize;
        double a = model.AttentionHeads;
        double t = request.TensorParallel;
        double layers = model.Layers;
        var sbd = s * b * d;
        var attentionScores = 5.0 * a * s / d;

        double PerLayer(bool keepScores)
        {
            var scores = keepScores ? attentionScores : 0.0;
            return request.SequenceParallel
                ? sbd * (34.0 + scores) / t
                : sbd * (10.0 + (24.0 / t) + (scores / t));
        }

        return request.Recomputation switch
        {
            ActivationRecomputation.None => layers * PerLayer(keepScores: true),
            ActivationRecomputation.Selective => layers * PerLayer(keepScores: false),
            ActivationRecomputation.Full => (layers * 2.0 * sbd / (request.SequenceParallel ? t : 1.0)) + PerLayer(keepScores: true),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Recomputation, "must be None, Selective or Full."),
        };
    }
}
