using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>Mean squared error f(p, y) = (p − y)², ∂f/∂p = 2(p − y) (<c>torch.nn.MSELoss</c>, Keras <c>"mse"</c>).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class MeanSquaredError<T> : ElementwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public override string Name => "mse";

    /// <inheritdoc />
    protected override double Value(double prediction, double target) => (prediction - target) * (prediction - target);

    /// <inheritdoc />
    protected override double Derivative(double prediction, double target) => 2 * (prediction - target);
}
