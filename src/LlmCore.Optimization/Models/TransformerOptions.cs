namespace LlmCore.Optimization.Models;

/// <summary>Which per-position normalisation the transformer blocks use.</summary>
public enum NormalizationKind
{
    /// <summary>LayerNorm (Ba, Kiros, Hinton 2016), GPT-2's choice.</summary>
    LayerNorm,

    /// <summary>RMSNorm (Zhang and Sennrich 2019), as in LLaMA: no centring, no bias.</summary>
    RmsNorm,
}

/// <summary>
/// The shape of a GPT-2-style decoder trunk (nanoGPT's <c>GPTConfig</c>): token and learned positional embeddings,
/// <see cref="LayerCount"/> pre-normalisation blocks x += Attn(LN₁(x)); x += MLP(LN₂(x)) with causal multi-head
/// self-attention and a GELU (tanh) MLP of width 4C, and a final normalisation.
/// </summary>
/// <remarks>
/// Weights are initialised as GPT-2 (Radford et al. 2019; nanoGPT): N(0, 0.02) for embeddings and projections,
/// N(0, 0.02/√(2·<see cref="LayerCount"/>)) for the two residual output projections of each block, zero biases,
/// unit gains. The model copies the options at construction. Not thread-safe while being changed.
/// </remarks>
public abstract class TransformerOptions
{
    private protected TransformerOptions()
    {
    }

    /// <summary>Gets or sets the number of blocks (n_layer), ≥ 1.</summary>
    /// <value>The default value is 4.</value>
    public int LayerCount { get; set; } = 4;

    /// <summary>Gets or sets the number of attention heads (n_head), ≥ 1, dividing <see cref="EmbeddingSize"/>.</summary>
    /// <value>The default value is 4.</value>
    public int HeadCount { get; set; } = 4;

    /// <summary>Gets or sets the width C of the residual stream (n_embd), ≥ 1.</summary>
    /// <value>The default value is 128.</value>
    public int EmbeddingSize { get; set; } = 128;

    /// <summary>Gets or sets the context length (block_size): the number of token ids per example, ≥ 1.</summary>
    /// <value>The default value is 64.</value>
    public int BlockSize { get; set; } = 64;

    /// <summary>Gets or sets the number of token ids V (vocab_size), ≥ 2; 256 for a byte-level tokenizer.</summary>
    /// <value>The default value is 256.</value>
    public int VocabularySize { get; set; } = 256;

    /// <summary>
    /// Gets or sets the dropout rate in [0, 1), applied as in nanoGPT after the embeddings, on the attention
    /// probabilities and on each block's two residual branches, in training passes only.
    /// </summary>
    /// <value>The default value is 0.</value>
    public double Dropout { get; set; }

    /// <summary>Gets or sets a value indicating whether projections and LayerNorms have biases (nanoGPT's <c>bias</c>).</summary>
    /// <value>The default value is <see langword="true"/> (GPT-2).</value>
    public bool Bias { get; set; } = true;

    /// <summary>Gets or sets the normalisation.</summary>
    /// <value>The default value is <see cref="NormalizationKind.LayerNorm"/>.</value>
    public NormalizationKind Normalization { get; set; } = NormalizationKind.LayerNorm;

    /// <summary>Gets or sets the ε of the normalisation, &gt; 0.</summary>
    /// <value>The default value is 1e-5 (torch.nn.LayerNorm's).</value>
    public double NormalizationEpsilon { get; set; } = 1e-5;

