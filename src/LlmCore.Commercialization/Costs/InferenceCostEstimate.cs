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
    double KvCacheBytesPerToken);
