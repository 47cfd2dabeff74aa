namespace LlmCore.Commercialization.Models;

/// <summary>Architectures of well-known open models, each from its paper.</summary>
/// <remarks>
/// Parameter counts are the ones the papers state (7B, 70B, ...), which are also the figures the papers' compute
/// and GPU-hour tables use. This type is immutable and thread-safe.
/// </remarks>
public static class ModelPresets
{
    /// <summary>Gets Llama 2 7B: 32 layers, d 4096, 32 heads (MHA), vocabulary 32,000 (Touvron et al. 2023, arXiv:2307.09288, Table 1; HF config).</summary>
    public static ModelArchitecture Llama2_7B { get; } = new("Llama-2-7B", 7e9, 32, 4096, 32, 32, 128, 32_000)
    {
        FeedForwardSize = 11_008,
        Source = "Touvron et al. 2023, Llama 2, arXiv:2307.09288, Table 1; meta-llama/Llama-2-7b-hf config",
    };

    /// <summary>Gets Llama 2 13B: 40 layers, d 5120, 40 heads (MHA), vocabulary 32,000 (Touvron et al. 2023, arXiv:2307.09288).</summary>
    public static ModelArchitecture Llama2_13B { get; } = new("Llama-2-13B", 13e9, 40, 5120, 40, 40, 128, 32_000)
    {
        FeedForwardSize = 13_824,
        Source = "Touvron et al. 2023, Llama 2, arXiv:2307.09288, Table 1; meta-llama/Llama-2-13b-hf config",
    };

    /// <summary>Gets Llama 2 70B: 80 layers, d 8192, 64 heads, 8 KV heads (GQA), vocabulary 32,000 (Touvron et al. 2023, arXiv:2307.09288).</summary>
    public static ModelArchitecture Llama2_70B { get; } = new("Llama-2-70B", 70e9, 80, 8192, 64, 8, 128, 32_000)
    {
        FeedForwardSize = 28_672,
        Source = "Touvron et al. 2023, Llama 2, arXiv:2307.09288, Table 1 (GQA); meta-llama/Llama-2-70b-hf config",
    };

    /// <summary>Gets Llama 3.1 8B: 32 layers, d 4096, 32 heads, 8 KV heads, FFN 14,336, vocabulary 128,256 (Llama Team 2024, arXiv:2407.21783, Table 3).</summary>
    public static ModelArchitecture Llama31_8B { get; } = new("Llama-3.1-8B", 8e9, 32, 4096, 32, 8, 128, 128_256)
    {
        FeedForwardSize = 14_336,
        Source = "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, Table 3",
    };

    /// <summary>Gets Llama 3.1 70B: 80 layers, d 8192, 64 heads, 8 KV heads, FFN 28,672, vocabulary 128,256 (arXiv:2407.21783, Table 3).</summary>
    public static ModelArchitecture Llama31_70B { get; } = new("Llama-3.1-70B", 70e9, 80, 8192, 64, 8, 128, 128_256)
    {
        FeedForwardSize = 28_672,
        Source = "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, Table 3",
    };

    /// <summary>Gets Llama 3.1 405B: 126 layers, d 16,384, 128 heads, 8 KV heads, FFN 53,248, vocabulary 128,256 (arXiv:2407.21783, Table 3).</summary>
    public static ModelArchitecture Llama31_405B { get; } = new("Llama-3.1-405B", 405e9, 126, 16_384, 128, 8, 128, 128_256)
    {
        FeedForwardSize = 53_248,
        Source = "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, Table 3",
    };

    /// <summary>Gets Mixtral 8x7B: 46.7B total and 12.9B active parameters (8 experts, top-2), 32 layers, d 4096, 32 heads, 8 KV heads (Jiang et al. 2024, arXiv:2401.04088, §2).</summary>
    public static ModelArchitecture Mixtral8x7B { get; } = new("Mixtral-8x7B", 46.7e9, 32, 4096, 32, 8, 128, 32_000)
    {
        ActiveParameters = 12.9e9,
        FeedForwardSize = 14_336,
        Source = "Jiang et al. 2024, Mixtral of Experts, arXiv:2401.04088, Sec. 2 and Table 1",
    };

    /// <summary>
    /// Gets DeepSeek-V3: 671B total and 37B active parameters (256 routed + 1 shared expert, 8 routed active), 61 layers,
    /// d 7168, 128 heads, multi-head latent attention caching 512 + 64 elements per token and layer, vocabulary 129,280
    /// (DeepSeek-AI 2024, arXiv:2412.19437, §2.1 and §4.2).
    /// </summary>
    public static ModelArchitecture DeepSeekV3 { get; } = new("DeepSeek-V3", 671e9, 61, 7168, 128, 128, 128, 129_280)
    {
        ActiveParameters = 37e9,
        KvLatentDimension = 512 + 64,
        FeedForwardSize = 2048,
        Source = "DeepSeek-AI 2024, DeepSeek-V3 Technical Report, arXiv:2412.19437, Sec. 2.1 (MLA, MoE) and Sec. 4.2 (hyper-parameters)",
    };

    /// <summary>Gets every preset, in the order above.</summary>
    public static IReadOnlyList<ModelArchitecture> All { get; } =
        [Llama2_7B, Llama2_13B, Llama2_70B, Llama31_8B, Llama31_70B, Llama31_405B, Mixtral8x7B, DeepSeekV3];

    /// <summary>Finds a preset by name, ignoring case (e.g. <c>llama-3.1-70b</c>).</summary>
    /// <param name="name">The preset name.</param>
    /// <param name="model">The preset when found.</param>
    /// <returns><see langword="true"/> when a preset has that name.</returns>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelArchitecture? model)
    {
        model = All.FirstOrDefault(m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }
}
