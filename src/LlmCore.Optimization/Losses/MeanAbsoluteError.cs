using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>Mean absolute error f(p, y) = |p − y|, ∂f/∂p = sign(p − y) with sign(0) = 0 (<c>torch.nn.L1Loss</c>).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class MeanAbsoluteError<T> : ElementwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public override string Name => "mae";

    /// <inheritdoc />
    protected override double Value(double prediction, double target) => Math.Abs(prediction - target);

    /// <inheritdoc />
    protected override double Derivative(double prediction, double target) => Math.Sign(prediction - target);
}
