using System.Numerics;

namespace LlmCore.Optimization.Losses;

/// <summary>
/// The Huber loss (Huber 1964, "Robust estimation of a location parameter"), as <c>torch.nn.HuberLoss</c>:
/// with r = p − y, f = ½r² when |r| ≤ δ, otherwise δ(|r| − ½δ); ∂f/∂p = r clipped to [−δ, δ].
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class HuberLoss<T> : ElementwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="HuberLoss{T}"/> class.</summary>
    /// <param name="delta">The threshold δ &gt; 0 between the quadratic and linear parts (PyTorch's default is 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not a finite number &gt; 0.</exception>
    public HuberLoss(double delta = 1.0)
    {
        if (!double.IsFinite(delta) || delta <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be a finite number > 0.");
        }

        Delta = delta;
    }

    /// <summary>Gets the threshold δ.</summary>
    public double Delta { get; }

    /// <inheritdoc />
    public override string Name => "huber";

    /// <inheritdoc />
    protected override double Value(double prediction, double target)
    {
        var r = Math.Abs(prediction - target);
        return r <= Delta ? 0.5 * r * r : Delta * (r - (0.5 * Delta));
    }

    /// <inheritdoc />
    protected override double Derivative(double prediction, double target) => Math.Clamp(prediction - target, -Delta, Delta);
}
