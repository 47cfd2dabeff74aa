namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="RmsProp{T}"/>, named as the arguments of <c>torch.optim.RMSprop</c>, with its defaults (torch/optim/rmsprop.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record RmsPropOptions
{
    internal const double DefaultLearningRate = 1e-2;
    internal const double DefaultAlpha = 0.99;
    internal const double DefaultEpsilon = 1e-8;
    internal const double DefaultWeightDecay = 0;
    internal const double DefaultMomentum = 0;
    internal const bool DefaultCentered = false;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-2 (torch/optim/rmsprop.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the smoothing constant α, in [0, 1) (<c>alpha</c>).</summary>
    /// <value>The default value is 0.99 (torch/optim/rmsprop.py).</value>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Gets ε, added to the denominator, &gt; 0 (<c>eps</c>).</summary>
    /// <value>The default value is 1e-8 (torch/optim/rmsprop.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/rmsprop.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets the momentum μ, ≥ 0 (<c>momentum</c>).</summary>
    /// <value>The default value is 0 (torch/optim/rmsprop.py).</value>
    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Gets a value indicating whether the second moment is centred (<c>centered</c>).</summary>
    /// <value>The default value is <see langword="false"/> (torch/optim/rmsprop.py).</value>
    public bool Centered { get; init; } = DefaultCentered;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}