    /// <summary>Gets or sets the seed of the initial weights and of the dropout masks; the same seed gives the same model and the same training run.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>Checks every option and throws on the first one out of range.</summary>
    /// <param name="parameterName">The argument name to report.</param>
    /// <exception cref="ArgumentException">An option is out of range, or the head count does not divide the width.</exception>
    internal virtual void Validate(string parameterName)
    {
        Check(LayerCount >= 1, parameterName, $"LayerCount must be ≥ 1; got {LayerCount}.");
        Check(HeadCount >= 1, parameterName, $"HeadCount must be ≥ 1; got {HeadCount}.");
        Check(EmbeddingSize >= 1, parameterName, $"EmbeddingSize must be ≥ 1; got {EmbeddingSize}.");
        Check(EmbeddingSize % HeadCount == 0, parameterName, $"HeadCount ({HeadCount}) must divide EmbeddingSize ({EmbeddingSize}).");
        Check(BlockSize >= 1, parameterName, $"BlockSize must be ≥ 1; got {BlockSize}.");
        Check(VocabularySize >= 2, parameterName, $"VocabularySize must be ≥ 2; got {VocabularySize}.");
        Check(Dropout >= 0 && Dropout < 1, parameterName, $"Dropout must be in [0, 1); got {Dropout}.");
        Check(Enum.IsDefined(Normalization), parameterName, $"Normalization {Normalization} is not a defined value.");
        Check(double.IsFinite(NormalizationEpsilon) && NormalizationEpsilon > 0, parameterName, $"NormalizationEpsilon must be a finite number > 0; got {NormalizationEpsilon}.");
        Check((long)EmbeddingSize * 4 * EmbeddingSize < int.MaxValue && (long)VocabularySize * EmbeddingSize < int.MaxValue, parameterName, "The model is too large for one array per parameter.");
    }

    /// <summary>Copies the shared options into <paramref name="target"/>.</summary>
    private protected void CopyTo(TransformerOptions target)
    {
        target.LayerCount = LayerCount;
        target.HeadCount = HeadCount;
        target.EmbeddingSize = EmbeddingSize;
        target.BlockSize = BlockSize;
        target.VocabularySize = VocabularySize;
        target.Dropout = Dropout;
        target.Bias = Bias;
        target.Normalization = Normalization;
        target.NormalizationEpsilon = NormalizationEpsilon;
        target.Seed = Seed;
    }

    private protected static void Check(bool condition, string parameterName, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, parameterName);
        }
    }
}

/// <summary>The options of a <see cref="GptModel{T}"/>: a <see cref="TransformerOptions"/> trunk and a language-model head.</summary>
/// <remarks>Not thread-safe while being changed; the model copies them.</remarks>
public sealed class GptOptions : TransformerOptions
{
    /// <summary>Gets or sets a value indicating whether the output projection is the token embedding (weight tying, Press and Wolf 2017; GPT-2).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool TieWeights { get; set; } = true;

    /// <summary>Creates a copy.</summary>
    /// <returns>A new instance with the same values.</returns>
    public GptOptions Clone()
    {
        var copy = new GptOptions { TieWeights = TieWeights };
        CopyTo(copy);
        return copy;
    }
}

/// <summary>How a <see cref="SequenceClassifier{T}"/> pools a sequence's positions before its head.</summary>
public enum SequencePooling
{
    /// <summary>The last (non-padding) position: under causal attention the only one that has seen the whole sequence.</summary>
    Last,

    /// <summary>The mean over the (non-padding) positions.</summary>
    Mean,
}

/// <summary>The options of a <see cref="SequenceClassifier{T}"/>: a <see cref="TransformerOptions"/> trunk, pooling and a classification head.</summary>
/// <remarks>Not thread-safe while being changed; the model copies them.</remarks>
public sealed class SequenceClassifierOptions : TransformerOptions
{
    /// <summary>Gets or sets the number of classes, ≥ 2 (the head gives one logit per class; pair it with <see cref="Losses.SoftmaxCrossEntropy{T}"/>).</summary>
    /// <value>The default value is 2.</value>
    public int ClassCount { get; set; } = 2;

    /// <summary>Gets or sets the pooling.</summary>
    /// <value>The default value is <see cref="SequencePooling.Last"/>.</value>
    public SequencePooling Pooling { get; set; } = SequencePooling.Last;

    /// <summary>
    /// Gets or sets the padding token id, or <see langword="null"/> when sequences always fill the block. Sequences
    /// are expected right-padded: the pooled positions are those up to the last position that is not padding
    /// (a sequence made only of padding is rejected).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? PaddingTokenId { get; set; }

