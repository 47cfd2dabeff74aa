using System.Numerics;
using System.Numerics.Tensors;

namespace LlmCore.Optimization.Layers;

/// <summary>The rectified linear unit f(x) = max(0, x), with f′(0) = 0 as in PyTorch (Nair and Hinton 2010).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class Relu<T> : ActivationLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="Relu{T}"/> class.</summary>
    /// <param name="size">The width of a row, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    public Relu(int size)
        : base(size)
    {
    }

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<T> input, Span<T> output) => TensorPrimitives.Max(input, T.Zero, output);

    /// <inheritdoc />
    protected override void ApplyGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= input.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var x = new Vector<T>(input[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), new Vector<T>(outputGradient[i..]), Vector<T>.Zero).CopyTo(inputGradient[i..]);
            }
        }

        for (; i < input.Length; i++)
        {
            inputGradient[i] = input[i] > T.Zero ? outputGradient[i] : T.Zero;
        }
    }
}
