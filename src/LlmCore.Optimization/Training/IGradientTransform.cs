using System.Numerics;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Training;

/// <summary>
/// How <see cref="Trainer{T}"/> turns the examples of a logical batch into the gradient the optimizer steps with:
/// optionally a weight per example (DP-SGD's clip factors), then one rewrite of the accumulated gradient per step
/// (DP-SGD's noise and division by the expected batch size, Abadi et al. 2016).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Without <see cref="ExampleWeighting"/> every physical chunk of a batch of B examples runs
/// <see cref="IModel{T}.ComputeGradients"/> with scale 1/B, so that on <see cref="Apply"/> the gradients hold the
/// mean gradient (1/B)·Σᵢ ∇ℓᵢ of the logical batch. With a weighting every chunk runs
/// <see cref="IModel{T}.ComputeWeightedGradients"/> with <see cref="ClippingMode"/>, so that on <see cref="Apply"/>
/// they hold Σᵢ wᵢ·∇ℓᵢ over the logical batch. Either way, chunking does not change the sum (gradient accumulation
/// and DP-SGD's virtual steps are the same mechanism), and <see cref="Apply"/> runs once per logical step, also for
/// an empty batch (all gradients zero).
/// </para>
/// <para>Called by one training loop at a time; implementations need not be thread-safe. A transform with state
/// that a resumed run needs also implements <see cref="ICheckpointParticipant"/>.</para>
/// </remarks>
public interface IGradientTransform<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the per-example weighting, or <see langword="null"/> for the plain mean gradient.</summary>
    IExampleWeighting<T>? ExampleWeighting { get; }

    /// <summary>Gets how per-example norms are computed when <see cref="ExampleWeighting"/> is set.</summary>
    ClippingMode ClippingMode { get; }

    /// <summary>Rewrites the accumulated gradients of one logical step; on return they are what the optimizer steps with.</summary>
    /// <param name="parameters">Every parameter of the model (frozen ones have <see cref="Parameter{T}.RequiresGrad"/> unset and must be left alone).</param>
    /// <param name="context">The step, its batch size and the sampler's expected batch size.</param>
    void Apply(IReadOnlyList<Parameter<T>> parameters, in GradientTransformContext context);
}

/// <summary>What an <see cref="IGradientTransform{T}"/> knows about the step whose gradient it rewrites.</summary>
/// <param name="Step">The step about to be taken, from 1 (the run's step count after it).</param>
/// <param name="BatchSize">The number of examples in the logical batch (0 for an empty Poisson batch).</param>
/// <param name="ExpectedBatchSize">The sampler's expected batch size (q·N under Poisson sampling): DP-SGD divides by it, not by <paramref name="BatchSize"/>.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct GradientTransformContext(long Step, int BatchSize, double ExpectedBatchSize);
