using System.Numerics;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// A stack of layers applied in order (<c>keras.Sequential</c>, <c>torch.nn.Sequential</c>), with the forward and
/// backward passes that produce the batch gradient and, on request, per-example gradients.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// The model keeps its activation buffers between calls so that steady-state training allocates nothing.
/// This type is not thread-safe: one training loop uses a model at a time.
/// </remarks>
public sealed class Sequential<T> : IModel<T>, IClippingPlanner
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ILayer<T>[] _layers;
    private T[][] _activations;
    private T[][] _gradients;
    private int _capacity;
    private PerExampleGradients<T>? _clipping;
    private T[] _clipWeights = [];
    private readonly BackwardContext<T> _context = new();
    private readonly PerExampleGradients<T>?[] _fallback;

    /// <summary>Initializes a new instance of the <see cref="Sequential{T}"/> class.</summary>
    /// <param name="layers">The layers, at least one; each layer's input width must equal the previous output width.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No layers, widths that do not chain, or two parameters with one name.</exception>
    public Sequential(params ILayer<T>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
        {
            throw new ArgumentException("A model needs at least one layer.", nameof(layers));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var parameters = new List<Parameter<T>>();
        for (var l = 0; l < layers.Length; l++)
        {
            ArgumentNullException.ThrowIfNull(layers[l], nameof(layers));
            if (l > 0 && layers[l].InputSize != layers[l - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"Layer {l} takes {layers[l].InputSize} inputs but layer {l - 1} gives {layers[l - 1].OutputSize} outputs.",
                    nameof(layers));
            }

            foreach (var parameter in layers[l].Parameters)
            {
                if (!names.Add(parameter.Name))
                {
                    throw new ArgumentException($"Two parameters are named '{parameter.Name}'; give the layers distinct names.", nameof(layers));
                }

                parameters.Add(parameter);
            }
        }

        _layers = (ILayer<T>[])layers.Clone();
        _fallback = new PerExampleGradients<T>?[_layers.Length];
        Parameters = parameters;
        _activations = [];
        _gradients = [];
    }

    /// <summary>Gets the layers, in order.</summary>
    public IReadOnlyList<ILayer<T>> Layers => _layers;

    /// <summary>Gets every trainable parameter, in layer order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Gets the width of one input row.</summary>
    public int InputSize => _layers[0].InputSize;

    /// <summary>Gets the width of one output row.</summary>
    public int OutputSize => _layers[^1].OutputSize;

    /// <summary>Computes the model's outputs (for a classifier, its logits) for a batch.</summary>
    /// <param name="input">The batch, <paramref name="batchSize"/>·<see cref="InputSize"/> values, row-major.</param>
    /// <param name="output">Receives <paramref name="batchSize"/>·<see cref="OutputSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 0.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Predict(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        LayerGuards.CheckForward(input.Length, output.Length, batchSize, InputSize, OutputSize);
        RunForward(input, batchSize);
        _activations[^1].AsSpan(0, batchSize * OutputSize).CopyTo(output);
    }

    /// <summary>
    /// Runs the forward pass, the loss and the backward pass over a batch: adds the gradient of the mean loss
    /// (1/B)·Σᵢ ∇ℓᵢ to every <see cref="Parameter{T}.Gradient"/> (call <see cref="ZeroGrad"/> first, as in PyTorch),
    /// and, when <paramref name="perExample"/> is given, writes each ∇ℓᵢ into it in the same pass.
    /// </summary>
    /// <param name="input">The batch, <paramref name="batchSize"/>·<see cref="InputSize"/> values.</param>
    /// <param name="targets">The targets, <paramref name="batchSize"/>·<see cref="ILoss{T}.TargetSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 1.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="perExample">A buffer from <see cref="CreatePerExampleGradients"/>, or <see langword="null"/>.</param>
    /// <returns>The mean loss over the batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1 or above the buffer's capacity.</exception>
    public double ComputeGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, PerExampleGradients<T>? perExample = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return ComputeGradients(input, targets, batchSize, loss, T.One / T.CreateChecked(batchSize), perExample);
    }

    /// <inheritdoc />
    public double ComputeGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, T scale, PerExampleGradients<T>? perExample = null)
    {
        var value = ForwardAndLoss(input, targets, batchSize, loss);
        perExample?.Reset(batchSize);
        for (var l = _layers.Length - 1; l >= 0; l--)
        {
            var layer = _layers[l];
            ReadOnlySpan<T> layerInput = l == 0 ? input : _activations[l - 1].AsSpan(0, batchSize * layer.InputSize);
            var inputGradient = l == 0 ? Span<T>.Empty : _gradients[l - 1].AsSpan(0, batchSize * layer.InputSize);
            layer.Backward(
                layerInput,
                _activations[l].AsSpan(0, batchSize * layer.OutputSize),
                _gradients[l].AsSpan(0, batchSize * layer.OutputSize),
                inputGradient,
                batchSize,
                scale,
                perExample);
        }

        return value;
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Under <see cref="ClippingMode.Ghost"/> and <see cref="ClippingMode.Automatic"/> a <see cref="Dense{T}"/> layer's
    /// per-example squared norm is ‖δᵢ‖²(‖xᵢ‖² + 1) for its weight and bias (ghost clipping at one position: ‖δᵢxᵢᵀ‖² =
    /// ‖δᵢ‖²‖xᵢ‖²), computed during one backward pass that forms input gradients only; after the weighting returns,
    /// each dense layer adds δᵀ·diag(w)·X and Σᵢwᵢδᵢ from its stored input and output gradient (book-keeping, Bu et al.
    /// 2023). Other layers with trainable parameters materialise their per-example gradients.
    /// <see cref="ClippingMode.Materialized"/> forms every per-example gradient (Goodfellow 2015), as Opacus does.
    /// </para>
    /// </remarks>
    public double ComputeWeightedGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, IExampleWeighting<T> weighting, Span<T> norms, ClippingMode mode = ClippingMode.Automatic)
    {
        ClippingGuards.WeightedCall(weighting, batchSize, norms.Length, mode);

        if (_clipWeights.Length < batchSize)
        {
            _clipWeights = new T[batchSize];
        }

        var exampleNorms = norms[..batchSize];
        var weights = _clipWeights.AsSpan(0, batchSize);
        if (mode == ClippingMode.Materialized)
        {
            if (_clipping is null || _clipping.Capacity < batchSize)
            {
                _clipping = new PerExampleGradients<T>(Parameters, batchSize);
            }

            var result = ComputeGradients(input, targets, batchSize, loss, T.Zero, _clipping);
            _clipping.ComputeNorms(exampleNorms, trainableOnly: true);
            weighting.ComputeWeights(exampleNorms, weights);
            _clipping.AddWeighted(weights, trainableOnly: true);
            return result;
        }

        var value = ForwardAndLoss(input, targets, batchSize, loss);
        _context.BeginNorms(batchSize, mode);
        for (var l = _layers.Length - 1; l >= 0; l--)
        {
            var layer = _layers[l];
            ReadOnlySpan<T> layerInput = l == 0 ? input : _activations[l - 1].AsSpan(0, batchSize * layer.InputSize);
            ReadOnlySpan<T> outputGradient = _gradients[l].AsSpan(0, batchSize * layer.OutputSize);
            var inputGradient = l == 0 ? Span<T>.Empty : _gradients[l - 1].AsSpan(0, batchSize * layer.InputSize);
            if (layer is IBookkeepingLayer<T> bookkeeping)
            {
                bookkeeping.BackwardInput(outputGradient, inputGradient, batchSize);
                bookkeeping.AddSquaredNorms(layerInput, outputGradient, batchSize, _context);
            }
            else if (HasTrainable(layer))
            {
                var buffer = FallbackBuffer(l, batchSize);
                buffer.Reset(batchSize);
                layer.Backward(layerInput, _activations[l].AsSpan(0, batchSize * layer.OutputSize), outputGradient, inputGradient, batchSize, T.Zero, buffer);
                var squared = _context.SquaredNorms;
                for (var p = 0; p < buffer.Parameters.Count; p++)
                {
                    if (buffer.Parameters[p].RequiresGrad)
                    {
                        for (var i = 0; i < batchSize; i++)
                        {
                            squared[i] += double.CreateTruncating(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<T>(buffer.Get(p, i)));
                        }
                    }
                }
            }
            else
            {
                layer.Backward(layerInput, _activations[l].AsSpan(0, batchSize * layer.OutputSize), outputGradient, inputGradient, batchSize, T.Zero, null);
            }
        }

        var sums = _context.SquaredNorms;
        for (var i = 0; i < batchSize; i++)
        {
            exampleNorms[i] = T.CreateTruncating(Math.Sqrt(sums[i]));
        }

        weighting.ComputeWeights(exampleNorms, weights);
        for (var l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            ReadOnlySpan<T> layerInput = l == 0 ? input : _activations[l - 1].AsSpan(0, batchSize * layer.InputSize);
            if (layer is IBookkeepingLayer<T> bookkeeping)
            {
                bookkeeping.AddWeighted(weights, layerInput, _gradients[l].AsSpan(0, batchSize * layer.OutputSize), batchSize, _context);
            }
            else if (HasTrainable(layer))
            {
                _fallback[l]!.AddWeighted(weights, trainableOnly: true);
            }
        }

        return value;
    }

    /// <inheritdoc />
    public ClippingPlan PlanClipping(ClippingMode mode)
    {
        ClippingGuards.Mode(mode);

        var entries = new List<ParameterClipping>();
        foreach (var layer in _layers)
        {
            if (mode != ClippingMode.Materialized && layer is IBookkeepingLayer<T> bookkeeping)
            {
                bookkeeping.DescribeNorms(mode, entries);
                continue;
            }

            foreach (var parameter in layer.Parameters)
            {
                if (parameter.RequiresGrad)
                {
                    entries.Add(new ParameterClipping(parameter.Name, PerExampleNormMethod.Materialized));
                }
            }
        }

        return new ClippingPlan(entries);
    }

    /// <summary>Creates a buffer for the per-example gradients of batches of up to <paramref name="capacity"/> examples.</summary>
    /// <param name="capacity">The largest batch, ≥ 1.</param>
    /// <returns>A buffer over <see cref="Parameters"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public PerExampleGradients<T> CreatePerExampleGradients(int capacity) => new(Parameters, capacity);

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        var parameters = Parameters;
        for (var p = 0; p < parameters.Count; p++)
        {
            parameters[p].ZeroGrad();
        }
    }

    private double ForwardAndLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (input.Length != batchSize * InputSize)
        {
            throw new ArgumentException($"Expected {batchSize}×{InputSize} input values; got {input.Length}.", nameof(input));
        }

        var targetSize = loss.TargetSize(OutputSize);
        if (targets.Length != batchSize * targetSize)
        {
            throw new ArgumentException($"Expected {batchSize}×{targetSize} target values for {loss.Name}; got {targets.Length}.", nameof(targets));
        }

        RunForward(input, batchSize);
        var outputGradient = _gradients[^1].AsSpan(0, batchSize * OutputSize);
        return loss.Compute(_activations[^1].AsSpan(0, batchSize * OutputSize), targets, batchSize, outputGradient);
    }

    private static bool HasTrainable(ILayer<T> layer)
    {
        var parameters = layer.Parameters;
        for (var p = 0; p < parameters.Count; p++)
        {
            if (parameters[p].RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    private PerExampleGradients<T> FallbackBuffer(int layer, int batchSize)
    {
        var buffer = _fallback[layer];
        if (buffer is null || buffer.Capacity < batchSize)
        {
            buffer = new PerExampleGradients<T>(_layers[layer].Parameters, batchSize);
            _fallback[layer] = buffer;
        }

        return buffer;
    }

    private void RunForward(ReadOnlySpan<T> input, int batchSize)
    {
        EnsureCapacity(batchSize);
        for (var l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            ReadOnlySpan<T> layerInput = l == 0 ? input : _activations[l - 1].AsSpan(0, batchSize * layer.InputSize);
            layer.Forward(layerInput, _activations[l].AsSpan(0, batchSize * layer.OutputSize), batchSize);
        }
    }

    private void EnsureCapacity(int batchSize)
    {
        if (batchSize <= _capacity)
        {
            return;
        }

        _activations = new T[_layers.Length][];
        _gradients = new T[_layers.Length][];
        for (var l = 0; l < _layers.Length; l++)
        {
            _activations[l] = new T[checked(batchSize * _layers[l].OutputSize)];
            _gradients[l] = new T[checked(batchSize * _layers[l].OutputSize)];
        }

        _capacity = batchSize;
    }
}
