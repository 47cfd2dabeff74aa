using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>
/// Binary cross-entropy on logits z with targets y ∈ [0, 1] (<c>torch.nn.BCEWithLogitsLoss</c>), in the stable
/// form f = max(z, 0) − z·y + log(1 + e^(−|z|)); ∂f/∂z = σ(z) − y.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class BinaryCrossEntropyWithLogits<T> : ElementwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public override string Name => "bce_with_logits";

    /// <inheritdoc />
    protected override double Value(double prediction, double target)
    {
        if (!(target >= 0 && target <= 1))
        {
            throw new ArgumentException($"Binary cross-entropy needs targets in [0, 1]; got {target}.", "targets");
        }

        return Math.Max(prediction, 0) - (prediction * target) + Math.Log(1 + Math.Exp(-Math.Abs(prediction)));
    }

    /// <inheritdoc />
    protected override double Derivative(double prediction, double target) => (1 / (1 + Math.Exp(-prediction))) - target;
}
