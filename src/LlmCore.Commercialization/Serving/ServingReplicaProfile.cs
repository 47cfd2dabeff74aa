namespace LlmCore.Commercialization.Serving;

/// <summary>The memory layout of one replica of a deployment: where the weights go and how many tokens the KV cache holds.</summary>
/// <param name="GpuMemoryBytes">Memory of one GPU.</param>
/// <param name="WeightBytesPerGpu">Weight bytes each GPU of the replica holds (an even split over t·p GPUs).</param>
/// <param name="KvCacheBytesPerToken">KV-cache bytes of one token over the replica.</param>
/// <param name="KvCacheTokens">Tokens the KV cache holds: ⌊fraction × (t·p·memory − weights) / bytes per token⌋.</param>
/// <param name="FitsInMemory">Whether the weights fit with room for at least one block of KV cache.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ServingReplicaProfile(double GpuMemoryBytes, double WeightBytesPerGpu, double KvCacheBytesPerToken, long KvCacheTokens, bool FitsInMemory);
