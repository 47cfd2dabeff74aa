using System.Numerics;
using LlmCore.Optimization.Layers.Sequence;

namespace LlmCore.Optimization.Models;

/// <summary>
/// A GPT-2-style language model (Radford et al. 2019; Karpathy's nanoGPT): a <see cref="TransformerModel{T}"/> trunk
/// and a language-model head giving V next-token logits at every position, tied to the token embedding by default.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// <see cref="TransformerModel{T}.InputSize"/> is the block size (token ids as values of T) and
/// <see cref="OutputSize"/> is block size × V (logits per position, row-major). Train it with
/// <see cref="Losses.SequenceCrossEntropy{T}"/> on next-token targets; sample from it with <see cref="Generate(ReadOnlySpan{int}, int, GenerationOptions?)"/>.
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
public sealed class GptModel<T> : TransformerModel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly GptOptions _gpt;
    private readonly LinearLayer<T> _head;

    /// <summary>Initializes a new instance of the <see cref="GptModel{T}"/> class with GPT-2's initialisation from <see cref="TransformerOptions.Seed"/>.</summary>
    /// <param name="options">The architecture; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the head count does not divide the width.</exception>
    public GptModel(GptOptions options)
        : base(CopyOf(options), nameof(options), static (trunk, random, table) => [CreateHead((GptOptions)trunk, random, table)])
    {
        _gpt = (GptOptions)TrunkOptions;
        _head = (LinearLayer<T>)HeadLayers[0];
        Embedding.Tied = _gpt.TieWeights;
        _head.WeightNormsHandledByModel = _gpt.TieWeights;
    }

    /// <summary>Gets a copy of the architecture.</summary>
    public GptOptions Options => _gpt.Clone();

    /// <summary>Gets block size × V: the logits of every position.</summary>
    public override int OutputSize => _gpt.BlockSize * _gpt.VocabularySize;

    /// <inheritdoc />
    private protected override LinearLayer<T> HeadProjection => _head;

    /// <inheritdoc />
    private protected override bool Tied => _gpt.TieWeights;

    /// <summary>
    /// Continues a prompt by up to <paramref name="maxNewTokens"/> tokens, each sampled from the logits of the last
    /// position given the last block-size tokens (the context is cropped as in nanoGPT): greedy at temperature 0,
    /// otherwise softmax(logits / temperature) restricted to the top k (ties at the k-th value kept, as nanoGPT).
    /// The same seed gives the same tokens.
    /// </summary>
    /// <param name="prompt">At least one token id in [0, V).</param>
    /// <param name="maxNewTokens">How many tokens to add, ≥ 0.</param>
    /// <param name="options">Temperature, top-k, seed and stop token; defaults when <see langword="null"/>.</param>
    /// <returns>The new tokens only (fewer than <paramref name="maxNewTokens"/> when the stop token came).</returns>
    /// <exception cref="ArgumentException">The prompt is empty or holds an id out of range, or an option is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNewTokens"/> is negative.</exception>
    public int[] Generate(ReadOnlySpan<int> prompt, int maxNewTokens, GenerationOptions? options = null)
        => Generate(prompt, maxNewTokens, options, progress: null, CancellationToken.None);

    /// <summary>
    /// Continues a prompt as <see cref="Generate(ReadOnlySpan{int}, int, GenerationOptions?)"/> does, reporting the number
    /// of tokens generated so far after each token and stopping when <paramref name="cancellationToken"/> is cancelled
    /// (checked before each token: one forward pass of the model).
    /// </summary>
    /// <param name="prompt">At least one token id in [0, V).</param>
    /// <param name="maxNewTokens">How many tokens to add, ≥ 0.</param>
    /// <param name="options">Temperature, top-k, seed and stop token; defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives the count of tokens generated so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the generation between two tokens.</param>
    /// <returns>The new tokens only (fewer than <paramref name="maxNewTokens"/> when the stop token came).</returns>
    /// <exception cref="ArgumentException">The prompt is empty or holds an id out of range, or an option is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNewTokens"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public int[] Generate(ReadOnlySpan<int> prompt, int maxNewTokens, GenerationOptions? options, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        options ??= new GenerationOptions();
        options.Validate(nameof(options), _gpt.VocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (prompt.IsEmpty)
        {
            throw new ArgumentException("The prompt needs at least one token.", nameof(prompt));
        }

        var v = _gpt.VocabularySize;
        for (var i = 0; i < prompt.Length; i++)
        {
            if ((uint)prompt[i] >= (uint)v)
            {
                throw new ArgumentException($"Prompt token at index {i} must be in [0, {v - 1}]; got {prompt[i]}.", nameof(prompt));
            }
        }

        var block = _gpt.BlockSize;
        var tokens = new List<int>(prompt.Length + maxNewTokens);
        foreach (var token in prompt)
        {
            tokens.Add(token);
        }

        var context = new int[block];
        var sampler = new TokenSampler(options, v);
        var generated = new List<int>(maxNewTokens);
        for (var step = 0; step < maxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = Math.Min(tokens.Count, block);
            for (var t = 0; t < length; t++)
            {
                context[t] = tokens[tokens.Count - length + t];
            }

            Forward(context.AsSpan(0, length), 1, length, training: false);
            var next = sampler.Next(LastOutput(length * v)[((length - 1) * v)..]);
            tokens.Add(next);
            generated.Add(next);
            progress?.Report(generated.Count);
            if (options.StopTokenId == next)
            {
                break;
            }
        }

        return [.. generated];
    }

    /// <inheritdoc />
    private protected override IEnumerable<Parameter<T>> HeadParameters()
    {
        yield return _head.Weight;
    }

    private static GptOptions? CopyOf(GptOptions options) => options?.Clone();

    private static LinearLayer<T> CreateHead(GptOptions options, Random random, Parameter<T> table) =>
        options.TieWeights
            ? new LinearLayer<T>("lm_head", table, null)
            : new LinearLayer<T>("lm_head", Normal("lm_head.weight", random, 0.02, options.VocabularySize, options.EmbeddingSize), null);
}
