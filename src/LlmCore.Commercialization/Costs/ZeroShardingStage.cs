namespace LlmCore.Commercialization.Costs;

/// <summary>
/// What ZeRO shards across the data-parallel ranks (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward
/// Training Trillion Parameter Models", arXiv:1910.02054, §5), for planning the memory of a training layout.
/// </summary>
/// <remarks>The stages are those of <c>LlmCore.Optimization.Memory.ZeroStage</c> (the same values 0–3); the two packages
/// do not reference each other, so this planning package names its own type differently.</remarks>
public enum ZeroShardingStage
{
    /// <summary>Plain data parallelism: every rank holds weights, gradients and optimizer states.</summary>
    None = 0,

    /// <summary>ZeRO-1 (P_os): optimizer states are sharded.</summary>
    OptimizerStates = 1,

    /// <summary>ZeRO-2 (P_os+g): optimizer states and gradients are sharded.</summary>
    Gradients = 2,

    /// <summary>ZeRO-3 (P_os+g+p): optimizer states, gradients and weights are sharded.</summary>
    Parameters = 3,
}
