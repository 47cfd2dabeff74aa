using System.Numerics;

namespace LlmCore.Optimization.Gradients;

/// <summary>
/// Accumulates gradients over micro-batches and steps the optimizer once per <see cref="MicroBatches"/>, with the
/// mean gradient (as Optax's <c>MultiSteps</c> and DeepSpeed's <c>gradient_accumulation_steps</c>).
/// </summary>
/// <remarks>
/// Call <see cref="Add"/> after each micro-batch's backward pass: it adds every parameter's gradient to a running
/// sum and zeroes the gradient (so layers that add into or overwrite <see cref="Parameter{T}.Gradient"/> both work).
/// On the last micro-batch the mean is written back to the gradients, the optimizer steps, and the sums restart.
/// The sum buffers are allocated once. This type is not thread-safe.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class GradientAccumulator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IOptimizer<T> _optimizer;
    private readonly Parameter<T>[] _parameters;
    private readonly T[][] _sums;

    /// <summary>Initializes a new instance of the <see cref="GradientAccumulator{T}"/> class.</summary>
    /// <param name="optimizer">The optimizer to step.</param>
    /// <param name="microBatches">Micro-batches per step, ≥ 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="microBatches"/> is below 1.</exception>
    public GradientAccumulator(IOptimizer<T> optimizer, int microBatches)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(microBatches);
        _optimizer = optimizer;
        MicroBatches = microBatches;
        _parameters = [.. optimizer.ParameterGroups.SelectMany(static g => g.Parameters)];
        _sums = [.. _parameters.Select(static p => new T[p.Length])];
    }

    /// <summary>Gets the number of micro-batches per optimizer step.</summary>
    public int MicroBatches { get; }

    /// <summary>Gets the number of micro-batches added since the last step.</summary>
    public int Pending { get; private set; }

    /// <summary>Adds the current gradients to the sums and steps the optimizer after the last micro-batch.</summary>
    /// <returns><see langword="true"/> if the optimizer stepped.</returns>
    public bool Add()
    {
        for (var k = 0; k < _parameters.Length; k++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add<T>(_sums[k], _parameters[k].Gradient, _sums[k]);
            _parameters[k].ZeroGrad();
        }

        Pending++;
        if (Pending < MicroBatches)
        {
            return false;
        }

        var scale = T.One / T.CreateChecked(MicroBatches);
        for (var k = 0; k < _parameters.Length; k++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply<T>(_sums[k], scale, _parameters[k].Gradient);
            Array.Clear(_sums[k]);
        }

        Pending = 0;
        _optimizer.Step();
        _optimizer.ZeroGrad();
        return true;
    }
}
