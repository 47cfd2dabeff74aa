using System.Numerics;
using System.Numerics.Tensors;

namespace LlmCore.Optimization.Metrics;

/// <summary>
/// The fraction of examples classified correctly: with C ≥ 2 outputs (logits) the prediction is the arg-max and the
/// target a class index; with one output (a logit) the prediction is 1 when the logit is &gt; 0 and the target is 0 or 1.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class Accuracy<T> : IMetric<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public string Name => "accuracy";

    /// <inheritdoc />
    public double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int count)
    {
        MetricGuards.Check(predictions.Length, targets.Length, count);
        if (targets.Length != count)
        {
            throw new ArgumentException($"Accuracy needs one class per example ({count}); got {targets.Length} targets.", nameof(targets));
        }

        var width = predictions.Length / count;
        var correct = 0;
        for (var i = 0; i < count; i++)
        {
            var row = predictions.Slice(i * width, width);
            var predicted = width == 1 ? (row[0] > T.Zero ? 1 : 0) : TensorPrimitives.IndexOfMax(row);
            if (double.CreateTruncating(targets[i]) == predicted)
            {
                correct++;
            }
        }

        return (double)correct / count;
    }
}
