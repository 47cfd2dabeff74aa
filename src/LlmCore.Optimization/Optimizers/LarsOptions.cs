namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Lars{T}"/>, named as the arguments of Optax <c>lars</c> (whose learning rate has no default; 1e-3 here), with its defaults (optax/_src/alias.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record LarsOptions
{
    internal const double DefaultLearningRate = 1e-3;
    internal const double DefaultWeightDecay = 0;
    internal const double DefaultTrustCoefficient = 1e-3;
    internal const double DefaultEpsilon = 0;
    internal const double DefaultMomentum = 0.9;
    internal const bool DefaultNesterov = false;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-3 (optax/_src/alias.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (optax/_src/alias.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets the trust coefficient, &gt; 0 (<c>trust_coefficient</c>).</summary>
    /// <value>The default value is 1e-3 (optax/_src/alias.py).</value>
    public double TrustCoefficient { get; init; } = DefaultTrustCoefficient;

    /// <summary>Gets ε, added to ‖u‖, ≥ 0 (<c>eps</c>).</summary>
    /// <value>The default value is 0 (optax/_src/alias.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets the momentum μ, ≥ 0 (<c>momentum</c>).</summary>
    /// <value>The default value is 0.9 (optax/_src/alias.py).</value>
    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Gets a value indicating whether Nesterov momentum is used (<c>nesterov</c>).</summary>
    /// <value>The default value is <see langword="false"/> (optax/_src/alias.py).</value>
    public bool Nesterov { get; init; } = DefaultNesterov;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}
