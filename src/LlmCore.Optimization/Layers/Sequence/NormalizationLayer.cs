using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// Per-position normalisation over the C values of a row: LayerNorm y = γ⊙(x − μ)/√(σ² + ε) + β (Ba, Kiros, Hinton
/// 2016; biased variance as torch.nn.LayerNorm) or RMSNorm y = γ⊙x/√(mean(x²) + ε) (Zhang and Sennrich 2019).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Backward with x̂ the normalised input and r = 1/√(·+ε): dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂⊙x̂)) for LayerNorm
/// (without the mean(dx̂) term for RMSNorm), dx̂ = γ⊙dy; ∂ℓ/∂γ = Σₜ dyₜ⊙x̂ₜ, ∂ℓ/∂β = Σₜ dyₜ.
/// Per-example gradients of γ and β are d-vectors; a norms pass materialises them (research note: they are small)
/// and keeps them for the weighted sum.
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class NormalizationLayer<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly T _epsilon;
    private T[] _normalized = [];
    private T[] _inverseScale = [];
    private T[] _gainRows = [];
    private T[] _biasRows = [];
    private T[] _scratchRows = [];

    /// <summary>Initializes a new instance of the <see cref="NormalizationLayer{T}"/> class with γ = 1 and β = 0.</summary>
    /// <param name="name">The parameter-name prefix (<c>{name}.weight</c>, <c>{name}.bias</c>).</param>
    /// <param name="width">C ≥ 1.</param>
    /// <param name="rms">RMSNorm (no centring, no bias) instead of LayerNorm.</param>
    /// <param name="bias">Whether a LayerNorm has β.</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    public NormalizationLayer(string name, int width, bool rms, bool bias, double epsilon)
        : base(width, width)
    {
        var gainValues = new T[width];
        gainValues.AsSpan().Fill(T.One);
        Gain = new Parameter<T>(name + ".weight", gainValues, width);
        Bias = rms || !bias ? null : Parameter<T>.Zeros(name + ".bias", width);
        IsRms = rms;
        _epsilon = T.CreateTruncating(epsilon);
        _parameters = Bias is null ? [Gain] : [Gain, Bias];
    }

    private const int RowsPerChunk = 64;

    /// <summary>Gets γ.</summary>
    public Parameter<T> Gain { get; }

    /// <summary>Gets β, or <see langword="null"/> (RMSNorm, or LayerNorm without bias).</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>Gets a value indicating whether this is RMSNorm.</summary>
    public bool IsRms { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        var c = InputWidth;
        var rows = Rows;
        var y = EnsureOutput();
        var xhat = Ensure(ref _normalized, rows * c);
        var inverse = Ensure(ref _inverseScale, rows);
        var chunks = SequenceParallel.Chunks((long)rows * c, RowsPerChunk * c);
        SequenceParallel.For(chunks, new ForwardWork(input, y, xhat, inverse, Gain.ValueArray, Bias?.ValueArray, rows, c, chunks, IsRms, _epsilon));
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var c = InputWidth;
        var batch = Batch;
        var gainOn = Gain.RequiresGrad;
        var biasOn = Bias is { RequiresGrad: true };
        var pass = context.Pass;
        Ensure(ref _gainRows, batch * c);
        Ensure(ref _biasRows, batch * c);
        var scratch = Ensure(ref _scratchRows, batch * c);
        var dx = NeedsInputGradient ? EnsureInputGradient() : null;
        SequenceParallel.For(batch, new BackwardWork(outputGradient, _normalized, _inverseScale, Gain.ValueArray, dx, _gainRows, _biasRows, scratch, Length, c, IsRms, gainOn, biasOn));

        // Per-example Σₜ dy⊙x̂ and Σₜ dy are now rows of _gainRows/_biasRows; reduce them in example order.
        var scale = context.Scale;
        for (var i = 0; i < batch; i++)
        {
            var gi = _gainRows.AsSpan(i * c, c);
            var bi = _biasRows.AsSpan(i * c, c);
            switch (pass)
            {
                case GradientPass.Norms:
                    context.SquaredNorms[i] += (gainOn ? double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(gi)) : 0)
                        + (biasOn ? double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(bi)) : 0);
                    break;
                case GradientPass.PerExample:
                    if (gainOn)
                    {
                        gi.CopyTo(context.Block(Gain).Slice(i * c, c));
                    }

                    if (biasOn)
                    {
                        bi.CopyTo(context.Block(Bias!).Slice(i * c, c));
                    }

                    break;
            }

            if (context.AddsBatchGradient)
            {
                AddScaled(gainOn, gi, Gain, scale);
                AddScaled(biasOn, bi, Bias, scale);
            }
        }
    }

    /// <inheritdoc />
    public override void ApplyWeights(ReadOnlySpan<T> weights, BackwardContext<T> context)
    {
        var c = InputWidth;
        for (var i = 0; i < Batch; i++)
        {
            AddScaled(Gain.RequiresGrad, _gainRows.AsSpan(i * c, c), Gain, weights[i]);
            AddScaled(Bias is { RequiresGrad: true }, _biasRows.AsSpan(i * c, c), Bias, weights[i]);
        }
    }

    /// <inheritdoc />
    public override void DescribeNorms(ClippingMode mode, int length, List<ParameterClipping> destination)
    {
        if (Gain.RequiresGrad)
        {
            destination.Add(new ParameterClipping(Gain.Name, PerExampleNormMethod.Materialized));
        }

        if (Bias is { RequiresGrad: true })
        {
            destination.Add(new ParameterClipping(Bias.Name, PerExampleNormMethod.Materialized));
        }
    }

    private static void AddScaled(bool on, ReadOnlySpan<T> values, Parameter<T>? parameter, T scale)
    {
        if (on)
        {
            var gradient = parameter!.Gradient;
            TensorPrimitives.MultiplyAdd(values, scale, gradient, gradient);
        }
    }

    /// <summary>Normalises the rows of one chunk.</summary>
    private readonly struct ForwardWork(T[] input, T[] output, T[] normalized, T[] inverseScale, T[] gain, T[]? bias, int rows, int width, int chunks, bool rms, T epsilon) : IParallelBody
    {
        public void Invoke(int index)
        {
            var c = width;
            var count = T.CreateTruncating(c);
            var start = (int)((long)index * rows / chunks);
            var end = (int)((long)(index + 1) * rows / chunks);
            for (var r = start; r < end; r++)
            {
                var x = input.AsSpan(r * c, c);
                var n = normalized.AsSpan(r * c, c);
                if (rms)
                {
                    x.CopyTo(n);
                }
                else
                {
                    TensorPrimitives.Subtract(x, TensorPrimitives.Sum<T>(x) / count, n);
                }

                var scale = T.One / T.Sqrt((TensorPrimitives.SumOfSquares<T>(n) / count) + epsilon);
                inverseScale[r] = scale;
                TensorPrimitives.Multiply(n, scale, n);
                var o = output.AsSpan(r * c, c);
                if (bias is null)
                {
                    TensorPrimitives.Multiply(n, gain, o);
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(n, gain, bias, o);
                }
            }
        }
    }

    /// <summary>One sequence of the backward pass: its input gradient rows and its Σₜ dy⊙x̂, Σₜ dy.</summary>
    private readonly struct BackwardWork(T[] outputGradient, T[] normalized, T[] inverseScale, T[] gain, T[]? inputGradient, T[] gainRows, T[] biasRows, T[] scratch, int length, int width, bool rms, bool gainOn, bool biasOn) : IParallelBody
    {
        public void Invoke(int index)
        {
            var c = width;
            var count = T.CreateTruncating(c);
            var gi = gainRows.AsSpan(index * c, c);
            var bi = biasRows.AsSpan(index * c, c);
            var dxhat = scratch.AsSpan(index * c, c);
            gi.Clear();
            bi.Clear();
            for (var t = 0; t < length; t++)
            {
                var r = (index * length) + t;
                var dy = outputGradient.AsSpan(r * c, c);
                var n = normalized.AsSpan(r * c, c);
                if (gainOn)
                {
                    TensorPrimitives.MultiplyAdd(dy, n, gi, gi);
                }

                if (biasOn)
                {
                    TensorPrimitives.Add(dy, bi, bi);
                }

                if (inputGradient is not null)
                {
                    // dx = r·(dx̂ − [mean dx̂] − x̂·mean(dx̂⊙x̂)), dx̂ = γ⊙dy.
                    TensorPrimitives.Multiply(dy, gain, dxhat);
                    var meanDotN = TensorPrimitives.Dot<T>(dxhat, n) / count;
                    if (!rms)
                    {
                        TensorPrimitives.Subtract(dxhat, TensorPrimitives.Sum<T>(dxhat) / count, dxhat);
                    }

                    var target = inputGradient.AsSpan(r * c, c);
                    TensorPrimitives.MultiplyAdd(n, -meanDotN, dxhat, target);
                    TensorPrimitives.Multiply(target, inverseScale[r], target);
                }
            }
        }
    }
}
