using System.Numerics;
using System.Numerics.Tensors;
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
        var count = T.CreateTruncating(c);
        ReadOnlySpan<T> gain = Gain.Values;
        ReadOnlySpan<T> beta = Bias is null ? default : Bias.Values;
        for (var r = 0; r < rows; r++)
        {
            var x = input.AsSpan(r * c, c);
            var n = xhat.AsSpan(r * c, c);
            if (IsRms)
            {
                x.CopyTo(n);
            }
            else
            {
                TensorPrimitives.Subtract(x, TensorPrimitives.Sum<T>(x) / count, n);
            }

            var scale = T.One / T.Sqrt((TensorPrimitives.SumOfSquares<T>(n) / count) + _epsilon);
            inverse[r] = scale;
            TensorPrimitives.Multiply(n, scale, n);
            var o = y.AsSpan(r * c, c);
            if (beta.IsEmpty)
            {
                TensorPrimitives.Multiply(n, gain, o);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(n, gain, beta, o);
            }
        }
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var c = InputWidth;
        var length = Length;
        var batch = Batch;
        var gainOn = Gain.RequiresGrad;
        var biasOn = Bias is { RequiresGrad: true };
        var pass = context.Pass;
        var dx = NeedsInputGradient ? EnsureInputGradient() : null;
        var scratch = context.Scratch(3 * c);
        var dxhat = scratch[..c];
        var gainAccumulator = scratch.Slice(c, c);
        var biasAccumulator = scratch.Slice(2 * c, c);
        if (pass == GradientPass.Norms)
        {
            Ensure(ref _gainRows, batch * c);
            Ensure(ref _biasRows, batch * c);
        }

        var perGain = gainOn && pass == GradientPass.PerExample ? context.Block(Gain) : default;
        var perBias = biasOn && pass == GradientPass.PerExample ? context.Block(Bias!) : default;
        var count = T.CreateTruncating(c);
        ReadOnlySpan<T> gain = Gain.Values;
        for (var i = 0; i < batch; i++)
        {
            // Where this example's Σₜ dy⊙x̂ and Σₜ dy go: its per-example row, or the shared batch accumulator.
            Span<T> gi = pass switch
            {
                GradientPass.PerExample when gainOn => perGain.Slice(i * c, c),
                GradientPass.Norms when gainOn => _gainRows.AsSpan(i * c, c),
                _ => gainAccumulator,
            };
            Span<T> bi = pass switch
            {
                GradientPass.PerExample when biasOn => perBias.Slice(i * c, c),
                GradientPass.Norms when biasOn => _biasRows.AsSpan(i * c, c),
                _ => biasAccumulator,
            };
            if (pass != GradientPass.Batch || i == 0)
            {
                gi.Clear();
                bi.Clear();
            }

            for (var t = 0; t < length; t++)
            {
                var r = (i * length) + t;
                var dy = outputGradient.AsSpan(r * c, c);
                var n = _normalized.AsSpan(r * c, c);
                if (gainOn)
                {
                    TensorPrimitives.MultiplyAdd(dy, n, gi, gi);
                }

                if (biasOn)
                {
                    TensorPrimitives.Add(dy, bi, bi);
                }

                if (dx is not null)
                {
                    TensorPrimitives.Multiply(dy, gain, dxhat);
                    var meanDotN = TensorPrimitives.Dot<T>(dxhat, n) / count;
                    var target = dx.AsSpan(r * c, c);
                    if (!IsRms)
                    {
                        TensorPrimitives.Subtract(dxhat, TensorPrimitives.Sum<T>(dxhat) / count, dxhat);
                    }

                    // dx = r·(dx̂ − [mean dx̂] − x̂·mean(dx̂⊙x̂))
                    TensorPrimitives.MultiplyAdd(n, -meanDotN, dxhat, target);
                    TensorPrimitives.Multiply(target, _inverseScale[r], target);
                }
            }

            if (pass == GradientPass.Norms)
            {
                var sum = 0.0;
                if (gainOn)
                {
                    sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(gi));
                }

                if (biasOn)
                {
                    sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(bi));
                }

                context.SquaredNorms[i] += sum;
            }
            else if (pass == GradientPass.PerExample && context.AccumulateBatch)
            {
                AddScaled(gainOn, gi, Gain, context.Scale);
                AddScaled(biasOn, bi, Bias, context.Scale);
            }
        }

        if (pass == GradientPass.Batch)
        {
            AddScaled(gainOn, gainAccumulator, Gain, context.Scale);
            AddScaled(biasOn, biasAccumulator, Bias, context.Scale);
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
}
