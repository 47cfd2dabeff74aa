using System.Numerics;
using System.Numerics.Tensors;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// The gradient of each example's loss ∂ℓᵢ/∂θ for every parameter of a model, for one batch: what DP-SGD clips.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// For parameter <c>p</c> (index in <see cref="Parameters"/>) the gradients are held as a
/// <see cref="BatchSize"/> × <c>p.Length</c> row-major block: <see cref="Get(int, int)"/> is example <c>i</c>'s row.
/// The gradients are those of each example's own loss, not divided by the batch size, so the batch gradient of a
/// mean loss is (1/B)·Σᵢ gᵢ. A private engine computes <see cref="ComputeNorms(Span{T})"/>, clips with
/// <see cref="AccumulateWeighted"/> (weights min(1, C/‖gᵢ‖)), adds noise to <see cref="Parameter{T}.Gradient"/>,
/// and then steps the optimizer (Abadi et al. 2016, "Deep learning with differential privacy").
/// </para>
/// <para>Reuse one instance across batches of at most <see cref="Capacity"/> examples. This type is not thread-safe.</para>
/// </remarks>
public sealed class PerExampleGradients<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[][] _blocks;
    private readonly Dictionary<Parameter<T>, int> _index;

    /// <summary>Initializes a new instance of the <see cref="PerExampleGradients{T}"/> class.</summary>
    /// <param name="parameters">The parameters, in the model's order.</param>
    /// <param name="capacity">The largest batch this buffer will hold, ≥ 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public PerExampleGradients(IEnumerable<Parameter<T>> parameters, int capacity)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Parameters = [.. parameters];
        _index = new Dictionary<Parameter<T>, int>(ReferenceEqualityComparer.Instance);
        _blocks = new T[Parameters.Count][];
        for (var p = 0; p < Parameters.Count; p++)
        {
            _index[Parameters[p]] = p;
            _blocks[p] = new T[checked(capacity * Parameters[p].Length)];
        }

        Capacity = capacity;
    }

    /// <summary>Gets the parameters, in the order of the blocks.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Gets the largest batch this buffer holds.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of examples of the last batch written.</summary>
    public int BatchSize { get; private set; }

    /// <summary>Gets example <paramref name="example"/>'s gradient for parameter <paramref name="parameterIndex"/>.</summary>
    /// <param name="parameterIndex">An index into <see cref="Parameters"/>.</param>
    /// <param name="example">An example of the batch, 0 ≤ i &lt; <see cref="BatchSize"/>.</param>
    /// <returns>A span of the parameter's length.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Span<T> Get(int parameterIndex, int example)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameterIndex, Parameters.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(example);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(example, BatchSize);
        var length = Parameters[parameterIndex].Length;
        return _blocks[parameterIndex].AsSpan(example * length, length);
    }

    /// <summary>Gets the whole <see cref="BatchSize"/> × length block of parameter <paramref name="parameterIndex"/>.</summary>
    /// <param name="parameterIndex">An index into <see cref="Parameters"/>.</param>
    /// <returns>A row-major span, one row per example.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Span<T> GetBlock(int parameterIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameterIndex, Parameters.Count);
        return _blocks[parameterIndex].AsSpan(0, BatchSize * Parameters[parameterIndex].Length);
    }

    /// <summary>Writes each example's L2 norm over all parameters, ‖gᵢ‖ = √(Σₚ ‖gᵢ,ₚ‖²).</summary>
    /// <param name="destination">Receives <see cref="BatchSize"/> norms.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="BatchSize"/>.</exception>
    public void ComputeNorms(Span<T> destination) => ComputeNorms(destination, trainableOnly: false);

    /// <summary>Writes each example's L2 norm, over every parameter or over the trainable ones only.</summary>
    internal void ComputeNorms(Span<T> destination, bool trainableOnly)
    {
        if (destination.Length < BatchSize)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values but the batch has {BatchSize} examples.", nameof(destination));
        }

        for (var i = 0; i < BatchSize; i++)
        {
            var sum = T.Zero;
            for (var p = 0; p < Parameters.Count; p++)
            {
                if (trainableOnly && !Parameters[p].RequiresGrad)
                {
                    continue;
                }

                var row = Get(p, i);
                sum += TensorPrimitives.Dot<T>(row, row);
            }

            destination[i] = T.Sqrt(sum);
        }
    }

    /// <summary>
    /// Overwrites every parameter's <see cref="Parameter{T}.Gradient"/> with Σᵢ wᵢ·gᵢ: with wᵢ = 1/B this is the
    /// batch gradient of the mean loss; with wᵢ = min(1, C/‖gᵢ‖) it is DP-SGD's clipped sum.
    /// </summary>
    /// <param name="weights">One weight per example, <see cref="BatchSize"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not hold <see cref="BatchSize"/> values.</exception>
    public void AccumulateWeighted(ReadOnlySpan<T> weights)
    {
        if (weights.Length != BatchSize)
        {
            throw new ArgumentException($"Expected {BatchSize} weights, one per example; got {weights.Length}.", nameof(weights));
        }

        for (var p = 0; p < Parameters.Count; p++)
        {
            var gradient = Parameters[p].Gradient;
            gradient.Clear();
            for (var i = 0; i < BatchSize; i++)
            {
                TensorPrimitives.MultiplyAdd(Get(p, i), weights[i], gradient, gradient);
            }
        }
    }

    /// <summary>Adds Σᵢ wᵢ·gᵢ to every (trainable) parameter's <see cref="Parameter{T}.Gradient"/>.</summary>
    internal void AddWeighted(ReadOnlySpan<T> weights, bool trainableOnly)
    {
        if (weights.Length != BatchSize)
        {
            throw new ArgumentException($"Expected {BatchSize} weights, one per example; got {weights.Length}.", nameof(weights));
        }

        for (var p = 0; p < Parameters.Count; p++)
        {
            if (trainableOnly && !Parameters[p].RequiresGrad)
            {
                continue;
            }

            var gradient = Parameters[p].Gradient;
            for (var i = 0; i < BatchSize; i++)
            {
                TensorPrimitives.MultiplyAdd(Get(p, i), weights[i], gradient, gradient);
            }
        }
    }

    /// <summary>Prepares the buffer for a batch of <paramref name="batchSize"/> examples.</summary>
    internal void Reset(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        if (batchSize > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch is larger than the buffer's capacity {Capacity}.");
        }

        BatchSize = batchSize;
    }

    /// <summary>Gets the block of a parameter (all examples), or an empty span when the buffer does not track it.</summary>
    internal Span<T> TryBlockFor(Parameter<T> parameter) =>
        _index.TryGetValue(parameter, out var p) ? _blocks[p].AsSpan(0, BatchSize * parameter.Length) : default;

    /// <summary>Gets the block of a parameter (all examples), for layers to write into.</summary>
    internal Span<T> BlockFor(Parameter<T> parameter)
    {
        if (!_index.TryGetValue(parameter, out var p))
        {
            throw new ArgumentException($"Parameter '{parameter.Name}' is not tracked by this per-example buffer.", nameof(parameter));
        }

        return _blocks[p].AsSpan(0, BatchSize * parameter.Length);
    }
}
