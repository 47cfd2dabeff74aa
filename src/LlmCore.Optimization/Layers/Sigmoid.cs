using System.Numerics;
using System.Numerics.Tensors;

namespace LlmCore.Optimization.Layers;

/// <summary>The logistic function f(x) = 1/(1 + e^(−x)), f′(x) = f(x)(1 − f(x)).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class Sigmoid<T> : ActivationLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="Sigmoid{T}"/> class.</summary>
    /// <param name="size">The width of a row, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    public Sigmoid(int size)
        : base(size)
    {
    }

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<T> input, Span<T> output) => TensorPrimitives.Sigmoid(input, output);

    /// <inheritdoc />
    protected override void ApplyGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
    {
        for (var i = 0; i < input.Length; i++)
        {
            inputGradient[i] = output[i] * (T.One - output[i]) * outputGradient[i];
        }
    }
}
