using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>Sequence layers applied one after another (each layer's output is the next one's input).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Backward walks the layers in reverse and stops as soon as nothing below needs a gradient (for example below the
/// lowest trainable LoRA adapter). Not thread-safe.
/// </remarks>
internal sealed class LayerChain<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly SequenceLayer<T>[] _layers;
    private readonly List<Parameter<T>> _parameters = [];

    /// <summary>Initializes a new instance of the <see cref="LayerChain{T}"/> class.</summary>
    /// <param name="layers">At least one layer; widths must chain.</param>
    public LayerChain(params SequenceLayer<T>[] layers)
        : base(First(layers).InputWidth, layers[^1].OutputWidth)
    {
        for (var l = 1; l < layers.Length; l++)
        {
            if (layers[l].InputWidth != layers[l - 1].OutputWidth)
            {
                throw new ArgumentException($"Layer {l} takes {layers[l].InputWidth} values per position but layer {l - 1} gives {layers[l - 1].OutputWidth}.", nameof(layers));
            }
        }

        _layers = layers;
        RefreshParameters();
    }

    /// <summary>Gets the layers.</summary>
    public IReadOnlyList<SequenceLayer<T>> Layers => _layers;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>Re-reads the layers' parameters (after an adapter was attached).</summary>
    public void RefreshParameters()
    {
        _parameters.Clear();
        foreach (var layer in _layers)
        {
            if (layer is LayerChain<T> chain)
            {
                chain.RefreshParameters();
            }
            else if (layer is ResidualLayer<T> residual)
            {
                residual.RefreshParameters();
            }

            _parameters.AddRange(layer.Parameters);
        }
    }

    /// <inheritdoc />
    public override int OutputLengthFor(int length)
    {
        foreach (var layer in _layers)
        {
            length = layer.OutputLengthFor(length);
        }

        return length;
    }

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        var x = input;
        var length = Length;
        for (var l = 0; l < _layers.Length; l++)
        {
            _layers[l].Forward(x, Batch, length, pass);
            x = _layers[l].Output;
            length = _layers[l].OutputLength;
        }

        AliasOutput(x);
    }

    /// <inheritdoc />
    protected override bool PlanChildren(bool needInputGradient)
    {
        var need = needInputGradient;
        var any = false;
        for (var l = 0; l < _layers.Length; l++)
        {
            _layers[l].PlanBackward(need);
            need |= _layers[l].HasTrainable;
            any |= _layers[l].HasTrainable;
        }

        return any;
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var g = outputGradient;
        for (var l = _layers.Length - 1; l >= 0; l--)
        {
            var layer = _layers[l];
            if (!layer.NeedsInputGradient && !layer.HasTrainable)
            {
                return;
            }

            layer.Backward(g, context);
            g = layer.InputGradient;
        }

        AliasInputGradient(g);
    }

    /// <inheritdoc />
    public override void ApplyWeights(ReadOnlySpan<T> weights, BackwardContext<T> context)
    {
        foreach (var layer in _layers)
        {
            if (layer.HasTrainable)
            {
                layer.ApplyWeights(weights, context);
            }
        }
    }

    /// <inheritdoc />
    public override void DescribeNorms(ClippingMode mode, int length, List<ParameterClipping> destination)
    {
        foreach (var layer in _layers)
        {
            layer.DescribeNorms(mode, length, destination);
            length = layer.OutputLengthFor(length);
        }
    }

    private static SequenceLayer<T> First(SequenceLayer<T>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
        {
            throw new ArgumentException("A chain needs at least one layer.", nameof(layers));
        }

        return layers[0];
    }
}

/// <summary>A residual connection y = x + f(x) around a width-preserving layer f (He et al. 2016).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Backward: dx = dy + f′ᵀdy. Not thread-safe.</remarks>
internal sealed class ResidualLayer<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="ResidualLayer{T}"/> class.</summary>
    /// <param name="inner">f, with equal input and output widths and lengths.</param>
    public ResidualLayer(SequenceLayer<T> inner)
        : base(Check(inner).InputWidth, inner.OutputWidth)
    {
        Inner = inner;
    }

    /// <summary>Gets f.</summary>
    public SequenceLayer<T> Inner { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => Inner.Parameters;

    /// <summary>Re-reads the inner layer's parameters.</summary>
    public void RefreshParameters()
    {
        if (Inner is LayerChain<T> chain)
        {
            chain.RefreshParameters();
        }
    }

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        Inner.Forward(input, Batch, Length, pass);
        var n = Rows * InputWidth;
        TensorPrimitives.Add(input.AsSpan(0, n), Inner.Output.AsSpan(0, n), EnsureOutput().AsSpan(0, n));
    }

    /// <inheritdoc />
    protected override bool PlanChildren(bool needInputGradient)
    {
        Inner.PlanBackward(needInputGradient);
        return Inner.HasTrainable;
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        Inner.Backward(outputGradient, context);
        if (NeedsInputGradient)
        {
            var n = Rows * InputWidth;
            TensorPrimitives.Add(outputGradient.AsSpan(0, n), Inner.InputGradient.AsSpan(0, n), EnsureInputGradient().AsSpan(0, n));
        }
    }

    /// <inheritdoc />
    public override void ApplyWeights(ReadOnlySpan<T> weights, BackwardContext<T> context) => Inner.ApplyWeights(weights, context);

    /// <inheritdoc />
    public override void DescribeNorms(ClippingMode mode, int length, List<ParameterClipping> destination) => Inner.DescribeNorms(mode, length, destination);

    private static SequenceLayer<T> Check(SequenceLayer<T> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.InputWidth != inner.OutputWidth || inner.OutputLengthFor(2) != 2)
        {
            throw new ArgumentException("A residual connection needs a layer that keeps the width and the length.", nameof(inner));
        }

        return inner;
    }
}
