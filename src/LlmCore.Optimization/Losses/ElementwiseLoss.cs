using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>
/// A loss that compares each output with its target element by element and averages over the k outputs of an
/// example: ℓᵢ = (1/k)·Σⱼ f(pᵢⱼ, yᵢⱼ) (Keras' convention; over a batch it equals PyTorch's <c>reduction='mean'</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Losses hold no state and are thread-safe.</remarks>
public abstract class ElementwiseLoss<T> : ILoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int TargetSize(int outputSize) => outputSize;

    /// <inheritdoc />
    public double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int batchSize, Span<T> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (predictions.Length == 0 || predictions.Length % batchSize != 0)
        {
            throw new ArgumentException($"Expected a positive multiple of the batch size {batchSize} predictions; got {predictions.Length}.", nameof(predictions));
        }

        if (targets.Length != predictions.Length)
        {
            throw new ArgumentException($"Expected {predictions.Length} targets, one per prediction; got {targets.Length}.", nameof(targets));
        }

        if (!gradient.IsEmpty && gradient.Length != predictions.Length)
        {
            throw new ArgumentException($"Expected {predictions.Length} gradient values (or none); got {gradient.Length}.", nameof(gradient));
        }

        var width = predictions.Length / batchSize;
        var invWidth = 1.0 / width;
        var total = 0.0;
        for (var i = 0; i < predictions.Length; i++)
        {
            var p = double.CreateTruncating(predictions[i]);
            var y = double.CreateTruncating(targets[i]);
            total += Value(p, y);
            if (!gradient.IsEmpty)
            {
                gradient[i] = T.CreateTruncating(Derivative(p, y) * invWidth);
            }
        }

        return total / predictions.Length;
    }

    /// <summary>Computes f(p, y) for one element.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target y.</param>
    /// <returns>The element's loss.</returns>
    protected abstract double Value(double prediction, double target);

    /// <summary>Computes ∂f/∂p for one element.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target y.</param>
    /// <returns>The derivative.</returns>
    protected abstract double Derivative(double prediction, double target);
}
