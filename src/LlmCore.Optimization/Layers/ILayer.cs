using System.Numerics;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// A differentiable map from a batch of row vectors to a batch of row vectors, with its trainable parameters.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Batches are row-major: a batch of <c>B</c> inputs is a span of <c>B·InputSize</c> values, example <c>b</c> at
/// offset <c>b·InputSize</c>. Layers keep no per-call cache: the caller (a <see cref="Sequential{T}"/>) holds the
/// activations and hands them back to <see cref="Backward"/>, so one layer can serve several batches.
/// </para>
/// <para>
/// Per-example gradients follow Goodfellow (2015), "Efficient per-example gradient computations"
/// (arXiv:1510.01799), as Opacus does: one forward and one backward pass over the batch, the per-example
/// parameter gradients formed from each example's input and output gradient (for a dense layer the outer product
/// δᵢ xᵢᵀ) rather than by a loop of single-example passes.
/// </para>
/// <para>Implementations are not thread-safe while their parameters are being updated.</para>
/// </remarks>
public interface ILayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the width of one input row.</summary>
    int InputSize { get; }

    /// <summary>Gets the width of one output row.</summary>
    int OutputSize { get; }

    /// <summary>Gets the trainable parameters (empty for activations).</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Computes the outputs of a batch.</summary>
    /// <param name="input">The batch, <paramref name="batchSize"/>·<see cref="InputSize"/> values, row-major.</param>
    /// <param name="output">Receives <paramref name="batchSize"/>·<see cref="OutputSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 0.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize);

    /// <summary>
    /// Back-propagates the output gradient of a batch: writes the input gradient, adds
    /// <paramref name="scale"/>·Σᵢ ∂ℓᵢ/∂θ to every parameter's <see cref="Parameter{T}.Gradient"/>, and, when
    /// <paramref name="perExample"/> is given, writes each example's own ∂ℓᵢ/∂θ (unscaled) into it.
    /// </summary>
    /// <param name="input">The input given to <see cref="Forward"/>.</param>
    /// <param name="output">The output <see cref="Forward"/> produced.</param>
    /// <param name="outputGradient">∂ℓᵢ/∂outputᵢ per example, <paramref name="batchSize"/>·<see cref="OutputSize"/> values.</param>
    /// <param name="inputGradient">Receives ∂ℓᵢ/∂inputᵢ per example; may be empty when not needed (first layer).</param>
    /// <param name="batchSize">The number of examples, ≥ 0.</param>
    /// <param name="scale">The factor applied to the summed parameter gradient (1/B for a mean loss).</param>
    /// <param name="perExample">Where per-example parameter gradients go, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batchSize, T scale, PerExampleGradients<T>? perExample);
}