    /// <summary>Creates a copy.</summary>
    /// <returns>A new instance with the same values.</returns>
    public SequenceClassifierOptions Clone()
    {
        var copy = new SequenceClassifierOptions { ClassCount = ClassCount, Pooling = Pooling, PaddingTokenId = PaddingTokenId };
        CopyTo(copy);
        return copy;
    }

    /// <inheritdoc />
    internal override void Validate(string parameterName)
    {
        base.Validate(parameterName);
        Check(ClassCount >= 2, parameterName, $"ClassCount must be ≥ 2; got {ClassCount}.");
        Check(Enum.IsDefined(Pooling), parameterName, $"Pooling {Pooling} is not a defined value.");
        Check(PaddingTokenId is null || (PaddingTokenId >= 0 && PaddingTokenId < VocabularySize), parameterName, $"PaddingTokenId must be a token id in [0, {VocabularySize - 1}]; got {PaddingTokenId}.");
    }
}

/// <summary>Which dense projections of a transformer a LoRA adapter wraps.</summary>
[Flags]
public enum LoraTargets
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The fused query/key/value projection C → 3C of every block (GPT-2's <c>c_attn</c>; PEFT's default for GPT-2).</summary>
    QueryKeyValue = 1,

    /// <summary>The attention output projection C → C of every block (<c>attn.c_proj</c>).</summary>
    AttentionOutput = 2,

    /// <summary>The MLP's first projection C → 4C of every block (<c>mlp.c_fc</c>).</summary>
    MlpUp = 4,

    /// <summary>The MLP's second projection 4C → C of every block (<c>mlp.c_proj</c>).</summary>
    MlpDown = 8,

    /// <summary>The output head (language-model head or classification head).</summary>
    Head = 16,

    /// <summary>Both attention projections.</summary>
    Attention = QueryKeyValue | AttentionOutput,

    /// <summary>Both MLP projections.</summary>
    Mlp = MlpUp | MlpDown,

    /// <summary>Every dense projection.</summary>
    All = Attention | Mlp | Head,
}

/// <summary>
/// LoRA fine-tuning (Hu et al. 2022, "LoRA: Low-Rank Adaptation of Large Language Models"): which projections get an
/// adapter W x + (α/r)·B A x, its rank and scale, and what stays trainable.
/// </summary>
/// <remarks>Defaults follow PEFT's <c>LoraConfig</c> (r = 8, lora_alpha = 8, c_attn for GPT-2). Not thread-safe while being changed.</remarks>
public sealed class LoraOptions
{
    /// <summary>Gets or sets the rank r, ≥ 1.</summary>
    /// <value>The default value is 8.</value>
    public int Rank { get; set; } = 8;

    /// <summary>Gets or sets α &gt; 0; the adapter's output is scaled by α/r.</summary>
    /// <value>The default value is 8.</value>
    public double Alpha { get; set; } = 8;

    /// <summary>Gets or sets the wrapped projections.</summary>
    /// <value>The default value is <see cref="LoraTargets.QueryKeyValue"/>.</value>
    public LoraTargets Targets { get; set; } = LoraTargets.QueryKeyValue;

    /// <summary>
    /// Gets or sets a value indicating whether the head stays trainable (PEFT's <c>modules_to_save</c>): the tied
    /// token embedding of a GPT, or a classifier's head (set it when the head is new).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool TrainHead { get; set; }

    /// <summary>Gets or sets the seed of the adapters' A matrices.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>Creates a copy.</summary>
    /// <returns>A new instance with the same values.</returns>
    public LoraOptions Clone() => new() { Rank = Rank, Alpha = Alpha, Targets = Targets, TrainHead = TrainHead, Seed = Seed };

    internal void Validate(string parameterName)
    {
        if (Rank < 1)
        {
            throw new ArgumentException($"Rank must be ≥ 1; got {Rank}.", parameterName);
        }

        if (!double.IsFinite(Alpha) || Alpha <= 0)
        {
            throw new ArgumentException($"Alpha must be a finite number > 0; got {Alpha}.", parameterName);
        }

        if (Targets == LoraTargets.None || (Targets & ~LoraTargets.All) != 0)
        {
            throw new ArgumentException($"Targets must name at least one projection ({LoraTargets.All} at most); got {Targets}.", parameterName);
        }
    }
}
