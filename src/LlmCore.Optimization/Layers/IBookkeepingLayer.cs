using System.Numerics;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// What <see cref="Sequential{T}"/> needs from a layer to clip per-example gradients without materialising them:
/// the input gradient alone, the per-example squared norms of its trainable parameters from its stored input and
/// output gradient, and the weighted sum Σᵢ wᵢ∇ℓᵢ afterwards (book-keeping, Bu et al. 2023). Layers without it that
/// have trainable parameters fall back to materialised per-example gradients.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal interface IBookkeepingLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Writes the input gradient only (when <paramref name="inputGradient"/> is not empty).</summary>
    void BackwardInput(ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batchSize);

    /// <summary>Adds each example's squared gradient norm over the trainable parameters to <see cref="BackwardContext{T}.SquaredNorms"/>.</summary>
    void AddSquaredNorms(ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, int batchSize, BackwardContext<T> context);

    /// <summary>Adds Σᵢ wᵢ∇ℓᵢ to the trainable parameters' gradients.</summary>
    void AddWeighted(ReadOnlySpan<T> weights, ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, int batchSize, BackwardContext<T> context);

    /// <summary>Lists the trainable parameters with the way their norms are obtained.</summary>
    void DescribeNorms(ClippingMode mode, List<ParameterClipping> destination);
}
