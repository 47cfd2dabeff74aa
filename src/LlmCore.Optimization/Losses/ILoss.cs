using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>
/// A loss ℓ(prediction, target) per example, averaged over the batch, with its gradient per example.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Losses hold no state and are thread-safe.</remarks>
public interface ILoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the loss's short name (<c>mse</c>, <c>cross_entropy</c>, ...).</summary>
    string Name { get; }

    /// <summary>Gets the number of target values per example for a model with <paramref name="outputSize"/> outputs.</summary>
    /// <param name="outputSize">The model's output width.</param>
    /// <returns>The target width (1 for class indices, otherwise <paramref name="outputSize"/>).</returns>
    int TargetSize(int outputSize);

    /// <summary>
    /// Gets a value indicating whether the loss is a categorical cross-entropy in nats (the mean negative
    /// log-likelihood of the target class or token), so that exp(loss) is a perplexity; <see cref="Training.Trainer{T}"/>
    /// then reports <see cref="Training.EpochResult.ValidationPerplexity"/>.
    /// </summary>
    /// <value>The default implementation returns <see langword="false"/>.</value>
    bool IsCrossEntropy => false;

    /// <summary>Computes the mean loss (1/B)·Σᵢ ℓᵢ and, when asked, each example's gradient ∂ℓᵢ/∂predictionᵢ.</summary>
    /// <param name="predictions">The model outputs, <paramref name="batchSize"/> rows.</param>
    /// <param name="targets">The targets, <paramref name="batchSize"/> rows of <see cref="TargetSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 1.</param>
    /// <param name="gradient">Receives ∂ℓᵢ/∂predictionᵢ (not divided by B), same length as the predictions; empty to skip.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentException">The spans do not fit the batch size, or a target is invalid for this loss.</exception>
    double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int batchSize, Span<T> gradient);
}
