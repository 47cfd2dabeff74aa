using System.Numerics;
using MathNet.Numerics;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// The Gaussian error linear unit in its exact form f(x) = x·Φ(x) = ½x(1 + erf(x/√2)), PyTorch's default
/// (Hendrycks and Gimpel 2016, "Gaussian Error Linear Units", arXiv:1606.08415); f′(x) = Φ(x) + x·φ(x).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>The error function is MathNet.Numerics' <c>SpecialFunctions.Erf</c>. This type holds no state and is thread-safe.</remarks>
public sealed class Gelu<T> : ActivationLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly double s_invSqrt2 = 1.0 / Math.Sqrt(2.0);
    private static readonly double s_invSqrt2Pi = 1.0 / Math.Sqrt(2.0 * Math.PI);

    /// <summary>Initializes a new instance of the <see cref="Gelu{T}"/> class.</summary>
    /// <param name="size">The width of a row, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    public Gelu(int size)
        : base(size)
    {
    }

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<T> input, Span<T> output)
    {
        for (var i = 0; i < input.Length; i++)
        {
            var x = double.CreateTruncating(input[i]);
            output[i] = T.CreateTruncating(0.5 * x * (1 + SpecialFunctions.Erf(x * s_invSqrt2)));
        }
    }

    /// <inheritdoc />
    protected override void ApplyGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
    {
        for (var i = 0; i < input.Length; i++)
        {
            var x = double.CreateTruncating(input[i]);
            var cdf = 0.5 * (1 + SpecialFunctions.Erf(x * s_invSqrt2));
            var pdf = s_invSqrt2Pi * Math.Exp(-0.5 * x * x);
            inputGradient[i] = T.CreateTruncating(cdf + (x * pdf)) * outputGradient[i];
        }
    }
}
