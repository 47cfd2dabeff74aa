namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Sgd{T}"/>, named as the arguments of <c>torch.optim.SGD</c>, with its defaults (torch/optim/sgd.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record SgdOptions
{
    internal const double DefaultLearningRate = 0.001;
    internal const double DefaultMomentum = 0;
    internal const double DefaultDampening = 0;
    internal const double DefaultWeightDecay = 0;
    internal const bool DefaultNesterov = false;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 0.001 (torch/optim/sgd.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the momentum μ, ≥ 0 (<c>momentum</c>).</summary>
    /// <value>The default value is 0 (torch/optim/sgd.py).</value>
    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Gets the momentum dampening τ (<c>dampening</c>).</summary>
    /// <value>The default value is 0 (torch/optim/sgd.py).</value>
    public double Dampening { get; init; } = DefaultDampening;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/sgd.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets a value indicating whether Nesterov momentum is used (<c>nesterov</c>).</summary>
    /// <value>The default value is <see langword="false"/> (torch/optim/sgd.py).</value>
    public bool Nesterov { get; init; } = DefaultNesterov;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}
