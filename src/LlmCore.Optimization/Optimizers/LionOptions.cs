namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Lion{T}"/>, named as the arguments of lucidrains/lion-pytorch <c>Lion</c>, with its defaults (lion_pytorch/lion_pytorch.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record LionOptions
{
    internal const double DefaultLearningRate = 1e-4;
    internal const double DefaultBeta1 = 0.9;
    internal const double DefaultBeta2 = 0.99;
    internal const double DefaultWeightDecay = 0;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-4 (lion_pytorch/lion_pytorch.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets β₁, the first-moment decay, in [0, 1) (<c>betas[0]</c>).</summary>
    /// <value>The default value is 0.9 (lion_pytorch/lion_pytorch.py).</value>
    public double Beta1 { get; init; } = DefaultBeta1;

    /// <summary>Gets β₂, the second-moment decay, in [0, 1) (<c>betas[1]</c>).</summary>
    /// <value>The default value is 0.99 (lion_pytorch/lion_pytorch.py).</value>
    public double Beta2 { get; init; } = DefaultBeta2;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (lion_pytorch/lion_pytorch.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}
