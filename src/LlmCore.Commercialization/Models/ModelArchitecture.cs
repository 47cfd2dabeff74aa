using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Models;

/// <summary>
/// The shape of a decoder-only transformer: what the cost formulas need to count FLOPs, bytes and the key-value cache.
/// </summary>
/// <remarks>
/// <para>KV-cache bytes per token are 2·<see cref="Layers"/>·<see cref="KvHeads"/>·<see cref="HeadDimension"/>·bytes
/// (keys and values of every layer; Pope et al. 2022, "Efficiently Scaling Transformer Inference"), or, for
/// multi-head latent attention, <see cref="Layers"/>·<see cref="KvLatentDimension"/>·bytes (the compressed latent
/// plus the decoupled RoPE key; DeepSeek-V3 report §2.1.1).</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed record ModelArchitecture
{
    /// <summary>Creates an architecture and checks it.</summary>
    /// <param name="name">A display name, not blank.</param>
    /// <param name="parameters">Total parameters N (what memory holds), finite and &gt; 0.</param>
    /// <param name="layers">Transformer layers L, ≥ 1.</param>
    /// <param name="hiddenSize">Model dimension d, ≥ 1.</param>
    /// <param name="attentionHeads">Query heads, ≥ 1.</param>
    /// <param name="kvHeads">Key-value heads (= attention heads for multi-head attention, fewer for grouped-query attention), in [1, attentionHeads].</param>
    /// <param name="headDimension">Dimension of one head, ≥ 1 (usually d / heads).</param>
    /// <param name="vocabularySize">Vocabulary size V, ≥ 1.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is outside its range.</exception>
    public ModelArchitecture(string name, double parameters, int layers, int hiddenSize, int attentionHeads, int kvHeads, int headDimension, int vocabularySize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Guard.PositiveFinite(parameters);
        Guard.Positive(layers);
        Guard.Positive(hiddenSize);
        Guard.Positive(attentionHeads);
        Guard.Positive(kvHeads);
        if (kvHeads > attentionHeads)
        {
            throw new ArgumentOutOfRangeException(nameof(kvHeads), kvHeads, $"must be at most {attentionHeads} (the attention heads).");
        }

        Guard.Positive(headDimension);
        Guard.Positive(vocabularySize);
        Name = name;
        Parameters = parameters;
        Layers = layers;
        HiddenSize = hiddenSize;
        AttentionHeads = attentionHeads;
        KvHeads = kvHeads;
        HeadDimension = headDimension;
        VocabularySize = vocabularySize;
    }

    /// <summary>Gets the display name.</summary>
    public string Name { get; }

    /// <summary>Gets the total parameters N.</summary>
    public double Parameters { get; }

    /// <summary>Gets the transformer layers L.</summary>
    public int Layers { get; }

    /// <summary>Gets the model dimension d.</summary>
    public int HiddenSize { get; }

    /// <summary>Gets the query heads.</summary>
    public int AttentionHeads { get; }

    /// <summary>Gets the key-value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Gets the dimension of one head.</summary>
    public int HeadDimension { get; }

    /// <summary>Gets the vocabulary size V.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets the parameters active per token (mixture of experts), or <see langword="null"/> for a dense model.</summary>
    public double? ActiveParameters { get; init; }

    /// <summary>Gets the cached elements per token and layer under multi-head latent attention (d_c + d_h^R), or <see langword="null"/> for standard attention.</summary>
    public int? KvLatentDimension { get; init; }

    /// <summary>Gets the feed-forward width, or <see langword="null"/> when not stated.</summary>
    public int? FeedForwardSize { get; init; }

    /// <summary>Gets the paper (and table) the figures come from.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Gets the parameters that take part in one token's forward pass: <see cref="ActiveParameters"/> or <see cref="Parameters"/>.</summary>
    public double ParametersPerToken => ActiveParameters ?? Parameters;

    /// <summary>Gets the KV-cache bytes of one token.</summary>
    /// <param name="bytesPerElement">Bytes per cached element (2 for BF16/FP16, 1 for FP8), finite and &gt; 0.</param>
    /// <returns>2·L·kv_heads·head_dim·bytes, or L·latent·bytes under multi-head latent attention.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytesPerElement"/> is not finite and &gt; 0.</exception>
    public double KvCacheBytesPerToken(double bytesPerElement)
    {
        Guard.PositiveFinite(bytesPerElement);
        return KvLatentDimension is { } latent
            ? (double)Layers * latent * bytesPerElement
            : 2.0 * Layers * KvHeads * HeadDimension * bytesPerElement;
    }
}
