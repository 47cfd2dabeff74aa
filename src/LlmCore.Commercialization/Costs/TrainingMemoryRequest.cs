using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Costs;

/// <summary>A training layout whose per-GPU memory to estimate.</summary>
/// <param name="Model">The architecture (total parameters count for memory).</param>
/// <param name="MicroBatchSize">Sequences per micro-batch b, ≥ 1.</param>
/// <param name="SequenceLength">Tokens per sequence s, ≥ 1.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TrainingMemoryRequest(ModelArchitecture Model, int MicroBatchSize, int SequenceLength)
{
    /// <summary>Gets the tensor-parallel degree t, ≥ 1.</summary>
    /// <value>The default value is 1.</value>
    public int TensorParallel { get; init; } = 1;

    /// <summary>Gets the pipeline-parallel degree p, ≥ 1.</summary>
    /// <value>The default value is 1.</value>
    public int PipelineParallel { get; init; } = 1;

    /// <summary>Gets the data-parallel degree, ≥ 1 (what ZeRO shards across).</summary>
    /// <value>The default value is 1.</value>
    public int DataParallel { get; init; } = 1;

    /// <summary>Gets the ZeRO stage.</summary>
    /// <value>The default value is <see cref="ZeroShardingStage.None"/>.</value>
    public ZeroShardingStage Zero { get; init; } = ZeroShardingStage.None;

    /// <summary>Gets the activation recomputation.</summary>
    /// <value>The default value is <see cref="ActivationRecomputation.None"/>.</value>
    public ActivationRecomputation Recomputation { get; init; } = ActivationRecomputation.None;

    /// <summary>Gets a value indicating whether sequence parallelism splits the non-tensor-parallel activations across the t ranks too.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SequenceParallel { get; init; } = true;

    /// <summary>Gets the bytes per weight, &gt; 0.</summary>
    /// <value>The default value is 2 (BF16 weights).</value>
    public double WeightBytes { get; init; } = 2.0;

    /// <summary>Gets the bytes per gradient element, &gt; 0.</summary>
    /// <value>The default value is 2 (BF16 gradients; 4 when gradients are kept in FP32).</value>
    public double GradientBytes { get; init; } = 2.0;

    /// <summary>Gets the optimizer-state bytes per parameter, ≥ 0.</summary>
    /// <value>The default value is 12: mixed-precision Adam's FP32 master weights, momentum and variance (ZeRO paper §3.1).</value>
    public double OptimizerBytesPerParameter { get; init; } = 12.0;

    /// <summary>Gets the fraction of GPU memory the job may use, in (0, 1]; the rest is framework and fragmentation overhead.</summary>
    /// <value>The default value is 0.9.</value>
    public double UsableMemoryFraction { get; init; } = 0.9;
}
