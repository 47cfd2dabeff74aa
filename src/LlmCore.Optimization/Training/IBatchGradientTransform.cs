using System.Numerics;
using LlmCore.Optimization.Layers;

namespace LlmCore.Optimization.Training;

/// <summary>
/// A hook between back-propagation and the optimizer step: it may rewrite every parameter's gradient, for example
/// DP-SGD's clip-each-example, sum, add Gaussian noise and divide (Abadi et al. 2016).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Called by one training loop at a time; implementations need not be thread-safe.</remarks>
public interface IBatchGradientTransform<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets a value indicating whether the trainer must compute per-example gradients for <see cref="Transform"/>.</summary>
    bool RequiresPerExampleGradients { get; }

    /// <summary>
    /// Rewrites the gradients of a batch. On entry every <see cref="Parameter{T}.Gradient"/> holds the batch gradient
    /// of the mean loss and, when <see cref="RequiresPerExampleGradients"/> is set, <paramref name="perExample"/>
    /// holds each example's own gradient; on return the gradients are what the optimizer steps with.
    /// </summary>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="perExample">The per-example gradients, or <see langword="null"/> when not requested.</param>
    /// <param name="batchSize">The number of examples in the batch.</param>
    void Transform(IReadOnlyList<Parameter<T>> parameters, PerExampleGradients<T>? perExample, int batchSize);
}
