using System.Numerics;
using System.Numerics.Tensors;

namespace LlmCore.Optimization.Losses;

/// <summary>
/// Next-token cross-entropy of a language model: the predictions of an example are T rows of V logits (one per
/// position) and its targets are T token ids; ℓᵢ = mean over the sequence's non-ignored positions of
/// logsumexp(zₜ) − zₜ[yₜ], and the batch loss is the mean of the ℓᵢ.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// With no ignored positions every sequence has T tokens, so the mean of the ℓᵢ equals the mean over all B·T tokens:
/// PyTorch's <c>F.cross_entropy(logits.view(-1, V), targets.view(-1))</c> as nanoGPT computes it. With ignored
/// positions each sequence is weighted equally (a per-example loss is what DP-SGD clips), which differs from
/// PyTorch's mean over the batch's non-ignored tokens when sequences hold different numbers of them. A sequence whose
/// every position is ignored contributes ℓᵢ = 0 and a zero gradient.
/// </para>
/// <para>The gradient is (softmax(zₜ) − onehot(yₜ))/nᵢ at non-ignored positions (nᵢ their count) and 0 elsewhere. This type holds no state and is thread-safe.</para>
/// </remarks>
public sealed class SequenceCrossEntropy<T> : ILoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    /// <value><see langword="true"/>: exp(loss) is the per-token perplexity (exactly so when every sequence has the same
    /// number of non-ignored positions, as next-token windows do).</value>
    public bool IsCrossEntropy => true;

    /// <summary>Initializes a new instance of the <see cref="SequenceCrossEntropy{T}"/> class.</summary>
    /// <param name="vocabularySize">V, the number of logits per position, ≥ 2.</param>
    /// <param name="ignoreIndex">A target id whose positions are skipped (PyTorch's <c>ignore_index</c>, e.g. −100), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is less than 2.</exception>
    public SequenceCrossEntropy(int vocabularySize, int? ignoreIndex = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        VocabularySize = vocabularySize;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Gets V, the number of logits per position.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets the ignored target id, or <see langword="null"/>.</summary>
    public int? IgnoreIndex { get; }

    /// <inheritdoc />
    public string Name => "sequence_cross_entropy";

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="outputSize"/> is not a positive multiple of <see cref="VocabularySize"/>.</exception>
    public int TargetSize(int outputSize)
    {
        if (outputSize <= 0 || outputSize % VocabularySize != 0)
        {
            throw new ArgumentException($"A model output of {outputSize} values is not a whole number of positions of {VocabularySize} logits.", nameof(outputSize));
        }

        return outputSize / VocabularySize;
    }

    /// <inheritdoc />
    public double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int batchSize, Span<T> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var v = VocabularySize;
        if (predictions.Length == 0 || predictions.Length % (batchSize * v) != 0)
        {
            throw new ArgumentException($"Expected B·T·V predictions for B = {batchSize}, V = {v}; got {predictions.Length}.", nameof(predictions));
        }

        var length = predictions.Length / (batchSize * v);
        if (targets.Length != batchSize * length)
        {
            throw new ArgumentException($"Expected {batchSize}×{length} target token ids; got {targets.Length}.", nameof(targets));
        }

        if (!gradient.IsEmpty && gradient.Length != predictions.Length)
        {
            throw new ArgumentException($"Expected {predictions.Length} gradient values (or none); got {gradient.Length}.", nameof(gradient));
        }

        var total = 0.0;
        for (var i = 0; i < batchSize; i++)
        {
            var counted = 0;
            for (var t = 0; t < length; t++)
            {
                if (Target(targets, (i * length) + t) >= 0)
                {
                    counted++;
                }
            }

            var sequence = 0.0;
            var share = counted == 0 ? T.Zero : T.One / T.CreateTruncating(counted);
            for (var t = 0; t < length; t++)
            {
                var r = (i * length) + t;
                var y = Target(targets, r);
                var row = predictions.Slice(r * v, v);
                var g = gradient.IsEmpty ? default : gradient.Slice(r * v, v);
                if (y < 0)
                {
                    g.Clear();
                    continue;
                }

                var max = TensorPrimitives.Max(row);
                double sum;
                if (g.IsEmpty)
                {
                    sum = 0;
                    foreach (var z in row)
                    {
                        sum += Math.Exp(double.CreateTruncating(z - max));
                    }
                }
                else
                {
                    TensorPrimitives.Subtract(row, max, g);
                    TensorPrimitives.Exp<T>(g, g);
                    sum = double.CreateTruncating(TensorPrimitives.Sum<T>(g));
                    TensorPrimitives.Multiply(g, share / T.CreateTruncating(sum), g);
                    g[y] -= share;
                }

                sequence += Math.Log(sum) + double.CreateTruncating(max - row[y]);
            }

            total += counted == 0 ? 0 : sequence / counted;
        }

        return total / batchSize;
    }

    private int Target(ReadOnlySpan<T> targets, int index)
    {
        var value = double.CreateTruncating(targets[index]);
        if (IgnoreIndex is { } ignore && value == ignore)
        {
            return -1;
        }

        if (!(value >= 0 && value < VocabularySize && value == Math.Floor(value)))
        {
            throw new ArgumentException($"Target at index {index} must be a token id, an integer in [0, {VocabularySize - 1}]{(IgnoreIndex is { } i ? $" or the ignore index {i}" : string.Empty)}; got {value}.", nameof(targets));
        }

        return (int)value;
    }
}
