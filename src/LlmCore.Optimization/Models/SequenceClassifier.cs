using System.Numerics;
using LlmCore.Optimization.Layers.Sequence;

namespace LlmCore.Optimization.Models;

/// <summary>
/// A transformer sequence classifier: the <see cref="TransformerModel{T}"/> trunk, pooling of the last (or the mean
/// of the) non-padding positions, and a dense head C → classes giving one logit per class (GPT-2's
/// sequence-classification head pools the last token the same way).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <see cref="TransformerModel{T}.InputSize"/> is the block size (token ids as values of T) and <see cref="OutputSize"/>
/// the class count; train it with <see cref="Losses.SoftmaxCrossEntropy{T}"/>. The head is initialised N(0, 0.02)
/// with a zero bias. Not thread-safe.
/// </remarks>
public sealed class SequenceClassifier<T> : TransformerModel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly SequenceClassifierOptions _classifier;
    private readonly PoolingLayer<T> _pooling;
    private readonly LinearLayer<T> _head;
    private int[] _valid = [];

    /// <summary>Initializes a new instance of the <see cref="SequenceClassifier{T}"/> class from <see cref="TransformerOptions.Seed"/>.</summary>
    /// <param name="options">The architecture; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the head count does not divide the width.</exception>
    public SequenceClassifier(SequenceClassifierOptions options)
        : base(options?.Clone(), nameof(options), static (trunk, random, table) => CreateHead((SequenceClassifierOptions)trunk, random))
    {
        _classifier = (SequenceClassifierOptions)TrunkOptions;
        _pooling = (PoolingLayer<T>)HeadLayers[0];
        _head = (LinearLayer<T>)HeadLayers[1];
    }

    /// <summary>Gets a copy of the architecture.</summary>
    public SequenceClassifierOptions Options => _classifier.Clone();

    /// <summary>Gets the number of classes.</summary>
    public override int OutputSize => _classifier.ClassCount;

    /// <inheritdoc />
    private protected override LinearLayer<T> HeadProjection => _head;

    /// <inheritdoc />
    private protected override void OnTokens(ReadOnlySpan<int> ids, int batch, int length)
    {
        if (_valid.Length < batch)
        {
            _valid = new int[batch];
        }

        var padding = _classifier.PaddingTokenId;
        for (var i = 0; i < batch; i++)
        {
            var n = length;
            if (padding is { } pad)
            {
                while (n > 0 && ids[(i * length) + n - 1] == pad)
                {
                    n--;
                }

                if (n == 0)
                {
                    throw new ArgumentException($"Sequence {i} holds only the padding token {pad}.", "input");
                }
            }

            _valid[i] = n;
        }

        _pooling.SetValidLengths(_valid.AsSpan(0, batch));
    }

    /// <inheritdoc />
    private protected override IEnumerable<Parameter<T>> HeadParameters() => _head.Parameters;

    private static SequenceLayer<T>[] CreateHead(SequenceClassifierOptions options, Random random) =>
        [
            new PoolingLayer<T>(options.EmbeddingSize, options.Pooling == SequencePooling.Mean),
            Linear("head", random, 0.02, options.EmbeddingSize, options.ClassCount, bias: true),
        ];
}
