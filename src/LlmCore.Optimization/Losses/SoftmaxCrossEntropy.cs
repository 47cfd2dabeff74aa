using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>
/// Softmax cross-entropy on logits with a class index per example (<c>torch.nn.CrossEntropyLoss</c>):
/// ℓ = logsumexp(z) − z_y, ∂ℓ/∂z = softmax(z) − onehot(y).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Targets are the class indices 0 … C−1 stored as numbers, one per example. This type holds no state and is thread-safe.</remarks>
public sealed class SoftmaxCrossEntropy<T> : ILoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public string Name => "cross_entropy";

    /// <inheritdoc />
    public int TargetSize(int outputSize) => 1;

    /// <inheritdoc />
    /// <value><see langword="true"/>: exp(loss) is the perplexity over the classes.</value>
    public bool IsCrossEntropy => true;

    /// <inheritdoc />
    public double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int batchSize, Span<T> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (predictions.Length == 0 || predictions.Length % batchSize != 0)
        {
            throw new ArgumentException($"Expected a positive multiple of the batch size {batchSize} logits; got {predictions.Length}.", nameof(predictions));
        }

        if (targets.Length != batchSize)
        {
            throw new ArgumentException($"Expected {batchSize} class indices, one per example; got {targets.Length}.", nameof(targets));
        }

        if (!gradient.IsEmpty && gradient.Length != predictions.Length)
        {
            throw new ArgumentException($"Expected {predictions.Length} gradient values (or none); got {gradient.Length}.", nameof(gradient));
        }

        var classes = predictions.Length / batchSize;
        var total = 0.0;
        for (var i = 0; i < batchSize; i++)
        {
            var label = double.CreateTruncating(targets[i]);
            if (!(label >= 0 && label < classes && label == Math.Floor(label)))
            {
                throw new ArgumentException($"Example {i}: the class index must be an integer in [0, {classes - 1}]; got {label}.", nameof(targets));
            }

            var y = (int)label;
            var row = predictions.Slice(i * classes, classes);
            var max = double.NegativeInfinity;
            foreach (var z in row)
            {
                max = Math.Max(max, double.CreateTruncating(z));
            }

            var sum = 0.0;
            foreach (var z in row)
            {
                sum += Math.Exp(double.CreateTruncating(z) - max);
            }

            var logSumExp = max + Math.Log(sum);
            total += logSumExp - double.CreateTruncating(row[y]);
            if (!gradient.IsEmpty)
            {
                var g = gradient.Slice(i * classes, classes);
                for (var c = 0; c < classes; c++)
                {
                    var p = Math.Exp(double.CreateTruncating(row[c]) - logSumExp);
                    g[c] = T.CreateTruncating(c == y ? p - 1 : p);
                }
            }
        }

        return total / batchSize;
    }
}
