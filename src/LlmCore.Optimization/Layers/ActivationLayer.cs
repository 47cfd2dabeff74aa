using System.Numerics;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// An element-wise activation with no parameters: the base of <see cref="Relu{T}"/>, <see cref="Gelu{T}"/>,
/// <see cref="Tanh{T}"/> and <see cref="Sigmoid{T}"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Activations hold no state and are thread-safe.</remarks>
public abstract class ActivationLayer<T> : ILayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="ActivationLayer{T}"/> class.</summary>
    /// <param name="size">The width of a row, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    protected ActivationLayer(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        InputSize = size;
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize => InputSize;

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        LayerGuards.CheckForward(input.Length, output.Length, batchSize, InputSize, OutputSize);
        Apply(input, output);
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batchSize, T scale, PerExampleGradients<T>? perExample)
    {
        LayerGuards.CheckBackward(input.Length, output.Length, outputGradient.Length, inputGradient.Length, batchSize, InputSize, OutputSize);
        if (!inputGradient.IsEmpty)
        {
            ApplyGradient(input, output, outputGradient, inputGradient);
        }
    }

    /// <summary>Computes f(x) element-wise.</summary>
    /// <param name="input">The inputs x.</param>
    /// <param name="output">Receives f(x); same length.</param>
    protected abstract void Apply(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Computes f′(x)·g element-wise.</summary>
    /// <param name="input">The inputs x.</param>
    /// <param name="output">The outputs f(x).</param>
    /// <param name="outputGradient">The incoming gradient g.</param>
    /// <param name="inputGradient">Receives f′(x)·g.</param>
    protected abstract void ApplyGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);
}
