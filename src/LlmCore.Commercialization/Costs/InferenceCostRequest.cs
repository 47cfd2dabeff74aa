namespace LlmCore.Commercialization.Costs;

/// <summary>A serving deployment to estimate.</summary>
/// <param name="Parameters">Total parameters, &gt; 0.</param>
/// <param name="Layers">Transformer layers, ≥ 1.</param>
/// <param name="HiddenSize">Hidden (model) dimension, ≥ 1.</param>
/// <param name="Gpu">A GPU name from the catalogue (case-insensitive).</param>
/// <param name="GpuCount">GPUs per replica, ≥ 1.</param>
/// <param name="Batch">Concurrent sequences per replica, ≥ 1.</param>
/// <param name="PromptTokens">Input tokens per request, ≥ 0.</param>
/// <param name="OutputTokens">Output tokens per request, ≥ 1.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record InferenceCostRequest(double Parameters, int Layers, int HiddenSize, string Gpu, int GpuCount, int Batch, int PromptTokens, int OutputTokens)
{
    /// <summary>Gets the number of key-value heads (grouped-query attention), or <see langword="null"/> for multi-head attention.</summary>
    public int? KvHeads { get; init; }

    /// <summary>Gets the price of one GPU-hour in US dollars, or <see langword="null"/> for the configured default.</summary>
    public double? PricePerGpuHourUsd { get; init; }
}
