using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

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
    /// <summary>The head dimension assumed when neither <see cref="HeadDimension"/> nor <see cref="AttentionHeads"/> is set: 128, as in GPT-3, Llama 2/3 and Mixtral.</summary>
    public const int DefaultHeadDimension = 128;

    /// <summary>Gets the number of key-value heads (grouped-query attention), or <see langword="null"/> for multi-head attention.</summary>
    public int? KvHeads { get; init; }

    /// <summary>Gets the price of one GPU-hour in US dollars, or <see langword="null"/> for the configured default.</summary>
    public double? PricePerGpuHourUsd { get; init; }

    /// <summary>Gets the parameters active per token (mixture of experts), or <see langword="null"/> for a dense model.</summary>
    public double? ActiveParameters { get; init; }

    /// <summary>Gets the query heads, or <see langword="null"/>; used only to derive the head dimension as HiddenSize / AttentionHeads.</summary>
    public int? AttentionHeads { get; init; }

    /// <summary>
    /// Gets the head dimension, or <see langword="null"/> for HiddenSize / <see cref="AttentionHeads"/> when the heads
    /// are given, else <see cref="DefaultHeadDimension"/>. Without <see cref="KvHeads"/> (multi-head attention) the
    /// cached width per layer is the hidden size.
    /// </summary>
    public int? HeadDimension { get; init; }

    /// <summary>Gets the cached elements per token and layer under multi-head latent attention (DeepSeek-V2/V3: 512 + 64), or <see langword="null"/>.</summary>
    public int? KvLatentDimension { get; init; }

    /// <summary>Gets the storage precision of the weights; FP8 weights also run at the GPU's FP8 peak.</summary>
    /// <value>The default value is <see cref="NumericPrecision.Fp16"/>.</value>
    public NumericPrecision WeightPrecision { get; init; } = NumericPrecision.Fp16;

    /// <summary>Gets the storage precision of the key-value cache.</summary>
    /// <value>The default value is <see cref="NumericPrecision.Fp16"/>.</value>
    public NumericPrecision KvCachePrecision { get; init; } = NumericPrecision.Fp16;

    /// <summary>Gets η_c, the fraction of the dense peak that matrix products reach, in (0, 1].</summary>
    /// <value>The default value is 0.5 (llm-analysis recommends about 0.5 for large jobs and up to 0.7 for inference;
    /// measured maximum achievable matmul FLOP/s is 51–87% of peak, stas00/ml-engineering).</value>
    public double ComputeEfficiency { get; init; } = 0.5;

    /// <summary>Gets η_m, the fraction of peak memory bandwidth that decoding reaches (model bandwidth utilisation), in (0, 1].</summary>
    /// <value>The default value is 0.8 (good serving stacks reach about 60–85%).</value>
    public double MemoryBandwidthEfficiency { get; init; } = 0.8;

    /// <summary>Gets the fraction of GPU memory that weights and KV cache may use, in (0, 1]; the rest is workspace.</summary>
    /// <value>The default value is 0.9 (vLLM's default <c>gpu_memory_utilization</c>).</value>
    public double UsableMemoryFraction { get; init; } = 0.9;

    /// <summary>Gets the average fraction of paid GPU time that serves requests, in (0, 1]; costs per token are divided by it.</summary>
    /// <value>The default value is 1 (a fully loaded replica); 0.3–0.6 is realistic for interactive services.</value>
    public double Utilization { get; init; } = 1.0;

    /// <summary>Creates a request for a preset or custom architecture: its parameters, shape, heads and cache layout.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="gpu">A GPU name from the catalogue.</param>
    /// <param name="gpuCount">GPUs per replica, ≥ 1.</param>
    /// <param name="batch">Concurrent sequences per replica, ≥ 1.</param>
    /// <param name="promptTokens">Input tokens per request, ≥ 0.</param>
    /// <param name="outputTokens">Output tokens per request, ≥ 1.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public static InferenceCostRequest For(ModelArchitecture model, string gpu, int gpuCount, int batch, int promptTokens, int outputTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new InferenceCostRequest(model.Parameters, model.Layers, model.HiddenSize, gpu, gpuCount, batch, promptTokens, outputTokens)
        {
            ActiveParameters = model.ActiveParameters,
            KvHeads = model.KvHeads,
            AttentionHeads = model.AttentionHeads,
            HeadDimension = model.HeadDimension,
            KvLatentDimension = model.KvLatentDimension,
        };
    }
}
