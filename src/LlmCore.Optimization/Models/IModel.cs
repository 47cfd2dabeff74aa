using System.Numerics;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;

namespace LlmCore.Optimization.Models;

/// <summary>
/// A trainable model as the one <see cref="Training.Trainer{T}"/> sees it: a differentiable map from a batch of
/// examples (rows of <see cref="InputSize"/> values) to a batch of outputs (rows of <see cref="OutputSize"/>
/// values), with its parameters and the backward passes that training, private or not, needs.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// An example is one row: the features of an MLP's example, or the token ids (as values of <typeparamref name="T"/>)
/// of one sequence of a language model, whose output row then holds the logits of every position. Per-example
/// quantities are per row, i.e. per <em>sequence</em> for sequence models.
/// </para>
/// <para>
/// Parameters whose <see cref="Parameter{T}.RequiresGrad"/> is <see langword="false"/> are frozen: no gradient is
/// accumulated into them and they do not count in per-example gradient norms.
/// </para>
/// <para>Implementations keep activation buffers between calls and are not thread-safe.</para>
/// </remarks>
public interface IModel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the number of values in one input row.</summary>
    int InputSize { get; }

    /// <summary>Gets the number of values in one output row.</summary>
    int OutputSize { get; }

    /// <summary>Gets every parameter (trainable and frozen), in a fixed order; names are unique.</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Computes the outputs of a batch in inference mode (no dropout).</summary>
    /// <param name="input">The batch, <paramref name="batchSize"/>·<see cref="InputSize"/> values, row-major.</param>
    /// <param name="output">Receives <paramref name="batchSize"/>·<see cref="OutputSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 0.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    void Predict(ReadOnlySpan<T> input, Span<T> output, int batchSize);

    /// <summary>
    /// Runs forward (training mode), loss and backward over a batch and adds
    /// <paramref name="scale"/>·Σᵢ ∇ℓᵢ to the <see cref="Parameter{T}.Gradient"/> of every trainable parameter
    /// (the caller zeroes gradients; several calls accumulate, which is how a logical batch is split into physical
    /// chunks). When <paramref name="perExample"/> is given, each example's own ∇ℓᵢ (unscaled) is written into it.
    /// </summary>
    /// <param name="input">The batch, <paramref name="batchSize"/>·<see cref="InputSize"/> values.</param>
    /// <param name="targets">The targets, <paramref name="batchSize"/>·<see cref="ILoss{T}.TargetSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 1.</param>
    /// <param name="loss">The per-example loss ℓᵢ.</param>
    /// <param name="scale">The weight of every example's gradient (1/B for the mean loss of a batch of B).</param>
    /// <param name="perExample">A buffer from <see cref="CreatePerExampleGradients"/>, or <see langword="null"/>.</param>
    /// <returns>The mean loss (1/B)·Σᵢ ℓᵢ of the batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    double ComputeGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, T scale, PerExampleGradients<T>? perExample = null);

    /// <summary>
    /// Runs forward (training mode), loss and backward over a batch, computes each example's gradient norm
    /// ‖∇ℓᵢ‖₂ over the trainable parameters, asks <paramref name="weighting"/> for a weight wᵢ per example, and adds
    /// Σᵢ wᵢ·∇ℓᵢ to every trainable parameter's <see cref="Parameter{T}.Gradient"/>: DP-SGD's clipped sum when wᵢ
    /// are clip factors (Abadi et al. 2016). How the norms are obtained (ghost norms or materialised per-example
    /// gradients) is chosen per parameter by <paramref name="mode"/>; either way no per-example gradient needs to
    /// be handed to the caller.
    /// </summary>
    /// <param name="input">The batch, <paramref name="batchSize"/>·<see cref="InputSize"/> values.</param>
    /// <param name="targets">The targets, <paramref name="batchSize"/>·<see cref="ILoss{T}.TargetSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 1.</param>
    /// <param name="loss">The per-example loss ℓᵢ.</param>
    /// <param name="weighting">Maps the per-example norms to per-example weights.</param>
    /// <param name="norms">Receives the <paramref name="batchSize"/> per-example norms (at least that long).</param>
    /// <param name="mode">How per-example norms are computed.</param>
    /// <returns>The mean loss (1/B)·Σᵢ ℓᵢ of the batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> or <paramref name="weighting"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    double ComputeWeightedGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, IExampleWeighting<T> weighting, Span<T> norms, ClippingMode mode = ClippingMode.Automatic);

    /// <summary>Creates a buffer for the per-example gradients of batches of up to <paramref name="capacity"/> examples.</summary>
    /// <param name="capacity">The largest batch, ≥ 1.</param>
    /// <returns>A buffer over the trainable parameters.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    PerExampleGradients<T> CreatePerExampleGradients(int capacity);

    /// <summary>Sets every parameter's gradient to zero.</summary>
    void ZeroGrad();
}

/// <summary>Turns per-example gradient norms into per-example weights (DP-SGD's clip factors min(1, C/‖gᵢ‖)).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Called by one training loop at a time; implementations need not be thread-safe.</remarks>
public interface IExampleWeighting<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Writes one weight per example.</summary>
    /// <param name="norms">The per-example gradient norms ‖∇ℓᵢ‖₂.</param>
    /// <param name="weights">Receives the weights; same length as <paramref name="norms"/>.</param>
    void ComputeWeights(ReadOnlySpan<T> norms, Span<T> weights);
}

/// <summary>How a model obtains per-example gradient norms for <see cref="IModel{T}.ComputeWeightedGradients"/>.</summary>
public enum ClippingMode
{
    /// <summary>Per parameter, the cheaper of <see cref="Ghost"/> and <see cref="Materialized"/> (Bu et al. 2022, mixed ghost clipping).</summary>
    Automatic,

    /// <summary>Norms from activations and output gradients without forming per-example gradients (Li et al. 2022), where a layer supports it.</summary>
    Ghost,

    /// <summary>Norms of materialised per-example gradients (Goodfellow 2015; Opacus' default).</summary>
    Materialized,
}
