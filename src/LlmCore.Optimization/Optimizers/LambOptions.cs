namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Lamb{T}"/>, named as the arguments of Optax <c>lamb</c> (whose learning rate has no default; 1e-3 here), with its defaults (optax/_src/alias.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record LambOptions
{
    internal const double DefaultLearningRate = 1e-3;
    internal const double DefaultBeta1 = 0.9;
    internal const double DefaultBeta2 = 0.999;
    internal const double DefaultEpsilon = 1e-6;
    internal const double DefaultEpsilonRoot = 0;
    internal const double DefaultWeightDecay = 0;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-3 (optax/_src/alias.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets β₁, the first-moment decay, in [0, 1) (<c>betas[0]</c>).</summary>
    /// <value>The default value is 0.9 (optax/_src/alias.py).</value>
    public double Beta1 { get; init; } = DefaultBeta1;

    /// <summary>Gets β₂, the second-moment decay, in [0, 1) (<c>betas[1]</c>).</summary>
    /// <value>The default value is 0.999 (optax/_src/alias.py).</value>
    public double Beta2 { get; init; } = DefaultBeta2;

    /// <summary>Gets ε, added to the denominator, &gt; 0 (<c>eps</c>).</summary>
    /// <value>The default value is 1e-6 (optax/_src/alias.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets ε_root inside the square root, ≥ 0 (<c>eps_root</c>).</summary>
    /// <value>The default value is 0 (optax/_src/alias.py).</value>
    public double EpsilonRoot { get; init; } = DefaultEpsilonRoot;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (optax/_src/alias.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}
