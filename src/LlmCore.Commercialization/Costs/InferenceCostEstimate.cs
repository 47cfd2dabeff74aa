namespace LlmCore.Commercialization.Costs;

/// <summary>What serving costs.</summary>
/// <param name="PrefillSeconds">Time to process one batch's prompts.</param>
/// <param name="DecodeTokensPerSecond">Output tokens per second per replica, over the whole batch.</param>
/// <param name="CostPerMillionInputTokensUsd">US dollars per million input tokens.</param>
/// <param name="CostPerMillionOutputTokensUsd">US dollars per million output tokens.</param>
/// <param name="KvCacheBytesPerToken">Bytes of key-value cache per token: 2·layers·kv_heads·head_dim·bytes.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record InferenceCostEstimate(
    double PrefillSeconds,
    double DecodeTokensPerSecond,
    double CostPerMillionInputTokensUsd,
    double CostPerMillionOutputTokensUsd,
    double KvCacheBytesPerToken)
{
    /// <summary>Gets <see cref="DecodeTokensPerSecond"/> divided by the GPUs of the replica.</summary>
    public double DecodeTokensPerSecondPerGpu { get; init; }

    /// <summary>Gets the time of one decode step at the average context (time per output token, TPOT), in seconds.</summary>
    public double TimePerOutputTokenSeconds { get; init; }

    /// <summary>Gets the time to generate all output tokens of the batch, in seconds.</summary>
    public double DecodeSeconds { get; init; }

    /// <summary>Gets the end-to-end output tokens per second per replica, prefill included: Batch·OutputTokens / (PrefillSeconds + DecodeSeconds).
    /// This is what offline benchmarks (MLPerf Offline, trtllm-bench) report.</summary>
    public double OutputTokensPerSecond { get; init; }

    /// <summary>Gets <see cref="OutputTokensPerSecond"/> divided by the GPUs of the replica.</summary>
    public double OutputTokensPerSecondPerGpu { get; init; }

    /// <summary>Gets the prompt tokens per second per replica during prefill.</summary>
    public double PrefillTokensPerSecond { get; init; }

    /// <summary>Gets the largest batch whose weights and full-length KV cache fit in the usable memory (0 when the weights alone do not fit).</summary>
    public int MaxBatch { get; init; }

    /// <summary>Gets a value indicating whether the requested batch fits (Batch ≤ <see cref="MaxBatch"/>).</summary>
    public bool FitsInMemory { get; init; }

    /// <summary>Gets the bytes of weights held by the replica: N · bytes per weight.</summary>
    public double WeightBytes { get; init; }

    /// <summary>Gets the KV-cache bytes of the batch at full length: Batch · (PromptTokens + OutputTokens) · KvCacheBytesPerToken.</summary>
    public double KvCacheBytes { get; init; }

    /// <summary>Gets the memory each GPU needs for weights and the batch's KV cache, in bytes.</summary>
    public double MemoryPerGpuBytes { get; init; }

    /// <summary>Gets what limits prefill.</summary>
    public RooflineBound PrefillBound { get; init; }

    /// <summary>Gets what limits a decode step.</summary>
    public RooflineBound DecodeBound { get; init; }

    /// <summary>Gets the price per GPU-hour, in US dollars, that the costs used.</summary>
    public double PricePerGpuHourUsd { get; init; }
}
